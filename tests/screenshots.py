"""Screenshots for people to look at: key pages at phone and desktop width, light and dark.

    python -m tests.screenshots [--out screenshots]
"""
import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from httpref.pipeline import build_site
from tests.browser import launch_options, serve_folder

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"home": "/", "code-202": "/202/", "vendor-522": "/522/",
         "explainer": "/how-status-codes-work/", "compare-401-vs-403": "/compare/401-vs-403/",
         "compare-index": "/compare/", "guide": "/choose/", "guide-step": "/choose/#q-access",
         "code-503": "/503/", "messages": "/messages/",
         "failure": "/messages/err-connection-refused/", "not-found-299": "/299/",
         "clients": "/clients/", "code-307-clients": "/307/#clients", "proxies": "/proxies/",
         "proxy-failure": "/proxies/upstream-timeout/", "code-502-who-sends": "/502/#who-sends",
         "class-4xx": "/4xx/", "cheatsheet": "/cheatsheet/", "api": "/api/", "offline": "/offline.html"}
WIDTHS = {"phone": 390, "desktop": 1280}


def take_screenshots(site: Path, out: Path) -> list:
    """Full-page PNGs named page-width-scheme.png; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    base, server = serve_folder(site)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        for width_name, width in WIDTHS.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport={"width": width, "height": 900},
                                              color_scheme=scheme)
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base + path)
                    target = out / f"{name}-{width_name}-{scheme}.png"
                    page.screenshot(path=target, full_page=True)
                    written.append(target)
                context.close()
        browser.close()
    server.shutdown()
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "_site"
        build_site(ROOT, site)
        for path in take_screenshots(site, args.out):
            print(path)


if __name__ == "__main__":
    main()
