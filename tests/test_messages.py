"""What visitors arrive with: the texts on their screen (content/messages/), the failures that
have no status code (content/failures/), the first-screen answer on every page a visitor lands
on, and the look-up that finds a page by any fragment of a text or by a number without a page.
Read as built HTML and JSON, used in a real browser, and fed broken content."""
import json
import re

import pytest
from playwright.sync_api import expect

from httpref import schema
from httpref.content import load_site
from httpref.kinds.messages import fold
from tests.conftest import REPO, edit, problems_of, visible_text

SITE = load_site(REPO)
M = "content/messages/example.yaml"
F = "content/failures/err-connection-refused.md"
PHONE = {"width": 390, "height": 844}



def filled(text: str) -> str:
    """A message as a visitor would paste it: every placeholder holds a value."""
    values = {"host": "my-api.example.com", "url": "https://my-api.example.com/a?b=1", "path": "/a",
              "port": "8080", "ip": "127.0.0.1", "number": "3", "id": "42", "method": "GET",
              "code": "500"}
    return re.sub(r"\{([a-z]+)\}", lambda match: values[match[1]], text)


# The content: enough of it, from enough places, each text once -----------------------------

def test_at_least_80_messages_from_12_sources_each_with_a_dated_source():
    sources = {message.source for message in SITE.messages}
    assert len(SITE.messages) >= 80 and len(sources) >= 12, (len(SITE.messages), len(sources))
    for message in SITE.messages:
        assert message.sources and all(source["date"] for source in message.sources)


def test_no_two_messages_share_a_text_even_with_other_apostrophes():
    texts = [fold(text) for message in SITE.messages for text in (message.text, *message.also)]
    assert len(texts) == len(set(texts))


def test_the_common_failures_with_no_status_have_pages():
    slugs = {item.slug for item in SITE.failures}
    assert {"err-connection-refused", "dns-probe-finished-nxdomain", "err-ssl-protocol-error",
            "err-empty-response", "err-too-many-redirects", "err-connection-timed-out",
            "err-connection-reset", "err-cert-authority-invalid"} <= slugs
    for slug in slugs:
        assert SITE.messages_meaning(slug), f"no message leads to {slug}"


# The built pages ---------------------------------------------------------------------------

def test_messages_index_lists_every_message_without_javascript(built_site):
    html = (built_site / "messages" / "index.html").read_text()
    shown = visible_text(html)
    for message in SITE.messages:
        words = re.sub(r"\{[a-z]+\}", "\n", message.text).split("\n")
        assert all(part.strip() in shown for part in words), message.id
        assert f'href="{message.url}"' in html
    for item in SITE.failures:
        assert f'href="{item.url}"' in html


def test_every_code_and_failure_page_shows_the_messages_that_mean_it(built_site):
    for means, messages in SITE.by_meaning.items():
        page = built_site / messages[0].url.split("#")[0].strip("/") / "index.html"
        html = page.read_text()
        seen = html.split('<section id="seen">', 1)[1].split("</section>", 1)[0]
        for message in messages:
            assert f'id="{message.anchor}"' in seen, (means, message.id)


def test_api_messages_carries_each_text_its_source_and_what_it_means(built_site):
    data = json.loads((built_site / "api" / "messages.json").read_text())
    assert len(data["messages"]) == len(SITE.messages)
    for record in data["messages"]:
        assert record["sources"] and all(re.fullmatch(r"\d{4}-\d\d-\d\d", source["date"])
                                         for source in record["sources"])
        means = record["means"]
        assert ("code" in means and means["phrase"]) or ("failure" in means and means["name"])
        assert record["url"].endswith(record["path"]) and "#seen-" in record["path"]
    assert {item["slug"] for item in data["failures"]} == {item.slug for item in SITE.failures}


def landing_pages():
    """Every page a visitor can land on from an error: error codes, vendor codes, failures."""
    return [entry.url for entry in SITE.codes if entry.code >= 400 or not entry.is_official] + \
        [item.url for item in SITE.failures]


def test_every_page_a_visitor_lands_on_answers_them_in_its_header(built_site):
    for url in landing_pages():
        html = (built_site / url.strip("/") / "index.html").read_text()
        hero = html.split('<header class="hero">', 1)[1].split("</header>", 1)[0]
        glance = visible_text(hero.split('class="glance', 1)[1])
        assert any(side in glance for side in schema.VISITOR_SIDES.values()), url
        assert 'href="#visitor"' in hero, url


# Validation: the fixture site, broken on purpose -------------------------------------------

def test_fixture_messages_and_failure_are_valid(fixture_site):
    assert problems_of(fixture_site) == []


MESSAGE_CASES = {
    "a code without a page": ("means: 404", "means: 418",
                              [f"{M}:16: messages[2].means: 418 has no page "
                               "(content/codes/418.md)"]),
    "a failure that does not exist": (
        "means: err-connection-refused", "means: err-connection-refuse",
        [f"{M}:11: messages[1].means: 'err-connection-refuse' is neither a status "
         "code nor a failure in content/failures/; did you mean 'err-connection-refused'?"]),
    "a missing date": ("    date: 2026-12-05\n", "", [f"{M}:5: sources[1].date: required key is missing"]),
    "no sources": ("sources:\n  - title: Example Browser strings\n    url: https://example.org/strings\n"
                   "    date: 2026-12-05\n", "", [f"{M}:1: sources: required field is missing"]),
    "an unknown placeholder": ("{host} refused", "{server} refused",
                               [f"{M}:10: messages[1].text: unknown placeholder "
                                "{server}; use one of " + ", ".join(
                                    f"{{{name}}}" for name in schema.PLACEHOLDERS)]),
    "the same text but for its apostrophe": (
        'text: "open() failed (2: No such file or directory)"',
        "text: This page can't be found",
        [f"{M}:19: messages[3].text: the same text but for quotes, apostrophes or "
         f"case as 'example-not-found' ({M}:14); give it one entry and list the other spelling "
         "under `also`"]),
    "an id given twice": ("id: example-closed", "id: example-refused",
                          [f"{M}:18: messages[3].id: 'example-refused' is the id of {M}:9 already"]),
    "an unknown where": ("    where: log\n", "    where: logs\n",
                         [f"{M}:20: messages[3].where: expected one of browser, server, "
                          "platform, log, client, got 'logs'; did you mean 'log'?"]),
}


@pytest.mark.parametrize("case", MESSAGE_CASES)
def test_a_broken_message_is_reported_at_its_line(fixture_site, case):
    old, new, expected = MESSAGE_CASES[case]
    edit(fixture_site, M, old, new)
    assert problems_of(fixture_site) == expected


def test_a_message_in_another_file_with_the_same_text_is_reported(fixture_site):
    other = fixture_site / "content" / "messages" / "other.yaml"
    text = (fixture_site / M).read_text().replace("example-", "other-")
    other.write_text(text)
    problems = problems_of(fixture_site)
    assert "content/messages/other.yaml:10: messages[1].text: the same text as " \
           f"'example-refused' ({M}:10); give it one entry and list the other spelling under " \
           "`also`" in problems


FAILURE_CASES = {
    "a missing visitor answer": ("visitor_now: Try again in a few minutes; if other sites load, this one is down.\n", "",
                                 [f"{F}:23: visitor_now: required field is missing"]),
    "a missing section": ("## What happened\n", "## What happend\n",
                          [f"{F}:26: body: unknown section '## What happend'; did you mean "
                           "'What happened'?", f"{F}:39: happened: section '## What happened' is missing"]),
    "a confused code without a page": ("  - code: 200\n", "  - code: 999\n",
                                       [f"{F}:11: confused[2].code: expected a status code from 100 to 599, got 999"]),
}


@pytest.mark.parametrize("case", FAILURE_CASES)
def test_a_broken_failure_page_is_reported_at_its_line(fixture_site, case):
    old, new, expected = FAILURE_CASES[case]
    edit(fixture_site, F, old, new)
    assert problems_of(fixture_site) == expected


def test_an_error_code_without_its_visitor_answer_is_reported(fixture_site):
    edit(fixture_site, "content/codes/404.md", "visitor_side: either\n", "")
    assert problems_of(fixture_site) == [
        "content/codes/404.md:27: visitor_side: required for an error or unofficial code: visitors "
        "land here, and the first screen answers them"]


# In a browser ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def suggestions(page, query: str) -> list:
    """The look-up box's suggestions for a query: (href, text) of each."""
    box = page.get_by_label("Look up a status code or an error message")
    box.fill(query)
    listed = page.locator("[data-suggest]")
    expect(listed).to_be_visible()
    page.wait_for_function("q => document.querySelector('#lookup-q').value === q", arg=query)
    return page.eval_on_selector_all("[data-suggest] li", "rows => rows.map(row => "
                                     "[(row.querySelector('a') || {}).pathname + ((row.querySelector('a') || {}).hash || ''), row.textContent])")


def test_every_message_pasted_into_the_lookup_suggests_its_page_first(phone, base):
    phone.goto(base + "/404/")
    for message in SITE.messages:
        for text in (message.text, *message.also):
            found = suggestions(phone, filled(text))
            assert found and found[0][0].split("#")[0] == message.url.split("#")[0], (message.id, found[:3])
    assert phone.errors == []


# (what is typed, the page it must lead to in one step: Enter in the look-up box)
ONE_STEP = [("example.com redirected you too many times.", "/messages/err-too-many-redirects/"),
            ("too many times", "/messages/err-too-many-redirects/"),
            ("The page isn’t redirecting properly", "/messages/err-too-many-redirects/"),
            ("The page isn't redirecting properly", "/messages/err-too-many-redirects/"),
            ("ERR_CONNECTION_REFUSED", "/messages/err-connection-refused/"),
            ("DNS_PROBE_FINISHED_NXDOMAIN", "/messages/dns-probe-finished-nxdomain/"),
            ("1020", "/403/"), ("Error 1020 Access denied", "/403/"), ("H12", "/503/"),
            ("500.19", "/500/"), ("FUNCTION_INVOCATION_TIMEOUT", "/504/"),
            ("404", "/404/"), ("299", "/299/"), ("600", "/600/")]


@pytest.mark.parametrize("query, path", ONE_STEP)
def test_a_message_or_number_typed_into_the_lookup_leads_to_its_page(browser, base, query, path):
    page = browser.new_page()
    page.goto(base + "/200/")
    page.get_by_label("Look up a status code or an error message").fill(query)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(base + path) + "(#.*)?$"))
    page.close()


@pytest.mark.parametrize("straight, curly", [("isn't working", "isn’t working"),
                                              ("can't be reached", "can’t be reached"),
                                              ("We're having trouble", "We’re having trouble")])
def test_a_straight_and_a_curly_apostrophe_find_the_same_messages(phone, base, straight, curly):
    phone.goto(base + "/")
    found = suggestions(phone, straight)
    assert found and found == suggestions(phone, curly)


def test_a_fragment_several_messages_share_lists_them_all_on_the_home_page(browser, base):
    page = browser.new_page()
    page.goto(base + "/500/")
    page.get_by_label("Look up a status code or an error message").fill("request could not be satisfied")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/\?q="))
    wanted = [m for m in SITE.messages if "request could not be satisfied" in m.text]
    assert len({m.means for m in wanted}) > 1
    expect(page.locator("[data-kind-list=message] li:visible")).to_have_count(len(wanted))
    page.close()


@pytest.mark.parametrize("number, says, link", [
    ("299", "299 is not a registered HTTP status code", "/200/"),
    ("477", "477 is not a registered HTTP status code", "/400/"),
    ("600", "600 is not a valid HTTP status code", None),
    ("99", "99 is not a valid HTTP status code", None)])
def test_a_number_without_a_page_is_answered_in_the_address_bar_box_and_filter(browser, base, number, says, link):
    page = browser.new_page()
    page.goto(f"{base}/{number}/")
    answer = page.locator("[data-number-answer]")
    expect(answer).to_contain_text(says)
    for where in (answer, page.locator("[data-suggest] .answer")):
        if where is not answer:
            page.get_by_label("Look up a status code or an error message").fill(number)
        expect(where).to_contain_text(says)
        if link:
            expect(where.locator(f'a[href="{link}"]')).to_be_visible()
    page.goto(f"{base}/?q={number}")
    expect(page.locator("[data-filter-answer]")).to_contain_text(says)
    page.close()


def test_the_visitor_answer_is_in_the_first_screen_on_a_phone(phone, base):
    late = []
    for url in landing_pages():
        phone.goto(base + url)
        box = phone.locator(".glance").bounding_box()
        if box["y"] + box["height"] > PHONE["height"]:
            late.append((url, round(box["y"] + box["height"])))
    assert late == []


def test_the_home_filter_finds_messages_and_failures(browser, base):
    page = browser.new_page()
    page.goto(base + "/?q=too many redirects")
    expect(page.locator('[data-kind-list=failure] a[href="/messages/err-too-many-redirects/"]')).to_be_visible()
    expect(page.locator('li:has(a[href="/200/"])')).to_be_hidden()
    page.close()


def test_the_suggestions_work_by_keyboard(phone, base):
    phone.goto(base + "/200/")
    box = phone.get_by_label("Look up a status code or an error message")
    box.fill("too many times")
    first = phone.locator("[data-suggest] a").first
    expect(first).to_be_visible()
    phone.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    phone.keyboard.press("Escape")
    expect(phone.locator("[data-suggest]")).to_be_hidden()
    expect(box).to_be_focused()


def test_new_scaffolds_a_failure_page_that_check_rejects_until_filled_in(fixture_site):
    from tests.test_build import run

    result = run(fixture_site, "new", "err-address-unreachable")
    assert result.returncode == 0, result.stderr
    assert (fixture_site / "content" / "failures" / "err-address-unreachable.md").is_file()
    problems = problems_of(fixture_site)
    assert "content/failures/err-address-unreachable.md:2: name: still says TODO" in problems
    assert any(problem.startswith("content/failures/err-address-unreachable.md:")
               and problem.endswith("happened: still says TODO") for problem in problems)
    assert all(problem.startswith("content/failures/err-address-unreachable.md:")
               for problem in problems)
