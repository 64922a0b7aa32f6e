"""The test server people download (/testserver.py) answers every code of the site as its page
says: the registered phrase, the header fields the code needs, no content where none is
allowed; and it produces the faults it offers. The published file is run as a user would."""
import email.utils
import re
import socket
import subprocess
import sys
import time

import pytest

from httpref import facts, schema
from httpref.content import load_site
from tests.conftest import REPO
from tests.examples import free_port

SITE = load_site(REPO)


@pytest.fixture(scope="module")
def port(built_site):
    chosen = free_port()
    server = subprocess.Popen([sys.executable, str(built_site / "testserver.py"), "--port",
                               str(chosen), "--quiet"], stdout=subprocess.PIPE, text=True)
    assert "Answering every status code" in server.stdout.readline()
    yield chosen
    server.terminate()
    server.wait()


def exchange(port: int, request: str, timeout: float = 5) -> bytes:
    """Everything the server sent back to one request, until it closed or went quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request.encode())
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except socket.timeout:
            pass
        return received


def get(port: int, path: str, method: str = "GET", headers: str = "", timeout: float = 5) -> bytes:
    return exchange(port, f"{method} {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n{headers}\r\n",
                    timeout)


def responses(raw: bytes) -> list:
    """[(status line, {header: value}, content)] of every response in what was received."""
    found = []
    while raw:
        head, _, raw = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        length = int(headers.get("Content-Length", 0 if lines[0].split()[1][0] == "1" else len(raw)))
        found.append((lines[0], headers, raw[:length]))
        raw = raw[length:]
    return found


@pytest.mark.parametrize("entry", SITE.codes, ids=lambda entry: str(entry.code))
def test_every_code_is_answered_as_its_page_says(port, entry):
    code = entry.code
    answered = responses(get(port, f"/{code}"))
    if 100 <= code < 200 and code != 101:  # an interim response, then the final 200
        assert [line for line, _, _ in answered] == [f"HTTP/1.1 {code} {entry.phrase}", "HTTP/1.1 200 OK"]
        return
    [(line, headers, content)] = answered
    assert line == f"HTTP/1.1 {code} {entry.phrase}"
    for name in schema.REQUIRED_HEADERS.get(code, ()):
        assert headers.get(name), f"{code} without {name}"
    if code >= 200 and facts.content_rule(code).key == "none":
        assert content == b""
        assert ("Content-Length" in headers) == (code == 205)  # 205 marks its empty content
    elif code != 101:
        assert content == (b"0123456789" * 10 if code == 200 else
                           b"0123456789" if code == 206 else f"{code} {entry.phrase}\n".encode())
    head = responses(get(port, f"/{code}", "HEAD"))
    assert head[0][2] == b"" and head[0][0] == line


def test_a_number_without_a_page_or_outside_the_range_is_answered_as_asked(port):
    assert get(port, "/299").startswith(b"HTTP/1.1 299 \r\n")
    assert get(port, "/99").startswith(b"HTTP/1.1 99 \r\n")
    assert get(port, "/any/prefix/404").startswith(b"HTTP/1.1 404 Not Found")
    assert b"?retry_after=" in get(port, "/")  # the options


def test_redirects_retries_and_credentials(port):
    assert "Location: /elsewhere" in get(port, "/302?location=/elsewhere").decode()
    assert "Location: /t/301?loop=1\r\n" in get(port, "/t/301?loop=1").decode()
    assert "Retry-After: 7\r\n" in get(port, "/429?retry_after=7").decode()
    date = re.search(r"Retry-After: (.+)\r\n", get(port, "/503?retry_after=date:60").decode())[1]
    assert 55 < email.utils.parsedate_to_datetime(date).timestamp() - time.time() <= 61
    assert [get(port, "/500?times=2&n=1")[:12] for _ in range(3)] == [b"HTTP/1.1 500"] * 2 + [b"HTTP/1.1 200"]
    assert get(port, "/401?auth=ana:pw")[:12] == b"HTTP/1.1 401"
    assert get(port, "/401?auth=ana:pw", headers="Authorization: Basic YW5hOnB3\r\n")[:12] == b"HTTP/1.1 200"
    kept = exchange(port, "GET /204 HTTP/1.1\r\nHost: t\r\n\r\n", timeout=0.5)
    assert kept.startswith(b"HTTP/1.1 204") and b"Connection: close" not in kept  # kept alive
    for closing in ("/204?close=1", "/408"):
        assert b"Connection: close" in exchange(port, f"GET {closing} HTTP/1.1\r\nHost: t\r\n\r\n")
    partial = responses(get(port, "/206", headers="Range: bytes=5-7\r\n"))[0]
    assert partial[1]["Content-Range"] == "bytes 5-7/100" and partial[2] == b"567"


def test_interim_responses_delays_and_expectations(port):
    assert [line for line, _, _ in responses(get(port, "/200?interim=103"))] == [
        "HTTP/1.1 103 Early Hints", "HTTP/1.1 200 OK"]
    started = time.monotonic()
    get(port, "/204?delay=0.5")
    assert time.monotonic() - started >= 0.5
    refused = exchange(port, "POST /200?expect=417 HTTP/1.1\r\nHost: t\r\nContent-Length: 9\r\n"
                             "Expect: 100-continue\r\n\r\n")
    assert refused.startswith(b"HTTP/1.1 417 Expectation Failed")
    accepted = exchange(port, "POST /200 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n"
                              "Expect: 100-continue\r\nConnection: close\r\n\r\n")
    assert accepted.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")


def test_faults(port):
    assert get(port, "/200?fault=close") == b""
    assert get(port, "/200?fault=garbage") == b"this is not HTTP\r\n\r\n"
    with pytest.raises(ConnectionResetError):
        get(port, "/200?fault=reset")
    cut = responses(get(port, "/200?fault=close-mid-body"))[0]
    assert cut[1]["Content-Length"] == "1000" and len(cut[2]) == 100
    started = time.monotonic()
    assert get(port, "/200?fault=never", timeout=0.5) == b""  # nothing came, and it stayed open
    assert time.monotonic() - started >= 0.5
    stalled = get(port, "/200?fault=slow-body", timeout=0.5)
    assert b"Content-Length: 1000" in stalled and stalled.endswith(b"0123456789")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /200?fault=reset-mid-body HTTP/1.1\r\nHost: t\r\n\r\n")
        time.sleep(0.2)  # the reset has come: what arrived before it is read, then the reset
        assert b"Content-Length: 1000" in sock.recv(65536)
        with pytest.raises(ConnectionResetError):
            sock.recv(65536)
    stray = get(port, "/204?fault=stray-body")
    assert stray.endswith(b"\r\n\r\nstray content\n") and b"Content-Length" not in stray
