"""Observe what real reverse proxies answer when the application behind them fails: each
proxy of httpref/scenarios.py runs on loopback, with tests/proxies/'s configuration, in front
of the test server, and each failure is caused for real; the result is compared with
content/observed/proxies.json.

    python -m tests.observe_proxies [PROXY…]            observe and print the differences
    python -m tests.observe_proxies --write [PROXY…]    observe and record (after an upgrade)
    python -m tests.observe_proxies --install           install the proxies (as root on Debian)
"""
import argparse
import datetime
import json
import os
import re
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from httpref import scenarios
from httpref.kinds.proxies import DATA
from tests.observe import Servers, apt_install, finish

REPO = Path(__file__).resolve().parent.parent
CONFIGS = REPO / "tests" / "proxies"
CERT, KEY = CONFIGS / "localhost-cert.pem", CONFIGS / "localhost-key.pem"  # for 127.0.0.1, tests only
CLIENT_TIMEOUT = 10
SLACK = 0.5  # seconds a timing may differ from the record by
ADDRESS = re.compile(r"127\.0\.0\.1(?::\d+)?")
PATH = re.compile(r"/(?:t|refused)/\S+")
UPSTREAM = ("0123456789", "this is not HTTP")  # what the test server's 200 and garbage begin with


def free_port() -> int:
    """A port nothing listens on (the kernel's pick, released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Running:
    """One proxy running in a folder of its own, with its logs there."""

    def __init__(self, proxy, upstream: int, folder: Path):
        self.proxy, self.folder, self.port, self.tls_port = proxy, folder, free_port(), free_port()
        folder.chmod(0o755)  # Varnish's and Apache's workers run as other users
        (folder / "both.pem").write_bytes(CERT.read_bytes() + KEY.read_bytes())  # HAProxy's form
        config = string.Template((CONFIGS / proxy.config).read_text()).substitute(
            dir=folder, port=self.port, tls_port=self.tls_port, upstream=upstream, dead=free_port(),
            timeout=scenarios.SHORT, timeout_seconds=scenarios.PROXY_TIMEOUT, cert=CERT, key=KEY, pem=folder / "both.pem")
        (folder / proxy.config).write_text(config)
        self.processes = [self.start(command) for command in self.commands()]
        self.wait_until_listening()

    def commands(self) -> list:
        folder, config = self.folder, str(self.folder / self.proxy.config)
        return {
            "nginx": [["nginx", "-c", config, "-e", str(folder / "error.log")]],
            "apache": [["apache2", "-f", config, "-DFOREGROUND"] + (["-Droot"] if os.geteuid() == 0 else [])],
            "haproxy": [["haproxy", "-db", "-f", config]],
            "caddy": [["caddy", "run", "--config", config, "--adapter", "caddyfile"]],
            "varnish": [["varnishd", "-F", "-n", str(folder / "work"), "-a", f"127.0.0.1:{self.port}",
                         "-f", config, "-s", "malloc,16m"]],
        }[self.proxy.id]

    def start(self, command: list):
        with open(self.folder / f"{Path(command[0]).name}.out", "wb") as output:
            return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env={
                **os.environ, "HOME": str(self.folder), "XDG_DATA_HOME": str(self.folder),
                "XDG_CONFIG_HOME": str(self.folder)})

    def wait_until_listening(self):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                time.sleep(0.1)
                continue
            if self.proxy.id == "varnish":  # its log readers attach to the running varnishd
                self.processes += [self.start(command) for command in self.log_readers()]
                time.sleep(1)
            return
        self.stop()
        raise RuntimeError(f"{self.proxy.name} did not start: {self.output()[-2000:]}")

    def log_readers(self) -> list:
        work = str(self.folder / "work")
        return [["varnishncsa", "-n", work, "-F", '%s "%r"', "-w", str(self.folder / "access.log")],
                ["varnishlog", "-n", work, "-g", "raw", "-i", "FetchError", "-w",
                 str(self.folder / "error.log"), "-A"]]

    def output(self) -> str:
        return "".join(path.read_text(errors="replace") for path in self.folder.glob("*.out"))

    def logs(self) -> tuple:
        """(access log, error log) as written so far, whole lines only (a long line may be
        half written when read)."""
        if self.proxy.id in ("haproxy", "caddy"):  # they log to their output (Caddy in JSON)
            text = whole_lines(self.output())
            return text, text
        return tuple(whole_lines((self.folder / name).read_text(errors="replace"))
                     if (self.folder / name).exists() else "" for name in ("access.log", "error.log"))

    def stop(self):
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def whole_lines(text: str) -> str:
    return text[:text.rfind("\n") + 1]


def version(proxy) -> str:
    command, pattern = {
        "nginx": (["nginx", "-v"], r"nginx/(\S+)"),
        "apache": (["apache2", "-v"], r"Apache/(\S+)"),
        "haproxy": (["haproxy", "-v"], r"version (\S+)"),
        "caddy": (["caddy", "version"], r"v?(\d\S*)"),
        "varnish": (["varnishd", "-V"], r"varnish-(\S+)"),
    }[proxy.id]
    done = subprocess.run(command, capture_output=True, text=True)
    return re.search(pattern, done.stdout + done.stderr).group(1)


def marker(proxy, failure) -> str:
    """What names one failure's request in the logs: its own path, or for /refused/ (routed
    by its prefix) a query."""
    return f"t={proxy.id}" if failure.path.startswith("/refused/") else f"/t/{proxy.id}/{failure.id}"


def request(proxy, failure) -> bytes:
    """The request that causes one failure, named by its marker."""
    named = marker(proxy, failure)
    path = failure.path + "?" + named if named.startswith("t=") else named + failure.path
    head = [f"{failure.method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
            *failure.headers]
    if failure.body_size:
        head.append(f"Content-Length: {failure.body_size}")
    end = "\r\n" if failure.unfinished else "\r\n\r\n"
    return ("\r\n".join(head) + end).encode() + b"x" * failure.body_size


def exchange(port: int, failure, data: bytes) -> dict:
    """Send one request and read until the proxy closes: what came back, and when."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT)
    started = time.monotonic()
    # Send from a thread: a proxy may answer (413) before reading all of a large request.
    sender = threading.Thread(target=send_all, args=(sock, data), daemon=True)
    sender.start()
    if failure.id == "client-closed-early":
        time.sleep(scenarios.GIVE_UP)
        sock.close()
        return {"received": b"", "error": "closed by the client", "seconds": None}
    received, error = b"", None
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except socket.timeout:
        error = "timeout"
    except ConnectionResetError:
        error = "reset"
    sock.close()
    return {"received": received, "error": error, "seconds": round(time.monotonic() - started, 1)}


def send_all(sock, data: bytes):
    try:
        sock.sendall(data)
    except OSError:
        pass


def parse(received: bytes) -> tuple:
    """(status or None, header fields, content, complete) of what a proxy sent back."""
    if not received.startswith(b"HTTP/"):
        return None, {}, b"", None
    head, _, content = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = {name.strip().lower(): value.strip() for name, _, value in
              (line.partition(":") for line in lines[1:])}
    if "chunked" in fields.get("transfer-encoding", ""):
        complete, content = unchunk(content)
    elif "content-length" in fields:
        complete = len(content) >= int(fields["content-length"])
    else:
        complete = None  # ended by the close: nothing tells a cut from an end
    return int(lines[0].split()[1]), fields, content, complete


def unchunk(data: bytes) -> tuple:
    """(complete, content) of a chunked body."""
    content = b""
    while b"\r\n" in data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            return True, content
        content, data = content + data[:size], data[size + 2:]
    return False, content


def page(status, fields: dict, content: bytes):
    """The heading of the proxy's own page, or None when the content is the application's."""
    text = content.decode("utf-8", "replace")
    if status is None or not text.strip() or text.startswith(UPSTREAM + (f"{status} ",)) \
            and "html" not in fields.get("content-type", ""):
        return None
    found = re.search(r"<title>(.*?)</title>", text, re.S | re.I) or \
        re.search(r"<h1>(.*?)</h1>", text, re.S | re.I)
    return " ".join((found.group(1) if found else text.strip().splitlines()[0]).split())


def access_line(proxy, text: str, marker: str):
    """The access log's line for this request, if written yet: the one naming its path, or
    the only new one (a request refused before its path was read is logged without it)."""
    lines = [line for line in text.splitlines() if line.strip() and (
        proxy.id != "caddy" or '"logger":"http.log.access' in line)]
    return next((line for line in lines if marker in line), lines[0] if len(lines) == 1 else None)


def logged_status(proxy, line: str):
    """The status the access log recorded."""
    if proxy.id == "caddy":
        return json.loads(line)["status"]
    if proxy.id == "haproxy":  # None for a line that is no request's (an SSL handshake failure)
        found = re.search(r'\] \S+ \S+ \S+ (-?\d+) ', line)
        return int(found.group(1)) if found else None
    if proxy.id == "varnish":
        return int(line.split()[0])
    if proxy.id == "apache" and '"-"' in line:  # a request refused before it was read
        return int(re.search(r'"-" (\d+) ', line).group(1))
    return int(re.search(r'" (\d+) ', line).group(1))


def error_lines(proxy, text: str, access: str) -> list:
    """The error log's lines for one request, without their times, process ids, addresses
    and paths: what to search a log for."""
    found = []
    for line in text.splitlines():
        if proxy.id == "nginx":
            match = re.match(r"\S+ \S+ \[\w+\] \d+#\d+: (?:\*\d+ )?(.*?)(?:, client: .*)?$", line)
            line = match and match.group(1)
        elif proxy.id == "apache":
            # without the time, the module and level, the process and the client
            line = re.sub(r"^\[[^\]]*\] \[[\w:]+\] |\[pid [^\]]*\] |\[client [^\]]*\] ", "", line)
        elif proxy.id == "haproxy":
            # the status, bytes, two captured cookies and the termination state (who ended
            # the session, and when: sH--, a server timeout waiting for the response header)
            match = re.search(r" (-?\d+) \d+ (\S+ \S+ \S{4}) ", access or "")
            other = re.match(r"\S+ \[[^\]]+\] (.*)$", line)  # a line that is no request's
            line = match and line == access and f"{match.group(1)} {{number}} {match.group(2)}" \
                or not match and line == access and other and re.sub(r"^\S+/\d+: ", "{id}/{number}: ", other.group(1))
        elif proxy.id == "caddy":
            record = json.loads(line) if line.startswith("{") else {}
            line = record.get("level") in ("error", "warn") and \
                record.get("logger") != "http.log.access" and \
                record["msg"] + (f": {record['error']}" if "error" in record else "")
        elif proxy.id == "varnish":
            match = re.search(r"FetchError\s+\S\s+(.*)$", line)
            line = match and "FetchError " + re.sub(r"^backend \w+:", "backend {id}:", match.group(1).strip())
        if line:
            found.append(PATH.sub("{path}", ADDRESS.sub("{host}", line)))
    return found


def observe_failure(running, failure) -> dict:
    proxy = running.proxy
    before = [len(text) for text in running.logs()]
    got = exchange(running.tls_port if failure.tls_port else running.port, failure, request(proxy, failure))
    status, fields, content, complete = parse(got["received"])
    named = marker(proxy, failure)
    deadline, line = time.monotonic() + 2.5, None  # some proxies log nothing for some failures
    while time.monotonic() < deadline and line is None:
        line = access_line(proxy, running.logs()[0][before[0]:], named)
        time.sleep(0.1)
    time.sleep(0.3)  # an error line may follow the access line
    errors = running.logs()[1][before[1]:]
    return {"client_status": status, "complete": complete if status else None,
            "page": page(status, fields, content), "client_error": None if status else
            got["error"] or ("not HTTP" if got["received"] else "closed"),
            "logged_status": logged_status(proxy, line) if line else None,
            "error_log": error_lines(proxy, errors, line), "seconds": got["seconds"]}


def observe(proxy) -> tuple:
    """(version, {failure id: what was observed}) for one proxy."""
    servers = Servers()
    try:
        with tempfile.TemporaryDirectory(prefix=f"httpref-{proxy.id}-") as folder:
            running = Running(proxy, servers.servers[0].server_port, Path(folder))
            try:
                return version(proxy), {failure.id: observe_failure(running, failure)
                                        for failure in scenarios.PROXY_FAILURES.values()
                                        if proxy.tls or not failure.tls_port}
            finally:
                running.stop()
    finally:
        servers.close()


def available(proxy):
    """Why a proxy cannot be observed here, or None."""
    missing = shutil.which(proxy.command) is None
    return f"{proxy.command} is not installed (as root on Debian, make test installs {proxy.package})" \
        if missing else None


def recorded() -> dict:
    path = REPO / DATA
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"proxies": [], "results": []}


def same(key: str, seen, kept) -> bool:
    if key == "seconds" and seen is not None and kept is not None:
        return abs(seen - kept) <= SLACK
    return seen == kept


def differences(proxy, version_here: str, seen: dict, data: dict) -> list:
    """Every result that differs from the record, named by proxy, version and failure."""
    versions = {row["id"]: row["version"] for row in data["proxies"]}
    kept = {row["failure"]: row for row in data["results"] if row["proxy"] == proxy.id}
    found = []
    for failure, observed in seen.items():
        old = {key: kept[failure].get(key) for key in observed} if failure in kept else None
        if old is None or not all(same(key, observed[key], old[key]) for key in observed):
            found.append(f"{proxy.name} {version_here}, {failure}: observed {observed}, recorded {old}")
    if found and versions.get(proxy.id) != version_here:
        found.append(f"{proxy.name} is {version_here} here, the data says {versions.get(proxy.id)}")
    return found


def write(data: dict, proxy, version_here: str, seen: dict, today: str):
    data["proxies"] = [row for row in data["proxies"] if row["id"] != proxy.id] + \
        [{"id": proxy.id, "version": version_here}]
    data["proxies"].sort(key=lambda row: list(scenarios.PROXIES).index(row["id"]))
    order = list(scenarios.PROXY_FAILURES)
    data["results"] = sorted(
        [row for row in data["results"] if row["proxy"] != proxy.id] +
        [{"proxy": proxy.id, "version": version_here, "failure": failure, **observed,
          "settings": proxy.settings_for(failure), "date": today}
         for failure, observed in seen.items()],
        key=lambda row: (list(scenarios.PROXIES).index(row["proxy"]), order.index(row["failure"])))


def install():
    """nginx, Apache, HAProxy, Caddy and Varnish from Debian's packages, when run as root."""
    apt_install([proxy.package for proxy in scenarios.PROXIES.values() if shutil.which(proxy.command) is None])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--install", action="store_true")
    parser.add_argument("proxies", nargs="*", default=list(scenarios.PROXIES))
    args = parser.parse_args(argv)
    if args.install:
        install()
        return 0
    data, problems = recorded(), []
    today = datetime.date.today().isoformat()
    chosen = [scenarios.PROXIES[name] for name in args.proxies]
    for proxy in chosen:
        if reason := available(proxy):
            print(f"{proxy.id}: skipped, {reason}")
    chosen = [proxy for proxy in chosen if not available(proxy)]
    with ThreadPoolExecutor(len(chosen) or 1) as pool:  # each proxy waits on its timeouts
        for proxy, (version_here, seen) in zip(chosen, pool.map(observe, chosen)):
            found = differences(proxy, version_here, seen, data)
            problems += found
            print(f"{proxy.id} {version_here}: {len(seen)} failures, {len(found)} differences")
            if args.write:
                write(data, proxy, version_here, seen, today)
    return finish(data, problems, args.write, REPO / DATA, "proxies")


if __name__ == "__main__":
    sys.exit(main())
