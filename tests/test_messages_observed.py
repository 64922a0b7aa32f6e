"""The messages are observed, not copied: the software this machine runs (Chromium, curl,
Node.js, Python requests, Werkzeug, Express) is driven into each failure against a loopback
server, and what it prints must be a message in content/messages/ that means that failure.
The suite fails when a new version words it differently; then the data is corrected."""
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading

import pytest

from httpref.content import load_site
from tests.conftest import REPO
from tests.examples import free_port

SITE = load_site(REPO)
NODE_MODULES = REPO / "tests" / "node" / "node_modules"


def pattern(text: str) -> re.Pattern:
    """A message as a pattern: each placeholder stands for whatever the software printed."""
    parts = re.split(r"\{[a-z]+\}", text)
    return re.compile(r".+?".join(re.escape(part) for part in parts))


def meaning(source: str, means) -> list:
    """The messages of one source file that mean a code or failure."""
    return [m for m in SITE.messages if m.source == f"content/messages/{source}.yaml" and m.means == means]


def assert_published(source: str, means, output: str):
    """What the software printed holds a message of `source` that means `means`."""
    candidates = meaning(source, means)
    assert candidates, f"content/messages/{source}.yaml has no message meaning {means}"
    assert any(pattern(text).search(output) for m in candidates for text in (m.text, *m.also)), \
        f"{source} printed {output.strip()[:300]!r}, which no message meaning {means} matches"


class Scenarios:
    """Loopback servers that fail in one way each; their ports by name."""

    def __init__(self):
        self.ports, self.sockets = {}, []
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        self.ports["refused"] = closed.getsockname()[1]
        closed.close()  # nothing listens there any more
        self.serve("empty", lambda conn: None)
        self.serve("reset", self.reset)
        self.serve("loop", lambda conn: conn.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
        for code, phrase in ((404, b"Not Found"), (500, b"Internal Server Error"),
                             (502, b"Bad Gateway"), (503, b"Service Unavailable")):
            self.serve(code, lambda conn, head=b"HTTP/1.1 %d %s\r\n" % (code, phrase): conn.sendall(
                head + b"Content-Length: 0\r\nConnection: close\r\n\r\n"))

    @staticmethod
    def reset(conn):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def serve(self, name, answer):
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        self.ports[name] = server.getsockname()[1]
        self.sockets.append(server)

        def loop():
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                with conn:
                    conn.settimeout(2)
                    try:
                        conn.recv(65536)
                        answer(conn)
                    except OSError:
                        pass
        threading.Thread(target=loop, daemon=True).start()

    def url(self, name, scheme="http"):
        return f"{scheme}://127.0.0.1:{self.ports[name]}/"

    def close(self):
        for server in self.sockets:
            server.close()


@pytest.fixture(scope="module")
def scenarios():
    servers = Scenarios()
    yield servers
    servers.close()


# (scenario, URL scheme, what it means, the Chromium messages its error page must show)
CHROMIUM = [
    ("refused", "http", "err-connection-refused",
     ["chrome-site-cant-be-reached", "chrome-refused-to-connect", "chrome-err-connection-refused"]),
    ("empty", "http", "err-empty-response",
     ["chrome-page-isnt-working", "chrome-didnt-send-any-data", "chrome-err-empty-response"]),
    ("loop", "http", "err-too-many-redirects",
     ["chrome-redirected-too-many-times", "chrome-err-too-many-redirects"]),
    (500, "https", "err-ssl-protocol-error",  # an HTTP answer to a TLS hello
     ["chrome-cant-provide-secure-connection", "chrome-err-ssl-protocol-error"]),
    (500, "http", 500, ["chrome-page-isnt-working", "chrome-unable-to-handle-request", "chrome-http-error-500"]),
    (502, "http", 502, ["chrome-http-error-502"]),
    (503, "http", 503, ["chrome-http-error-503"]),
]


@pytest.mark.parametrize("scenario, scheme, means, ids", CHROMIUM, ids=lambda v: str(v))
def test_chromium_shows_the_published_texts(browser, scenarios, scenario, scheme, means, ids):
    page = browser.new_page()
    try:
        page.goto(scenarios.url(scenario, scheme))
    except Exception:  # noqa: BLE001  (an error page is what we came for)
        pass
    page.wait_for_function("document.body && document.body.innerText.length > 0")
    shown = page.evaluate("document.body.innerText")
    page.close()
    by_id = {m.id: m for m in SITE.messages}
    assert means in {by_id[message_id].means for message_id in ids}  # headings are shared
    for message_id in ids:
        message = by_id[message_id]
        assert pattern(message.text).search(shown), f"Chromium {browser.version} showed " \
            f"{shown!r}, not {message.text!r} ({message_id})"


def run(command: list, **kwargs) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, **kwargs)
    return done.stdout + done.stderr


CURL = [("refused", [], "err-connection-refused"), ("empty", [], "err-empty-response"),
        ("reset", [], "err-connection-reset"), ("loop", ["-L"], "err-too-many-redirects"),
        (500, ["--tlsv1.2"], "err-ssl-protocol-error"), (404, ["--fail"], 404)]


@pytest.mark.skipif(not shutil.which("curl"), reason="curl is not installed")
@pytest.mark.parametrize("scenario, flags, means", CURL, ids=lambda v: str(v))
def test_curl_prints_a_published_text(scenarios, scenario, flags, means):
    scheme = "https" if "--tlsv1.2" in flags else "http"
    output = run(["curl", "-sS", "-o", "/dev/null", *flags, scenarios.url(scenario, scheme)])
    assert_published("curl", means, output)


NODE = {"refused": "err-connection-refused", "empty": "err-empty-response",
        "reset": "err-connection-reset"}


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js is not installed")
@pytest.mark.parametrize("scenario", NODE)
def test_node_prints_a_published_text(scenarios, scenario):
    script = ("require('http').get(process.argv[1], () => {})"
              ".on('error', (error) => console.log(String(error)))")
    assert_published("nodejs", NODE[scenario], run(["node", "-e", script, scenarios.url(scenario)]))


REQUESTS = {"refused": "err-connection-refused", "empty": "err-empty-response",
            "reset": "err-connection-reset", "loop": "err-too-many-redirects", 404: 404,
            500: 500, 502: 502, 503: 503}


@pytest.mark.parametrize("scenario", REQUESTS, ids=str)
def test_python_requests_prints_a_published_text(scenarios, scenario):
    script = ("import requests, sys\n"
              "try:\n    requests.get(sys.argv[1], timeout=10).raise_for_status()\n"
              "except Exception as error:\n    print(f'{type(error).__module__}.{type(error).__name__}: {error}')")
    output = run([sys.executable, "-c", script, scenarios.url(scenario)])
    assert_published("python", REQUESTS[scenario], output)


def test_werkzeug_default_pages_are_published():
    from werkzeug import exceptions

    for error in (exceptions.NotFound, exceptions.MethodNotAllowed,
                  exceptions.InternalServerError, exceptions.TooManyRequests):
        assert_published("werkzeug", error.code, error().get_body())


@pytest.mark.skipif(not (NODE_MODULES / "express").is_dir(), reason="the Node tools are not installed")
def test_express_default_404_is_published():
    script = ("const app = require('express')(); const server = app.listen(+process.argv[1], "
              "async () => { const r = await fetch(`http://127.0.0.1:${process.argv[1]}/a`); "
              "console.log(await r.text()); server.close(); });")
    output = run(["node", "-e", script, str(free_port())], cwd=NODE_MODULES.parent)
    assert_published("express", 404, output)
