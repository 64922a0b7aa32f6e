#!/usr/bin/env python3
"""Build time per entry and peak memory as the site grows: the real content plus generated
entries, 1,000 and 5,000 in all. Time per entry should stay flat.

    python bench/build_scaling.py [--sizes 100 1000 5000]

The generated entries copy a real vendor entry under numbers from 10000 up. Only here, the
loader is told to accept such numbers (the site itself allows 100-599).
"""
import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_ENTRY = "522.md"

DRIVER = r'''
import re, sys, pathlib
sys.path.insert(0, sys.argv[3])
from httpref import markup, reader
from httpref.kinds import codes
codes.CODE_FILE = re.compile(r"([1-5]\d{2,5})\.md")   # bench only: numbers beyond 599
reader.CODE_REF = markup.CODE_REF = re.compile(r"[1-5]\d{2,5}$")
from httpref.pipeline import build_site
build_site(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]))
'''


def make_site(folder: Path, total: int) -> int:
    """A copy of the site grown to `total` entries; returns the number generated."""
    for name in ("content", "templates", "static"):
        shutil.copytree(ROOT / name, folder / name)
    codes = folder / "content" / "codes"
    existing = len(list(codes.glob("*.md")))
    text = (ROOT / "content" / "codes" / TEMPLATE_ENTRY).read_text()
    for index in range(max(total - existing, 0)):
        code = 10000 + index
        # Unique text everywhere, so no cached Markdown or highlighting is reused.
        entry = re.sub(r"(?m)^phrase: .*$", f"phrase: Generated entry {code}", text, count=1)
        entry = re.sub(r"(?m)^(- |\d+\. )", rf"\g<1>({code}) ", entry)
        entry = re.sub(r"(?m)^(```\w+)$", rf"\1\n# entry {code}", entry)
        entry = entry.replace("## What it means\n", f"## What it means\n\nEntry {code}.\n", 1)
        (codes / f"{code}.md").write_text(entry)
    return max(total - existing, 0)


def measure(total: int) -> tuple:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        site.mkdir()
        make_site(site, total)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", DRIVER, str(site), str(site / "_site"), str(ROOT)],
                       check=True, capture_output=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return seconds, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    args = parser.parse_args()
    print(f"{'entries':>8} {'build s':>8} {'ms/entry':>9} {'peak MB':>8}")
    for total in args.sizes:
        seconds, peak = measure(total)
        print(f"{total:8} {seconds:8.2f} {seconds / total * 1000:9.2f} {peak:8.0f}")
    print("(peak MB is the largest child process so far: a running maximum)")


if __name__ == "__main__":
    main()
