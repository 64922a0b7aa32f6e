"""The dev server for real, over loopback: serving, 404, traversal, rebuild, reload and errors."""
import hashlib
import http.client
import re
import shutil
import socket
import threading
import os
import subprocess
import sys
import time

import pytest
from playwright.sync_api import sync_playwright

from httpref.model import ContentError
from httpref.pipeline import Builder, build_site
from httpref.serve import SiteApp, finish, rebuild, watch_paths
from httpref.write import write_changed, write_site
from tests.browser import launch_options
from tests.conftest import REPO, free_port, snapshot


@pytest.fixture
def server(real_site):
    """`build.py serve` on a free port, running on an editable copy of the site."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    log = open(real_site.parent / "serve.log", "w")  # a file: a full pipe would block the server
    process = subprocess.Popen(
        [sys.executable, str(real_site / "build.py"), "serve", "--port", str(port)],
        cwd=real_site, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get(port, "/")
            break
        except OSError:
            assert process.poll() is None, (real_site.parent / "serve.log").read_text()
            time.sleep(0.1)
    yield port, real_site, process
    process.terminate()
    process.wait(timeout=10)
    log.close()


def get(port: int, path: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, dict(response.getheaders()), body


def wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_serves_pages_with_the_reload_script(server):
    port, _, _ = server
    status, headers, body = get(port, "/202/")
    assert status == 200 and "<h1>" in body and "livereload.js" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    # livereload's script is inline, so the dev server serves pages without the CSP meta tag
    # that the built files carry (test_quality checks the policy on those).
    assert 'http-equiv="Content-Security-Policy"' not in body
    status, headers, _ = get(port, "/202")
    assert status == 301 and headers["Location"] == "/202/"


def test_unknown_paths_get_our_404_page(server):
    port, _, _ = server
    status, _, body = get(port, "/no/such/page/")
    assert status == 404 and "<h1>Page not found</h1>" in body


@pytest.mark.parametrize("path", ["/../build.py", "/%2e%2e/build.py", "/..%2fbuild.py",
                                  "/static/../../build.py", "//etc/passwd", "/%00", "/..\\build.py"])
def test_nothing_outside_the_output_folder_is_served(server, path):
    port, _, _ = server
    status, _, body = get(port, path)
    assert status == 404
    assert "ROOT = Path" not in body and "root:" not in body


def test_binds_loopback_by_default(server):
    port, _, _ = server
    listening = [line.split()[1] for line in open("/proc/net/tcp").read().splitlines()[1:]
                 if line.split()[3] == "0A"]  # state 0A is LISTEN
    assert f"0100007F:{port:04X}" in listening  # 127.0.0.1, little-endian hex
    assert f"00000000:{port:04X}" not in listening


def test_broken_content_shows_the_error_and_keeps_the_last_good_site(server):
    port, site, process = server
    path = site / "content" / "codes" / "200.md"
    good = path.read_text()
    path.write_text(good.replace("phrase: OK", "phrase: No", 1))
    assert wait_for(lambda: "Build failed" in get(port, "/201/")[2])
    status, _, body = get(port, "/201/")
    assert status == 200 and "content/codes/200.md:2: phrase: expected text, got a boolean" in body
    assert "<h1><span class=\"num t2\">201</span> Created</h1>" in body, \
        "the last good page is still served below the error"
    status, _, body = get(port, "/200/")  # the broken entry is a draft of what it says now
    assert status == 200 and "Draft: this entry does not pass" in body
    assert "[Draft: phrase: expected text, got a boolean" in body
    path.write_text(good)
    assert wait_for(lambda: "Build failed" not in get(port, "/201/")[2])
    assert "Draft" not in get(port, "/200/")[2]
    assert process.poll() is None


def test_an_edit_rebuilds_and_reloads_the_browser(server):
    port, site, _ = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/202/")
        page.wait_for_function("window.LiveReload !== undefined", timeout=10000)
        page.evaluate("window.notReloaded = true")
        path = site / "content" / "codes" / "202.md"
        text = path.read_text()
        summary = next(line for line in text.splitlines() if line.startswith("summary: "))
        path.write_text(text.replace(summary, "summary: Edited while the server ran.", 1))
        page.wait_for_function("!window.notReloaded && document.querySelector('.lede')"
                               ".textContent === 'Edited while the server ran.'", timeout=15000)
        browser.close()


def test_rebuild_reports_errors_to_the_app_and_recovers(fixture_site, tmp_path):
    out = tmp_path / "out"
    app, builder = SiteApp(out), Builder(fixture_site, out)
    assert rebuild(builder, app) is True and app.error == ""
    page = fixture_site / "content" / "codes" / "200.md"
    good = page.read_text()
    page.write_text(good.replace("phrase: OK", "phrase: No"))
    assert rebuild(builder, app) is False
    assert app.error.startswith("content/codes/200.md:2: phrase:")
    status, _, body = app.respond("/", "GET")
    assert status == "200 OK" and b"Build failed; showing the last good site." in body
    status, _, body = app.respond("/200/", "GET")  # the broken entry itself: its draft
    assert status == "200 OK" and b"Draft: this entry does not pass" in body
    page.write_text(good)
    assert rebuild(builder, app) is True and app.error == "" and app.drafts == {}


def test_a_new_entry_is_a_marked_draft_in_the_dev_server_and_never_built(fixture_site, tmp_path):
    out = tmp_path / "out"
    assert subprocess.run([sys.executable, "build.py", "new", "299"], cwd=fixture_site,
                          capture_output=True).returncode == 0
    path = fixture_site / "content" / "codes" / "299.md"
    text = path.read_text().replace("phrase: TODO the vendor's name for it", "phrase: Drafty")
    path.write_text(text.replace("summary: TODO one plain sentence a visitor understands.\n", ""))
    app, builder = SiteApp(out), Builder(fixture_site, out)
    assert rebuild(builder, app) is False  # a cold start: no good build yet
    status, headers, body = app.respond("/299/", "GET")
    assert status == "200 OK" and headers[0] == ("Content-Type", "text/html; charset=utf-8")
    page = body.decode()
    assert "Draft: this entry does not pass `python build.py check` yet" in page
    assert "<h1><span class=\"num t2\">299</span> Drafty</h1>" in page
    assert "[Draft: summary: required field is missing]" in page
    assert "[Draft: What it means:" not in page  # the scaffold has the section, with a TODO
    assert "content/codes/299.md:" in page and "summary: required field is missing" in page
    style = re.search(r'href="(/static/style\.\w+\.css)"', page)[1]
    assert app.respond(style, "GET")[0] == "200 OK"  # styled although nothing was ever built
    status, _, body = app.respond("/", "GET")  # everything else: the error, not a bare 404
    assert b"Build failed" in body and b"content/codes/299.md" in body
    assert app.respond("/299", "GET")[:2] == ("301 Moved Permanently", [("Location", "/299/")])
    with pytest.raises(ContentError):
        build_site(fixture_site, tmp_path / "built")
    assert not (tmp_path / "built").exists() and not (out / "299").exists()


def test_a_draft_shows_wrong_markdown_as_typed(fixture_site, tmp_path):
    page = fixture_site / "content" / "codes" / "200.md"
    page.write_text(page.read_text().replace("phrase: OK", "phrase: No").replace(
        "worked. See", "worked. [Click](javascript:alert(1)) See"))
    app, builder = SiteApp(tmp_path / "out"), Builder(fixture_site, tmp_path / "out")
    rebuild(builder, app)
    body = app.respond("/200/", "GET")[2].decode()
    assert "<pre>The request worked. [Click](javascript:alert(1)) See" in body
    assert 'href="javascript' not in body


def test_after_a_failed_build_template_and_static_edits_are_applied(fixture_site, tmp_path):
    out = tmp_path / "out"
    app, builder = SiteApp(out), Builder(fixture_site, out)
    rebuild(builder, app)
    page = fixture_site / "content" / "codes" / "200.md"
    good = page.read_text()
    page.write_text(good.replace("phrase: OK", "phrase: No"))
    assert rebuild(builder, app) is False
    template = fixture_site / "templates" / "base.html"
    template.write_text(template.read_text().replace("<footer", "<!-- edited --><footer"))
    assert rebuild(builder, app) is False  # still broken: nothing written
    (fixture_site / "static" / "style.css").write_text("body{color:red}")
    assert rebuild(builder, app) is False
    page.write_text(good)
    assert rebuild(builder, app) is True  # only the entry changed, this time
    assert "<!-- edited -->" in (out / "index.html").read_text()
    assert "<!-- edited -->" in (out / "404" / "index.html").read_text()
    styles = list((out / "static").glob("style.*.css"))
    assert [path.read_text() for path in styles] == ["body{color:red}"]


def test_built_files_deleted_or_changed_behind_its_back_come_back(fixture_site, tmp_path):
    out = tmp_path / "out"
    builder = Builder(fixture_site, out)
    app = SiteApp(out, builder.restore)
    rebuild(builder, app)
    built = snapshot(out)
    (out / "404" / "index.html").unlink()
    assert app.respond("/404/", "GET")[0] == "200 OK"  # restored on the request
    shutil.rmtree(out / "200")
    (out / "index.html").write_text("edited by hand")
    page = fixture_site / "content" / "codes" / "404.md"
    page.write_text(page.read_text() + "\n")
    rebuild(builder, app)
    assert snapshot(out) == built


@pytest.mark.parametrize("edit", [
    ("## What it means\n", "## What it means\n\nA new first paragraph.\n"),  # its page only
    ("summary: The request worked.", "summary: It worked."),  # lists, neighbours, links too
    ("phrase: OK", "phrase: Okay"),  # an error: nothing is written
])
def test_incremental_rebuilds_equal_a_full_build(fixture_site, tmp_path, edit):
    out, full = tmp_path / "out", tmp_path / "full"
    builder = Builder(fixture_site, out)
    builder.build()
    page = fixture_site / "content" / "codes" / "200.md"
    page.write_text(page.read_text().replace(*edit, 1))
    try:
        builder.build()
        build_site(fixture_site, full)
    except ContentError:
        page.write_text(page.read_text().replace(edit[1], edit[0], 1))
        build_site(fixture_site, full)
    assert snapshot(out) == snapshot(full)



REAL_EDITS = {
    "a linked phrase": [("content/codes/499.md", "phrase: Client Closed Request",
                         "phrase: Client Closed The Request")],
    "an origin that code lists select by": [("content/codes/444.md", "origin: log-only",
                                             "origin: edge")],
    "a redirect's registered name": [
        ("content/registry.csv", "307,Temporary Redirect,", "307,Temporary Redirect Now,"),
        ("content/codes/307.md", "phrase: Temporary Redirect", "phrase: Temporary Redirect Now")],
    "a class description": [("content/classes.yaml", "A 1xx response is a progress note",
                              "A 1xx response is a short progress note")],
    "the explainer": [("content/pages/how-status-codes-work.md", "## The shape of a response",
                       "## The shape of any response")],
    "a template": [("templates/_macros.html", "<caption>", "<caption>Compared: ")],
    "a comparison": [("content/compare/401-vs-403.md", "decision: Return [[401]]",
                      "decision: Send [[401]]")],
    "a fact comparisons show": [("content/codes/403.md", "retry: ", "retry: Rarely. ")],
    "a compared code's name": [
        ("content/registry.csv", "403,Forbidden,", "403,Forbidden Here,"),
        ("content/codes/403.md", "phrase: Forbidden", "phrase: Forbidden Here")],
    "a comparison removed": [("content/compare/401-vs-403.md", "", None)],
    "where the guide leads": [("content/guide.yaml", "        code: 202\n", "        code: 200\n")],
    "a guide question": [("content/guide.yaml", "ask: What did your handler do?",
                          "ask: What did the handler do?")],
    "the stylesheet": [("static/style.css", "", "main{outline:0}")],
    "a message": [("content/messages/nginx.yaml", "text: 502 Bad Gateway", "text: 502 Bad Gateway!")],
    "what a message means": [("content/messages/heroku.yaml", "means: 503", "means: 504")],
    "a failure's name": [("content/failures/err-empty-response.md", "name: ERR_EMPTY_RESPONSE",
                          "name: ERR_EMPTY_REPLY")],
    "a visitor's first answer": [("content/codes/503.md", "visitor_side: site", "visitor_side: either")],
    "what a client was observed doing": [("content/observed/clients.json",
                                          '"scenario": "redirect-307-post", "code": 307, "observed": {"status": 307',
                                          '"scenario": "redirect-307-post", "code": 307, "observed": {"status": 308')],
    "what a proxy was observed sending": [("content/observed/proxies.json",
                                           '"failure": "upstream-timeout", "client_status": 504',
                                           '"failure": "upstream-timeout", "client_status": 502')],
    "a platform's documented cell": [("content/platforms/cloudflare.yaml", "status: 413", "status: 400")],
    "a message a platform's cell names": [("content/messages/cloudflare.yaml", "means: 524", "means: 522")],
}


@pytest.mark.parametrize("edits", REAL_EDITS.values(), ids=REAL_EDITS.keys())
def test_the_dev_server_rebuilds_exactly_what_an_edit_touches(real_site, tmp_path, edits):
    """Every page that shows what an edit changed is rebuilt: the result equals a full build."""
    out = tmp_path / "out"
    builder = Builder(real_site, out)
    builder.build()
    for name, old, new in edits:
        path = real_site / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        if new is None:
            path.unlink()
        else:
            path.write_text(text.replace(old, new, 1) if old else text + new, encoding="utf-8")
    assert builder.build() > 0
    build_site(real_site, tmp_path / "full")
    assert snapshot(out) == snapshot(tmp_path / "full")


def test_open_pages_are_written_first_and_the_rest_before_anyone_sees_them(real_site, tmp_path):
    """A template edit: the page open in the browser and every file that is not a page are
    written before the reload; every other page is pending, and is written when requested
    or when the server finishes; the result equals a full build."""
    out = tmp_path / "out"
    builder = Builder(real_site, out)
    builder.build()
    app = SiteApp(out, builder.restore, lambda path: builder.pending and finish(builder, app, [path]))
    assert app.respond("/202/", "GET")[0] == "200 OK" and "202/index.html" in app.recent
    base = real_site / "templates" / "base.html"
    base.write_text(base.read_text().replace("<footer", "<footer data-edit"))
    rebuild(builder, app, first=set(app.recent))
    assert b"data-edit" in (out / "202" / "index.html").read_bytes()
    assert b"data-edit" not in (out / "404" / "index.html").read_bytes()
    assert "404/index.html" in builder.pending and "202/index.html" not in builder.pending
    assert b"data-edit" in app.respond("/404/", "GET")[2]  # asked for: written at once
    assert "404/index.html" not in builder.pending
    entry = real_site / "content" / "codes" / "202.md"  # the data too: written when asked for
    entry.write_text(entry.read_text().replace("summary: ", "summary: Queued. ", 1))
    rebuild(builder, app, first=set(app.recent))
    assert "api/codes.json" in builder.pending
    assert b"Queued. " in app.respond("/api/codes.json", "GET")[2]
    style = real_site / "static" / "style.css"  # an edit while pages are pending
    style.write_text(style.read_text() + "main{outline:0}")
    rebuild(builder, app, first=set(app.recent))
    while builder.pending:
        assert finish(builder, app, limit=4)
    build_site(real_site, tmp_path / "full")
    assert snapshot(out) == snapshot(tmp_path / "full")


def test_a_template_mistake_only_a_pending_page_shows_is_reported(real_site, tmp_path):
    out = tmp_path / "out"
    builder = Builder(real_site, out)
    builder.build()
    app = SiteApp(out, builder.restore)
    app.respond("/202/", "GET")
    template = real_site / "templates" / "compare.html"
    template.write_text(template.read_text().replace("{{ entry.phrase }}</a> when", "{{ entry.nope.x }}</a> when"))
    assert rebuild(builder, app, first=set(app.recent))  # the open code page is fine
    assert app.error == "" and builder.pending
    while builder.pending and finish(builder, app, limit=4):
        pass
    assert "templates/compare.html" in app.error and builder.pending == {}
    template.write_text(template.read_text().replace("{{ entry.nope.x }}</a> when", "{{ entry.phrase }}</a> when"))
    assert rebuild(builder, app) and app.error == ""
    build_site(real_site, tmp_path / "full")
    assert snapshot(out) == snapshot(tmp_path / "full")


def test_a_redirect_name_edit_reaches_every_redirect_table(fixture_site, tmp_path):
    """The redirect table on each redirect page names the other redirects, though the
    page's own text may never link them."""
    codes = fixture_site / "content" / "codes"
    for code, phrase, section in ((301, "Moved Permanently", "15.4.2"),  # 303: 307 is
                                  (303, "See Other", "15.4.4"),  # not 301's neighbour
                                  (307, "Temporary Redirect", "15.4.8")):
        text = (codes / "200.md").read_text().replace("phrase: OK", f"phrase: {phrase}")
        text = text.replace("§15.3.1", f"§{section}").replace("status: 200", f"status: {code}")
        (codes / f"{code}.md").write_text(text)
    out = tmp_path / "out"
    builder = Builder(fixture_site, out)
    builder.build()
    registry = fixture_site / "content" / "registry.csv"
    registry.write_text(registry.read_text().replace("307,Temporary Redirect,", "307,Redirect,"))
    (codes / "307.md").write_text((codes / "307.md").read_text().replace(
        "phrase: Temporary Redirect", "phrase: Redirect"))
    builder.build()
    assert '<a href="/307/">307 Redirect</a>' in (out / "301" / "index.html").read_text()
    build_site(fixture_site, tmp_path / "full")
    assert snapshot(out) == snapshot(tmp_path / "full")


def test_watch_list_names_the_sources_and_never_the_output(fixture_site):
    assert watch_paths(fixture_site) == [str(fixture_site / name)
                                         for name in ("content", "templates", "static")]


def rss_kib(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_rapid_edits_leave_it_serving_the_right_site(server):
    """100 edits, valid and broken alternating, while a client keeps reading pages."""
    port, site, process = server
    path = site / "content" / "codes" / "200.md"
    good = path.read_text()
    summary = next(line for line in good.splitlines() if line.startswith("summary: "))
    seen, stop = [], threading.Event()

    def read_pages():
        while not stop.is_set():
            status, _, body = get(port, "/200/")
            seen.append((status, body.rstrip().endswith("</html>")))

    reader = threading.Thread(target=read_pages)
    reader.start()
    get(port, "/")
    memory_before = rss_kib(process.pid)
    for index in range(100):
        if index % 2:
            path.write_text(good.replace("phrase: OK", "phrase: No", 1))
        else:
            path.write_text(good.replace(summary, f"summary: Edit number {index}.", 1))
        time.sleep(0.03)
    path.write_text(good.replace(summary, "summary: The final edit.", 1))
    assert wait_for(lambda: ">The final edit.<" in get(port, "/200/")[2], timeout=20)
    stop.set()
    reader.join(timeout=10)
    assert process.poll() is None
    assert seen and all(status == 200 and complete for status, complete in seen), \
        "a request saw a missing or half-written page"
    assert "Build failed" not in get(port, "/200/")[2]
    assert rss_kib(process.pid) - memory_before < 60_000, "memory grows with every rebuild"


READER = """
import hashlib, sys
from pathlib import Path
out, stop, whole, names = Path(sys.argv[1]), Path(sys.argv[2]), set(sys.argv[3].split(",")), \\
    sys.argv[4].split(",")
reads = partial = missing = 0
print("ready", flush=True)
while not stop.exists():
    for name in names:
        try:
            data = (out / name).read_bytes()
        except FileNotFoundError:  # a reader that looked up the folder just before a swap
            missing += 1  # can find the old tree being removed: no page, but never half of one
            continue
        reads += 1
        partial += hashlib.sha256(data).hexdigest() not in whole
print(reads, partial, missing, flush=True)
"""


def test_readers_never_see_a_partly_written_page(tmp_path):
    """While the real writers rewrite pages again and again (write_changed file by file, as
    the dev server does, and write_site swapping in a whole tree, as a build does), a reader
    in another process, reading the files in a tight loop, only ever gets a whole page: the
    old one or the new one, never an empty file or a prefix."""
    root, out, stop = tmp_path / "project", tmp_path / "out", tmp_path / "stop"
    root.mkdir()
    names = ["index.html", "200/index.html"]
    # Pages of a few MB, so that writing one takes long enough for a reader to land inside.
    old, new = ([(name, f"<!doctype html><title>{mark} {name}</title>".encode()
                  + mark.encode() * 3_000_000 + b"</html>\n") for name in names]
                for mark in ("a", "b"))
    whole = {hashlib.sha256(data).hexdigest() for _, data in old + new}
    write_site(old, out, root)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(out), str(stop), ",".join(whole),
                               ",".join(names)], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline() == "ready\n"
        deadline, rounds = time.monotonic() + 1.0, 0
        while time.monotonic() < deadline or rounds < 10:
            assert write_changed(new, out, dict(old)) == len(names)  # old -> new, in place
            write_site(old, out, root)  # new -> old, a whole tree swapped in
            rounds += 1
    finally:
        stop.touch()
        result = reader.communicate(timeout=30)[0]
    reads, partial, missing = map(int, result.split())
    assert reads > 50, "the reader hardly ran"
    assert partial == 0, (f"{partial} of {reads} reads got part of a page ({rounds} rewrites, "
                          f"{missing} reads found no file)")


@pytest.mark.parametrize("raw", [b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                                 b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
                                 b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                                 b"\x00\xff\xfe" * 100])
def test_malformed_requests_do_not_kill_it(server, raw):
    port, _, process = server
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(raw)
        try:
            sock.recv(1024)
        except OSError:
            pass
    assert get(port, "/")[0] == 200 and process.poll() is None
