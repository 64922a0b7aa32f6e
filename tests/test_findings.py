"""What an expert reviewer found wrong in the content, each with a check that fails if the
mistake comes back. (Lists of codes by a property are guarded in test_facts.py.)"""
import re

import pytest

from httpref.content import load_site
from tests.conftest import REPO, visible_text

SITE = load_site(REPO)


def prose(code: int) -> str:
    """Everything an entry says, front matter and body, as one text."""
    return (REPO / "content" / "codes" / f"{code}.md").read_text(encoding="utf-8")


def test_408_presents_connection_close_as_practice_not_rfc_9110():
    # RFC 7231 §6.5.7 said a server SHOULD send it; RFC 9110 §15.5.9 no longer does.
    text = prose(408)
    assert "RFC 9110 §7.6.1" not in text
    assert not re.search(r"server (should|must) send `?Connection: close", text, re.I)


def test_598_defines_the_rfc_9209_timeouts_as_the_rfc_does():
    text = prose(598)
    assert "RFC 9209 §2.3.10" in text and "RFC 9209 §2.3.26" in text
    # Not "before the headers" versus "during the body": an idle gap versus a deadline.
    assert not re.search(r"http_response_timeout`?\)? (when|means) no response headers", text)
    assert "idle" in text and "deadline" in text


def test_599_maps_an_idle_read_timeout_to_connection_read_timeout():
    text = prose(599)
    assert 'ReadTimeout:\n        error, status = "connection_read_timeout"' in text


def test_530_does_not_give_a_folk_name_as_cloudflares():
    entry = SITE.by_code[530]
    assert entry.phrase not in ("Origin DNS Error", "Site Frozen", "Site is frozen")
    assert "Origin DNS Error" in entry.aliases


def test_104_names_the_node_version_that_lacks_a_1xx_api():
    assert "Node has no API" not in prose(104)
    assert "Node 20" in prose(104)


def test_explainer_cites_http3_for_its_status_pseudo_header():
    assert "[[RFC 9114 §4.3.2]]" in SITE.pages[0].body


@pytest.mark.parametrize("code, words", [(421, "connection"), (425, "handshake")])
def test_4xx_class_names_each_retry_with_its_condition(code, words):
    text = SITE.classes["4xx"]["description"]
    sentence = text[text.index("The exceptions"):]
    assert re.search(rf"\[\[{code}\]\][^,]*{words}", sentence)


@pytest.mark.parametrize("code", [420, 527])
def test_retired_vendor_codes_are_labelled_historic(code):
    assert SITE.by_code[code].standing == "historic"


def test_disputed_attributions_say_so_on_the_page(built_site):
    text = visible_text((built_site / "218" / "index.html").read_text(encoding="utf-8"))
    assert "Unofficial · Apache HTTP Server · disputed" in text
    assert "attributed to Apache HTTP Server (disputed)" in text
    assert "used by Apache" not in text
