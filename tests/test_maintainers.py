"""A maintainer's first contribution: what they leave lying around, what they type wrong and
the commands as the README writes them."""
import re
import shutil
import subprocess
import sys
import venv
from datetime import date, timedelta

import pytest

from httpref.pipeline import build_site
from tests.conftest import REPO, copy_site, problems_of, snapshot

P = "content/codes/200.md"
EDITOR_FILES = (".200.md.swp", ".#200.md", "#200.md#", "200.md~", ".DS_Store", "4913",
                "200.md___jb_tmp___", "Thumbs.db")


def edit(root, old, new, name="200.md"):
    path = root / "content" / "codes" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_editor_and_system_files_are_neither_content_nor_published(fixture_site, tmp_path):
    for folder in ("content/codes", "content/pages", "static"):
        for name in EDITOR_FILES:
            (fixture_site / folder / name).write_bytes(b"\x00 half-saved \xff")
    assert problems_of(fixture_site) == []
    build_site(fixture_site, tmp_path / "out")
    published = " ".join(snapshot(tmp_path / "out"))
    assert not re.search(r"swp|DS_Store|#|4913|jb_tmp|Thumbs|~", published), published


def test_a_folder_named_like_an_entry_is_reported(fixture_site):
    (fixture_site / "content" / "codes" / "201.md").mkdir()
    assert problems_of(fixture_site) == [
        "content/codes/201.md:1: file: a folder where a content file belongs; move it out of "
        "content/"]


@pytest.mark.parametrize("row, expected", [
    ("abc,Nope,RFC9110,registered,,,", "code: expected a status code from 100 to 599, got 'abc'"),
    ("200,OK,\"RFC9110, Section 15.3.1\",registered,,,", "code: 200 is listed twice"),  # line 8
    ("299,Odd,RFC9110", "row: expected 7 columns: code,name,reference,status,registered,"
                        "extended,expires"),
    ("299,Odd,RFC9110,official,,,", "status: expected one of registered, temporary, unused, "
                                    "obsoleted, got 'official'"),
    ("299,Odd,RFC9110,temporary,2024-01-01,,soon", "expires: expected a date written "
                                                   "YYYY-MM-DD or nothing, got 'soon'"),
])
def test_a_bad_registry_row_names_its_line(fixture_site, row, expected):
    path = fixture_site / "content" / "registry.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:3] + [row] + lines[3:]) + "\n", encoding="utf-8")
    line = 8 if "twice" in expected else 4  # a repeated code is reported at its second row
    assert problems_of(fixture_site) == [f"content/registry.csv:{line}: {expected}"]


@pytest.mark.parametrize("name, taken", [("404", "a status code's page"),
                                         ("299", "a status code's page"),
                                         ("4xx", "the 4xx class page"), ("api", "the JSON API")])
def test_a_prose_page_cannot_take_a_url_the_site_uses(fixture_site, name, taken):
    pages = fixture_site / "content" / "pages"
    shutil.copy(pages / "how-status-codes-work.md", pages / f"{name}.md")
    assert problems_of(fixture_site) == [
        f"content/pages/{name}.md:1: file: /{name}/ is the URL of {taken}; name the page after "
        "its topic"]


@pytest.mark.parametrize("old, new, line, field, shown", [
    ("summary: The request worked.", "summary: The request worked, unlike [[404]].", 3,
     "summary", "[[404]]"),
    ("phrase: OK", "phrase: \"`OK`\"", 2, "phrase", "`OK`"),
    ("keywords: [success]", "keywords: [\"**success**\"]", 6, "keywords[1]", "**"),
    ("  - name: Content-Type", "  - name: <b>Content-Type</b>", 9, "headers[1].name", "<b>"),
    ("summary: The request worked.", "summary: See [the RFC](https://www.rfc-editor.org/).", 3,
     "summary", "]("),
    ("summary: The request worked.", "summary: The request &amp; the answer.", 3, "summary",
     "&amp;"),
])
def test_markdown_in_a_plain_text_field_is_reported(fixture_site, old, new, line, field, shown):
    edit(fixture_site, old, new)
    assert problems_of(fixture_site) == [
        f"{P}:{line}: {field}: plain text, shown exactly as written (in lists, titles, meta "
        f"tags and the API), so '{shown}' would show as typed; write it without Markdown"]


def test_plain_text_keeps_ordinary_punctuation(fixture_site):
    edit(fixture_site, "summary: The request worked.",
         "summary: \"R&D's 2*3 <= 7 \\\"request\\\" worked (50% of the time)_.\"")
    assert problems_of(fixture_site) == []


SOURCE = "    date: \"2026-11-28\""


@pytest.mark.parametrize("date_text, expected", [
    ("2026-01-31", None),  # unquoted: YAML reads a date, which is fine
    ("\"2026-01-31\"", None),
    ("'2026-01-31'", None),
    ("2026-02-30", "expected a date written YYYY-MM-DD, got '2026-02-30'"),
    ("31/01/2026", "expected a date written YYYY-MM-DD, got '31/01/2026'"),
    (f"{date.today() + timedelta(days=2)}",
     f"{date.today() + timedelta(days=2)} is in the future; write the day you read it"),
])
def test_source_dates_are_days_quoted_or_not(fixture_site, date_text, expected):
    text = (fixture_site / "content" / "codes" / "499.md").read_text(encoding="utf-8")
    line = text.split("\n").index(SOURCE) + 1
    edit(fixture_site, SOURCE, f"    date: {date_text}", "499.md")
    problems = problems_of(fixture_site)
    assert problems == ([f"content/codes/499.md:{line}: sources[1].date: {expected}"]
                        if expected else [])


def test_contributing_unofficial_example_is_a_complete_entry(real_site):
    """The unofficial example in CONTRIBUTING, with its entry's body, passes check: it shows
    every field an unofficial code needs."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    front = re.search(r"<!-- example-unofficial:start -->\n~~~~markdown\n(.*?)~~~~", text, re.S)[1]
    code = re.search(r"This is the front matter of `content/codes/(\d+)\.md`", text)[1]
    path = real_site / "content" / "codes" / f"{code}.md"
    entry = path.read_text(encoding="utf-8")
    assert "vendors:" in front and "sources:" in front and "origin:" in front
    path.write_text(front + entry[entry.index("\n---\n", 4) + 5:], encoding="utf-8")
    assert problems_of(real_site) == []


def run_build(*args, python=sys.executable, cwd=REPO):
    return subprocess.run([str(python), "build.py", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory):
    """A Python without any of the project's packages, like one a new maintainer has."""
    folder = tmp_path_factory.mktemp("bare")
    venv.create(folder, with_pip=False)
    return folder / "bin" / "python"


def test_build_py_runs_as_the_readme_writes_it_with_any_python(bare_python):
    result = run_build("new", "404", python=bare_python)
    assert "content/codes/404.md already exists" in result.stderr, result.stderr


def test_without_the_environment_build_py_says_how_to_set_it_up(bare_python, fixture_site):
    result = run_build("check", python=bare_python, cwd=fixture_site)
    assert result.returncode == 1
    assert re.fullmatch(r"build\.py needs the Python package '\w+', which \S+ lacks: run "
                        r"`make build` once to set up \.venv, then `python build\.py …` again\n",
                        result.stderr), result.stderr


def test_new_on_an_existing_entry_says_how_to_correct_it():
    result = run_build("new", "418")
    assert result.returncode == 1
    assert result.stderr == (
        "content/codes/418.md already exists: edit it, watch it with `python build.py serve` at "
        "http://127.0.0.1:8000/418/, and check it with `python build.py check 418`\n")


def test_check_with_a_code_runs_that_entrys_examples(tmp_path):
    result = run_build("check", "204")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Running the examples of 204" in result.stderr
    assert re.search(r"\b4 passed\b", result.stdout), result.stdout
    assert "305-" not in result.stdout and "skipped" not in result.stdout


def test_check_with_a_code_fails_when_its_example_is_wrong(tmp_path):
    root = copy_site(tmp_path / "site", REPO / "content")
    shutil.copytree(REPO / "tests", root / "tests",
                    ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
    if (REPO / "tests" / "node" / "node_modules").exists():
        (root / "tests" / "node" / "node_modules").symlink_to(REPO / "tests/node/node_modules")
    (root / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text())
    edit(root, "res.status(204).end(); // no body", "res.status(200).end();", "204.md")
    result = run_build("check", "204", cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "content/codes/204.md, example 'Node.js (Express)': request 1 (DELETE /items/1) " \
           "should answer 204, got [200]" in result.stdout, result.stdout


def test_a_missing_page_the_templates_link_to_is_named(fixture_site):
    (fixture_site / "content" / "pages" / "how-status-codes-work.md").unlink()
    assert problems_of(fixture_site) == [
        "content/pages/how-status-codes-work.md:1: file: the templates link to this page; it is "
        "missing"]


def test_a_class_given_twice_is_reported(fixture_site):
    path = fixture_site / "content" / "classes.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.split("\n2xx:")[0]
    path.write_text(text + first, encoding="utf-8")
    line = text.count("\n") + 1
    assert problems_of(fixture_site) == [f"content/classes.yaml:{line}: 1xx: class given twice"]
