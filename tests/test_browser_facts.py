"""What the comparison pages say a browser does with each code (facts.browser_rule), observed
in the Chromium the tests drive: navigations to a local server that answers each code."""
import http.server
import threading

import pytest
from playwright.sync_api import Error

from httpref import facts
from httpref.content import load_site
from tests.conftest import REPO

SITE = load_site(REPO)
# Every code a comparison shows, and one of each kind of rule besides.
CODES = sorted({code for item in SITE.comparisons for code in item.codes} | {205, 300})


class Scenario(http.server.BaseHTTPRequestHandler):
    """/code/NNN answers NNN (with a body unless ?empty); /landed is where redirects lead;
    /page is an ordinary page; every request is recorded."""

    seen = []

    def handle_one(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        self.seen.append((self.command, self.path, dict(self.headers), body))
        path, _, query = self.path.partition("?")
        if not path.startswith("/code/"):
            return self.answer(200, b"<title>page</title><p>an ordinary page</p>", {})
        code = int(path.removeprefix("/code/"))
        headers = {"Location": "/landed"} if 300 <= code < 400 else {}
        if code == 401:
            headers["WWW-Authenticate"] = 'Basic realm="test"'
            if self.headers.get("Authorization"):
                return self.answer(200, b"<p>signed in</p>", {})
        if code == 407:
            headers["Proxy-Authenticate"] = 'Basic realm="test"'
        content = b"" if query == "empty" or code in (204, 205, 304) else b"<p>from the server</p>"
        self.answer(code, content, headers)

    def answer(self, code, content, headers):
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/html")
        if code not in (204, 304):
            self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if code not in (204, 304):
            self.wfile.write(content)

    do_GET = do_POST = handle_one

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def origin():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Scenario)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()




@pytest.mark.parametrize("code", CODES)
def test_chromium_does_what_the_comparison_pages_say(browser, origin, code):
    context = browser.new_context()
    try:
        observe(browser, context.new_page(), origin, code)
    except AssertionError as error:  # the published data and this browser part: say which
        raise AssertionError(f"Chromium {browser.version}, {code}: {error}") from None
    finally:
        context.close()


def observe(browser, page, origin, code):
    """Drive Chromium to a page answering `code` as facts.browser_rule(code) says it acts."""
    rule = facts.browser_rule(code)
    Scenario.seen.clear()
    if rule.key == "follows":
        page.goto(f"{origin}/code/{code}")
        assert page.url == f"{origin}/landed"
        page.evaluate("url => fetch(url, {method: 'POST', body: 'data'})", f"{origin}/code/{code}")
        method, path, _, body = [seen for seen in Scenario.seen if seen[1] == "/landed"][-1]
        kept = "unchanged" in facts.FOLLOWED[code]  # else "… as a GET" / "becomes a GET"
        assert (method, body) == (("POST", b"data") if kept else ("GET", b""))
    elif rule.key == "stays":
        page.goto(f"{origin}/page")
        page.evaluate("url => { location.href = url; }", f"{origin}/code/{code}")
        page.wait_for_timeout(500)
        asked = [seen[1] for seen in Scenario.seen if seen[1] != "/favicon.ico"]  # whenever it comes
        assert asked[-1] == f"/code/{code}"  # the request was made…
        assert page.url == f"{origin}/page" and "an ordinary page" in page.content()  # …and ignored
    elif rule.key == "cached":
        pytest.skip("not observed: a Playwright context of this Chromium sends no conditional "
                    "request (it kept no cached copy), so the 304 rule rests on RFC 9111 §4.3.4")
    elif rule.key == "prompt":
        # (Without credentials Playwright cancels the prompt itself, so only this is observed.)
        signed = browser.new_context(http_credentials={"username": "ana", "password": "pw"})
        other = signed.new_page()
        other.goto(f"{origin}/code/{code}")
        assert "signed in" in other.content()  # answered the challenge and retried
        assert [headers.get("Authorization", "")[:6] for _, path, headers, _ in Scenario.seen
                if path == f"/code/{code}"] == ["", "Basic "]
        signed.close()
    elif rule.key == "proxy-only":
        with pytest.raises(Error, match="ERR_UNEXPECTED_PROXY_AUTH"):
            page.goto(f"{origin}/code/{code}")
    else:
        assert rule.key == "shows", rule
        response = page.goto(f"{origin}/code/{code}")
        assert response.status == code and page.url == f"{origin}/code/{code}"
        assert "from the server" in page.content()
        if code >= 400:  # with no content, Chromium's own error page instead
            with pytest.raises(Error, match="ERR_HTTP_RESPONSE_CODE_FAILURE"):
                page.goto(f"{origin}/code/{code}?empty")
            assert f"HTTP ERROR {code}" in page.inner_text("body")
