"""Content cannot carry script: every URL is checked where the browser sees it, on the HTML
the site's own Markdown reader renders, with entities decoded and tabs and newlines removed
as a browser removes them; `check` renders in memory, so what it passes, `build` builds."""
import pytest

from httpref.model import ContentError
from httpref.markup import UrlCollector
from httpref.pipeline import build_site
from tests.conftest import problems_of, snapshot

P = "content/codes/200.md"
MEANING = "The request worked. See [[RFC 9110 §15.3.1]] and compare [[404]]."


def edit(root, old, new):
    path = root / "content" / "codes" / "200.md"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in 200.md"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SCHEME = "; only http, https, mailto, site-relative and #fragment URLs are allowed"
# (where the payload goes, the text that replaces it, the line, field and URL reported)
ATTACKS = {
    "plain": (MEANING, "[x](javascript:alert(1))", 30, "meaning", "'javascript:alert(1)'"),
    "mixed case": (MEANING, "[x](JaVaScRiPt:alert(1))", 30, "meaning", "'JaVaScRiPt:alert(1)'"),
    "decimal entity": (MEANING, "[x](&#106;avascript:alert(1))", 30, "meaning",
                       "'javascript:alert(1)'"),
    "hex entity": (MEANING, "[x](&#x6A;avascript:alert(1))", 30, "meaning",
                   "'javascript:alert(1)'"),
    "named entity tab": (MEANING, "[x](java&Tab;script:alert(1))", 30, "meaning",
                         "'java\\tscript:alert(1)'"),
    "entity newline": (MEANING, "[x](java&#10;script:alert(1))", 30, "meaning",
                       "'java\\nscript:alert(1)'"),
    "leading control character": (MEANING, "[x](&#1;javascript:alert(1))", 30, "meaning", None),
    "destination on the next line": (MEANING, "[x](\njavascript:alert(1))", 31, "meaning",
                                     "'javascript:alert(1)'"),
    "behind an escaped backtick": (MEANING, "\\`[x](javascript:alert(1))`", 30, "meaning",
                                   "'javascript:alert(1)'"),
    "after a longer closing fence": (
        MEANING, "```\ncode\n`````\n\n[x](javascript:alert(1))", 34, "meaning",
        "'javascript:alert(1)'"),
    "reference link": (MEANING, "[x][evil]\n\n[evil]: javascript:alert(1)", 32, "meaning",
                       "'javascript:alert(1)'"),
    "image": (MEANING, "![x](javascript:alert(1))", 30, "meaning", "'javascript:alert(1)'"),
    "data URL": (MEANING, "[x](data:text/html,<script>alert(1)</script>)", 30, "meaning",
                 "'data:text/html,"),
    "vbscript": (MEANING, "[x](vbscript:msgbox(1))", 30, "meaning", "'vbscript:msgbox(1)'"),
    "in an FAQ answer, fenced for one reader and not the other": (
        "    a: Yes, by default.", "    a: |\n      ~~~\n      [x](javascript:alert(1))\n      ~~~",
        24, "faq[3].a", "'javascript:alert(1)'"),
    "in a visitor bullet": ("- Nothing: all is well.", "- [all is well](javascript:alert(1))",
                            34, "visitor", "'javascript:alert(1)'"),
    "entity with leading zeros": (MEANING, "[x](&#0000106;avascript:alert(1))", 30, "meaning",
                                  "'javascript:alert(1)'"),
    "colon as an entity": (MEANING, "[x](javascript&colon;alert(1))", 30, "meaning",
                           "'javascript:alert(1)'"),
    "angle-bracket destination": (MEANING, "[x](<javascript:alert(1)>)", 30, "meaning",
                                  "'javascript:alert(1)'"),
    "with a title": (MEANING, '[x](javascript:alert(1) "title")', 30, "meaning",
                     "'javascript:alert(1)'"),
    "upper case": (MEANING, "[x](JAVASCRIPT:alert(1))", 30, "meaning", "'JAVASCRIPT:alert(1)'"),
    "capitalised": (MEANING, "[x](JavaScript:alert(1))", 30, "meaning", "'JavaScript:alert(1)'"),
    "entity inside the word": (MEANING, "[x](jav&#x61;script:alert(1))", 30, "meaning",
                               "'javascript:alert(1)'"),
    "tab entity inside an upper-case scheme": (MEANING, "[x](JAVA&#9;SCRIPT:alert(1))", 30,
                                               "meaning", "'JAVA\\tSCRIPT:alert(1)'"),
    "newline inside the scheme": (MEANING, "[x](java\nscript:alert(1))", 31, "meaning",
                                  "'java\\nscript:alert(1)'"),
    "in a retry note": ("retry: Yes, for safe methods such as GET.",
                        "retry: See [x](javascript:alert(1)).", 7, "retry",
                        "'javascript:alert(1)'"),
    "in a related code's why": ("why: The opposite outcome for a GET.",
                                "why: See [x](javascript:alert(1)).", 13, "related[1].why",
                                "'javascript:alert(1)'"),
    "protocol-relative": (MEANING, "[x](//evil.example/)", 30, "meaning", "'//evil.example/'"),
    "backslashes": (MEANING, "[x](\\\\\\\\evil.example/)", 30, "meaning", None),
}


@pytest.mark.parametrize("old, new, line, field, url", ATTACKS.values(), ids=ATTACKS.keys())
def test_script_url_is_refused_with_file_line_and_field(fixture_site, old, new, line, field, url):
    edit(fixture_site, old, new)
    problems = problems_of(fixture_site)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{P}:{line}: {field}: the URL "), problems[0]
    if url:
        assert url in problems[0]


def test_a_refused_url_fails_the_build_and_keeps_the_old_site(fixture_site, tmp_path):
    out = tmp_path / "_site"
    build_site(fixture_site, out)
    before = snapshot(out)
    edit(fixture_site, MEANING, "[x](&#106;avascript:alert(1))")
    with pytest.raises(ContentError):
        build_site(fixture_site, out)
    assert snapshot(out) == before


def test_source_url_with_an_escaped_newline_is_refused(fixture_site):
    path = fixture_site / "content" / "codes" / "499.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("    url: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + '    url: "java\\nscript:alert(1)"' + text[end:], encoding="utf-8")
    problems = problems_of(fixture_site)
    assert len(problems) == 1 and problems[0].startswith("content/codes/499.md:")
    assert ": sources[1].url: the URL 'java\\nscript:alert(1)' uses the 'javascript:' scheme" \
        in problems[0]


def test_source_url_must_be_absolute_https(fixture_site):
    path = fixture_site / "content" / "codes" / "499.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("    url: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + "    url: /relative" + text[end:], encoding="utf-8")
    assert [p.split(": ", 1)[1] for p in problems_of(fixture_site)] == [
        "sources[1].url: write an absolute https:// URL, not '/relative'"]


@pytest.mark.parametrize("text", [
    "<https://www.rfc-editor.org/rfc/rfc9110.html>",  # an autolink is Markdown, not raw HTML
    "[mail](mailto:webmaster@example.com)",
    "[top](#meaning)",
    "[a page](/404/)",
    "[spec](https://www.rfc-editor.org/rfc/rfc9110.html#section-15.3.1)",
    "`[x](javascript:alert(1))` in code is only text",
    # Markdown escapes an incomplete entity, so the browser reads a harmless relative URL.
    "[x](&#106avascript:alert(1))",
])
def test_safe_links_pass(fixture_site, text):
    edit(fixture_site, MEANING, text)
    assert problems_of(fixture_site) == []


RAW = "raw HTML is not allowed; write Markdown"
NEITHER = "is neither a status code such as [[404]] nor a spec such as [[RFC 9110 §15.5.5]]"
# (the text that replaces the meaning, the one problem `check` reports)
INJECTIONS = {
    "script element": ("<script>alert(1)</script>", f"{P}:30: meaning: {RAW}"),
    "script block over several lines": ("Fine.\n\n<script>\nalert(1)\n</script>",
                                        f"{P}:32: meaning: {RAW}"),
    "onerror attribute": ("<img src=x onerror=alert(1)>", f"{P}:30: meaning: {RAW}"),
    "onclick on a block element": ('<div onclick="alert(1)">x</div>', f"{P}:30: meaning: {RAW}"),
    "iframe mid-sentence": ("See <iframe src=/></iframe> here.", f"{P}:30: meaning: {RAW}"),
    "autolink with a script scheme": ("<javascript:alert(1)>", f"{P}:30: meaning: {RAW}"),
    "short link label with a scheme": ("[[javascript:alert(1)]]",
                                       f"{P}:30: meaning: [[javascript:alert(1)]] {NEITHER}"),
    "short link label breaking out of an attribute": (
        '[[404" onclick="alert(1)]]', f'{P}:30: meaning: [[404" onclick="alert(1)]] {NEITHER}'),
}


@pytest.mark.parametrize("text, problem", INJECTIONS.values(), ids=INJECTIONS.keys())
def test_script_in_content_is_refused_with_file_line_and_field(fixture_site, text, problem):
    """Raw HTML (inline or as a block, with or without a handler) and a short link to anything
    but a code or a spec are refused, each with its path:line: field."""
    edit(fixture_site, MEANING, text)
    assert problems_of(fixture_site) == [problem]


@pytest.mark.parametrize("text", ["[spec](HTTPS://www.rfc-editor.org/rfc/rfc9110.html)",
                                  "[mail](Mailto:webmaster@example.com)",
                                  "[x](Http://example.org/)"], ids=["HTTPS", "Mailto", "Http"])
def test_safe_schemes_pass_in_any_case(fixture_site, text):
    """A browser reads a scheme case-insensitively (URL Standard), so HTTPS:// and Mailto: are
    the safe schemes they look like and pass."""
    edit(fixture_site, MEANING, text)
    assert problems_of(fixture_site) == []


def test_raw_html_is_reported_by_the_reader_that_renders(fixture_site):
    edit(fixture_site, MEANING, "Fine.\n\nSee <b onclick=alert(1)>here</b>.")
    assert problems_of(fixture_site) == [f"{P}:32: meaning: raw HTML is not allowed; write Markdown"]


def test_a_short_link_the_line_reader_misses_is_reported_not_a_crash(fixture_site):
    # The line reader takes `` \`[[299]]` `` for a code span; Markdown renders the link.
    edit(fixture_site, MEANING, "\\`[[299]]`")
    assert problems_of(fixture_site) == [
        f"{P}:30: meaning: 299 has no page and is not in the IANA registry"]


def test_every_url_on_the_real_site_is_safe(built_site):
    """The net under the checks: no page of the built site links anywhere unsafe."""
    from httpref.text import url_problem

    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 90
    for page in pages:
        for url in UrlCollector(page.read_text(encoding="utf-8")).urls:
            assert not url_problem(url), (page, url)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "/relative", "java\nscript:x"])
def test_base_url_flag_must_be_absolute_https(fixture_site, url):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "build.py", "build", "--base-url", url],
                            cwd=fixture_site, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--base-url: expected an absolute https:// URL" in result.stderr
    assert not (fixture_site / "_site").exists()
