"""What the clients page asks of every client: the questions, and the scenarios that answer
them, each a request to the test server (httpref/testserver.py) with what the spec expects.

tests/observe.py runs every scenario with every client and records what happened in
content/observed/clients.json; the site shows that record, grouped by these questions.

Then what the proxies page asks of every reverse proxy: the failures, each caused for real
behind the proxy, which tests/observe_proxies.py records in content/observed/proxies.json.
"""
from dataclasses import dataclass, field

BIG = 2_000_000  # bytes of content for which clients announce Expect: 100-continue, if ever
REDIRECT_CODES = (300, 301, 302, 303, 304, 305, 306, 307, 308)
METHODS = ("GET", "POST", "PUT", "DELETE")


@dataclass(frozen=True)
class Expect:
    """What a spec says a client does: the observed key and value, in words, and where."""

    key: str
    value: object
    text: str
    spec: str


@dataclass(frozen=True)
class Step:
    """One request: the method, the test server path and options ({other} names the second
    host, for a cross-host redirect), header fields, content."""

    path: str
    method: str = "GET"
    headers: tuple = ()
    body_size: int = 0


@dataclass(frozen=True)
class Scenario:
    id: str
    code: int | None  # the status the test server answers first (None: it answers none)
    question: str
    label: str
    steps: tuple
    auth: str = ""
    expect: tuple = ()  # Expect records; a client doing otherwise departs from the spec
    keys: tuple = ()  # what to observe, beyond what the client reported


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    intro: str  # Markdown
    scenarios: tuple = field(default=())
    columns: int = 4  # scenarios side by side in one table of the clients page


def redirect_expect(code: int, method: str) -> tuple:
    """What RFC 9110 says the follow-up of a redirect is, where it says."""
    if code in (301, 302) and method != "POST":
        section = "RFC 9110 §15.4.2" if code == 301 else "RFC 9110 §15.4.3"
        return (Expect("method", method, f"the follow-up is a {method}; only a POST may become "
                                         "a GET", section),)
    if code == 303 and method != "GET":
        return (Expect("method", "GET", "the follow-up is a GET", "RFC 9110 §15.4.4"),)
    if code in (307, 308):
        section = "RFC 9110 §15.4.8" if code == 307 else "RFC 9110 §15.4.9"
        content = ", with the same content" if method != "GET" else ""
        return (Expect("method", method, f"the follow-up is a {method}{content}", section),)
    return ()


CREDENTIALS = (("Authorization", "Bearer secret-token"), ("Cookie", "session=secret-cookie"))

QUESTIONS = (
    Question("redirects", "Which redirects does a client follow, and with which method?",
             "Each client asked the test server for a URL that answered a 3xx code with a "
             "`Location`, first with GET, then with a POST, PUT and DELETE carrying content. "
             "A cell shows the method of the request the client sent next, or that it stopped "
             "and returned the 3xx itself.",
             tuple(Scenario(f"redirect-{code}-{method.lower()}", code, "redirects",
                            method,
                            (Step(f"{code}?location=200", method,
                                  body_size=0 if method == "GET" else 4),),
                            expect=redirect_expect(code, method), keys=("method", "body"))
                   for code in REDIRECT_CODES for method in METHODS)),
    Question("credentials", "Are Authorization and Cookie sent on after a redirect?",
             "The caller set `Authorization` and `Cookie` on the request itself, which got a 302 to "
             "the same host, then one to another host. RFC 9110 §15.4 asks a client to consider "
             "removing fields the caller added, these two by name, where sending them on has "
             "security implications; the Fetch Standard removes `Authorization` on a "
             "cross-origin redirect. A browser's cookies come from its cookie store, which keeps "
             "them to the host that set them.",
             (Scenario("redirect-same-host-credentials", 302, "credentials", "302 to the same host",
                       (Step("302?location=200", headers=CREDENTIALS),),
                       keys=("authorization", "cookie")),
              Scenario("redirect-cross-host-credentials", 302, "credentials", "302 to another host",
                       (Step("302?location={other}200", headers=CREDENTIALS),),
                       keys=("authorization", "cookie")))),
    Question("redirect-limit", "How many redirects in a row before a client gives up?",
             "The test server answered a 302 that pointed back at the same URL, for ever. A cell "
             "shows how many requests the client made, the first one included, before it "
             "stopped, and what it reported.",
             (Scenario("redirect-loop", 302, "redirect-limit", "302 to itself",
                       (Step("302?loop=1"),), keys=("requests",)),)),
    Question("challenges", "What happens on 401 and 407?",
             "For the 401, the client was given a user name and password its own way and asked "
             "for a URL that answers 401 with `WWW-Authenticate: Basic` until it gets them. A "
             "cell says whether the credentials went with the first request or only after the "
             "challenge. The 407 came from the server itself, not from a configured proxy.",
             (Scenario("challenge-401-basic", 401, "challenges", "401 with credentials set",
                       (Step("401?auth=ana:secret"),), auth="ana:secret",
                       keys=("credentials",)),
              Scenario("challenge-407", 407, "challenges", "407 from the server",
                       (Step("407"),)))),
    Question("retry-after", "Does a client wait for Retry-After and try again by itself?",
             "The test server answered 429 or 503 with `Retry-After` (1 second, or a date 2 "
             "seconds ahead) and 200 to the next request.",
             tuple(Scenario(f"retry-after-{code}-{kind}", code, "retry-after",
                            f"{code}, {label}",
                            (Step(f"{code}?times=1&retry_after={value}"),),
                            keys=("retried", "waited"))
                   for code in (429, 503)
                   for kind, label, value in (("seconds", "seconds", "1"),
                                              ("date", "date", "date:2")))),
    Question("retries", "Is a request sent again after a 408 or a dropped connection?",
             "The test server answered 408 and closed the connection, or closed it without a word, "
             "once, and 200 after that. The 408 came on a connection the client had just used "
             "for another request, as when a server times out an idle connection; a closed "
             "connection was either new or such a reused one.",
             tuple(Scenario(f"{kind}-{method.lower()}", code, "retries", f"{label}, {method}",
                            prelude + (Step(path, method, body_size=4 if method == "POST" else 0),),
                            keys=("retried",))
                   for kind, code, label, path, prelude in (
                       ("timeout-408", 408, "408", "408?times=1", (Step("200"),)),
                       ("closed-new", None, "closed, new connection", "200?fault=close&times=1", ()),
                       ("closed-reused", None, "closed, reused connection",
                        "200?fault=close&times=1", (Step("200"),)))
                   for method in ("GET", "POST")), columns=2),
    Question("expect", "Does a client send Expect: 100-continue, and what after a 417?",
             f"The client sent a POST with {BIG // 1_000_000} MB of content. With "
             "`Expect: 100-continue` a client may wait for a `100 Continue` before it sends the "
             "content. A server that does not meet the expectation answers 417; a client then "
             "should send the request again without it (RFC 9110 §10.1.1).",
             (Scenario("expect-100-continue", 100, "expect", "2 MB POST",
                       (Step("200", "POST", body_size=BIG),), keys=("expect",)),
              Scenario("expect-417", 417, "expect", "2 MB POST, answered 417",
                       (Step("200?expect=417", "POST", body_size=BIG),), keys=("expect", "retried"),
                       expect=(Expect("retried", True, "after a 417, the client sends the request "
                                      "again without the expectation", "RFC 9110 §10.1.1"),)))),
    Question("interim", "Does an interim 103 Early Hints get in the way?",
             "The test server sent `103 Early Hints` with a `Link` field, then the 200. A client "
             "must be able to parse 1xx responses it did not expect before the final response, "
             "and may ignore them (RFC 9110 §15.2).",
             (Scenario("interim-103", 103, "interim", "103, then 200", (Step("200?interim=103"),),
                       expect=(Expect("status", 200, "the client reads past the 103 and returns the 200",
                                      "RFC 9110 §15.2"),)),)),
    Question("no-content", "What does a client make of content after a 204 or 304?",
             "A broken server sent content after a 204 or a 304, which never carry any, then "
             "the client asked for another URL on the same connection. A cell shows whether the "
             "stray content was returned with the 204, and what the next request got.",
             tuple(Scenario(f"stray-body-{code}", code, "no-content", f"{code} with content",
                            (Step(f"{code}?fault=stray-body"), Step("200")), keys=("length", "next"))
                   for code in (204, 304))),
    Question("range", "Does a client take a 206 to a range request?",
             "The client asked for `Range: bytes=0-9` and got a 206 with those 10 bytes.",
             (Scenario("range-206", 206, "range", "206 to Range: bytes=0-9",
                       (Step("206", headers=(("Range", "bytes=0-9"),)),), keys=("length",)),)),
    Question("status", "What does a client report, and call success?",
             "Each client asked for a URL answering one status, with no redirect to follow. "
             "Success is each client's own test: `curl --fail` exits 0, `raise_for_status()` "
             "does not raise, `response.ok` is true, a promise resolves. 299, 499 and 599 are "
             "unregistered; 600 and 99 are not valid status codes at all.",
             tuple(Scenario(f"status-{code}", code, "status", str(code), (Step(str(code)),))
                   for code in (200, 204, 304, 404, 500, 299, 499, 599, 600, 99)), columns=5),
)
SCENARIOS = {scenario.id: scenario for question in QUESTIONS for scenario in question.scenarios}


@dataclass(frozen=True)
class Client:
    """A client observed: its name, how it was run, and what it counts as success."""

    id: str
    name: str
    setup: str  # Markdown
    success: str  # Markdown


CLIENTS = (
    Client("curl", "curl", "`curl -sS -L --fail`; without `-L` curl follows no redirect. "
           "Credentials with `-u`.", "exit status 0 (`--fail` fails on 400 and above)"),
    Client("wget", "GNU Wget", "`wget` at its defaults (it follows redirects and tries a failed "
           "download up to 20 times), but for `--waitretry 0`: the waits between tries, up to "
           "10 seconds each, would slow the tests. Credentials with `--user` and `--password`.",
           "exit status 0"),
    Client("requests", "Python requests", "`requests.Session().request()`; credentials with "
           "`auth=(user, password)`.", "`raise_for_status()` does not raise"),
    Client("httpx", "Python httpx", "`httpx.Client(follow_redirects=True)`; by default httpx "
           "follows no redirect. Credentials with `auth=`.", "`raise_for_status()` does not raise"),
    Client("urllib", "Python urllib.request", "`urlopen()` through an opener; credentials with "
           "`HTTPBasicAuthHandler`.", "`urlopen()` does not raise"),
    Client("aiohttp", "Python aiohttp", "`aiohttp.ClientSession().request()`; credentials with "
           "`auth=BasicAuth()`.", "`response.ok` (status below 400)"),
    Client("fetch", "Node.js fetch()", "the built-in `fetch()` (undici). It takes no "
           "credentials.", "`response.ok` (200 to 299)"),
    Client("axios", "axios on Node.js", "`axios.request()`; credentials with `auth:`.",
           "the promise resolves (default `validateStatus`: 200 to 299)"),
    Client("go", "Go net/http", "an `http.Client` at its defaults; credentials with "
           "`SetBasicAuth`.", "`Do()` returns no error, whatever the status"),
    Client("chromium-page", "Chromium navigation", "a navigation (GET) or a form submission (POST), "
           "driven by Playwright, which gives the password when the browser asks for one. Not "
           "shown: a navigation on a new connection that is closed, which Chromium may have "
           "opened ahead of time and then retries, or not, by chance.",
           "none: the page shows what came"),
    Client("chromium-fetch", "Chromium fetch()", "`fetch()` from a page of the test server; "
           "cookies come from the browser's store.", "`response.ok` (200 to 299)"),
)


@dataclass(frozen=True)
class Setting:
    """A proxy setting a failure's outcome depends on: ours (None: left at the default), the
    default, and the failures it decides."""

    name: str
    ours: str | None
    default: str
    failures: tuple


@dataclass(frozen=True)
class Proxy:
    id: str
    name: str
    command: str
    package: str  # Debian's
    config: str  # in tests/proxies/
    settings: tuple
    tls: bool = True  # it can listen with TLS (open-source Varnish cannot)

    def settings_for(self, failure: str) -> dict:
        """The settings that decide one failure: {name: value in force}."""
        return {item.name: item.ours or item.default for item in self.settings if failure in item.failures}


@dataclass(frozen=True)
class ProxyFailure:
    """A way a request through a proxy fails: how the test server (or the client) causes it."""

    id: str
    title: str
    what: str  # one sentence: what happens, for the page
    path: str  # on the test server; /refused/ goes to a port nothing listens on
    method: str = "GET"
    headers: tuple = ()
    body_size: int = 0
    unfinished: bool = False  # the client never ends the header section
    tls_port: bool = False  # sent, as plain HTTP, to the proxy's TLS port


WAITING = ("upstream-timeout", "upstream-slow-body")
SLOW_ANSWER, GIVE_UP = 1.5, 0.5  # seconds: the application's, and the client's patience
LARGE_BODY = 2 * 1024 * 1024
LARGE_FIELD = 16 * 1024

PROXY_FAILURES = {failure.id: failure for failure in (
    ProxyFailure("upstream-refused", "The application refuses the connection",
                 "Nothing listens on the application's port, so the proxy's connection is refused.",
                 "/refused/200"),
    ProxyFailure("upstream-timeout", "The application never answers",
                 "The application accepts the connection and the request, and never sends a status line.",
                 "/200?fault=never"),
    ProxyFailure("upstream-slow-body", "The application stalls mid-content",
                 "The application sends its status line, header fields and part of the content, "
                 "then nothing more.", "/200?fault=slow-body"),
    ProxyFailure("upstream-reset", "The application resets the connection mid-content",
                 "The application sends its status line, header fields and part of the content, "
                 "then resets the connection (TCP RST).", "/200?fault=reset-mid-body"),
    ProxyFailure("upstream-reset-early", "The application resets the connection before answering",
                 "The application reads the request and resets the connection (TCP RST) without "
                 "answering.", "/200?fault=reset"),
    ProxyFailure("upstream-bad-response", "The application sends something that is not HTTP",
                 "The application answers a line that is not a status line.", "/200?fault=garbage"),
    ProxyFailure("upstream-closed-early", "The application closes without answering",
                 "The application reads the request and closes the connection without a byte of "
                 "response.", "/200?fault=close"),
    ProxyFailure("body-too-large", "A large request body",
                 f"The client POSTs {LARGE_BODY // 1024 ** 2} MiB of content.", "/200", "POST", body_size=LARGE_BODY),
    ProxyFailure("header-too-large", "A large header field",
                 f"The client sends a {LARGE_FIELD // 1024} KiB `Cookie` header field.", "/200",
                 headers=("Cookie: big=" + "x" * LARGE_FIELD,)),
    ProxyFailure("uri-too-long", "A long URL", f"The client asks for a {LARGE_FIELD // 1024} KiB URL.",
                 "/200?long=" + "x" * LARGE_FIELD),
    ProxyFailure("client-slow-request", "The client never finishes its request",
                 "The client sends the request line and one header field, then nothing more.",
                 "/200", unfinished=True),
    ProxyFailure("plain-http-to-https", "Plain HTTP to the HTTPS port",
                 "The client sends a plain HTTP request to the port where the proxy expects TLS.",
                 "/200", tls_port=True),
    ProxyFailure("client-closed-early", "The client gives up first",
                 f"The application takes {SLOW_ANSWER:g} seconds to answer; the client closes the "
                 f"connection after {GIVE_UP:g} seconds.", f"/200?delay={SLOW_ANSWER:g}"),
    ProxyFailure("upstream-5xx", "The application sends its own 5xx",
                 "The application answers 503 Service Unavailable with its own content.", "/503"),
)}

PROXY_TIMEOUT = 2  # seconds: every timeout set shorter than its default, so the tests stay quick
SHORT = f"{PROXY_TIMEOUT}s"
PROXIES = {proxy.id: proxy for proxy in (
    Proxy("nginx", "nginx", "nginx", "nginx", "nginx.conf", (
        Setting("proxy_read_timeout", SHORT, "60s", WAITING),
        Setting("client_header_timeout", SHORT, "60s", ("client-slow-request",)),
        Setting("client_max_body_size", None, "1m", ("body-too-large",)),
        Setting("large_client_header_buffers", None, "4 8k", ("header-too-large", "uri-too-long")))),
    Proxy("apache", "Apache httpd", "apache2", "apache2", "apache.conf", (
        Setting("ProxyTimeout", str(PROXY_TIMEOUT), "Timeout, 60", WAITING),
        Setting("RequestReadTimeout", f"header={PROXY_TIMEOUT}", "header=20-40,MinRate=500 in Debian", ("client-slow-request",)),
        Setting("LimitRequestBody", None, "1073741824", ("body-too-large",)),
        Setting("LimitRequestFieldSize", None, "8190", ("header-too-large",)),
        Setting("LimitRequestLine", None, "8190", ("uri-too-long",)))),
    Proxy("haproxy", "HAProxy", "haproxy", "haproxy", "haproxy.cfg", (
        Setting("timeout server", SHORT, "none (waits for ever)", WAITING),
        Setting("timeout http-request", SHORT, "timeout client", ("client-slow-request",)),
        Setting("timeout client", "10s", "none (waits for ever)", ("client-closed-early",)),
        Setting("tune.bufsize", None, "16384", ("header-too-large", "uri-too-long")))),
    Proxy("caddy", "Caddy", "caddy", "caddy", "Caddyfile", (
        Setting("read_timeout", SHORT, "none (waits for ever)", WAITING),
        Setting("read_header", SHORT, "none (waits for ever)", ("client-slow-request",)),
        Setting("max_header_size", None, "1 MB (Go's net/http)", ("header-too-large", "uri-too-long")))),
    Proxy("varnish", "Varnish Cache", "varnishd", "varnish", "varnish.vcl", (
        Setting("first_byte_timeout", SHORT, "60s", ("upstream-timeout",)),
        Setting("between_bytes_timeout", SHORT, "60s", ("upstream-slow-body",)),
        Setting("http_req_hdr_len", None, "8k", ("header-too-large",)),
        Setting("http_req_size", None, "32k", ("header-too-large", "uri-too-long")),
        Setting("timeout_idle", None, "5s", ("client-slow-request",))), tls=False),
)}
