"""A fact lives in one place: lists of codes by a property are generated from the entries,
protocol rules come from httpref/facts.py with their spec section, and registry dates warn
when they go stale."""
import logging
import re
from pathlib import Path

import pytest

from httpref import facts
from httpref.content import load_site
from httpref.pipeline import check_site
from tests.conftest import REPO, problems_of, visible_text

SITE = load_site(REPO)


def property_sets() -> dict:
    """Every property a [[codes: …]] list can select by, with the codes that have it."""
    sets = {}
    for entry in SITE.codes:
        for word in facts.properties(entry):
            sets.setdefault(word, set()).add(entry.code)
    return sets


def test_prose_pages_never_type_a_list_the_data_holds():
    """A paragraph of the explainer or a class page that names by hand (almost) every code
    with some property is a second copy of the fact; it must use [[codes: …]] instead. This is
    how 205 went missing from 'responses without content'."""
    texts = [(page.source, page.body) for page in SITE.pages]
    texts += [(f"content/classes.yaml {key}", cls["description"])
              for key, cls in SITE.classes.items()]
    typed = []
    for source, text in texts:
        for paragraph in re.split(r"\n\s*\n", text):
            plain = re.sub(r"\[\[codes:[^\]]*\]\]", "", paragraph)
            numbers = {int(n) for n in re.findall(r"(?<![\d.§])([1-5]\d\d)(?!\d)", plain)}
            for word, codes in property_sets().items():
                hit = numbers & codes
                if 3 <= len(codes) <= 20 and len(hit) >= 2 and len(hit) >= len(codes) - 1:
                    typed.append((source, word, sorted(hit)))
    assert typed == []


def text_of(page: Path, heading: str) -> str:
    html = page.read_text(encoding="utf-8")
    start = html.index(heading)
    end = min(html.find(tag, start) % len(html) for tag in ("</p>", "</li>"))
    return visible_text(html[start:end])


def test_explainer_lists_come_from_the_entries(built_site):
    page = built_site / "how-status-codes-work" / "index.html"
    no_content = text_of(page, "Some responses never carry content")
    assert all(f"{code} " in no_content for code in (204, 205, 304))
    assert "CONNECT" in no_content
    log_only = text_of(page, "Only a log shows it")
    assert all(str(code) in log_only for code in (444, 460, 499))
    edge = text_of(page, "Generated in front of your server")
    assert "460" not in edge and "520" in edge
    cacheable = text_of(page, "Some codes are cacheable by default")
    # RFC 9110 §15.1's list, with 451 from RFC 7725 §3 (written here, not read from facts.py).
    assert re.findall(r"\d{3}", cacheable)[:13] == [
        "200", "203", "204", "206", "300", "301", "308", "404", "405", "410", "414", "451", "501"]


def test_class_pages_name_current_and_retired_vendor_codes(built_site):
    text = (built_site / "5xx" / "index.html").read_text(encoding="utf-8")
    sentence = visible_text(text[text.index("Vendors add"):])
    assert "530" in sentence.split("Cloudflare no longer sends")[0]
    assert "527" in sentence.split("Cloudflare no longer sends")[1][:20]
    assert "303 See Other is not a move" in re.sub(
        r"<[^>]+>", "", (built_site / "3xx" / "index.html").read_text(encoding="utf-8"))


def test_a_correction_in_one_entry_corrects_every_list(real_site, tmp_path):
    """Mark 460 as sent at the edge: the explainer's log-only list loses it, the edge list
    gains it, with no prose edited."""
    from tests.conftest import build

    path = real_site / "content" / "codes" / "460.md"
    path.write_text(path.read_text().replace("origin: log-only", "origin: edge"))
    page = build(real_site, tmp_path / "out") / "how-status-codes-work" / "index.html"
    assert "460" not in text_of(page, "Only a log shows it")
    assert "460" in text_of(page, "Generated in front of your server")


@pytest.mark.parametrize("code, cache, content", [
    (451, "RFC 7725 §3", "RFC 9110 §9.3.2"),
    (404, "RFC 9110 §15.1", "RFC 9110 §9.3.2"),
    (429, "RFC 6585 §4", "RFC 9110 §9.3.2"),
    (304, "RFC 9111 §4.3.4", "RFC 9110 §15.4.5"),
    (205, "RFC 9111 §3", "RFC 9110 §15.3.6"),
    (103, "RFC 9111 §3", "RFC 9110 §15.2"),
])
def test_quick_facts_cite_the_section_that_states_the_rule(built_site, code, cache, content):
    html = (built_site / str(code) / "index.html").read_text(encoding="utf-8")
    facts_text = visible_text(html[html.index('id="facts"'):html.index('id="related"')])
    cache_line = facts_text[facts_text.index("Cacheable by default"):facts_text.index("Safe to retry")]
    assert f"({cache})" in cache_line
    content_line = facts_text[facts_text.index("Response content"):]
    assert f"({content})" in content_line.split("Headers")[0]


def test_205_is_framed_and_304_refreshes():
    assert "Content-Length: 0" in facts.content_rule(205).text
    assert "ends with its header section" in facts.content_rule(204).text
    assert facts.cache_rule(304).key == "refresh" and "freshen" in facts.cache_rule(304).text


def test_redirect_table_says_only_post_may_become_get(built_site):
    html = (built_site / "301" / "index.html").read_text(encoding="utf-8")
    table = visible_text(html[html.index("<table"):html.index("</table>")], "|")
    assert "No: POST may become GET" not in table
    assert "Yes, but a POST may become GET" in table
    assert "Not a move" in table


@pytest.mark.parametrize("query, message", [
    ("[[codes: log-onyl]]", "unknown property 'log-onyl' in [[codes: log-onyl]]; "
                            "did you mean 'log-only'?"),
    ("[[codes: vendor=nobody]]", "[[codes: vendor=nobody]] matches no code"),
])
def test_a_bad_code_list_is_reported(fixture_site, query, message):
    path = fixture_site / "content" / "codes" / "200.md"
    path.write_text(path.read_text().replace("compare [[404]].", f"compare {query}."))
    assert problems_of(fixture_site) == [f"content/codes/200.md:30: meaning: {message}"]


def test_check_warns_when_a_temporary_registration_has_expired(caplog):
    with caplog.at_level(logging.WARNING, logger="httpref"):
        check_site(REPO, today="2026-11-14")
    assert ("warning: content/registry.csv: 104 Upload Resumption Supported: its temporary "
            "registration expired on 2026-11-13; check the IANA registry and update this file"
            ) in caplog.messages
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="httpref"):
        check_site(REPO, today="2026-11-13")
    assert not [m for m in caplog.messages if "expired" in m]


def test_temporary_registration_dates_are_on_the_page(built_site):
    text = visible_text((built_site / "104" / "index.html").read_text(encoding="utf-8"))
    assert ("registered 2024-11-13, extended 2025-09-15, expires 2026-11-13 unless renewed or "
            "made permanent") in text
