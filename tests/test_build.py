"""The command line, the writer's guarantees and a golden build of the fixture site."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from httpref.contributing import generated_blocks
from httpref.write import OutputError, write_site
from tests.conftest import FIXTURE, REPO, build, problems_of, snapshot

GOLDEN = FIXTURE / "expected"


def run(root: Path, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, str(root / "build.py"), *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)



def test_build_command_writes_the_site_and_one_summary_line(fixture_site):
    result = run(fixture_site, "build")
    assert result.returncode == 0, result.stderr
    # 3 codes, 5 classes, home, 404, explainer, comparison, index, guide, messages, failure,
    # cheat sheet, the API's page, the offline page
    assert result.stderr.splitlines()[-1].startswith("Built 19 pages (")
    assert (fixture_site / "_site" / "200" / "index.html").is_file()


def test_failed_build_names_the_mistake_and_leaves_the_site_untouched(fixture_site):
    assert run(fixture_site, "build").returncode == 0
    before = snapshot(fixture_site / "_site")
    path = fixture_site / "content" / "codes" / "200.md"
    path.write_text(path.read_text().replace("phrase: OK", "phrase: No"))
    result = run(fixture_site, "build")
    assert result.returncode == 1
    assert "content/codes/200.md:2: phrase: expected text, got a boolean" in result.stderr
    assert snapshot(fixture_site / "_site") == before
    assert sorted(p.name for p in fixture_site.iterdir() if p.name.startswith(".")) == []


def test_template_error_fails_the_build_and_leaves_the_site_untouched(fixture_site, tmp_path):
    out = build(fixture_site, tmp_path / "out")
    before = snapshot(out)
    template = fixture_site / "templates" / "code.html"
    template.write_text(template.read_text().replace("{{ entry.summary }}", "{{ entry.sumary }}", 1))
    with pytest.raises(Exception, match="sumary"):
        build(fixture_site, out)
    assert snapshot(out) == before


def test_check_command(fixture_site):
    result = run(fixture_site, "check")
    assert result.returncode == 0
    assert "Content is valid: 3 codes" in result.stderr
    assert not (fixture_site / "_site").exists()


def test_new_scaffold_is_rejected_until_filled_in(fixture_site):
    result = run(fixture_site, "new", "418")
    assert result.returncode == 0, result.stderr
    text = (fixture_site / "content" / "codes" / "418.md").read_text()
    assert "phrase: (Unused)\n" in text and "spec: RFC 9110 §15.5.19\n" in text
    problems = problems_of(fixture_site)
    assert "content/codes/418.md:3: summary: still says TODO" in problems
    assert "content/codes/418.md:9: retry: still says TODO" in problems
    assert "content/codes/418.md:19: faq[1].q: still says TODO" in problems
    assert "content/codes/418.md:30: meaning: still says TODO" in problems
    assert "content/codes/418.md:49: examples: 'Node.js (Express)' still says TODO" in problems
    assert all(problem.startswith("content/codes/418.md:") for problem in problems)
    assert run(fixture_site, "check").returncode == 1


def test_new_scaffold_once_filled_in_passes(fixture_site):
    run(fixture_site, "new", "404")  # refused: exists
    (fixture_site / "content" / "codes" / "404.md").unlink()
    assert run(fixture_site, "new", "404").returncode == 0
    path = fixture_site / "content" / "codes" / "404.md"
    filled = (FIXTURE / "content" / "codes" / "404.md").read_text()
    path.write_text(filled)
    assert problems_of(fixture_site) == []


def test_new_scaffold_for_an_unofficial_code_asks_for_vendor_and_sources(fixture_site):
    assert run(fixture_site, "new", "498").returncode == 0
    problems = problems_of(fixture_site)
    assert "content/codes/498.md:2: phrase: still says TODO" in problems
    assert "content/codes/498.md:7: vendors[1]: still says TODO" in problems
    assert "content/codes/498.md:8: origin: still says TODO" in problems
    assert "content/codes/498.md:10: seen_by: still says TODO" in problems
    assert "content/codes/498.md:32: sources[1].url: still says TODO" in problems


def test_new_refuses_an_existing_file_and_a_bad_code(fixture_site):
    result = run(fixture_site, "new", "200")
    assert result.returncode == 1 and "content/codes/200.md already exists" in result.stderr
    result = run(fixture_site, "new", "999")
    assert result.returncode == 1 and "expected a status code (418), a comparison (401-vs-403) " \
        "or a failure with no status code (err-connection-refused), got '999'" in result.stderr
    assert run(fixture_site, "check", "err-connection-refused").returncode == 2  # no examples


def test_writer_refuses_duplicates_and_escapes(tmp_path):
    with pytest.raises(OutputError, match="same path"):
        write_site([("a.html", b"1"), ("a.html", b"2")], tmp_path / "out", tmp_path)
    with pytest.raises(OutputError, match="outside"):
        write_site([("../evil.html", b"1")], tmp_path / "out", tmp_path)
    assert not (tmp_path / "out").exists() and not (tmp_path / "evil.html").exists()
    assert list(tmp_path.iterdir()) == []


def test_golden_fixture_site(fixture_site, tmp_path):
    """The fixture site builds to exactly tests/fixture/expected (UPDATE_GOLDEN=1 rewrites it)."""
    out = build(fixture_site, tmp_path / "out")
    shutil.rmtree(out / "static")  # copies of static/, by content-hashed names the pages show
    for images in ("cards", "icons"):  # drawn by Pillow: tests/test_reach.py checks them
        shutil.rmtree(out / images)
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    assert snapshot(out) == snapshot(GOLDEN)


def test_contributing_is_generated_from_the_schema():
    """The field table and the example entry in CONTRIBUTING.md match their sources."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for name, block in generated_blocks(REPO).items():
        assert re.search(rf"<!-- {name}:start -->\n?{re.escape(block)}\n?<!-- {name}:end -->",
                         text), f"{name}: run `python -m httpref.contributing` to refresh CONTRIBUTING.md"
