#!/usr/bin/env python3
"""Time from saving a file to the browser having the page with the edit, median of repeated
edits.

    python bench/reload_latency.py [--edits 20]

Starts `build.py serve` on a copy of the site, connects to livereload's websocket like a
browser does, then edits in turn an entry's body, its summary, a comparison, the guide, a
template and the stylesheet (each edit undone after) and measures until the reload message
has arrived and the page it reloads (or its stylesheet) shows the edit.
"""
import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# kind of edit -> (file in the site, text to change, what to put instead, the page open in
# the browser); {n} numbers the edit and must then show on that page (or in its stylesheet).
EDITS = {
    "entry body": ("content/codes/202.md", "## What it means\n",
                   "## What it means\n\nEdit {n}.\n", "/202/"),
    "entry summary": ("content/codes/202.md", "summary: ", "summary: Edit {n}. ", "/202/"),
    "comparison": ("content/compare/401-vs-403.md", "decision: Return",
                   "decision: Edit {n}. Return", "/compare/401-vs-403/"),
    "guide": ("content/guide.yaml", "ask: What did your handler do?",
              "ask: Edit {n}, what did it do?", "/choose/"),
    "template": ("templates/base.html", "<footer", "<footer data-edit={n}", "/202/"),
    "stylesheet": ("static/style.css", "", "main{{--edit:{n}}}", "/202/"),
}


def fetch(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
        return response.read().decode("utf-8")


def shows(port: int, page: str, marker: str) -> bool:
    """Whether the page (or the stylesheet it links) now holds the edit."""
    html = fetch(port, page)
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html)[1]
    return marker in html or marker in fetch(port, stylesheet)


async def measure(port: int, site: Path, edits: int) -> dict:
    connection = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    await connection.write_message(json.dumps({"command": "hello", "protocols": [
        "http://livereload.com/protocols/official-7"]}))
    await connection.read_message()  # the server's hello
    # livereload.js then reports its page; only then is the browser a reload waiter.
    await connection.write_message(json.dumps({"command": "info", "url": "/202/", "plugins": {}}))
    await asyncio.sleep(0.5)
    timings = {kind: [] for kind in EDITS}
    for index in range(edits):
        kind = list(EDITS)[index % len(EDITS)]
        name, old, new, page = EDITS[kind]
        fetch(port, page)  # the browser shows it
        path = site / name
        original = path.read_text()
        new = new.format(n=index)
        marker = re.search(r"[Ee]dit[-:= ]*\d+", new)[0].removeprefix("E").removeprefix("e")
        text = original.replace(old, new, 1) if old else original + new
        started = time.perf_counter()
        path.write_text(text)
        while True:
            message = json.loads(await connection.read_message())
            if message.get("command") == "reload":
                break
        # What the browser does on the reload: fetch the page again; it must show the edit.
        assert await asyncio.to_thread(shows, port, page, marker), (kind, marker)
        timings[kind].append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.3)
        path.write_text(original)
        while json.loads(await connection.read_message()).get("command") != "reload":
            pass
        await asyncio.sleep(0.3)
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=36)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        site.mkdir()
        for name in ("content", "templates", "static", "build.py"):
            copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
            copy(ROOT / name, site / name)
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen([sys.executable, "build.py", "serve", "--port", str(port)],
                                  cwd=site, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            timings = asyncio.run(measure(port, site, args.edits))
        finally:
            server.terminate()
            server.wait()
    for kind, values in timings.items():
        print(f"save -> reloaded page, {kind} edit: median {statistics.median(values):.0f} ms, "
              f"max {max(values):.0f} ms over {len(values)} edits (target 100 ms)")


if __name__ == "__main__":
    main()
