#!/usr/bin/env python3
"""Command line for the HTTP status code reference: build, serve, new, check."""
import argparse
import importlib
import logging
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"


def use_the_project_environment():
    """Run under .venv's Python when started by one without the dependencies, so that
    `python build.py …` works as the README writes it."""
    # The pipeline needs every dependency but the dev server's, imported only to serve.
    modules = ["httpref.pipeline"] + (["httpref.serve"] if sys.argv[1:2] == ["serve"] else [])
    try:
        for module in modules:
            importlib.import_module(module)
    except ModuleNotFoundError as error:
        python = VENV / "bin" / "python"
        if python.exists() and Path(sys.prefix).resolve() != VENV.resolve():
            os.execv(python, [str(python), __file__, *sys.argv[1:]])
        sys.exit(f"build.py needs the Python package '{error.name}', which {sys.executable} "
                 "lacks: run `make build` once to set up .venv, then `python build.py …` again")


use_the_project_environment()

from httpref.kinds import KINDS  # noqa: E402
from httpref.model import ContentError  # noqa: E402
from httpref.text import url_problem  # noqa: E402
from httpref.pipeline import build_site, check_site  # noqa: E402
from httpref.write import OutputError  # noqa: E402

log = logging.getLogger("httpref")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that the same clean-up runs."""


def terminate(number, frame):
    raise Terminated


def command_build(args) -> int:
    build_site(ROOT, Path(args.out), args.base_url)
    return 0


def command_check(args) -> int:
    site = check_site(ROOT)
    log.info("Content is valid: %d codes, %d comparisons, %d messages, %d failures with no status",
             len(site.codes), len(site.comparisons), len(site.messages), len(site.failures))
    known = {str(entry.code) for entry in site.codes} | {item.slug for item in site.comparisons}
    missing = [name for name in args.names if name not in known]
    if missing:
        log.error("no content file for %s", ", ".join(missing))
        return 1
    return run_examples(args.names) if args.names else 0


def run_examples(names: list) -> int:
    """Run the given entries' and comparisons' code examples for real, as `make test` does
    for all of them."""
    node = ROOT / "tests" / "node"
    if not (node / "node_modules").exists():
        log.info("Installing the pinned Express for the examples (once)…")
        subprocess.run(["make", "-s", "-C", str(ROOT), "tests/node/node_modules/.package-lock.json"],
                       check=True)  # the Makefile's own step, as `make test` runs it
    log.info("Running the examples of %s…", ", ".join(names))
    command = [sys.executable, "-m", "pytest", "tests/test_examples.py", "-q", "-rs",
               "-p", "no:cacheprovider", *(f"--only={name}" for name in names)]
    return subprocess.run(command, cwd=ROOT).returncode


def command_new(args) -> int:
    made = next(filter(None, (getattr(kind, "new_file", lambda root, name: None)(ROOT, args.name)
                              for kind in KINDS)), None)
    if made is None:
        log.error("expected a status code (418), a comparison (401-vs-403) or a failure with no "
                  "status code (err-connection-refused), got %r", args.name)
        return 1
    path, text, url = made
    url = f"http://127.0.0.1:8000{url}"
    check = "check " + args.name if EXAMPLES_OF.fullmatch(args.name) else "check"
    if path.exists():
        log.error("%s already exists: edit it, watch it with `python build.py serve` at %s, "
                  "and check it with `python build.py %s`", path.relative_to(ROOT), url, check)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    log.info("Wrote %s: `python build.py serve` shows it as a draft at %s while you fill in "
             "every TODO; then run `python build.py %s`", path.relative_to(ROOT), url, check)
    return 0


def command_serve(args) -> int:
    from httpref.serve import serve
    serve(ROOT, Path(args.out), args.host, args.port)
    return 0


EXAMPLES_OF = re.compile(r"[1-5]\d\d(-vs-[1-5]\d\d)*")  # the content whose examples `check` runs


def content_name(text: str) -> str:
    """A status code (418) or a comparison (401-vs-403): what `new` and `check` take."""
    if not EXAMPLES_OF.fullmatch(text):
        raise argparse.ArgumentTypeError(f"expected a status code from 100 to 599 or a "
                                         f"comparison such as 401-vs-403, got {text!r}")
    return text


def base_url(text: str) -> str:
    """An absolute http(s) URL: every canonical link and the sitemap start with it."""
    problem = url_problem(text) or not re.match(r"https?://[^/\s]", text) and "not absolute"
    if problem:
        raise argparse.ArgumentTypeError(f"expected an absolute https:// URL, got {text!r}")
    return text


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the site")
    build.add_argument("--out", default=str(ROOT / "_site"), help="output folder (default _site/)")
    build.add_argument("--base-url", type=base_url, help="absolute URL the site is published at")
    build.set_defaults(run=command_build)
    serve = commands.add_parser("serve", help="build, serve and rebuild on every change")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--out", default=str(ROOT / "_site"))
    serve.set_defaults(run=command_serve)
    new = commands.add_parser("new", help="scaffold content/codes/CODE.md, "
                              "content/compare/A-vs-B.md or content/failures/err-name.md")
    new.add_argument("name", metavar="CODE|A-vs-B|err-name")  # each kind knows its names
    new.set_defaults(run=command_new)
    check = commands.add_parser("check", help="validate all content without writing output; "
                                "with codes or comparisons, also run their code examples")
    check.add_argument("names", nargs="*", type=content_name, metavar="CODE|A-vs-B",
                       help="run these entries' or comparisons' examples for real too (needs "
                            "Node and npm)")
    check.set_defaults(run=command_check)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    try:
        return args.run(args)
    except ContentError as error:
        print(error, file=sys.stderr)
        log.error("%d problem(s) found; nothing was written", len(error.problems))
        return 1
    except (OutputError, OSError, subprocess.CalledProcessError) as error:
        log.error("error: %s", error)
        return 1
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM as Terminated
        out = getattr(args, "out", None)  # build and serve write a site; check and new not
        state = f"the previous site in {out} is unchanged" if out else "nothing was written"
        notes = getattr(stop, "__notes__", [])  # the writer's, if the new site was in already
        log.error("interrupted; %s", notes[-1] if notes else state)
        return 128 + (signal.SIGTERM if isinstance(stop, Terminated) else signal.SIGINT)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, terminate)
    sys.exit(main())
