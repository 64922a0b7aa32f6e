#!/usr/bin/env python3
"""Page weight of a first visit, per page: the HTML plus every same-site asset it references,
raw, gzip and brotli, and the count of off-site requests (which must be zero).

    python bench/page_weight.py [--site _site] [--lighthouse]

Builds the site first unless --site names an existing build. Prints a table, the heaviest
pages, and with --lighthouse the median Lighthouse mobile performance of 3 runs.
"""
import argparse
import gzip
import re
import statistics
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIRST_ROUND_TRIP = 14_600  # bytes: ten TCP segments of 1,460 bytes (RFC 6928 initial window)


class References(HTMLParser):
    """Every URL a first visit fetches: stylesheets, scripts, icons, images."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "preload", "modulepreload"):
            self.urls.append(attrs.get("href", ""))
        elif tag in ("script", "img", "source", "iframe") and attrs.get("src"):
            self.urls.append(attrs["src"])


def weigh(site: Path, page: Path) -> dict:
    parser = References()
    html = page.read_bytes()
    parser.feed(html.decode())
    local = [url for url in parser.urls if url.startswith("/") and not url.startswith("//")]
    offsite = [url for url in parser.urls if re.match(r"^(https?:)?//", url)]
    files = [html] + [(site / url.lstrip("/")).read_bytes() for url in local]
    return {
        "page": "/" + page.relative_to(site).as_posix().removesuffix("index.html"),
        "raw": sum(map(len, files)),
        "gzip": sum(len(gzip.compress(data, 9, mtime=0)) for data in files),
        "brotli": sum(len(brotli.compress(data)) for data in files),
        "offsite": len(offsite),
    }


def lighthouse_performance(site: Path, runs: int = 3) -> float:
    """Median Lighthouse mobile performance score of a code page (0-100)."""
    import json
    import os
    import subprocess

    from tests.browser import launch_options, serve_folder
    from tests.examples import NODE_MODULES

    base, server = serve_folder(site)
    flags = " ".join(launch_options()["args"] + ["--headless=new"])
    env = {**os.environ, "CHROME_PATH": launch_options().get("executable_path") or ""}
    scores = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            report = Path(folder) / "report.json"
            subprocess.run(["node", str(NODE_MODULES / "lighthouse" / "cli" / "index.js"),
                            f"{base}/503/", "--quiet",
                            "--output=json", f"--output-path={report}", f"--chrome-flags={flags}",
                            "--only-categories=performance"], check=True, env=env, timeout=180)
            scores.append(json.loads(report.read_text())["categories"]["performance"]["score"] * 100)
    server.shutdown()
    return statistics.median(scores)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="an existing build (default: build now)")
    parser.add_argument("--lighthouse", action="store_true", help="also run Lighthouse 3 times")
    args = parser.parse_args()
    site = args.site
    if site is None:
        from httpref.pipeline import build_site
        site = Path(tempfile.mkdtemp()) / "_site"
        build_site(ROOT, site)
    rows = [weigh(site, page) for page in sorted(site.rglob("*.html"))]
    print(f"{'page':32} {'raw':>8} {'gzip':>7} {'brotli':>7} {'off-site':>8}")
    for row in rows:
        print(f"{row['page']:32} {row['raw']:8} {row['gzip']:7} {row['brotli']:7} {row['offsite']:8}")
    codes = [row for row in rows if re.fullmatch(r"/\d{3}/", row["page"])]
    heaviest = max(codes, key=lambda row: row["gzip"])
    heaviest_page = max(rows, key=lambda row: row["gzip"])
    over = [row["page"] for row in rows if row["gzip"] > FIRST_ROUND_TRIP]
    home = next(row for row in rows if row["page"] == "/")
    print(f"\n{len(rows)} pages; code pages gzip: median {statistics.median(r['gzip'] for r in codes):.0f} B, "
          f"max {heaviest['gzip']} B ({heaviest['page']}); target {FIRST_ROUND_TRIP} B")
    print(f"home page gzip: {home['gzip']} B; heaviest page of all: {heaviest_page['gzip']} B "
          f"({heaviest_page['page']})")
    print(f"pages over the target (any kind): {len(over)} {' '.join(over)}")
    print(f"off-site requests on all pages: {sum(row['offsite'] for row in rows)}")
    if args.lighthouse:
        print(f"Lighthouse mobile performance, /503/, median of 3: {lighthouse_performance(site):.0f}")


if __name__ == "__main__":
    main()
