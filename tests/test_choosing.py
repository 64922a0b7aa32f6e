"""The pages for choosing a code: comparisons (/compare/) and the decision guide (/choose/),
built from the real content, read as HTML and used in a real browser, with and without
JavaScript; and the checks their content files get."""
import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from markupsafe import Markup
from playwright.sync_api import expect

from httpref import facts
from httpref.content import load_site
from tests.conftest import REPO, build, edit, parse_page, problems_of

SITE = load_site(REPO)


class FactCells(HTMLParser):
    """The side-by-side table: (row heading, code) -> the cell's text."""

    def __init__(self, html: str):
        super().__init__()
        self.cells, self.row, self.code, self.text, self.in_head = {}, "", None, [], False
        self.feed(html.split('<table class="side"', 1)[1].split("</table>", 1)[0])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "th" and attrs.get("scope") == "row":
            self.in_head, self.text = True, []
        elif tag == "td" and "data-code" in attrs:
            self.code, self.text = int(attrs["data-code"]), []

    def handle_endtag(self, tag):
        if tag == "th" and self.in_head:
            self.row, self.in_head = "".join(self.text).strip(), False
        elif tag == "td" and self.code:
            self.cells[self.row, self.code] = " ".join("".join(self.text).split())
            self.code = None

    def handle_data(self, data):
        self.text.append(data)


def plain(markdown_text: str) -> str:
    """What a rule's Markdown sentence reads as on the page."""
    return " ".join(Markup(re.sub(r"`([^`]*)`", r"\1", markdown_text)).striptags().split())


def test_there_are_comparisons_for_the_confusions_people_have():
    slugs = {item.slug for item in SITE.comparisons}
    assert len(slugs) >= 24
    for wanted in ("401-vs-403", "400-vs-422", "404-vs-410", "301-vs-302", "307-vs-308",
                   "502-vs-504", "409-vs-412", "200-vs-204-vs-404", "403-vs-404",
                   "404-vs-405-vs-501"):
        assert wanted in slugs


@pytest.mark.parametrize("item", SITE.comparisons, ids=lambda item: item.slug)
def test_comparison_page_decides_first_and_shows_the_entries_facts(built_site, item):
    html = (built_site / "compare" / item.slug / "index.html").read_text()
    page = parse_page(built_site / "compare" / item.slug / "index.html")
    entries = [SITE.by_code[code] for code in item.codes]
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S)[1]
    # Each code in its class colour, and its phrase: the class is never told by colour alone.
    assert all(f'<span class="num t{e.code // 100}">{e.code}</span> {e.phrase}' in heading for e in entries)
    lede = re.search(r'<p class="lede">(.*?)</p>', html, re.S)[1]
    assert all(f'href="/{code}/"' in lede for code in item.codes), "the decision names each code"
    assert html.index('class="lede"') < html.index('id="use-') < html.index('id="facts"')
    for entry in entries:
        when = html.split(f'id="use-{entry.code}"')[1].split("</section>")[0]
        assert f"{entry.code} {entry.phrase}</a> when…" in when and 2 <= when.count("<li>") <= 5
    cells = FactCells(html).cells
    for entry in entries:
        code = entry.code
        assert cells["Defined in", code] == (str(entry.spec_ref) if entry.spec_ref else "No specification")
        assert cells["Cacheable by default", code].startswith(plain(entry.cache_rule.text))
        assert cells["Response content", code].startswith(plain(entry.content_rule.text))
        assert cells["In a browser", code].startswith(plain(facts.browser_rule(code).text))
        assert cells["In Google Search", code].startswith(plain(facts.search_rule(code).text))
        assert cells["Safe to retry", code] == plain(Markup(entry.retry).striptags()) or \
            cells["Safe to retry", code].split()[:3] == plain(entry.retry).split()[:3]
        assert cells["Headers", code] == (", ".join(h["name"] for h in entry.headers) or "None specific")
        assert cells["Class", code] == f"{entry.class_key} {SITE.classes[entry.class_key]['name']}"
    assert html.count('<pre class="hl"') == 1
    faq = html.split('id="faq"')[1].split("</section>")[0]
    assert faq.count('<div class="qa">') == len(item.faq) >= 2
    (data,) = page.json_ld
    graph = {part["@type"]: part for part in data["@graph"]}
    assert len(graph["FAQPage"]["mainEntity"]) == len(item.faq)
    assert [crumb["name"] for crumb in graph["BreadcrumbList"]["itemListElement"]] == [
        "HTTP status codes", "Compare codes", item.name]
    for code in item.codes:  # both code pages lead here from their related section
        related = (built_site / str(code) / "index.html").read_text().split('id="related"')[1]
        assert f'href="{item.url}"' in related.split("</section>")[0]


def test_compare_index_lists_every_comparison_and_the_home_page_links_it(built_site):
    html = (built_site / "compare" / "index.html").read_text()
    assert [m for m in re.findall(r'href="/compare/([^"]+)/"', html)] == [
        item.slug for item in SITE.comparisons]
    home = (built_site / "index.html").read_text()
    assert 'href="/compare/"' in home and 'href="/choose/"' in home
    # The home filter finds comparisons in the data it fetches when first used.
    data = json.loads((built_site / "api" / "codes.json").read_text())
    assert [item["path"] for item in data["comparisons"]] == [item.url for item in SITE.comparisons]
    record = next(item for item in data["comparisons"] if item["name"] == "401 vs 403")
    assert record["phrases"] == ["Unauthorized", "Forbidden"] and record["codes"] == [401, 403]


def test_a_fact_corrected_in_an_entry_is_corrected_on_its_comparisons(real_site, tmp_path):
    path = real_site / "content" / "codes" / "403.md"
    text = path.read_text()
    retry = re.search(r"^retry: (.*)$", text, re.M)[1]
    path.write_text(text.replace(retry, "Only after an administrator grants access."))
    out = build(real_site, tmp_path / "out")
    for item in SITE.comparisons_with(403):
        cells = FactCells((out / "compare" / item.slug / "index.html").read_text()).cells
        assert cells["Safe to retry", 403] == "Only after an administrator grants access."


# The guide ---------------------------------------------------------------------------------

GUIDE = SITE.guide


def test_guide_reaches_a_code_for_every_situation_the_issue_names():
    reached = set(GUIDE.paths)
    situations = {"success and creation": {200, 201}, "async work": {202},
                  "empty results": {200, 204}, "redirects": {301, 302, 303, 307, 308},
                  "validation and conflict": {400, 409, 422}, "auth": {401, 403},
                  "rate limits": {429}, "preconditions": {412, 428}, "range requests": {206, 416},
                  "server failure and maintenance": {500, 503}, "gateways": {502, 504}}
    for name, codes in situations.items():
        assert codes <= reached, f"{name}: the guide never reaches {codes - reached}"
    outside = {item["code"] for item in GUIDE.outside}
    missed = [code for code, row in SITE.registry.items() if row.status == "registered"
              and code not in reached and code not in outside]
    assert missed == []


def test_guide_page_links_every_answer_to_a_part_of_the_page(built_site):
    page = parse_page(built_site / "choose" / "index.html")
    anchors = [link[1:] for link in page.links if link.startswith("#")]
    assert set(anchors) <= page.ids
    for question in GUIDE.questions:
        assert GUIDE.question_id(question) in page.ids
        for index, answer in enumerate(question.answers, 1):
            target = (GUIDE.question_id(GUIDE.by_id[answer.next]) if answer.next
                      else GUIDE.result_id(question, index))
            assert target in anchors


def test_code_pages_say_how_the_guide_reaches_them(built_site):
    html = (built_site / "429" / "index.html").read_text()
    related = html.split('id="related"')[1].split("</section>")[0]
    assert "Reached in" in related
    for _, url in GUIDE.ways_to(429):
        assert f'href="{url}"' in related
    assert "Reached in" not in (built_site / "499" / "index.html").read_text()






@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_guide_walks_to_a_code_by_keyboard_and_back_and_forward_behave(browser, base, javascript):
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.goto(base + "/choose/")
    first = GUIDE.by_id[GUIDE.start]
    expect(page.locator(f"#{GUIDE.question_id(first)}")).to_be_visible()
    page.get_by_role("link", name="Start with the first question").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"#{GUIDE.question_id(first)}$"))
    # Follow the first answer that leads on, then the first that ends in a code.
    question, trail = first, [page.url]
    while True:
        index, answer = next(((i, a) for i, a in enumerate(question.answers, 1) if a.code),
                             (None, None)) if len(trail) > 1 else (None, None)
        if answer is None:
            index, answer = next((i, a) for i, a in enumerate(question.answers, 1) if a.next)
        link = page.locator(f"#{GUIDE.question_id(question)} .answers li").nth(index - 1).locator("a")
        link.focus()
        page.keyboard.press("Enter")
        trail.append(page.url)
        if answer.code:
            result = page.locator(f"#{GUIDE.result_id(question, index)}")
            expect(result).to_be_visible()
            expect(result.get_by_role("heading")).to_contain_text(str(answer.code))
            expect(page.locator(f"#{GUIDE.question_id(question)}")).to_be_hidden()
            break
        question = GUIDE.by_id[answer.next]
        expect(page.locator(f"#{GUIDE.question_id(question)}")).to_be_visible()
        expect(page.locator(f"#{GUIDE.question_id(first)}")).to_be_hidden()
    page.go_back()
    expect(page).to_have_url(trail[-2])
    expect(page.locator(f"#{GUIDE.question_id(question)}")).to_be_visible()
    page.go_forward()
    expect(page).to_have_url(trail[-1])
    context.close()


@pytest.mark.parametrize("query, slug", [("401 vs 403", "401-vs-403"), ("403 or 404", "403-vs-404"),
                                         ("unauthorized vs forbidden", "401-vs-403"),
                                         ("410 or 404", "404-vs-410")])
def test_home_filter_and_lookup_find_a_comparison(browser, base, query, slug):
    page = browser.new_page()
    page.goto(base + "/?q=" + query)
    row = page.locator(f'li:has(a[href="/compare/{slug}/"])')
    expect(row).to_be_visible()
    expect(page.locator('li:has(a[href="/200/"])')).to_be_hidden()
    page.goto(base + "/500/")
    page.get_by_label("Look up a status code").fill(query)
    page.keyboard.press("Enter")  # the one page it names: straight there
    expect(page).to_have_url(re.compile(f"/compare/{slug}/$"))
    page.close()


# Validation (the fixture site) -------------------------------------------------------------

C = "content/compare/200-vs-404.md"
G = "content/guide.yaml"



def test_fixture_comparison_and_guide_are_valid(fixture_site):
    assert problems_of(fixture_site) == []


COMPARE_CASES = {
    "use order differs": ("  - code: 200\n", "  - code: 404\n",
                          [f"{C}:4: use: one item per compared code, in the file name's order: 200, 404"]),
    "one situation only": ("      - No item has this id.\n", "",
                           [f"{C}:4: use[2].when: needs a list of 2–5 situations ('- …' lines), found 1"]),
    "a code no request produces": ("    status: 404", "    status: 200",
                                   [f"{C}:18: requests: no request expects 404; the example must "
                                    "show every compared code"]),
    "missing decision": ("decision:", "decided:",
                         [f"{C}:2: decided: unknown field",
                          f"{C}:23: decision: required field is missing"]),
    "no mistakes": ("## Common mistakes", "## Mistakes",
                    [f"{C}:25: body: unknown section '## Mistakes'; did you mean 'Common mistakes'?",
                     f"{C}:52: mistakes: section '## Common mistakes' is missing"]),
    "example that is no server": ("### Python (Flask)", "### Python",
                                  [f"{C}:30: examples: needs a server (Express, Flask or FastAPI) example"]),
}


@pytest.mark.parametrize("old, new, expected", COMPARE_CASES.values(), ids=COMPARE_CASES)
def test_comparison_mistakes_name_file_line_and_field(fixture_site, old, new, expected):
    edit(fixture_site, C, old, new)
    assert problems_of(fixture_site) == expected


def test_comparison_file_names(fixture_site):
    folder = fixture_site / "content" / "compare"
    source = (folder / "200-vs-404.md").read_text()
    (folder / "404-vs-200.md").write_text(source)
    (folder / "200-vs-201.md").write_text(source)
    (folder / "notes.md").write_text(source)
    (folder / ".200-vs-404.md.swp").write_text("editor leftover")
    assert problems_of(fixture_site) == [
        "content/compare/200-vs-201.md:1: file: 201 has no entry (content/codes/201.md); a "
        "comparison shows facts from each code's entry",
        "content/compare/200-vs-201.md:4: use: one item per compared code, in the file name's "
        "order: 200, 201",
        "content/compare/200-vs-201.md:18: requests: no request expects 201; the example must "
        "show every compared code",
        "content/compare/404-vs-200.md:1: file: name the codes once each, in ascending order: "
        "200-vs-404.md",
        "content/compare/404-vs-200.md:4: use: one item per compared code, in the file name's "
        "order: 404, 200",
        "content/compare/notes.md:1: file: a comparison is named by its codes in ascending order: "
        "401-vs-403.md, or three codes: 404-vs-405-vs-501.md"]


GUIDE_CASES = {
    "unknown next": ("        next: missing", "        next: mising",
                     [f"{G}:9: outcome.answers[2].next: no question 'mising'; did you mean 'missing'?"]),
    "unknown start": ("start: outcome", "start: outcom",
                      [f"{G}:1: start: no question 'outcom'; did you mean 'outcome'?"]),
    "next and code": ("        next: missing", "        next: missing\n        code: 404",
                      [f"{G}:9: outcome.answers[2]: an answer has either 'next' (a question) "
                       "or 'code' and 'why'"]),
    "code without why": ("        why: The request succeeded and the body is the answer.\n", "",
                         [f"{G}:6: outcome.answers[1].why: say in one sentence why 200 fits"]),
    "code without a page": ("        code: 200", "        code: 201",
                            [f"{G}:6: outcome.answers[1].code: 201 has no page to lead to"]),
    "a circle": ("        code: 404\n        why: Without a record of the removal, 404 is the honest answer.",
                 "        next: outcome",
                 [f"{G}:11: missing: the guide goes round in a circle: outcome → missing → outcome"]),
    "unreachable question": ("        next: missing", "        code: 404\n        why: Gone.",
                             [f"{G}:12: missing: no answer leads to this question from 'outcome'"]),
    "yes read as a boolean": ('      - say: "No"\n', "      - say: No\n",
                              [f"{G}:9: outcome.answers[2].say: expected text, got a boolean "
                               "(YAML reads yes/no/on/off/true/false as booleans; put the text in quotes)"]),
    "a link inside an answer": ("      - say: Yes, and it sends it", "      - say: Yes, a [[200]]",
                                [f"{G}:6: outcome.answers[1].say: an answer is itself a link on "
                                 "the page, so it cannot hold one; name the code in 'why'"]),
    "one answer": ("      - say: Yes, but it was removed on purpose\n        code: 404\n        why: "
                   "Without a record of the removal, 404 is the honest answer.\n", "",
                   [f"{G}:11: missing.answers: needs 2–7 answers, found 1"]),
}


@pytest.mark.parametrize("old, new, expected", GUIDE_CASES.values(), ids=GUIDE_CASES)
def test_guide_mistakes_name_file_line_and_field(fixture_site, old, new, expected):
    edit(fixture_site, G, old, new)
    assert problems_of(fixture_site) == expected


def test_check_lists_the_registered_codes_the_guide_never_reaches(fixture_site):
    result = subprocess.run([sys.executable, "build.py", "check"], cwd=fixture_site,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stderr.splitlines() if "never reaches" in line)
    listed = line.split(": ", 1)[1].split(" (", 1)[0].split()
    assert "429" in listed and "200" not in listed and "404" not in listed
    assert "100" not in listed  # listed under outside, with why


def test_new_scaffolds_a_comparison_that_check_rejects_until_filled(fixture_site):
    result = subprocess.run([sys.executable, "build.py", "new", "200-vs-404-vs-499"],
                            cwd=fixture_site, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "/compare/200-vs-404-vs-499/" in result.stderr
    problems = problems_of(fixture_site)
    assert problems and all(p.startswith("content/compare/200-vs-404-vs-499.md") for p in problems)
    assert any("still says TODO" in p for p in problems)
    text = (fixture_site / "content" / "compare" / "200-vs-404-vs-499.md").read_text()
    assert text.count("  - code: ") == 3 and text.count("status: ") == 3
    again = subprocess.run([sys.executable, "build.py", "new", "200-vs-404-vs-499"],
                           cwd=fixture_site, capture_output=True, text=True)
    assert again.returncode == 1 and "already exists" in again.stderr
