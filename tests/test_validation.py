"""Every validation rule, each asserting the exact path:line: field: message it reports."""
import pytest

from tests.conftest import problems_of

P = "content/codes/200.md"


def edit(root, old, new, name="200.md"):
    path = root / "content" / "codes" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_fixture_is_valid(fixture_site):
    assert problems_of(fixture_site) == []


CASES = {
    "yaml boolean for text": (
        "phrase: OK", "phrase: No",
        [f"{P}:2: phrase: expected text, got a boolean (YAML reads yes/no/on/off/true/false "
         "as booleans; put the text in quotes)"]),
    "number for text": (
        "phrase: OK", "phrase: 200",
        [f"{P}:2: phrase: expected text, got a number (put it in quotes)"]),
    "phrase disagrees with registry": (
        "phrase: OK", "phrase: Okay",
        [f"{P}:2: phrase: the registry names 200 'OK', not 'Okay'"]),
    "spec disagrees with registry": (
        "spec: RFC 9110 §15.3.1", "spec: RFC 9110 §15.3.2",
        [f"{P}:4: spec: 'RFC 9110 §15.3.2' disagrees with the registry's reference "
         "RFC9110, Section 15.3.1"]),
    "spec malformed": (
        "spec: RFC 9110 §15.3.1", "spec: rfc9110 section 15",
        [f"{P}:4: spec: write a spec as 'RFC 9110 §15.3.3', 'RFC 8297' or an Internet-Draft name"]),
    "required field missing": (
        "retry: Yes, for safe methods such as GET.\n", "",
        [f"{P}:25: retry: required field is missing"]),
    "unknown field with suggestion": (
        "keywords:", "keywrds:",
        [f"{P}:6: keywrds: unknown field; did you mean 'keywords'?"]),
    "field given twice": (
        "aliases: []", "aliases: []\nphrase: OK",
        [f"{P}:6: phrase: field given twice"]),
    "octal status code": (
        "code: 404", "code: 0404",
        [f"{P}:12: related[1].code: 0404 is read by YAML as an octal number; "
         "write 404 without the leading zero"]),
    "not a status code": (
        "code: 404", "code: 999",
        [f"{P}:12: related[1].code: expected a status code from 100 to 599, got 999"]),
    "related code without page or registration": (
        "code: 404", "code: 299",
        [f"{P}:12: related[1].code: 299 has no page and is not in the IANA registry"]),
    "too few related codes": (
        "  - code: 204\n    why: Success without content.\n", "",
        [f"{P}:11: related: needs at least 2 items, got 1"]),
    "record key missing": (
        "    a: Yes, by default.\n", "",
        [f"{P}:21: faq[3].a: required key is missing"]),
    "record key unknown": (
        "    a: Yes, by default.", "    answer: Yes, by default.",
        [f"{P}:21: faq[3].a: required key is missing",
         f"{P}:22: faq[3].answer: unknown key; did you mean 'a'?"]),
    "list expected": (
        "aliases: []", "aliases: Payload Too Large",
        [f"{P}:5: aliases: expected a list, got text 'Payload Too Large'"]),
    "empty text": (
        "summary: The request worked.", 'summary: ""',
        [f"{P}:3: summary: must not be empty"]),
    "text still says TODO": (
        "retry: Yes, for safe methods such as GET.", "retry: TODO",
        [f"{P}:7: retry: still says TODO"]),
    "unquoted colon is invalid YAML, and the other mistakes are still listed": (
        "summary: The request worked.\nspec: RFC 9110 §15.3.1\naliases: []\nkeywords:",
        "summary: Note: it worked\nspec: RFC 9110 §15.3.1\naliases: []\nkeywrds:",
        [f"{P}:3: front matter: invalid YAML: a ': ' inside a value starts a new "
         "'field: value'; put the whole value in quotes",
         f"{P}:6: keywrds: unknown field; did you mean 'keywords'?"]),
    "tab in YAML": (
        "  - name: Content-Type", "\t- name: Content-Type",
        [f"{P}:9: front matter: invalid YAML: a tab character; indent YAML with spaces"]),
    "a tab inside a value does not hide the real error": (
        "retry: Yes, for safe methods such as GET.", "retry: \"Yes,\tfor\" safe methods",
        [f"{P}:7: front matter: invalid YAML: text after the closing quote; quote the whole "
         "value, with any quote inside it doubled ('') or escaped (\\\")"]),
    "value starting with a backtick": (
        "    why: Says what the content is.", "    why: `text/html` says what it is.",
        [f"{P}:10: front matter: invalid YAML: a value cannot start with '`'; put the whole "
         "value in quotes"]),
    "quote never closed": (
        "    why: The opposite outcome for a GET.", "    why: \"The opposite outcome for a GET.",
        [f"{P}:13: front matter: invalid YAML: this quote is never closed"]),
    "continuation line not indented": (
        "retry: Yes, for safe methods such as GET.", "retry: Yes, for safe methods\nsuch as GET.",
        [f"{P}:8: front matter: invalid YAML: this line is not 'field: value': indent a "
         "continuation line under its field, or add the ':'"]),
    "a line of a folded value is named exactly": (
        "    a: Yes, by default.", "    a: >\n      Yes, by default,\n      see [[RFC 9110 §15.1]]\n"
        "      and [[299]] and [[RFC nine]].",
        [f"{P}:25: faq[3].a: [[RFC nine]] is neither a status code such as [[404]] nor a spec "
         "such as [[RFC 9110 §15.5.5]]",
         f"{P}:25: faq[3].a: 299 has no page and is not in the IANA registry"]),
    "a line of a plain multi-line value is named exactly": (
        "    a: Yes, by default.", "    a: Yes, by default,\n      as the RFC\n      says "
        "[there](javascript:alert(1)).",
        [f"{P}:24: faq[3].a: the URL 'javascript:alert(1)' uses the 'javascript:' scheme; only "
         "http, https, mailto, site-relative and #fragment URLs are allowed"]),
    "invisible line separator keeps later lines right": (
        "worked.\nspec: RFC 9110 §15.3.1\naliases: []\nkeywords: [success]\nretry: Yes,",
        "\u2028worked.\nspec: RFC 9110 §15.3.1\naliases: []\nkeywords: [success]\nretry: TODO",
        [f"{P}:3: file: invisible character U+2028 (line separator); delete it (YAML and "
         "Markdown may read it as a line break or refuse it)",
         f"{P}:7: retry: still says TODO"]),
    "control character": (
        "    why: Success without content.", "    why: Success\x07 without content.",
        [f"{P}:15: file: invisible character U+0007 (control character); delete it (YAML and "
         "Markdown may read it as a line break or refuse it)"]),
    "key given twice in a record": (
        "    why: Says what the content is.", "    why: Says what the content is.\n    why: Twice.",
        [f"{P}:11: headers[1].why: key given twice"]),
    "no opening fence": (
        "---\nphrase: OK", "phrase: OK",
        [f"{P}:1: front matter: the file must start with a line of three dashes (---)"]),
    "raw HTML": (
        "worked. See", "worked. <script>alert(1)</script> See",
        [f"{P}:30: meaning: raw HTML is not allowed; write Markdown"]),
    "event handler in HTML": (
        "- Nothing: all is well.", '- Nothing: <img src=x onerror="alert(1)">',
        [f"{P}:34: visitor: raw HTML is not allowed; write Markdown"]),
    "javascript URL": (
        "worked. See", "[worked](javascript:alert(1)). See",
        [f"{P}:30: meaning: the URL 'javascript:alert(1)' uses the 'javascript:' scheme; only "
         "http, https, mailto, site-relative and #fragment URLs are allowed"]),
    "standing on an official code": (
        "keywords: [success]", "keywords: [success]\nstanding: historic",
        [f"{P}:7: standing: 200 is in the IANA registry; 'standing' describes unofficial codes "
         "only"]),
    "unknown standing": (
        "keywords: [success]", "keywords: [success]\nstanding: retired",
        [f"{P}:7: standing: expected one of current, historic, disputed, got 'retired'",
         ]),
    "raw HTML in a front-matter answer": (
        "a: Yes, by default.", "a: <iframe src=/></iframe>",
        [f"{P}:22: faq[3].a: raw HTML is not allowed; write Markdown"]),
    "malformed short link": (
        "compare [[404]]", "compare [[four-oh-four]]",
        [f"{P}:30: meaning: [[four-oh-four]] is neither a status code such as [[404]] nor a "
         "spec such as [[RFC 9110 §15.5.5]]"]),
    "short link to an unknown code": (
        "compare [[404]]", "compare [[299]]",
        [f"{P}:30: meaning: 299 has no page and is not in the IANA registry"]),
    "unknown section with suggestion": (
        "## Site visitor: What can I do?", "## Site visitor: What can i do",
        [f"{P}:32: body: unknown section '## Site visitor: What can i do'; did you mean "
         "'Site visitor: What can I do?'?",
         f"{P}:59: visitor: section '## Site visitor: What can I do?' is missing"]),
    "section missing": (
        "## What it means\n\nThe request worked. See [[RFC 9110 §15.3.1]] and compare [[404]].\n\n",
        "",
        [f"{P}:55: meaning: section '## What it means' is missing"]),
    "no request expects the page's code": (
        "    status: 200", "    status: 201",
        [f"{P}:23: requests: no request expects 200; add one that produces it"]),
    "expected status with a leading zero": (
        "    status: 200", "    status: 0200",
        [f"{P}:25: requests[1].status: 0200 is read by YAML as an octal number; "
         "write 200 without the leading zero"]),
    "not_run names no example": (
        "requests:", "not_run:\n  - example: Python (Flsk)\n    why: Cannot run.\nrequests:",
        [f"{P}:23: not_run[1].example: no example is labelled 'Python (Flsk)'; did you mean "
         "'Python (Flask)'?"]),
    "example in a language the tests cannot run": (
        "### Python (Flask)", "### nginx\n\n```nginx\nreturn 200;\n```\n\n### Python (Flask)",
        [f"{P}:26: examples: 'nginx' is in nginx, which the example tests cannot run; list it "
         "under not_run with a reason"]),
    "section given twice": (
        "## Developer: How to debug & fix",
        "## Site visitor: What can I do?\n\n- More.\n\n## Developer: How to debug & fix",
        [f"{P}:37: visitor: section '## Site visitor: What can I do?' appears twice"]),
    "section still says TODO": (
        "The request worked. See", "TODO. See",
        [f"{P}:28: meaning: still says TODO"]),
    "too few visitor bullets": (
        "- It is nobody's fault.\n", "",
        [f"{P}:32: visitor: needs 2–5 bullets, found 1"]),
    "too few developer steps": (
        "3. Check the headers.\n", "",
        [f"{P}:37: developer: needs 3–7 numbered steps, found 2"]),
    "too many visitor bullets": (
        "- It is nobody's fault.\n", "- It is nobody's fault.\n- Three.\n- Four.\n- Five.\n- Six.\n",
        [f"{P}:32: visitor: needs 2–5 bullets, found 6"]),
    "too many developer steps": (
        "3. Check the headers.\n", "3. Check the headers.\n4. Four.\n5. Five.\n6. Six.\n"
                                  "7. Seven.\n8. Eight.\n",
        [f"{P}:37: developer: needs 3–7 numbered steps, found 8"]),
    "missing required example": (
        "### Python (Flask)", "### Python (Django)",
        [f"{P}:43: examples: needs a Python (Flask or FastAPI) example"]),
    "example without language": (
        "```python", "```",
        [f"{P}:56: examples: the code block of 'Python (Flask)' has no language "
         "(write ```js, ```python…)",
         f"{P}:43: examples: needs a Python (Flask or FastAPI) example"]),
    "example with unknown language": (
        "```python", "```pythn",
        [f"{P}:56: examples: unknown language 'pythn' in 'Python (Flask)'",
         f"{P}:43: examples: needs a Python (Flask or FastAPI) example"]),
}


@pytest.mark.parametrize("old, new, expected", CASES.values(), ids=CASES.keys())
def test_rule(fixture_site, old, new, expected):
    edit(fixture_site, old, new)
    assert problems_of(fixture_site) == sorted(expected, key=sort_key)


def sort_key(message):
    path, line, rest = message.split(":", 2)
    return path, int(line), rest


def test_the_most_bullets_and_steps_allowed_pass(fixture_site):
    """The upper bounds are inclusive: 5 visitor bullets and 7 developer steps are fine."""
    edit(fixture_site, "- It is nobody's fault.\n",
         "- It is nobody's fault.\n- Three.\n- Four.\n- Five.\n")
    edit(fixture_site, "3. Check the headers.\n",
         "3. Check the headers.\n4. Four.\n5. Five.\n6. Six.\n7. Seven.\n")
    assert problems_of(fixture_site) == []


def test_requests_are_raw_text_not_markdown(fixture_site):
    edit(fixture_site, "  - request: GET /", "  - request: |\n      PROPFIND /\n\n      <d:propfind/>")
    assert problems_of(fixture_site) == []


def test_sections_out_of_order(fixture_site):
    path = fixture_site / "content" / "codes" / "200.md"
    text = path.read_text()
    meaning_start = text.index("## What it means")
    visitor_start = text.index("## Site visitor")
    meaning = text[meaning_start:visitor_start]
    path.write_text(text[:meaning_start] + text[visitor_start:].replace(
        "## Developer", meaning + "## Developer"))
    assert problems_of(fixture_site) == [
        f"{P}:28: body: sections must follow the order: What it means, Site visitor: What can "
        "I do?, Developer: How to debug & fix, Code examples"]


def test_unclosed_front_matter(fixture_site):
    path = fixture_site / "content" / "codes" / "200.md"
    path.write_text(path.read_text().replace("---\n\n## What", "\n## What"))
    assert problems_of(fixture_site) == [f"{P}:1: front matter: the front matter has no closing --- line"]


def test_empty_file(fixture_site):
    (fixture_site / "content" / "codes" / "200.md").write_text("")
    assert problems_of(fixture_site) == [
        f"{P}:1: front matter: the file must start with a line of three dashes (---)"]


def test_invalid_utf8_names_the_line(fixture_site):
    path = fixture_site / "content" / "codes" / "200.md"
    path.write_bytes(path.read_bytes().replace(b"The request worked.", b"The request \xff worked.", 1))
    assert problems_of(fixture_site) == [f"{P}:3: file: not valid UTF-8"]


def test_bom_and_crlf_are_accepted(fixture_site):
    path = fixture_site / "content" / "codes" / "200.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert problems_of(fixture_site) == []


@pytest.mark.parametrize("name", ["abc.md", "600.md", "0404.md"])
def test_file_name_must_be_a_code(fixture_site, name):
    (fixture_site / "content" / "codes" / name).write_text("---\n---\n")
    assert problems_of(fixture_site) == [
        f"content/codes/{name}:1: file: file name must be a status code from 100 to 599, e.g. 404.md"]


def test_unofficial_code_names_vendor_and_sources(fixture_site):
    text = (fixture_site / "content" / "codes" / "404.md").read_text()
    text = text.replace("phrase: Not Found", "phrase: Client Closed Request").replace(
        "spec: RFC 9110 §15.5.5\n", "").replace("status: 404", "status: 499")
    (fixture_site / "content" / "codes" / "499.md").write_text(text)
    assert problems_of(fixture_site) == [
        f"content/codes/499.md:27: {name}: 499 is not in the IANA registry, so this unofficial "
        f"code needs '{name}'" for name in ("origin", "seen_by", "sources", "vendors")]


def test_every_problem_in_every_file_is_reported(fixture_site):
    edit(fixture_site, "phrase: OK", "phrase: No")
    edit(fixture_site, "retry: Yes, for safe methods such as GET.", "retry: TODO", "404.md")
    edit(fixture_site, "keywords:", "keywrds:", "404.md")
    assert problems_of(fixture_site) == [
        f"{P}:2: phrase: expected text, got a boolean (YAML reads yes/no/on/off/true/false as "
        "booleans; put the text in quotes)",
        "content/codes/404.md:8: keywrds: unknown field; did you mean 'keywords'?",
        "content/codes/404.md:9: retry: still says TODO"]


def test_symlink_out_of_content_is_refused(fixture_site, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text((fixture_site / "content" / "codes" / "404.md").read_text())
    (fixture_site / "content" / "codes" / "404.md").unlink()
    (fixture_site / "content" / "codes" / "404.md").symlink_to(outside)
    assert problems_of(fixture_site) == [
        "content/codes/404.md:1: file: symbolic link leads outside content/"]
