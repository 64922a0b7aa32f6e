"""Run the site's code examples for real: start server examples, replay requests, run clients."""
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from httpref.schema import SERVER_FRAMEWORKS

NODE_MODULES = Path(__file__).resolve().parent / "node" / "node_modules"
PORT_IN_CODE = re.compile(r"\b3000\b")
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9-]+)\}")


@dataclass
class Response:
    """One response read off the wire, interim or final."""

    status: int
    headers: dict = field(default_factory=dict)  # lower-case name -> value
    body: bytes = b""


def framework(label: str) -> str | None:
    """Express, Flask or FastAPI if the example with this label is a server, else None."""
    return next((name for name in SERVER_FRAMEWORKS if name in label), None)


def with_port(code: str, port: int) -> str:
    return PORT_IN_CODE.sub(str(port), code)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def node_env() -> dict:
    return {**os.environ, "NODE_PATH": str(NODE_MODULES)}


def start_server(example, workdir: Path) -> tuple[subprocess.Popen, int]:
    """Start a server example on a free loopback port; return the process once it listens."""
    port = free_port()
    name = framework(example.label)
    code = with_port(example.code, port)
    if name == "Express":
        script = workdir / "server.js"
        script.write_text(code)
        command, env = ["node", str(script)], node_env()
    else:
        script = workdir / "server_app.py"
        script.write_text(code)
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, str(script)] if name == "Flask" else [
            sys.executable, "-m", "uvicorn", "server_app:app", "--port", str(port),
            "--host", "127.0.0.1", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}:\n"
                                 f"{process.stdout.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    stop(process)
    raise AssertionError("the server did not listen within 20 s")


def stop(process: subprocess.Popen) -> str:
    """Stop a server and return what it printed."""
    process.terminate()
    try:
        output, _ = process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output or ""


def build_request(text: str, previous: Response | None, port: int) -> tuple[bytes, bytes]:
    """(head, body) of the raw HTTP/1.1 request described in the content's `requests` field."""
    def fill(match):
        name = match[1].lower()
        if previous is None or name not in previous.headers:
            raise AssertionError(f"{{{match[1]}}}: the previous response has no {match[1]} header")
        return previous.headers[name]

    text = PLACEHOLDER.sub(fill, text.strip("\n"))
    head_text, _, body_text = text.partition("\n\n")
    lines = head_text.split("\n")
    method, _, target = lines[0].strip().partition(" ")
    body = body_text.encode() if body_text else b""
    headers = [f"{method} {target.strip()} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    headers += [line.strip() for line in lines[1:] if line.strip()]
    if body:
        headers.append(f"Content-Length: {len(body)}")
    if not any(line.lower().startswith("connection:") for line in headers):
        headers.append("Connection: close")
    return ("\r\n".join(headers) + "\r\n\r\n").encode(), body


def send(port: int, head: bytes, body: bytes, method: str) -> list[Response]:
    """Send one request; return every response to it, interim ones first."""
    responses = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        reader = sock.makefile("rb")
        sock.sendall(head)
        expects_continue = b"expect: 100-continue" in head.lower()
        if body and not expects_continue:
            sock.sendall(body)
        while True:
            response = read_head(reader)
            responses.append(response)
            if response.status == 100 and expects_continue and body:
                sock.sendall(body)
                expects_continue = False
            if response.status == 101 or response.status >= 200:
                break
        final = responses[-1]
        if final.status >= 200 and method != "HEAD" and final.status not in (204, 304):
            final.body = read_body(reader, final.headers)
    return responses


def read_head(reader) -> Response:
    status_line = reader.readline().decode("latin-1")
    if not status_line.startswith("HTTP/"):
        raise AssertionError(f"not an HTTP response: {status_line!r}")
    response = Response(int(status_line.split()[1]))
    for line in iter(reader.readline, b"\r\n"):
        if not line:
            break
        name, _, value = line.decode("latin-1").partition(":")
        response.headers[name.strip().lower()] = value.strip()
    return response


def read_body(reader, headers: dict) -> bytes:
    if "content-length" in headers:
        return reader.read(int(headers["content-length"]))
    if "chunked" in headers.get("transfer-encoding", ""):
        chunks = []
        while (size := int(reader.readline().split(b";")[0].strip() or b"0", 16)):
            chunks.append(reader.read(size))
            reader.readline()
        return b"".join(chunks)
    return reader.read()


def run_client(example, port: int, workdir: Path) -> subprocess.CompletedProcess:
    """Run a client example (curl script, Node or Python) against a server on `port`."""
    code = with_port(example.code, port)
    if example.language == "bash":
        command, env = ["bash", "-e", "-c", code], os.environ
    elif example.language == "js":
        (workdir / "client.js").write_text(code)
        command, env = ["node", str(workdir / "client.js")], node_env()
    else:
        (workdir / "client.py").write_text(code)
        command, env = [sys.executable, str(workdir / "client.py")], os.environ
    return subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=60)
