#!/usr/bin/env python3
"""Cold full build of the real site beside the floor: the leanest honest build of the same
content. Medians of several whole-process runs, then where our build's time goes.

    python bench/build_speed.py [--runs 5]
"""
import argparse
import cProfile
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The floor: read each file (the entries and the comparisons: the same Markdown content our
# build renders), parse front matter with CSafeLoader, one reused Markdown converter with
# fenced_code and codehilite, one Jinja template, pretty-URL files. Nothing else.
FLOOR = r'''
import sys, pathlib, yaml, markdown, jinja2
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
md = markdown.Markdown(extensions=["fenced_code", "codehilite"])
page = jinja2.Template("<!doctype html><title>{{ code }} {{ meta.phrase }}</title>"
                       "<meta name=description content='{{ meta.summary }}'>{{ body }}")
for path in sorted(root.glob("content/*/*.md")):
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.load(front, Loader=yaml.CSafeLoader)
    md.reset()
    html = page.render(code=path.stem, meta=meta, body=md.convert(body))
    target = out / path.parent.name / path.stem / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
'''


def whole_process(commands: list, runs: int) -> list:
    """(median wall seconds, median CPU seconds of the process and its children) of each
    command, the commands interleaved so drift hits all alike."""
    times = [([], []) for _ in commands]
    for _ in range(runs):
        for command, (walls, cpus) in zip(commands, times):
            with tempfile.TemporaryDirectory() as folder:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                subprocess.run(command + [str(Path(folder) / "out")], check=True, cwd=ROOT,
                               capture_output=True)
                walls.append(time.perf_counter() - started)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return [(statistics.median(walls), statistics.median(cpus)) for walls, cpus in times]


def breakdown():
    """Cumulative seconds by library inside one in-process cold build."""
    sys.path.insert(0, str(ROOT))
    from httpref.pipeline import build_site
    profile = cProfile.Profile()
    with tempfile.TemporaryDirectory() as folder:
        profile.enable()
        build_site(ROOT, Path(folder) / "out", workers=1)  # profile every page in this process
        profile.disable()
    stats = pstats.Stats(profile).stats
    groups = {"YAML": ("yaml/",), "Markdown": ("markdown/",), "Pygments": ("pygments/",),
              "Jinja": ("jinja2/",), "writing": ("httpref/write.py",),
              "validation": ("httpref/content.py", "httpref/reader.py", "httpref/kinds/",
                             "httpref/registry.py")}
    total = {name: 0.0 for name in groups}
    for (filename, _, _), (_, _, own, _, _) in stats.items():
        for name, markers in groups.items():
            if any(marker in filename for marker in markers):
                total[name] += own
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    imports, ours, floor = whole_process([
        [sys.executable, "-c", "import httpref.pipeline, sys; sys.argv"],
        [sys.executable, "build.py", "build", "--out"],
        [sys.executable, "-c", FLOOR, str(ROOT)]], args.runs)
    pages = len(list(ROOT.glob("content/*/*.md")))
    print(f"{pages} Markdown content files, median of {args.runs} whole-process runs "
          "(wall time, CPU time of all its processes)")
    print(f"  our full build (every page, validation, JSON, sitemap; pages rendered in "
          f"parallel, one process per core): {ours[0]:.2f} s wall, {ours[1]:.2f} s CPU")
    print(f"  floor (a page per content file, one process, no validation): {floor[0]:.2f} s "
          f"wall, {floor[1]:.2f} s CPU")
    print(f"  ratio ours / floor: {ours[0] / floor[0]:.2f} wall, {ours[1] / floor[1]:.2f} CPU; "
          f"interpreter + imports alone: {imports[0]:.2f} s")
    print("where the time goes (own time, one in-process cold build, rendering serially):")
    for name, seconds in sorted(breakdown().items(), key=lambda item: -item[1]):
        print(f"  {name:10} {seconds:.3f} s")


if __name__ == "__main__":
    main()
