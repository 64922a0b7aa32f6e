"""What the site promises, each stated from its source (the RFC, the README) and checked on
what the built site shows, never against the engine's own constants; each written so that
the one-line slip it guards against makes it fail (`python -m tests.mutants` proves that)."""
import errno
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from httpref.pipeline import Builder, build_site
from httpref.serve import SiteApp, rebuild
from tests.conftest import problems_of, snapshot, unsafe_markup

# RFC 9110 §15.1: "Responses with status codes that are defined as heuristically cacheable
# (e.g., 200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, and 501 in this
# specification)"; RFC 7725 §3: 451 is heuristically cacheable too.
HEURISTICALLY_CACHEABLE = {200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501, 451}
# RFC 6585 §3, §4, §5, §6: a response with 428, 429, 431 or 511 "MUST NOT be stored by a cache".
NEVER_STORED = {428, 429, 431, 511}
# RFC 9110 §15.3.5, §15.3.6, §15.4.5: final responses that never carry content. (1xx are
# interim: a status line and header fields only, RFC 9110 §15.2.)
WITHOUT_CONTENT = {204, 205, 304}

# --- Reading the built pages as a browser does --------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Node:
    """One element: its tag, attributes and children (elements and text)."""

    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.children = tag, attrs, []

    @property
    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text for child in self.children)

    def find_all(self, tag: str = "", css_class: str = "") -> list:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if (not tag or child.tag == tag) and (
                        not css_class or css_class in (child.attrs.get("class") or "").split()):
                    found.append(child)
                found += child.find_all(tag, css_class)
        return found


class Dom(HTMLParser):
    """A page as a tree of elements, parsed as a browser tokenizes it (script is raw text)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def dom(path: Path) -> Node:
    return Dom(path.read_text(encoding="utf-8")).root


def meta(page: Node, name: str) -> str:
    (tag,) = [tag for tag in page.find_all("meta")
              if name in (tag.attrs.get("name"), tag.attrs.get("property"))]
    return tag.attrs["content"]


def json_ld(page: Node) -> dict:
    """The page's one JSON-LD block, parsed; our script file is the only other script."""
    scripts = page.find_all("script")
    (ours,) = [tag for tag in scripts if tag.attrs.get("type") != "application/ld+json"]
    assert ours.attrs.get("src", "").startswith("/static/") and ours.text == ""
    (block,) = [tag for tag in scripts if tag.attrs.get("type") == "application/ld+json"]
    return json.loads(block.text)


def script_tags_in_source(html: str) -> tuple:
    """How many times `<script` and `</script` (any case) and `<!--` occur in a page's source.
    A parser ends a script at `</script` followed by a space, `/` or `>`, and `<!--` inside one
    can make it miss the real end (HTML §4.12.1.3), so text in JSON-LD must hold none."""
    return tuple(len(re.findall(pattern, html, re.I)) for pattern in ("<script", "</script", "<!--"))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def api_records(site: Path) -> dict:
    return {record["code"]: record
            for record in json.loads((site / "api" / "codes.json").read_text())["codes"]}


def quick_facts(site: Path, code: int) -> dict:
    """The Quick facts of a code page: term -> the text a reader sees."""
    return {squeeze(fact.find_all("dt")[0].text): squeeze(fact.find_all("dd")[0].text)
            for fact in dom(site / str(code) / "index.html").find_all("div", "fact")}


# --- Cacheable by default, never stored, no content: RFC lists written here ---------------

def test_cacheable_by_default_is_rfc_9110s_list(built_site):
    """Exactly the codes RFC 9110 §15.1 (and RFC 7725 §3 for 451) call heuristically cacheable
    say so, in the API and in the page's quick facts; every other code says no."""
    records = api_records(built_site)
    assert HEURISTICALLY_CACHEABLE <= set(records), "the site lacks a code this test checks"
    wrong = []
    for code, record in records.items():
        cacheable = code in HEURISTICALLY_CACHEABLE
        shown = quick_facts(built_site, code)["Cacheable by default"]
        if (record["cache_rule"] == "heuristic", record["cacheable_by_default"],
                shown.startswith("Yes: heuristically cacheable")) != (cacheable,) * 3:
            wrong.append((code, record["cache_rule"], shown[:40]))
    assert wrong == []
    assert records[451]["cache_rule_spec"] == "RFC 7725 §3"
    assert {records[code]["cache_rule_spec"] for code in HEURISTICALLY_CACHEABLE - {451}} == {
        "RFC 9110 §15.1"}


def test_rfc_6585_codes_are_never_stored_and_1xx_are_not_stored(built_site):
    """428, 429, 431 and 511 must never be stored whatever the headers say (RFC 6585), and an
    interim 1xx is never stored (caches store final responses); no other code says never."""
    records = api_records(built_site)
    assert NEVER_STORED <= set(records)
    never = {code for code, record in records.items() if record["cache_rule"] == "never"}
    assert never == NEVER_STORED | {code for code in records if code < 200}
    for code in NEVER_STORED:
        assert records[code]["cache_rule_spec"].startswith("RFC 6585 §"), code
        assert quick_facts(built_site, code)["Cacheable by default"].startswith(
            "Never: a cache must not store it"), code
    for code in (code for code in records if code < 200):
        assert quick_facts(built_site, code)["Cacheable by default"].startswith("No: caches store "
                                                                               "only final")
    assert records[304]["cache_rule"] == "refresh"


def test_responses_that_never_carry_content(built_site):
    """204, 205 and 304 never carry content and 1xx are interim; every other code may, in the
    API and in the page's quick facts."""
    records = api_records(built_site)
    assert WITHOUT_CONTENT <= set(records)
    for code, record in records.items():
        shown = quick_facts(built_site, code)["Response content"]
        if code < 200:
            expected, start = False, "None: an interim response"
        elif code in WITHOUT_CONTENT:
            expected, start = False, "Not allowed"
        else:
            expected, start = True, "Allowed, except in a response to HEAD"
        assert (record["content_allowed"], shown[:len(start)]) == (expected, start), code


# --- The redirect table: RFC 9110 §15.4 cell by cell -------------------------------------

# code: (permanent?, may the method change?, heuristically cacheable by default? §15.1)
REDIRECTS = {
    "301 Moved Permanently": ("Yes", "Yes, but a POST may become GET", "Yes"),  # §15.4.2
    "302 Found": ("No", "Yes, but a POST may become GET", "No"),  # §15.4.3
    "303 See Other": ("Not a move: points to another resource",
                      "No: becomes GET (HEAD stays HEAD)", "No"),  # §15.4.4
    "307 Temporary Redirect": ("No", "Yes, with the body", "No"),  # §15.4.8
    "308 Permanent Redirect": ("Yes", "Yes, with the body", "Yes"),  # §15.4.9
}


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_redirect_table_states_rfc_9110_for_every_cell(built_site, code):
    """Each of the five redirect pages compares all five, every cell as RFC 9110 §15.4 says."""
    (table,) = dom(built_site / str(code) / "index.html").find_all("table", "compare")
    rows = [[squeeze(cell.text) for cell in row.children
             if not isinstance(cell, str) and cell.tag in ("th", "td")]
            for row in table.find_all("tr")]
    assert rows[0] == ["Code", "Permanent?", "Method kept?", "Cached by default?"]
    body = {row[0].replace(" (this page)", ""): tuple(row[1:]) for row in rows[1:]}
    assert body == REDIRECTS
    (current,) = [row[0] for row in rows[1:] if row[0].endswith(" (this page)")]
    assert current.startswith(f"{code} ")


# --- Rebuilding into an existing output ------------------------------------------------------

def test_a_rebuild_drops_pages_whose_entry_was_deleted(fixture_site, tmp_path):
    """After an entry is deleted, a build into the previous output leaves exactly what a fresh
    build makes: the old page, its list entries and its API record are gone."""
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    build_site(fixture_site, out)
    assert (out / "499" / "index.html").is_file()
    (fixture_site / "content" / "codes" / "499.md").unlink()
    build_site(fixture_site, out)
    build_site(fixture_site, fresh)
    assert not (out / "499").exists()
    assert 499 not in api_records(out)
    assert snapshot(out) == snapshot(fresh)


def test_a_write_that_fails_midway_leaves_the_previous_site(fixture_site, tmp_path, monkeypatch):
    """A full disk on the fourth file: the build fails with the OSError and the previous site
    is byte-identical (the new one is written beside it and swapped in only when complete)."""
    out = tmp_path / "out"
    build_site(fixture_site, out)
    before = snapshot(out)
    page = fixture_site / "content" / "codes" / "200.md"
    page.write_text(page.read_text().replace("summary: The request worked.",
                                             "summary: The request worked, edited.", 1))
    real, calls = Path.write_bytes, []

    def write_bytes(self, data):
        calls.append(self)
        if len(calls) == 4:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)
    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    with pytest.raises(OSError, match="No space left"):
        build_site(fixture_site, out)
    monkeypatch.undo()
    assert len(calls) == 4, "the failure did not come midway through the writing"
    assert snapshot(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "site"]


# --- The dev server: deletions and edits reach every page that shows them --------------------

def test_the_dev_server_removes_the_page_of_a_deleted_entry(fixture_site, tmp_path):
    """Deleting an entry while `serve` runs: its page is gone from disk and answers 404, and
    the output equals a fresh full build."""
    out = tmp_path / "out"
    app, builder = SiteApp(out), Builder(fixture_site, out)
    assert rebuild(builder, app)
    assert app.respond("/499/", "GET")[0] == "200 OK"
    path = fixture_site / "content" / "codes" / "499.md"
    path.unlink()
    assert rebuild(builder, app), app.error
    status, _, body = app.respond("/499/", "GET")
    assert status == "404 Not Found" and b"Page not found" in body
    assert not (out / "499" / "index.html").exists()
    build_site(fixture_site, tmp_path / "full")
    assert snapshot(out) == snapshot(tmp_path / "full")


def test_a_phrase_edit_reaches_every_page_that_shows_it(fixture_site, tmp_path):
    """An unofficial 299 between 200 and 404 is renamed while `serve` runs: the incremental
    rebuild shows the new phrase on its page, the home page, the 2xx page, both neighbours'
    previous/next links and the API, exactly as a full build does."""
    codes = fixture_site / "content" / "codes"
    path = codes / "299.md"
    path.write_text((codes / "499.md").read_text().replace(
        "phrase: Client Closed Request", "phrase: Vendor Thing", 1))
    out = tmp_path / "out"
    builder = Builder(fixture_site, out)
    builder.build()
    path.write_text(path.read_text().replace("phrase: Vendor Thing", "phrase: Renamed Thing", 1))
    builder.build()

    def shows(rel):
        return "Renamed Thing" in (out / rel).read_text(encoding="utf-8")
    assert [rel for rel in ("299/index.html", "index.html", "2xx/index.html",
                            "api/codes.json") if not shows(rel)] == []
    assert '<a rel="next" href="/299/">299 Renamed Thing →</a>' in (
        out / "200" / "index.html").read_text()
    assert '<a rel="prev" href="/299/">← 299 Renamed Thing</a>' in (
        out / "404" / "index.html").read_text()
    build_site(fixture_site, tmp_path / "full")
    assert snapshot(out) == snapshot(tmp_path / "full")


# --- Text reads back exactly: HTML escaping and JSON-LD ---------------------------------------

# Single-quoted in YAML, so none of these may hold a single quote. Plain-text fields (summary,
# phrase) refuse tags and character references, but keep the characters that need escaping.
SUMMARY = 'Fish & chips: "quoted", a < b > c, 1 <2 && x="y"'
QUESTION = 'Is "200" & a < b cacheable?'
ANSWER = 'Yes: `</script><script>alert(1)</script>` & "q" a < b.'
PHRASE = 'Vendor "x" & a < b > c" />'


def test_text_with_quotes_ampersands_and_angle_brackets_reads_back_exactly(fixture_site, tmp_path):
    """A summary, an FAQ question, an FAQ answer with `</script>` in a code span and a vendor
    phrase with a <script> tag: an HTML parser reads exactly the original text in the meta
    description, the title, the page and the home page; no script element is added; each
    JSON-LD block parses to the original text; the API holds the original text."""
    codes = fixture_site / "content" / "codes"
    page = codes / "200.md"
    text = page.read_text()
    for old, new in (("summary: The request worked.", f"summary: '{SUMMARY}'"),
                     ("  - q: Is `200 OK` cacheable?", f"  - q: '{QUESTION}'"),
                     ("    a: Yes, by default.", f"    a: '{ANSWER}'")):
        assert old in text
        text = text.replace(old, new, 1)
    page.write_text(text)
    vendor = codes / "499.md"
    vendor.write_text(vendor.read_text().replace("phrase: Client Closed Request",
                                                 f"phrase: '{PHRASE}'", 1))
    assert problems_of(fixture_site) == []
    out = tmp_path / "out"
    build_site(fixture_site, out)

    code_page = dom(out / "200" / "index.html")
    (lede,) = code_page.find_all("p", "lede")
    assert lede.text == SUMMARY
    assert meta(code_page, "description") == meta(code_page, "og:description") == \
        f"200 OK: {SUMMARY}"
    last = code_page.find_all("div", "qa")[-1]
    assert last.find_all("h3")[0].text == QUESTION
    assert squeeze(last.find_all("p")[0].text) == ANSWER.replace("`", "")
    (faq,) = [item for item in json_ld(code_page)["@graph"] if item["@type"] == "FAQPage"]
    assert faq["mainEntity"][-1]["name"] == QUESTION
    assert faq["mainEntity"][-1]["acceptedAnswer"]["text"] == ANSWER.replace("`", "")

    vendor_page = dom(out / "499" / "index.html")
    assert vendor_page.find_all("title")[0].text == \
        f"499 {PHRASE} (nginx) — HTTP status code explained"
    assert meta(vendor_page, "description").startswith(f"499 {PHRASE}: ")
    assert vendor_page.find_all("h1")[0].text == f"499 {PHRASE}"
    (crumbs,) = [item for item in json_ld(vendor_page)["@graph"]
                 if item["@type"] == "BreadcrumbList"]
    assert crumbs["itemListElement"][-1]["name"] == f"499 {PHRASE}"

    home = dom(out / "index.html")
    rows = {row.attrs["data-code"]: row for row in home.find_all("li") if "data-code" in row.attrs}
    assert rows["200"].find_all("span", "sum")[0].text == SUMMARY
    assert rows["499"].find_all("span", "phrase")[0].text == PHRASE
    json_ld(home)
    records = api_records(out)
    assert (records[200]["summary"], records[499]["phrase"]) == (SUMMARY, PHRASE)
    for path in out.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert unsafe_markup(html) == [], path
        assert script_tags_in_source(html) == ((2, 2, 0) if "ld+json" in html else (1, 1, 0)), \
            f"{path.relative_to(out)}: text that can end or re-open a script element"


def test_a_phrase_cannot_hold_markdown_that_links_would_render(fixture_site):
    """A [[NNN]] link renders the code's phrase inside Markdown, its heading shows it as text:
    so a phrase is plain text, and Markdown in it is refused at the phrase's own line."""
    vendor = fixture_site / "content" / "codes" / "499.md"
    vendor.write_text(vendor.read_text().replace("phrase: Client Closed Request",
                                                 "phrase: Client *Closed* Request", 1))
    page = fixture_site / "content" / "codes" / "200.md"
    page.write_text(page.read_text().replace("compare [[404]].", "compare [[404]] and [[499]].", 1))
    assert problems_of(fixture_site) == [
        "content/codes/499.md:2: phrase: plain text, shown exactly as written (in lists, titles, "
        "meta tags and the API), so '*Closed*' would show as typed; write it without Markdown"]
