"""Bad input of every kind is refused with its own path:line: field message, and the previous
site stays byte-identical; builds are deterministic; the loader never crashes."""
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from httpref.content import load_site
from httpref.model import ContentError
from httpref.pipeline import build_site
from tests.conftest import FIXTURE, REPO, copy_site, snapshot

P = "content/codes/200.md"



def replace(old, new, name="200.md"):
    def mutate(root):
        path = root / "content" / "codes" / name
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
    return mutate


def write(name, data):
    def mutate(root):
        path = root / "content" / "codes" / name
        path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data)
    return mutate


def template(name, old, new):
    def mutate(root):
        path = root / "templates" / name
        path.write_text(path.read_text().replace(old, new, 1))
    return mutate


def symlink_out(root):
    outside = root.parent / "outside.md"
    outside.write_text((root / "content" / "codes" / "404.md").read_text())
    (root / "content" / "codes" / "404.md").unlink()
    (root / "content" / "codes" / "404.md").symlink_to(outside)


BAD = {
    "invalid YAML": (replace("summary: The request worked.", "summary: [unclosed"),
                     f"{P}:4: front matter: invalid YAML:"),
    "tab indentation": (replace("  - name: Content-Type", "\t- name: Content-Type"),
                        f"{P}:9: front matter: invalid YAML: a tab character"),
    "missing front matter": (replace("---\nphrase: OK", "phrase: OK"),
                             f"{P}:1: front matter: the file must start"),
    "unclosed front matter": (replace("---\n\n## What", "\n## What"),
                              f"{P}:1: front matter: the front matter has no closing"),
    "unknown field": (replace("keywords:", "keywrds:"),
                      f"{P}:6: keywrds: unknown field; did you mean 'keywords'?"),
    "phrase as a boolean": (replace("phrase: OK", "phrase: yes"),
                            f"{P}:2: phrase: expected text, got a boolean"),
    "summary as a number": (replace("summary: The request worked.", "summary: 42"),
                            f"{P}:3: summary: expected text, got a number"),
    "aliases as text": (replace("aliases: []", "aliases: OK"),
                        f"{P}:5: aliases: expected a list, got text 'OK'"),
    "headers item as text": (replace("  - name: Content-Type\n    why: Says what the content is.",
                                     "  - Content-Type"),
                             f"{P}:9: headers[1]: expected a record with name, why"),
    "related code in octal": (replace("code: 404", "code: 0404"),
                              f"{P}:12: related[1].code: 0404 is read by YAML as an octal"),
    "request status as text": (replace("    status: 200", "    status: ok"),
                               f"{P}:25: requests[1].status: expected a status code"),
    "file name is not a code": (write("teapot.md", "---\n---\n"),
                                "content/codes/teapot.md:1: file: file name must be a status code"),
    "code outside 100-599": (write("600.md", "---\n---\n"),
                             "content/codes/600.md:1: file: file name must be a status code"),
    "a second file for one code": (write("200.MD", "---\n---\n"),
                                   "content/codes/200.MD:1: file: file name must be a status code"),
    "phrase disagrees with the registry": (replace("phrase: OK", "phrase: Okay"),
                                           f"{P}:2: phrase: the registry names 200 'OK'"),
    "spec disagrees with the registry": (replace("RFC 9110 §15.3.1", "RFC 9110 §15.3.9"),
                                         f"{P}:4: spec: 'RFC 9110 §15.3.9' disagrees"),
    "related code with no page": (replace("code: 404", "code: 299"),
                                  f"{P}:12: related[1].code: 299 has no page"),
    "misnamed section": (replace("## Developer: How to debug & fix", "## Developer notes"),
                        f"{P}:37: body: unknown section '## Developer notes'"),
    "empty section": (replace("The request worked. See [[RFC 9110 §15.3.1]] and compare [[404]].", ""),
                      f"{P}:28: meaning: section is empty"),
    "example without a language": (replace("```python", "```"),
                                   f"{P}:56: examples: the code block of 'Python (Flask)' has no language"),
    "example in an unknown language": (replace("```python", "```pyhton"),
                                       f"{P}:56: examples: unknown language 'pyhton'"),
    "script tag": (replace("worked. See", "worked. <script>alert(1)</script> See"),
                   f"{P}:30: meaning: raw HTML is not allowed"),
    "iframe": (replace("- Nothing: all is well.", "- <iframe src=//evil></iframe>"),
               f"{P}:34: visitor: raw HTML is not allowed"),
    "event handler": (replace("a: Yes, by default.", 'a: "<img src=x onerror=alert(1)>"'),
                      f"{P}:22: faq[3].a: raw HTML is not allowed"),
    "javascript URL": (replace("worked. See", "[worked](javascript:alert(1)). See"),
                       f"{P}:30: meaning: the URL 'javascript:alert(1)' uses the 'javascript:' "
                       "scheme; only http, https, mailto, site-relative and #fragment URLs are "
                       "allowed"),
    "invalid UTF-8": (write("200.md", b"---\nphrase: \xff\n---\n"),
                      f"{P}:2: file: not valid UTF-8"),
    "empty file": (write("200.md", ""), f"{P}:1: front matter: the file must start"),
    "a file of several MB": (write("200.md", "---\nsummary: " + "x" * 3_000_000 + "\n---\n"),
                             f"{P}:1: file: 3.0 MB is too large for a content file"),
    "symlink out of content": (symlink_out, "content/codes/404.md:1: file: symbolic link leads outside"),
    "template syntax error": (template("code.html", "{% endblock %}", "{% endblok %}"),
                              "templates/code.html:"),
    "template with an unknown variable": (template("code.html", "{{ entry.summary }}", "{{ entry.sumary }}"),
                                          "templates/code.html:5: template:"),
}


@pytest.mark.parametrize("mutate, expected", BAD.values(), ids=BAD.keys())
def test_bad_content_is_refused_and_the_site_kept(fixture_site, tmp_path, mutate, expected):
    out = tmp_path / "out"
    build_site(fixture_site, out)
    before = snapshot(out)
    mutate(fixture_site)
    with pytest.raises(ContentError) as caught:
        build_site(fixture_site, out)
    assert any(str(problem).startswith(expected) for problem in caught.value.problems), \
        str(caught.value)
    assert snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "a staging folder is left"


@pytest.mark.parametrize("transform", [lambda b: b"\xef\xbb\xbf" + b, lambda b: b.replace(b"\n", b"\r\n")],
                         ids=["BOM", "CRLF"])
def test_bom_and_crlf_build_the_same_site(fixture_site, tmp_path, transform):
    build_site(fixture_site, tmp_path / "plain")
    path = fixture_site / "content" / "codes" / "200.md"
    path.write_bytes(transform(path.read_bytes()))
    build_site(fixture_site, tmp_path / "changed")
    assert snapshot(tmp_path / "plain") == snapshot(tmp_path / "changed")


def test_builds_are_identical_across_hash_seeds_and_dates(tmp_path):
    outputs = []
    for seed, epoch in (("1", "0"), ("2", "1700000000")):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": epoch,
               "PYTHONPATH": str(REPO)}
        subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--out", str(out)],
                       check=True, env=env, capture_output=True)
        outputs.append(snapshot(out))
    assert outputs[0] == outputs[1]


FIELD_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=st.dictionaries(st.sampled_from(["phrase", "summary", "spec", "related", "faq",
                                              "requests", "headers", "retry", "x"]),
                             FIELD_VALUES, max_size=8),
       body=st.text(max_size=300))
def test_generated_content_gives_a_site_or_our_error(tmp_path_factory, front, body):
    import yaml
    root = copy_site(tmp_path_factory.mktemp("prop") / "site", FIXTURE / "content")
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    (root / "content" / "codes" / "201.md").write_text(text, encoding="utf-8")
    try:
        load_site(root)
    except ContentError as error:
        assert all(str(p).startswith("content/codes/201.md:") for p in error.problems)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_give_our_error(tmp_path_factory, data):
    root = copy_site(tmp_path_factory.mktemp("bytes") / "site", FIXTURE / "content")
    (root / "content" / "codes" / "201.md").write_bytes(data)
    with pytest.raises(ContentError):
        load_site(root)
