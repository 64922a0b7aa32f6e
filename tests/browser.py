"""Find (or install) the Chromium the browser tests drive, and the flags it runs with here."""
import os
import shutil
import subprocess
import sys

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


def serve_folder(folder, headers=None):
    """Serve a built site over loopback in a thread; returns (base URL, server to shut down).
    `headers` are added to every response (e.g. the deploy headers with the CSP)."""
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

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def page_urls(site) -> list:
    """The URL path of every HTML page of a built site, sorted."""
    return sorted("/" + page.relative_to(site).as_posix().removesuffix("index.html")
                  for page in site.rglob("*.html"))
