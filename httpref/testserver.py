#!/usr/bin/env python3
"""A test server for HTTP status codes: it answers /NNN with status NNN and the header fields
that code needs, and with no content where none is allowed. Python 3.9+, standard library only.

    python3 testserver.py [--port 8080] [--host 127.0.0.1] [--quiet]

    /404                      404 Not Found (any method; /any/prefix/404 too)
    /103                      a 1xx is sent as an interim response, then 200 follows
    /302?location=/somewhere  where a redirect points (default: 200, next to it)
    /302?loop=1               a redirect to itself, for ever
    /429?retry_after=30       Retry-After in seconds (429 and 503: 5); date:30 sends the
                              date 30 seconds from now
    /503?times=2              503 to the first 2 requests for this URL, then 200
    /401?auth=ana:secret      200 once the request carries these Basic credentials
    /200?delay=2              wait 2 seconds before answering
    /200?close=1              close the connection after answering (a 408 always does)
    /200?interim=103          send an interim response (100, 102, 103) first
    /200?expect=417           answer 417 to a request with Expect: 100-continue
    /200?fault=close          close the connection before the status line
          fault=close-mid-body  the header section, part of the content, then close
          fault=slow-body       the header section, part of the content, then silence
          fault=reset-mid-body  the header section, part of the content, a pause, a reset
          fault=never           accept the request and never answer
          fault=reset           reset the connection (TCP RST) instead of answering
          fault=garbage         a line that is not HTTP instead of a status line
          fault=stray-body      content after a 204 or 304 anyway (a broken server)

The site that publishes this file writes the phrase and header fields of every code it
documents into CODES; a code missing there is answered with an empty reason phrase.
"""
import argparse
import base64
import email.utils
import http.server
import socket
import struct
import sys
import threading
import time
import urllib.parse

# code: (reason phrase, header fields the response carries). Written by the site's build.
CODES = {}
NO_CONTENT = (204, 205, 304)
RESOURCE = b"0123456789" * 10  # what /200 and /206 serve: 100 bytes
HELP = __doc__.split("\n\n", 1)[1]  # the usage and every option


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers one request as its path and query ask; `server.log` records every request."""

    protocol_version = "HTTP/1.1"
    server_version = "httpref-testserver"

    def do_any(self):
        path, _, query = self.path.partition("?")
        options = {key: values[-1] for key, values in urllib.parse.parse_qs(query).items()}
        body = self.read_body()
        self.server.record(self, body)
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if path == "/":
            return self.answer(200, "OK", {"Content-Type": "text/plain"}, HELP.encode())
        if not last.isdigit() or len(last) > 3:
            return self.answer(404, "Not Found", {"Content-Type": "text/plain"},
                               b"Ask for /NNN, a status code; / lists the options.\n")
        code = int(last)
        times, auth = options.get("times"), options.get("auth", "")
        if times and self.server.count(self.path) > int(times) or auth and code == 401 and \
                self.headers.get("Authorization") == "Basic " + base64.b64encode(auth.encode()).decode():
            code, options = 200, {}
        self.respond(code, options)

    def respond(self, code: int, options: dict):
        if options.get("delay"):
            time.sleep(float(options["delay"]))
        fault = options.get("fault", "")
        if fault in ("close", "never", "reset", "garbage"):
            return self.fail(fault)
        if options.get("interim"):
            self.interim(int(options["interim"]))
        if 100 <= code < 200 and code != 101:  # an interim response, then a final one
            self.interim(code)
            code = 200
        phrase, fields = CODES.get(code, ("", {}))
        headers = {name: self.value(name, value, code, options) for name, value in fields.items()}
        if 300 <= code < 400 and ("location" in options or "loop" in options):
            headers["Location"] = self.path if "loop" in options else options["location"]
        content = self.content(code, phrase, headers)
        if fault == "stray-body":
            content = b"stray content\n"
        if code == 101:
            headers["Connection"] = "Upgrade"
        if code in (101, 408) or options.get("close"):
            self.close_connection = True
        self.answer(code, phrase, {"Content-Type": "text/plain", **headers}, content,
                    partial=fault in ("close-mid-body", "slow-body", "reset-mid-body") and fault,
                    framed=fault != "stray-body" and code not in (101, 204, 304))

    def value(self, name: str, value: str, code: int, options: dict) -> str:
        """A header field's value for this request (the options and the request change some)."""
        if name == "Retry-After":  # date:N is the date N seconds from now
            value = options.get("retry_after", value)
            return email.utils.formatdate(time.time() + float(value[5:]), usegmt=True) \
                if value.startswith("date:") else value
        if name == "Allow":  # the methods the resource takes: never the one just refused
            return "POST" if self.command in ("GET", "HEAD") else "GET, HEAD"
        if name == "Content-Range":
            return self.content_range(code)[0]
        return value

    def content(self, code: int, phrase: str, headers: dict) -> bytes:
        if code in NO_CONTENT or code < 200:
            return b""
        if code == 206:
            return self.content_range(code)[1]
        if code == 200:
            return RESOURCE
        return f"{code} {phrase}\n".encode()

    def content_range(self, code: int) -> tuple:
        """(Content-Range, content) for the Range the request asked for (default: bytes 0-9)."""
        if code == 416:
            return f"bytes */{len(RESOURCE)}", b""
        first, _, last = self.headers.get("Range", "bytes=0-9").removeprefix("bytes=").partition("-")
        first, last = int(first or 0), min(int(last or len(RESOURCE) - 1), len(RESOURCE) - 1)
        return f"bytes {first}-{last}/{len(RESOURCE)}", RESOURCE[first:last + 1]

    def interim(self, code: int):
        phrase, fields = CODES.get(code, ("", {}))
        if code == 103:
            fields = {"Link": "</style.css>; rel=preload; as=style", **fields}
        lines = [f"HTTP/1.1 {code} {phrase}"] + [f"{name}: {value}" for name, value in fields.items()]
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        self.wfile.flush()

    def answer(self, code: int, phrase: str, headers: dict, content: bytes, partial="",
               framed=True):
        lines = [f"HTTP/1.1 {code} {phrase}", f"Date: {email.utils.formatdate(usegmt=True)}",
                 f"Server: {self.server_version}"]
        if framed:
            headers["Content-Length"] = str(len(content) * (10 if partial else 1))
        elif code not in (204, 304) and code >= 200:
            self.close_connection = True  # content that only the end of the connection ends
        if self.close_connection or partial:
            headers["Connection"] = "close"
        lines += [f"{name}: {value}" for name, value in headers.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + (b"" if self.command == "HEAD" else content))
        self.wfile.flush()
        self.server.log_answer(self, code)
        if partial:
            self.close_connection = True
            if partial == "slow-body":
                self.server.stopping.wait(300)
            elif partial == "reset-mid-body":
                self.server.stopping.wait(0.5)  # long enough for a proxy to pass the start on
                self.reset()

    def fail(self, fault: str):
        self.close_connection = True
        self.server.log_answer(self, fault)
        if fault == "never":
            self.server.stopping.wait(300)
        elif fault == "reset":
            self.reset()
        elif fault == "garbage":
            self.wfile.write(b"this is not HTTP\r\n\r\n")

    def reset(self):
        """Close with a TCP RST: now, before the server's own close sends a FIN."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def handle_expect_100(self):
        if "expect=417" in self.path.partition("?")[2]:
            self.read_body = lambda: b""  # the content was not sent, and will not be
            self.server.record(self, b"")
            self.close_connection = True
            self.answer(417, CODES.get(417, ("Expectation Failed", {}))[0],
                        {"Content-Type": "text/plain"}, b"417 Expectation Failed\n")
            return False
        return super().handle_expect_100()

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline().strip():
                pass
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def log_message(self, *args):
        pass

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_any


class Server(http.server.ThreadingHTTPServer):
    """The server; `log` holds every request received, with what was sent and when."""

    daemon_threads = True

    def __init__(self, address, quiet=False):
        super().__init__(address, Handler)
        self.quiet, self.log, self.seen, self.lock = quiet, [], {}, threading.Lock()
        self.stopping = threading.Event()

    def record(self, handler, body: bytes):
        with self.lock:
            self.seen[handler.path] = self.seen.get(handler.path, 0) + 1
            self.log.append({"time": time.monotonic(), "method": handler.command,
                             "path": handler.path, "host": handler.headers.get("Host", ""),
                             "headers": {name.lower(): value for name, value in handler.headers.items()},
                             "body": body})

    def count(self, path: str) -> int:
        with self.lock:
            return self.seen.get(path, 0)

    def log_answer(self, handler, answer):
        if not self.quiet:
            print(f'{handler.command} {handler.path} -> {answer}', file=sys.stderr, flush=True)

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client going away is no error
            super().handle_error(request, client_address)

    def shutdown(self):
        self.stopping.set()
        super().shutdown()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--quiet", action="store_true", help="do not print each request")
    args = parser.parse_args(argv)
    server = Server((args.host, args.port), args.quiet)
    print(f"Answering every status code on http://{args.host}:{server.server_port}/ "
          f"({len(CODES)} documented); Ctrl-C stops.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping.set()
        server.server_close()


if __name__ == "__main__":
    main()
