"""Which code will my proxy send, on the site: /proxies/, a page per failure, "Who sends this"
on code pages, "Which proxy sends which" on comparisons, the proxies' log lines among the
messages and /api/proxies.json all come from content/observed/proxies.json and
content/platforms/, so one correction there corrects every page."""
import json
import re

from httpref import scenarios
from httpref.kinds.proxies import DATA
from tests.conftest import REPO, build, edit, problems_of, visible_text

DATA_JSON = json.loads((REPO / DATA).read_text(encoding="utf-8"))
NAMES = {proxy.id: proxy.name for proxy in scenarios.PROXIES.values()}


def cells(html: str) -> dict:
    """{(row heading, column label): cell text} of every table on a page."""
    found = {}
    for heading, row in re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", html, re.S):
        for label, cell in re.findall(r'<td data-code="([^"]*)">(.*?)</td>', row, re.S):
            found[(visible_text(heading), label)] = visible_text(cell)
    return found


def page(built_site, *parts) -> str:
    return built_site.joinpath(*parts, "index.html").read_text(encoding="utf-8")


def section(html: str, name: str) -> str:
    """The words of one section of a page, white space as a reader sees it."""
    found = re.search(rf'<section id="{name}">(.*?)</section>', html, re.S)
    return " ".join(visible_text(found.group(1)).split()) if found else ""


def test_the_table_at_a_glance_shows_every_observed_status(built_site):
    shown = cells(page(built_site, "proxies"))
    titles = {failure.id: failure.title for failure in scenarios.PROXY_FAILURES.values()}
    for row in DATA_JSON["results"]:
        cell = shown[(titles[row["failure"]], NAMES[row["proxy"]])]
        if row["client_status"] is not None:
            assert cell.startswith(str(row["client_status"])), (row, cell)
            assert cell.endswith(", cut") == (row["complete"] is False), (row, cell)
        else:
            assert "gone" in cell or "no status line" in cell or "no response" in cell, (row, cell)
        if row["logged_status"] not in (None, row["client_status"]):
            assert f"[{row['logged_status']:03d}]" in cell or f"[{row['logged_status']}]" in cell, (row, cell)


def test_each_failure_page_has_every_answer_observed_or_documented_with_its_source(built_site):
    platforms = 0
    for failure in scenarios.PROXY_FAILURES.values():
        html = page(built_site, "proxies", failure.id)
        shown = cells(html)
        for row in DATA_JSON["results"]:
            if row["failure"] == failure.id:
                heading = f"{NAMES[row['proxy']]} {row['version']}"
                for line in row["error_log"]:
                    assert line in shown[(heading, "Logs")], (heading, line)
        documented = [heading for heading, _ in shown if heading.endswith("documented, not observed")]
        platforms += len(set(documented))
        for heading in set(documented):
            assert re.search(r"Source: .+, read \d{4}-\d{2}-\d{2}\.", shown[(heading, "Logs")]), heading
    assert platforms >= 60  # the documented cells of the platforms


def test_code_pages_say_who_sends_them_and_when(built_site):
    sends = section(page(built_site, "502"), "who-sends")
    assert "The application refuses the connection: sent by nginx 1.22.1, Caddy 2.6.2 and, " \
           "documented," in sends
    assert "The application never answers: sent by Apache httpd 2.4.71" in sends
    assert "A large header field: nginx 1.22.1 sends 400 with the page “400 Request Header Or " \
           "Cookie Too Large”" in section(page(built_site, "494"), "who-sends")
    assert "logged, the client having gone, by nginx 1.22.1" in section(page(built_site, "499"), "who-sends")
    assert "Cloudflare" in section(page(built_site, "524"), "who-sends")
    for code in (200, 301, 418):
        assert 'id="who-sends"' not in page(built_site, str(code))


def test_the_502_or_504_comparison_says_which_proxy_sends_which(built_site):
    text = section(page(built_site, "compare", "502-vs-504"), "proxies")
    timeout = re.search(r"The application never answers: (.*?)\.(?: The|$)", text).group(1)
    assert "502 — Apache httpd 2.4.71 and, documented," in timeout and "504 — nginx 1.22.1, " \
        "HAProxy 2.6.12-1+deb12u4, Caddy 2.6.2 and, documented," in timeout and "503 — Varnish " \
        "Cache 7.1.1 and, documented, Heroku" in timeout and "524 — documented, Cloudflare" in timeout, timeout


def test_the_proxies_log_lines_and_pages_are_messages_once(built_site):
    index = page(built_site, "messages")
    assert "FetchError first byte timeout" in index and "502 Proxy Error" in index
    # nginx's own line is a message written by hand already: it is not listed twice
    assert index.count("upstream timed out (110: Connection timed out) while reading response "
                       "header from upstream") == 1
    seen = page(built_site, "504")
    assert 'id="seen-caddy-upstream-timeout"' in seen and "Caddy 2.6.2" in seen


def test_the_api_carries_every_result(built_site):
    data = json.loads((built_site / "api" / "proxies.json").read_text(encoding="utf-8"))
    observed = [row for row in data["results"] if row["observed"]]
    assert len(observed) == len(DATA_JSON["results"]) == sum(
        1 for proxy in scenarios.PROXIES.values() for failure in scenarios.PROXY_FAILURES.values()
        if proxy.tls or not failure.tls_port)  # Varnish has no TLS port
    for row in data["results"]:
        assert {"proxy", "version", "failure", "client_status", "logged_status"} <= set(row)
        assert row["client_status"] is None or isinstance(row["client_status"], int)
        assert ("settings" in row) if row["observed"] else (row["source"]["url"].startswith("https://"))
    assert {row["failure"] for row in data["results"]} == set(scenarios.PROXY_FAILURES)


def test_a_correction_in_the_data_corrects_every_page(real_site, tmp_path):
    edit(real_site, DATA, '"failure": "upstream-timeout", "client_status": 502',
         '"failure": "upstream-timeout", "client_status": 500')  # Apache's
    out = build(real_site, tmp_path / "out")
    assert "The application never answers: sent by Apache httpd 2.4.71" in \
        section(page(out, "500"), "who-sends")
    assert "The application never answers: sent by Apache httpd" not in \
        section(page(out, "502"), "who-sends")
    assert cells(page(out, "proxies"))[("The application never answers", "Apache httpd")].startswith("500 ")


def test_a_broken_platform_file_is_reported_at_its_line(real_site):
    edit(real_site, "content/platforms/cloudflare.yaml", "  uri-too-long:\n", "  uri-too-lng:\n")
    edit(real_site, "content/platforms/cloudflare.yaml", "    source: 1\n", "    source: 42\n")
    edit(real_site, "content/platforms/cloudflare.yaml", "message: cloudflare-524-timeout-occurred",
         "message: cloudflare-524-timeout\n    status: 524")
    edit(real_site, "content/platforms/aws-alb.yaml", "    status: null\n    logged_status: 460",
         "    status: 460")
    problems = problems_of(real_site)
    lines = (real_site / "content/platforms/cloudflare.yaml").read_text().splitlines()
    line = next(number for number, text in enumerate(lines, 1) if "uri-too-lng" in text)
    assert f"content/platforms/cloudflare.yaml:{line}: failures.uri-too-lng: unknown failure; did " \
           "you mean 'uri-too-long'?; httpref/scenarios.py lists them" in problems, problems
    assert any(re.fullmatch(r"content/platforms/cloudflare.yaml:\d+: failures.upstream-refused.source: "
                            r"expected the number of a source, 1 to 10, got '42'", p) for p in problems), problems
    assert any(re.search(r"cloudflare.yaml:\d+: failures.upstream-timeout.message: no message has the "
                         r"id 'cloudflare-524-timeout'", p) for p in problems), problems
    assert any(re.search(r"aws-alb.yaml:\d+: failures.client-closed-early.status: the client has gone",
                         p) for p in problems), problems


def test_a_result_for_an_unknown_proxy_or_failure_is_reported(real_site):
    edit(real_site, DATA, '"failure": "uri-too-long"', '"failure": "url-too-long"')
    edit(real_site, DATA, '"proxy": "caddy"', '"proxy": "traefik"')
    problems = problems_of(real_site)
    assert any(re.fullmatch(r"content/observed/proxies.json:\d+: results\[\d+\]\.failure: unknown "
                            r"failure 'url-too-long'; httpref/scenarios.py lists them", p) for p in problems), problems
    assert any("unknown proxy 'traefik'" in problem for problem in problems), problems
