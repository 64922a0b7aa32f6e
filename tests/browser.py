"""Find (or install) the Chromium the browser tests drive, and the flags it runs with here."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def system_chromium() -> str | None:
    """A Chromium installed by the system package manager, if any."""
    return next((path for name in SYSTEM_NAMES if (path := shutil.which(name))), None)


def install():
    """Prefer the system's Chromium; otherwise install Debian's, otherwise Playwright's own."""
    if system_chromium():
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True)
        if system_chromium():
            return
    subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=True)


def launch_options() -> dict:
    """Keyword arguments for playwright's chromium.launch()."""
    path = system_chromium()
    return {"executable_path": path, "args": CHROMIUM_ARGS} if path else {"args": CHROMIUM_ARGS}


if __name__ == "__main__":
    if "--install" in sys.argv:
        install()
    print(system_chromium() or "playwright's chromium")


def serve_folder(folder, headers=None, port=0):
    """Serve a built site over loopback in a thread, its 404.html for a missing file as static
    hosts do; returns (base URL, server to shut down). `headers` are added to every response
    (e.g. the deploy headers with the CSP); `port` is any free one unless given."""
    import functools
    import http.server
    import threading

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, *args):
            pass

        def send_error(self, code, message=None, explain=None):
            page = Path(folder) / "404.html"
            if code != 404 or not page.is_file():
                return super().send_error(code, message, explain)
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def page_urls(site) -> list:
    """The URL path of every HTML page of a built site, sorted."""
    return sorted("/" + page.relative_to(site).as_posix().removesuffix("index.html")
                  for page in site.rglob("*.html"))
