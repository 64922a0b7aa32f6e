"""What clients do, on the site: /clients/, the code pages, the redirect comparisons and
/api/clients.json all come from content/observed/clients.json, so one correction there
corrects every page."""
import json
import re

from httpref import scenarios
from httpref.kinds.clients import DATA, describe, departs
from tests.conftest import REPO, build, edit, problems_of, visible_text

DATA_JSON = json.loads((REPO / DATA).read_text(encoding="utf-8"))
NAMES = {client.id: client.name for client in scenarios.CLIENTS}


def rows(html: str) -> dict:
    """{(client name, column label): cell text} of every table on the clients page."""
    found = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", html):
        for label, cell in re.findall(r'<td data-code="([^"]*)">(.*?)</td>', row[1]):
            found.setdefault(row[0], []).append((label, visible_text(cell)))
    return found


def test_every_observation_is_on_the_clients_page(built_site):
    html = (built_site / "clients" / "index.html").read_text(encoding="utf-8")
    shown = rows(html)
    for question in scenarios.QUESTIONS:
        assert f'<section id="{question.id}">' in html
    for result in DATA_JSON["results"]:
        scenario = scenarios.SCENARIOS[result["scenario"]]
        expected = describe(scenario, result["observed"]) + \
            (" ≠ spec" if departs(scenario, result["observed"]) else "")
        assert (scenario.label, expected) in shown[NAMES[result["client"]]], (result, expected)
    for client in DATA_JSON["clients"]:
        assert f"{NAMES[client['id']]} {client['version']}</strong>" in html
    assert set(shown) == set(NAMES.values())  # every client has its rows


def test_the_api_carries_every_result_with_its_version(built_site):
    data = json.loads((built_site / "api" / "clients.json").read_text(encoding="utf-8"))
    assert len(data["results"]) == len(DATA_JSON["results"]) > 600
    versions = {client["id"]: client["version"] for client in data["clients"]}
    for result in data["results"]:
        assert {"client", "version", "scenario", "code", "observed", "date"} <= set(result)
        assert result["version"] == versions[result["client"]]
        if result["scenario"].startswith("redirect-3"):
            assert "method" in result["observed"]
    assert {scenario["id"] for scenario in data["scenarios"]} == set(scenarios.SCENARIOS)


def test_a_correction_in_the_data_corrects_every_page(real_site, tmp_path):
    edit(real_site, DATA, '"scenario": "redirect-307-post", "code": 307, "observed": {"status": 307, '
                          '"ok": false, "error": "HTTPError", "method": null, "body": null}',
         '"scenario": "redirect-307-post", "code": 307, "observed": {"status": 200, "ok": true, '
         '"error": null, "method": "GET", "body": false}')
    out = build(real_site, tmp_path / "out")
    clients_page = rows((out / "clients" / "index.html").read_text(encoding="utf-8"))
    assert ("POST", "GET ≠ spec") in clients_page["Python urllib.request"]
    code_page = visible_text((out / "307" / "index.html").read_text(encoding="utf-8"))
    assert "GET ≠ spec — Python urllib.request" in code_page
    compare = visible_text((out / "compare" / "307-vs-308" / "index.html").read_text(encoding="utf-8"))
    assert "GET ≠ spec: Python urllib.request" in compare


def test_a_result_for_an_unknown_scenario_or_client_is_reported(real_site):
    edit(real_site, DATA, '"scenario": "status-99"', '"scenario": "status-98"')
    edit(real_site, DATA, '"client": "go"', '"client": "gopher"')
    problems = problems_of(real_site)
    assert any(re.fullmatch(r"content/observed/clients.json:\d+: results\[\d+\]\.scenario: unknown "
                            r"scenario 'status-98'; httpref/scenarios.py lists them", p) for p in problems), problems
    assert any("unknown client 'gopher'" in problem for problem in problems), problems


def test_code_pages_show_what_clients_do_next_to_the_spec(built_site):
    for code in (301, 302, 303, 307, 308, 401, 429, 503, 204, 206, 404):
        html = (built_site / str(code) / "index.html").read_text(encoding="utf-8")
        assert '<section id="clients">' in html and 'href="#clients"' in html, code
    page = visible_text((built_site / "303" / "index.html").read_text(encoding="utf-8"))
    assert "A PUT answered 303 (spec: the follow-up is a GET, RFC 9110 §15.4.4): PUT, content " \
           "dropped ≠ spec — curl" in page
    page = visible_text((built_site / "302" / "index.html").read_text(encoding="utf-8"))
    assert "A PUT answered 302 (spec: the follow-up is a PUT; only a POST may become a GET, " \
           "RFC 9110 §15.4.3):" in page
    assert '<section id="clients">' not in (built_site / "418" / "index.html").read_text(encoding="utf-8")


def test_a_record_that_is_not_the_harness_output_is_reported(real_site):
    edit(real_site, DATA, ', "date": "2026-12-05"}', "}")
    assert problems_of(real_site) == [
        "content/observed/clients.json:1: file: not a record of tests/observe.py: each result has "
        "client, code, date, observed, scenario, version; make observe writes it"]
