"""The build, read top to bottom: load and validate, render, write."""
import logging
import multiprocessing
import os
import re
import signal
import threading
import time
from datetime import date
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .content import load_site
from .kinds import KINDS
from .kinds.codes import CODE_FILE, read_draft
from .registry import expired_registrations
from .memo import Memo
from .model import ContentError
from .routes import STATIC
from .render import (fingerprint_assets, make_outputs, plan_changed, plan_site,
                     render_draft)
from .write import check_output, remove_stale, write_changed, write_site

log = logging.getLogger("httpref")
DRAFTABLE = re.compile("content/codes/" + CODE_FILE.pattern)  # a problem path with a draft
STATIC_FILES = STATIC.lstrip("/")  # the folder of the stylesheet, script and icon


def check_site(root: Path, today: str | None = None):
    """Validate all content and render it in memory, so that what passes here builds; raise
    ContentError listing every problem; warn about registry data that may have gone stale."""
    site = load_site(root)
    render_in_parallel(site, root / "templates", fingerprint_assets(root / "static"))
    for warning in expired_registrations(site.registry, today or date.today().isoformat()):
        log.warning("warning: %s", warning)
    for kind in KINDS:
        for note in getattr(kind, "notes", lambda site: ())(site):
            log.info("%s", note)
    return site


def build_site(root: Path, out: Path, base_url: str | None = None,
               workers: int | None = None) -> int:
    """Build the whole site into `out` (rendering with `workers` processes, by default one
    per core); on any error the previous `out` is left as it was."""
    started = time.perf_counter()
    check_output(out, root)  # before the work of rendering: an `out` never to replace
    site = load_site(root, base_url)
    assets = fingerprint_assets(root / "static")
    outputs = render_in_parallel(site, root / "templates", assets, workers)
    count = write_site(outputs, out, root)
    pages = sum(1 for path, _ in outputs if path.endswith(".html"))
    log.info("Built %d pages (%d files) in %.2f s", pages, count, time.perf_counter() - started)
    return count


_JOB = None  # what forked workers render from: (the plan, its Markdown converter, templates)


def render_in_parallel(site, templates: Path, assets: dict, workers: int | None = None) -> list:
    """Every output file of the site as (path, bytes), the HTML pages shared among forked
    processes, one per core: Markdown and Pygments are most of a build, and each page is
    independent of the others. The site is planned once, before the fork, and every process
    renders its share of that plan. Only from a single-threaded process (the command line):
    forking threads is unsafe."""
    global _JOB
    plan, markdown = plan_site(site, templates, assets, Memo())
    pages = [output.path for output in plan if output.path.endswith(".html")]
    workers = (workers or parallel_workers()) if len(pages) >= 40 else 1
    if workers < 2:
        return make_outputs(plan, markdown, templates)
    shares = [set(pages[index::workers]) for index in range(workers)]
    # A file made beside a page (its card, a code's data) is made by the same process, which
    # has that page's Markdown converted already; every other file by the first.
    share_of = {path: share for share in shares for path in share}
    for output in plan:
        if output.path not in share_of:
            share_of.get(output.beside, shares[0]).add(output.path)
    _JOB = (plan, markdown, templates)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers - 1, mp_context=context,
                                 initializer=leave_signals) as pool:
            futures = [pool.submit(render_share, share) for share in shares[1:]]
            outputs, problems = [], []

            def gather(render):  # every share's problems, so the build fails once with all
                try:
                    outputs.extend(render())
                except ContentError as error:
                    problems.extend(error.problems)

            gather(lambda: render_share(shares[0]))
            for future in futures:
                gather(future.result)
            if problems:
                raise ContentError(problems)
    finally:
        _JOB = None
    return outputs


def parallel_workers() -> int:
    """How many processes a full build renders with here: one per core, up to four."""
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(os.cpu_count() or 1, 4)


def leave_signals():
    """In a worker: Ctrl-C and SIGTERM are the parent's to handle; it stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def render_share(share: set) -> list:
    """Render the outputs of the plan whose paths are in `share` (a worker's, or the parent's)."""
    plan, markdown, templates = _JOB
    return make_outputs([output for output in plan if output.path in share], markdown, templates)


class Builder:
    """A warm build for the dev server: unchanged files are not re-read, and only the outputs
    whose fingerprint (of everything they show, the templates and the assets) differs from
    the last build actually written are rendered and rewritten."""

    def __init__(self, root: Path, out: Path):
        check_output(out, root)  # refuse before the server starts
        self.root, self.out = root, out
        self.memo = Memo()  # what each rebuild reuses from the last
        self.written = {}  # path -> bytes as last written
        self.prints = {}  # path -> fingerprint of what it showed when last written
        self.stamps = {}  # path -> (size, modification time) after our last write
        self.pending = {}  # path -> (Output, fingerprint): changed files not written yet
        self.markdown = None  # the converter the pending files render with

    def build(self, first=None) -> int:
        """Rebuild what changed since the last build written; return the files written.
        Given `first` (output paths: the pages open in a browser), only those pages and the
        static files they link to are written now, and the other changed files wait in
        `pending` for finish(): the dev server reloads the browser in between."""
        started = time.perf_counter()
        self.pending = {}
        site = load_site(self.root, memo=self.memo)
        assets = fingerprint_assets(self.root / "static")
        before = self.prints if self.written and self.out.exists() else {}
        changed, prints, markdown = plan_changed(site, self.root / "templates", assets,
                                                 self.memo, before)
        later = {output.path: output for output in changed if before and first is not None
                 and output.path not in first and not output.path.startswith(STATIC_FILES)}
        outputs = make_outputs([output for output in changed if output.path not in later],
                               markdown, self.root / "templates")
        count = self.restore()
        if before:
            count += write_changed(outputs, self.out, self.written)
            count += remove_stale(self.out, self.written, set(prints))
        else:
            count = write_site(outputs, self.out, self.root)
            self.written = dict(outputs)
        # A page still to write keeps its old fingerprint, so a new edit meanwhile replans it.
        self.prints = {path: self.prints.get(path) if path in later else value
                       for path, value in prints.items()}
        self.stamps = {rel: stamp(self.out / rel) for rel in self.written}
        self.pending = {path: (output, prints[path]) for path, output in later.items()}
        self.markdown = markdown
        log.info("Rebuilt %d file(s) in %.0f ms%s", count, (time.perf_counter() - started) * 1000,
                 f"; {len(later)} file(s) follow" if later else "")
        return count

    def finish(self, paths=None, limit: int | None = None) -> int:
        """Write the given pending files (or the next `limit` of them, or all); return how
        many changed. A template mistake among them raises ContentError."""
        chosen = [path for path in (paths if paths is not None else list(self.pending)[:limit])
                  if path in self.pending]
        planned = [self.pending.pop(path) for path in chosen]
        outputs = make_outputs([output for output, _ in planned], self.markdown,
                               self.root / "templates")
        count = write_changed(outputs, self.out, self.written)
        for output, value in planned:
            self.prints[output.path] = value
            self.stamps[output.path] = stamp(self.out / output.path)
        return count

    def restore(self) -> int:
        """Rewrite the files of the last build that were changed or deleted behind our back."""
        lost = [(rel, data) for rel, data in self.written.items()
                if stamp(self.out / rel) != self.stamps.get(rel)]
        count = write_changed(lost, self.out, {})
        self.stamps.update({rel: stamp(self.out / rel) for rel, _ in lost})
        return count

    def drafts(self, problems) -> dict:
        """URL -> page of each entry that does not pass check yet, rendered in memory beside
        the rest of the site, never written (with the static files it links to); {} when the
        rest does not load either."""
        broken = {self.root / problem.path for problem in problems
                  if DRAFTABLE.fullmatch(problem.path) and (self.root / problem.path).is_file()}
        if not broken:
            return {}
        try:
            site = load_site(self.root, skip=broken, memo=self.memo)
            assets = fingerprint_assets(self.root / "static")
        except ContentError:
            return {}
        pages = {url: data for url, data in assets.values()}  # no good build may exist yet
        for path in sorted(broken):
            entry, _ = read_draft(path, self.root, site.registry)
            try:
                pages[entry.url] = render_draft(site, self.root / "templates", assets, entry,
                                                self.memo)
            except Exception as error:  # a draft is a courtesy: the error banner still shows
                log.warning("No draft of %s: %s", entry.source, error)
        return pages


def stamp(path: Path):
    """(size, modification time) of a file, or None when it is gone."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns

