"""The real content, built: every page complete, every link and anchor resolving, every page findable."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from httpref import scenarios

from httpref.content import load_site
from tests.conftest import REPO, build, parse_page

SITE = load_site(REPO)
CODE_SECTIONS = ("meaning", "visitor", "developer", "examples", "facts", "related", "how", "faq")


def html_pages(out: Path):
    return sorted(out.rglob("*.html"))


def url_of(out: Path, page: Path) -> str:
    rel = page.relative_to(out).as_posix()
    return "/" + rel.removesuffix("index.html")


def target_file(out: Path, path: str) -> Path:
    file = out / path.lstrip("/")
    return file / "index.html" if path.endswith("/") else file


@pytest.mark.parametrize("code", [entry.code for entry in SITE.codes])
def test_code_page_has_every_part(built_site, code):
    entry = SITE.by_code[code]
    page = parse_page(built_site / str(code) / "index.html")
    html = (built_site / str(code) / "index.html").read_text()
    assert set(CODE_SECTIONS) <= page.ids
    assert re.search(rf"<h1><span class=\"num t{code // 100}\">{code}</span> {re.escape(entry.phrase)}</h1>", html)
    visitor = html.split('id="visitor"')[1].split("</section>")[0]
    assert 2 <= visitor.count("<li>") <= 5
    developer = html.split('id="developer"')[1].split("</section>")[0]
    assert 3 <= developer.count("<li>") <= 7
    examples = html.split('id="examples"')[1].split("</section>\n</div>")[0]
    assert examples.count('<pre class="hl"') == len(entry.examples) >= 2
    assert 'data-language="js"' in examples and 'data-language="python"' in examples
    assert '<span class="' in examples, "code examples are highlighted at build time"
    assert entry.spec_ref is None or entry.spec_ref.url in html
    assert entry.is_official or ("Unofficial" in html and "Who sees it" in html)
    faq = html.split('id="faq"')[1].split("</section>")[0]
    assert faq.count('<div class="qa">') == len(entry.faq) >= 3
    related = html.split('id="related"')[1].split("</section>")[0]
    assert related.count("<li>") == len(entry.related) >= 2
    assert f'href="/{entry.class_key}/"' in html
    assert 'href="/how-status-codes-work/"' in html


def test_every_internal_link_and_anchor_resolves(built_site):
    ids = {url_of(built_site, page): parse_page(page).ids for page in html_pages(built_site)}
    broken = []
    for page in html_pages(built_site):
        here = url_of(built_site, page)
        for link in parse_page(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("data:"):
                continue
            path = parts.path or here
            assert path.startswith("/"), f"{here}: relative link {link}"
            if not target_file(built_site, path).is_file():
                broken.append(f"{here} -> {link}")
            elif parts.fragment and parts.fragment not in ids.get(path, set()):
                broken.append(f"{here} -> {link} (no such anchor)")
    assert broken == []
    # + classes, home, 404, comparisons and their index, the guide, failures, the messages and
    # the clients, and the proxies with a page per failure, the cheat sheet, the API's page and
    # the page the service worker shows offline
    assert len(ids) == len(SITE.codes) + 5 + len(SITE.pages) + 2 + len(SITE.comparisons) + 1 + 1 \
        + len(SITE.failures) + 1 + 1 + 1 + len(scenarios.PROXY_FAILURES) + 3


def test_sitemap_lists_every_page_and_only_real_ones(built_site):
    base = SITE.config["base_url"]
    locs = re.findall(r"<loc>([^<]+)</loc>", (built_site / "sitemap.xml").read_text())
    paths = [loc.removeprefix(base) for loc in locs]
    assert all(loc.startswith(base + "/") for loc in locs)
    assert all(target_file(built_site, path).is_file() for path in paths)
    pages = {url_of(built_site, page) for page in html_pages(built_site)} - {"/404.html", "/offline.html"}
    assert set(paths) == pages
    assert (built_site / "robots.txt").read_text().endswith(f"Sitemap: {base}/sitemap.xml\n")


def test_titles_descriptions_canonical_and_open_graph(built_site):
    base = SITE.config["base_url"]
    titles, descriptions = set(), set()
    for page_path in html_pages(built_site):
        page = parse_page(page_path)
        url = url_of(built_site, page_path)
        assert page.title and page.title not in titles, url
        assert page.meta["description"] and page.meta["description"] not in descriptions, url
        titles.add(page.title)
        descriptions.add(page.meta["description"])
        assert page.meta["canonical"] == base + url
        assert page.meta["og:url"] == base + url
        assert page.meta["og:title"] == page.title
        assert page.meta["og:description"] == page.meta["description"]


def test_code_pages_carry_faq_and_breadcrumb_json_ld(built_site):
    for entry in SITE.codes:
        (data,) = parse_page(built_site / str(entry.code) / "index.html").json_ld
        graph = {item["@type"]: item for item in data["@graph"]}
        names = [q["name"] for q in graph["FAQPage"]["mainEntity"]]
        assert len(names) == len(entry.faq) and all(names)
        # The question as it reads on the page: Markdown rendered, then tags removed.
        assert all("`" not in name and "[[" not in name for name in names)
        crumbs = graph["BreadcrumbList"]["itemListElement"]
        assert crumbs[-1]["item"] == SITE.config["base_url"] + entry.url
        assert [c["position"] for c in crumbs] == [1, 2, 3]


def test_json_api(built_site):
    data = json.loads((built_site / "api" / "codes.json").read_text())
    records = {record["code"]: record for record in data["codes"]}
    assert sorted(records) == [entry.code for entry in SITE.codes]
    assert records[429] == {
        "code": 429, "phrase": "Too Many Requests", "class": "4xx",
        "summary": SITE.by_code[429].summary, "official": True, "status": "registered",
        "registration": None, "vendors": [], "origin": None, "standing": None,
        "vendor_meanings": [], "spec": {"text": SITE.by_code[429].spec,
                                        "url": SITE.by_code[429].spec_ref.url},
        "cacheable_by_default": False, "cache_rule": "never", "cache_rule_spec": "RFC 6585 §4",
        "content_allowed": True, "aliases": list(SITE.by_code[429].aliases),
        "keywords": list(SITE.by_code[429].keywords),
        "url": SITE.config["base_url"] + "/429/"}
    assert records[104]["registration"] == {
        "registered": "2024-11-13", "extended": "2025-09-15", "expires": "2026-11-13"}
    assert (records[444]["origin"], records[527]["standing"]) == ("log-only", "historic")
    assert (records[451]["cache_rule"], records[451]["cache_rule_spec"]) == ("heuristic",
                                                                             "RFC 7725 §3")
    assert (records[304]["cache_rule"], records[205]["content_allowed"]) == ("refresh", False)
    assert records[404]["cacheable_by_default"] is True
    assert (records[404]["cache_rule"], records[202]["cache_rule"]) == ("heuristic", "explicit")
    assert records[100]["cache_rule"] == "never"
    assert records[202]["spec"]["url"] == "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.3.3"


def test_site_not_found_page_and_code_page_never_collide(built_site):
    assert (built_site / "404.html").read_text() != (built_site / "404" / "index.html").read_text()
    assert "<h1>Page not found</h1>" in (built_site / "404.html").read_text()


def test_home_lists_every_code_with_searchable_text(built_site):
    html = (built_site / "index.html").read_text()
    for entry in SITE.codes:
        assert f'href="/{entry.code}/"' in html
    # The filter finds a row by its text and, fetched when first used, by the words in the API.
    assert re.search(r'<li data-code="429">\s*<a href="/429/">.*Too Many Requests', html)
    records = {item["code"]: item for item in json.loads(
        (built_site / "api" / "codes.json").read_text())["codes"]}
    assert "rate limit" in records[429]["keywords"]
    assert "Payload Too Large" in records[413]["aliases"]
    assert "<noscript>" not in html and 'data-filter' in html and " hidden data-filter" in html


def test_two_builds_are_byte_identical(built_site, tmp_path):
    again = build(REPO, tmp_path / "again")
    first = {p.relative_to(built_site): p.read_bytes() for p in built_site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


def test_base_url_is_configurable(tmp_path):
    out = build(REPO, tmp_path / "out", base_url="https://status.example.net/")
    page = parse_page(out / "202" / "index.html")
    assert page.meta["canonical"] == "https://status.example.net/202/"
    assert "https://status.example.net/202/" in (out / "sitemap.xml").read_text()


def test_rfc_links_point_at_rfc_editor_sections(built_site):
    html = (built_site / "202" / "index.html").read_text()
    assert '<a href="https://www.rfc-editor.org/rfc/rfc9110.html#section-15.3.3">RFC 9110 §15.3.3</a>' in html


def test_redirect_pages_compare_the_five_redirects(built_site):
    for entry in SITE.codes:
        html = (built_site / str(entry.code) / "index.html").read_text()
        if entry.code in (301, 302, 303, 307, 308):
            table = html.split('<table class="compare">')[1].split("</table>")[0]
            current = table.split('<tr class="current">')[1].split("</tr>")[0]
            assert f">{entry.code} {entry.phrase}<" in current
            assert table.count("<tr") == 6
        else:
            assert 'class="compare"' not in html


def run_python(script: str, *args) -> subprocess.CompletedProcess:
    """Run code in a fresh single-threaded process, as the command line runs a build."""
    return subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)


PARALLEL = """
import os, sys
from pathlib import Path
import httpref.pipeline as pipeline
from httpref.content import load_site
from httpref.render import fingerprint_assets
root = Path(sys.argv[1])
os.cpu_count = lambda: 2  # two workers on any machine, a single core included
site = load_site(root); assets = fingerprint_assets(root / "static")
serial = pipeline.render_in_parallel(site, root / "templates", assets, workers=1)
real = pipeline.make_outputs
def make_outputs_noting_the_process(*args, **options):
    return real(*args, **options) + [(f"pid/{os.getpid()}", b"")]
pipeline.make_outputs = make_outputs_noting_the_process
parallel = pipeline.render_in_parallel(site, root / "templates", assets)
processes = [path for path, _ in parallel if path.startswith("pid/")]
assert len(set(processes)) == 2, f"rendered in {len(set(processes))} process(es), not 2"
parallel = [item for item in parallel if not item[0].startswith("pid/")]
assert len(parallel) == len(serial), (len(parallel), len(serial))
assert dict(parallel) == dict(serial)
"""


def test_parallel_rendering_gives_the_same_files_as_serial():
    """With two workers (forced, so this runs on one core too) the pages are rendered in two
    processes and give exactly the files, each once, that one process renders."""
    result = run_python(PARALLEL, REPO)
    assert result.returncode == 0, result.stderr


WORKERS = """
import os, threading
import httpref.pipeline as pipeline
for cores, expected in ((None, 1), (1, 1), (2, 2), (3, 3), (4, 4), (16, 4)):
    os.cpu_count = lambda: cores
    assert pipeline.parallel_workers() == expected, (cores, pipeline.parallel_workers())
stop = threading.Event()
thread = threading.Thread(target=stop.wait)
thread.start()
try:
    assert pipeline.parallel_workers() == 1, "it would fork while another thread runs"
finally:
    stop.set()
    thread.join()
"""


def test_render_workers_follow_the_cores_and_never_fork_beside_a_thread():
    """One worker per core up to four, and only one while another thread runs (the dev
    server): forking a threaded process is unsafe."""
    result = run_python(WORKERS)
    assert result.returncode == 0, result.stderr
