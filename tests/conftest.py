"""Fixtures: a tiny site built in tmp_path from tests/fixture plus the real templates."""
import json
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from httpref.model import ContentError
from httpref.pipeline import build_site, check_site
from tests.browser import serve_folder
from tests.examples import free_port  # noqa: F401  (a fixture helper for the server tests)

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixture"


def pytest_addoption(parser):
    parser.addoption("--only", action="append", default=[], metavar="CODE|A-vs-B",
                     help="run only the examples of these entries or comparisons (`build.py "
                          "check CODE` uses it)")


def copy_site(target: Path, content: Path) -> Path:
    """A site root with the real templates, static files and registry and the given content."""
    shutil.copytree(content, target / "content")
    shutil.copy(REPO / "content" / "registry.csv", target / "content" / "registry.csv")
    shutil.copytree(REPO / "templates", target / "templates")
    shutil.copytree(REPO / "static", target / "static")
    shutil.copy(REPO / "build.py", target / "build.py")
    return target


@pytest.fixture
def fixture_site(tmp_path) -> Path:
    return copy_site(tmp_path / "site", FIXTURE / "content")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The repository's real site, built once for every test that only reads it."""
    return build(REPO, tmp_path_factory.mktemp("built") / "_site")


@pytest.fixture
def real_site(tmp_path) -> Path:
    """A copy of the repository's own site, safe to edit."""
    return copy_site(tmp_path / "site", REPO / "content")


def edit(root: Path, relative: str, old: str, new: str):
    """Replace the first `old` in a file of a site root with `new` (which must be there)."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def snapshot(folder: Path) -> dict:
    """Every file under a folder, by relative path, as bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def problems_of(root: Path) -> list[str]:
    """The messages `check` reports for a site root (it loads and renders in memory), or []."""
    try:
        check_site(root)
    except ContentError as error:
        return [str(problem) for problem in error.problems]
    return []


class PageParser(HTMLParser):
    """Collects ids, link targets, text of chosen elements and JSON-LD blocks of one page."""

    def __init__(self, html: str):
        super().__init__()
        self.ids, self.links, self.json_ld, self.meta = set(), [], [], {}
        self.title, self._in = "", None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if name in attrs:
                self.links.append(attrs[name])
        if tag == "meta":
            self.meta[attrs.get("name") or attrs.get("property")] = attrs.get("content")
        if tag == "link" and attrs.get("rel") == "canonical":
            self.meta["canonical"] = attrs["href"]
        if tag == "title" or (tag == "script" and attrs.get("type") == "application/ld+json"):
            self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.json_ld.append(json.loads(data))


def visible_text(html: str, between: str = "") -> str:
    """HTML with its tags removed (replaced by `between`), as a reader sees the words."""
    return unescape(re.sub(r"<[^>]+>", between, html))


# Attributes in which a browser reads a URL, and the only schemes a page may link with.
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "cite", "data",
                  "background", "ping", "longdesc", "usemap", "manifest", "xlink:href",
                  "codebase", "archive", "icon"}
SAFE_SCHEMES = {"http", "https", "mailto"}
EMBEDDING_TAGS = {"iframe", "frame", "object", "embed", "applet", "base"}


def url_scheme(url: str) -> str:
    """The scheme a browser reads in an attribute value (entities already decoded), or '' for a
    relative URL: the URL Standard removes tabs and newlines and strips C0 controls and spaces
    first, and schemes are case-insensitive."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21))))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return match[1].lower() if match else ""


class ScriptSurface(HTMLParser):
    """Everything in a page through which script could run, as a browser parses it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found, self._script = [], None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>: an event handler attribute")
            if name in URL_ATTRIBUTES and value:
                urls = [part.strip().split(" ")[0] for part in value.split(",")] \
                    if name == "srcset" else [value]
                self.found += [f"<{tag} {name}={url!r}>: the {url_scheme(url)}: scheme"
                               for url in urls if url_scheme(url) not in SAFE_SCHEMES | {""}]
        named = dict(attrs)
        if tag in EMBEDDING_TAGS:
            self.found.append(f"<{tag}>: embeds or re-bases content")
        if tag == "meta" and (named.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        if tag == "script":
            kind = (named.get("type") or "").lower()
            if kind == "application/ld+json" and "src" not in named:
                self._script = "data"
            elif (named.get("src") or "").startswith("/static/") and kind in ("", "module"):
                self._script = "file"
            else:
                self.found.append(f"<script {named}>: not our file nor JSON-LD")
                self._script = "other"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script == "file" and data.strip():
            self.found.append(f"<script src=...> with inline code {data[:40]!r}")


def unsafe_markup(html: str) -> list[str]:
    """Why a page could run script other than our one file, or [] (JSON-LD is data)."""
    return ScriptSurface(html).found


def parse_page(path: Path) -> PageParser:
    return PageParser(path.read_text(encoding="utf-8"))


def build(root: Path, out: Path, base_url: str | None = None) -> Path:
    build_site(root, out, base_url)
    return out



@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the tests of one module."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_options
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def base(built_site, static_server):
    """The base URL of the real site, built and served over loopback."""
    return static_server(built_site)


@pytest.fixture(scope="session")
def static_server():
    """Serve a folder over loopback: call with the folder, get the base URL."""
    servers = []

    def start(folder: Path) -> str:
        base, server = serve_folder(folder)
        servers.append(server)
        return base

    yield start
    for server in servers:
        server.shutdown()
