"""Development server: our WSGI app for _site/ inside livereload, rebuilding on every change."""
import html
import logging
import mimetypes
import re
from pathlib import Path

from livereload.watcher import Watcher
from tornado.ioloop import IOLoop
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from .model import ContentError
from .text import is_editor_file
from .kinds.codes import DRAFT_MARK
from .pipeline import Builder
from .routes import STATIC, output_path

log = logging.getLogger("httpref")
WATCHED = ("content", "templates", "static")
RELOAD_GRACE = 0.05  # seconds the reloaded pages get before the other changed pages are written

# Types the system's table may lack or name differently; the rest come from mimetypes.
TYPES = {".json": "application/json", ".svg": "image/svg+xml", ".js": "text/javascript",
         ".css": "text/css", ".html": "text/html", ".xml": "application/xml"}


def content_type(name: str) -> str:
    suffix = Path(name).suffix
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


class SiteApp:
    """Serves files from the output folder, our 404.html for anything missing, and the last
    build error above every HTML page while the build is broken."""

    OPEN_PAGES = 16  # how many of the pages served last count as open in a browser

    def __init__(self, out: Path, restore=lambda: 0, ready=lambda path: None):
        self.out = out
        self.error = ""
        self.drafts = {}  # URL -> page of an entry that does not pass check yet
        self.restore = restore  # puts back built files deleted behind the server's back
        self.ready = ready  # writes a file the last rebuild left for later, before it is served
        self.recent = {}  # output path -> None: the HTML pages served last, oldest first

    def __call__(self, environ, start_response):
        status, headers, body = self.respond(environ.get("PATH_INFO", "/"),
                                             environ.get("REQUEST_METHOD", "GET"))
        start_response(status, headers)
        return [body]

    def respond(self, raw_path: str, method: str):
        if method not in ("GET", "HEAD"):
            return "405 Method Not Allowed", [("Allow", "GET, HEAD"),
                                              ("Content-Type", "text/plain")], b""
        if raw_path + "/" in self.drafts:
            return "301 Moved Permanently", [("Location", raw_path + "/")], b""
        draft = self.drafts.get(raw_path.removesuffix("index.html"))
        if draft is not None:  # a page, or the static files it links to
            status, body, heading = "200 OK", draft, DRAFT_HEADING
            name = raw_path if raw_path.startswith(STATIC) else "index.html"
        else:
            path = self.resolve(raw_path)
            if path is not None:
                self.ready(output_path(raw_path))
            if path is not None and not (path.is_file() or (path / "index.html").is_file()) \
                    and self.restore():
                log.info("Put back built files deleted behind the server's back")
            if path is not None and path.is_dir():
                if not raw_path.endswith("/"):
                    return "301 Moved Permanently", [("Location", raw_path + "/")], b""
                path = path / "index.html"
            status = "200 OK" if path is not None and path.is_file() else "404 Not Found"
            if status != "200 OK":
                path = self.out / "404.html"
            body = path.read_bytes() if path.is_file() else EMPTY_PAGE  # before any good build
            name, heading = path.name, ERROR_HEADING
            if status == "200 OK" and path.suffix == ".html":
                self.seen(path.relative_to(self.out.resolve()).as_posix())
        kind = content_type(name)
        if kind == "text/html":
            body = without_csp(body)
            if self.error:
                body = self.with_banner(body, heading, self.error)
        if kind.startswith("text/") or kind.endswith(("json", "xml", "javascript")):
            kind += "; charset=utf-8"
        headers = [("Content-Type", kind), ("Cache-Control", "no-store")]
        return status, headers, b"" if method == "HEAD" else body

    def seen(self, rel: str):
        """Remember a page served: the next rebuild writes it before reloading the browser."""
        self.recent.pop(rel, None)
        self.recent[rel] = None
        while len(self.recent) > self.OPEN_PAGES:
            del self.recent[next(iter(self.recent))]

    def resolve(self, raw_path: str) -> Path | None:
        """The file a URL path names, or None if it would leave the output folder."""
        if "\0" in raw_path or "\\" in raw_path:
            return None
        root = self.out.resolve()
        candidate = (root / raw_path.lstrip("/")).resolve()
        return candidate if candidate.is_relative_to(root) else None

    @staticmethod
    def with_banner(body: bytes, heading: str, text: str) -> bytes:
        """Put a message for the maintainer at the top of the page."""
        banner = (
            '<div role="alert" style="background:#8b0000;color:#fff;padding:1rem;'
            'font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap">'
            f"<strong>{html.escape(heading)}</strong>\n{html.escape(text)}</div>"
        ).encode()
        start = body.find(b"<body")
        end = body.find(b">", start) + 1 if start != -1 else 0
        return body[:end] + banner + body[end:]


ERROR_HEADING = "Build failed; showing the last good site."
DRAFT_HEADING = ("Draft: this entry does not pass `python build.py check` yet, so only the dev "
                 f"server shows it, never a build. {DRAFT_MARK}…] marks what is missing or wrong.")
EMPTY_PAGE = b'<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>Build failed</title><body></body></html>'


def without_csp(body: bytes) -> bytes:
    """The page without its CSP meta tag: livereload injects an inline script, and the error
    banner is styled inline, both of which the published policy forbids. The built files keep
    the tag, and the tests check the policy on them."""
    return re.sub(rb'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', b"", body, count=1)


def rebuild(builder: Builder, app: SiteApp, first=None) -> bool:
    """Build once (writing the pages in `first` and leaving other changed pages pending, if
    given); remember the error, and drafts of the entries that cause it, for the browser
    instead of raising it."""
    return guarded(lambda: builder.build(first), builder, app)


def finish(builder: Builder, app: SiteApp, paths=None, limit=None) -> bool:
    """Write pending pages (see Builder.finish) the way rebuild builds."""
    return guarded(lambda: builder.finish(paths, limit), builder, app)


def guarded(step, builder: Builder, app: SiteApp) -> bool:
    try:
        step()
    except ContentError as error:
        builder.pending = {}  # they keep their old fingerprints: the next build retries them
        app.error = str(error)
        app.drafts = builder.drafts(error.problems)
        log.error("Build failed:\n%s", error)
        return False
    except Exception as error:  # any other failure must not stop the server either
        builder.pending = {}
        app.error, app.drafts = f"{type(error).__name__}: {error}", {}
        log.exception("Build failed")
        return False
    app.error, app.drafts = "", {}
    return True


def watch_paths(root: Path) -> list:
    """Folders to watch, by name: never one that holds the output (that would loop)."""
    return [str(root / name) for name in WATCHED]


class SourceWatcher(Watcher):
    """inotify (through watchdog) instead of livereload's 800 ms polling: every change is
    pushed to the server's event loop, gathered for a few milliseconds, then rebuilt once."""

    def __init__(self, paths: list, on_change):
        super().__init__()
        self.paths, self.on_change = paths, on_change
        self.pending, self.loop, self.observer = set(), None, None

    def start(self, callback) -> bool:
        """livereload's hook; returning True tells it not to poll."""
        self.loop = IOLoop.current()
        handler = FileSystemEventHandler()
        handler.on_any_event = self.queue
        self.observer = Observer()
        for path in self.paths:
            self.observer.schedule(handler, path, recursive=True)
        self.observer.start()
        return True

    def queue(self, event):
        """Called on watchdog's thread: hand the path to the event loop."""
        if event.event_type in ("opened", "closed_no_write") or event.is_directory:
            return
        paths = [event.src_path] + ([event.dest_path] if getattr(event, "dest_path", "") else [])
        self.loop.add_callback(self.gather, paths)

    def gather(self, paths):
        if not self.pending:
            self.loop.call_later(0.005, self.flush)  # an editor's save is several events
        self.pending.update(paths)

    def flush(self):
        changed, self.pending = self.pending, set()
        self.on_change(sorted(changed))


def serve(root: Path, out: Path, host: str = "127.0.0.1", port: int = 8000):
    from livereload import Server
    from livereload.handlers import LiveReloadHandler

    builder = Builder(root, out)
    app = SiteApp(out, builder.restore,
                  lambda path: builder.pending and finish(builder, app, [path]))
    rebuild(builder, app)

    def on_change(changed):
        if all(is_editor_file(Path(path).relative_to(root)) for path in changed):
            return  # a swap file, a backup, .DS_Store: nothing to rebuild
        # The pages open in a browser first; the rest once the reloaded pages have had time
        # to load, a few at a time so that requests are answered in between (a request for
        # one of them writes it at once).
        rebuild(builder, app, first=set(app.recent))
        # Reload directly: livereload's own path ignores changes for 3 s after a reload.
        LiveReloadHandler.reload_waiters()
        IOLoop.current().call_later(RELOAD_GRACE, write_the_rest)

    def write_the_rest():
        if not builder.pending:
            return
        if finish(builder, app, limit=4):
            IOLoop.current().add_callback(write_the_rest)
        else:  # a template mistake only a later page shows: put the banner on screen
            LiveReloadHandler.reload_waiters()

    server = Server(app, watcher=SourceWatcher(watch_paths(root), on_change))
    for name in ("livereload", "tornado"):  # they get their own handler from livereload
        logging.getLogger(name).propagate = False
    server.serve(host=host, port=port, debug=False, restart_delay=0)
