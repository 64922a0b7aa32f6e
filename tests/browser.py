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
