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

from .content import CODE_FILE, expired_registrations, load_site, read_draft
from .memo import Memo
from .model import ContentError
from .schema import CLASS_KEYS
from .render import fingerprint_assets, render_draft, render_site
from .routes import API, HOME, class_url, code_url, output_path, page_url
from .write import check_output, remove_stale, write_changed, write_site

log = logging.getLogger("httpref")
DRAFTABLE = re.compile("content/codes/" + CODE_FILE.pattern)  # a problem path with a draft


def check_site(root: Path, today: str | None = None):
    """Validate all content and render it in memory, so that what passes here builds; raise
    ContentError listing every problem; warn about registry data that may have gone stale."""
    site = load_site(root)
    render_in_parallel(site, root / "templates", fingerprint_assets(root / "static"))
    for warning in expired_registrations(site.registry, today or date.today().isoformat()):
        log.warning("warning: %s", warning)
    missing = sorted(set(site.registry) - set(site.by_code))
    if missing:
        log.info("%d registered codes have no page yet: %s", len(missing),
                 " ".join(map(str, missing)))
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


_JOB = None  # what forked workers render from: (site, templates, assets)


def render_in_parallel(site, templates: Path, assets: dict, workers: int | None = None) -> list:
    """render_site with the code pages shared among forked processes, one per core:
    Markdown and Pygments are most of a build, and each page is independent of the others.
    Only from a single-threaded process (the command line): forking threads is unsafe."""
    global _JOB
    pages = [output_path(entry.url) for entry in site.codes]
    workers = (workers or parallel_workers()) if len(pages) >= 40 else 1
    if workers < 2:
        return render_site(site, templates, assets)
    shares = [set(pages[index::workers]) for index in range(workers)]
    _JOB = (site, templates, assets)
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

            gather(lambda: render_site(site, templates, assets, skip=set(pages) - shares[0]))
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
    """In a worker: render the given pages."""
    site, templates, assets = _JOB
    return render_site(site, templates, assets, only=share)


class Builder:
    """A warm build for the dev server: unchanged files are not re-read, an edit to one entry
    re-renders only its page unless it changes what other pages show, and only files whose
    bytes changed are rewritten."""

    def __init__(self, root: Path, out: Path):
        check_output(out, root)  # refuse before the server starts
        self.root, self.out = root, out
        self.site = None
        self.memo = Memo()  # what each rebuild reuses from the last
        self.written = {}  # path -> bytes as last written
        self.stamps = {}  # path -> (size, modification time) after our last write

    def build(self, changed=()) -> int:
        """Rebuild after the given source paths changed (all when empty); return files written.
        After a failure the next build renders everything: edits made meanwhile to templates
        or static files must not be lost behind a partial one."""
        started = time.perf_counter()
        try:
            site = load_site(self.root, memo=self.memo)
            assets = fingerprint_assets(self.root / "static")
            only = self.outputs_to_render(site, [Path(path) for path in changed])
            outputs = render_site(site, self.root / "templates", assets, only, memo=self.memo)
        except BaseException:
            self.site = None
            raise
        count = self.restore()
        if self.written and self.out.exists():
            count += write_changed(outputs, self.out, self.written)
            if only is None:  # a full render also drops files the site no longer has
                count += remove_stale(self.out, self.written, {path for path, _ in outputs})
        else:
            count = write_site(outputs, self.out, self.root)
            self.written = dict(outputs)
        self.stamps = {rel: stamp(self.out / rel) for rel in self.written}
        self.site = site
        log.info("Rebuilt %d file(s) in %.0f ms", count, (time.perf_counter() - started) * 1000)
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

    def outputs_to_render(self, site, changed: list):
        """The output paths an edit can affect, or None for everything."""
        codes_dir = (self.root / "content" / "codes").resolve()
        if self.site is None or not changed or not self.out.exists() or any(
                path.resolve().parent != codes_dir for path in changed):
            return None
        before, after = self.site.by_code, site.by_code
        if set(before) != set(after):
            return None
        edited = [code for code in after if before[code] != after[code]]
        wanted = {output_path(after[code].url) for code in edited}
        for code in edited:
            if listing(before[code]) != listing(after[code]):
                wanted |= self.pages_showing(site, code)
        return wanted

    def pages_showing(self, site, code: int) -> set:
        """Pages that show a code's phrase or summary: lists, neighbours and every link to it."""
        index = [entry.code for entry in site.codes].index(code)
        neighbours = site.codes[max(index - 1, 0):index + 2]
        sources = {path for path, target, _, _ in site.links
                   if target == code or isinstance(target, tuple)}  # a [[codes: …]] list
        pages = {output_path(url) for url in (HOME, class_url(site.by_code[code].class_key), API)}
        pages |= {output_path(entry.url) for entry in neighbours}
        for path in sources:
            name = Path(path).stem
            if path.startswith("content/codes/"):
                pages.add(output_path(code_url(int(name))))
            elif path.startswith("content/pages/"):
                pages.add(output_path(page_url(name)))
            elif path == "content/classes.yaml":
                pages |= {output_path(class_url(key)) for key in CLASS_KEYS}
        return pages


def stamp(path: Path):
    """(size, modification time) of a file, or None when it is gone."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def listing(entry) -> tuple:
    """What pages other than the entry's own show of it."""
    return (entry.phrase, entry.summary, entry.aliases, entry.keywords, entry.all_vendors,
            tuple((item["phrase"], item["standing"]) for item in entry.also_used_by),
            entry.status, entry.spec, entry.origin, entry.standing)
