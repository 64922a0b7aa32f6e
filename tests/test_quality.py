"""The built site checked the way reviewers check it: valid HTML and CSS, accessible in both
schemes and at phone and desktop width, usable by keyboard, safe under a strict CSP."""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import launch_options, page_urls, serve_folder
from tests.conftest import unsafe_markup
from tests.examples import NODE_MODULES

VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Start an audit without waiting for it; only the violations come back, as small records.
AUDIT = """tags => { window.audit = axe.run(document, {runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations']}).then(result => result.violations.map(v => ({id: v.id,
    impact: v.impact, targets: v.nodes.map(node => node.target)}))); }"""


def deploy_headers(site: Path) -> dict:
    """The headers the site's _headers file sets for every page, as deployed on a CDN."""
    text = (site / "_headers").read_text()
    block = text.split("/*\n", 1)[1].split("\n\n", 1)[0]
    return dict(line.strip().split(": ", 1) for line in block.splitlines())




def test_deploy_headers_are_strict_and_cache_only_fingerprinted_files_forever(built_site):
    headers = deploy_headers(built_site)
    assert headers["Content-Security-Policy"] == (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "immutable" not in headers["Cache-Control"]
    text = (built_site / "_headers").read_text()
    assert "/static/*\n  Cache-Control: public, max-age=31536000, immutable" in text
    for asset in (built_site / "static").iterdir():
        stem, digest, suffix = asset.name.rsplit(".", 2)
        assert len(digest) == 10 and all(c in "0123456789abcdef" for c in digest), asset.name


@pytest.fixture(scope="module")
def csp_base(built_site):
    headers = deploy_headers(built_site)
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    base, server = serve_folder(built_site, headers)
    yield base
    server.shutdown()


def test_html_and_css_are_valid(built_site):
    """The Nu HTML Checker finds no error in any page or stylesheet."""
    html = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "gnu",
                           "--skip-non-html", str(built_site)], capture_output=True, text=True)
    css = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", "--css",
                          *map(str, (built_site / "static").glob("*.css"))],
                         capture_output=True, text=True)
    assert (html.stdout + html.stderr + css.stdout + css.stderr).strip() == ""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_no_accessibility_violations(browser, csp_base, built_site, scheme, width):
    """axe-core (WCAG 2.0/2.1/2.2 A and AA) on every page, including highlighted code. Two
    browser contexts work at once (each has its own renderer process, so on two cores the
    audits overlap): one starts an audit while the other's result is collected."""
    contexts = [browser.new_context(viewport={"width": width, "height": 900},
                                    color_scheme=scheme) for _ in range(2)]
    tabs = [context.new_page() for context in contexts]
    source = AXE.read_text()
    found, running = [], {}  # running: tab -> the path it audits

    def collect(tab):
        path = running.pop(tab)
        violations = tab.evaluate("() => window.audit")
        found.extend(f"{path}: {v['id']} ({v['impact']}): {v['targets'][:3]}" for v in violations)

    for index, path in enumerate(page_urls(built_site)):
        tab = tabs[index % 2]
        if tab in running:
            collect(tab)
        tab.goto(csp_base + path)
        tab.evaluate(source)  # evaluated, not injected as a tag, so the CSP allows it
        tab.evaluate(AUDIT, AXE_TAGS)
        running[tab] = path
    for tab in list(running):
        collect(tab)
    for context in contexts:
        context.close()
    assert found == []


def test_pages_reflow_at_320_pixels(browser, csp_base, built_site):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    wide = []
    for path in page_urls(built_site):
        page.goto(csp_base + path)
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            wide.append(path)
    page.close()
    assert wide == []


def test_skip_link_and_visible_focus(browser, csp_base):
    page = browser.new_page()
    page.goto(csp_base + "/202/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    assert skip.bounding_box()["y"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.close()


def test_tabs_and_copy_work_by_keyboard_alone(browser, csp_base):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(csp_base + "/202/")
    first_tab = page.locator("#examples [role=tab]").first
    first_tab.focus()
    assert first_tab.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("ArrowRight")
    second = page.locator("#examples [role=tab]").nth(1)
    expect(second).to_be_focused()
    expect(second).to_have_attribute("aria-selected", "true")
    expect(page.locator("#examples [role=tablist]")).to_have_count(1)
    panel = page.locator("#examples [role=tabpanel]").nth(1)
    expect(panel).to_have_attribute("aria-labelledby", second.get_attribute("id"))
    page.keyboard.press("Tab")  # into the visible panel's code, then its copy button
    page.keyboard.press("Tab")
    copy = panel.get_by_role("button", name="Copy")
    expect(copy).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == panel.locator("pre").text_content()
    context.close()


def test_strict_csp_reports_nothing_and_everything_still_works(browser, csp_base, built_site):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    context.add_init_script("window.violations = [];"
                            "document.addEventListener('securitypolicyviolation',"
                            " e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in page_urls(built_site):
        page.goto(csp_base + path)
        assert page.evaluate("window.violations") == [], path
    page.goto(csp_base + "/?q=too+many")
    expect(page.locator('li:has(a[href="/429/"])')).to_be_visible()
    expect(page.locator('li:has(a[href="/200/"])')).to_be_hidden()
    page.goto(csp_base + "/202/")
    page.locator("#examples [role=tab]").nth(1).click()
    expect(page.locator("#examples [role=tabpanel]").nth(1)).to_be_visible()
    page.locator("#examples [role=tabpanel]").nth(1).get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    page.get_by_role("button", name="Colour theme: auto. Change").click()
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    page.get_by_label("Look up a status code or an error message").fill("too many times")
    expect(page.locator("[data-suggest] a").first).to_be_visible()  # the look-up's own script
    assert page.evaluate("window.violations") == [] and errors == []
    page.goto(csp_base + "/299/")  # the not-found page, answered with 404 (the one error)
    expect(page.locator("[data-number-answer]")).to_contain_text("299 is not a registered")
    assert page.evaluate("window.violations") == [] and len(errors) == 1 and "404" in errors[0]
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_lookup_suggestions_and_answers_are_accessible(browser, csp_base, scheme):
    """axe on what only appears once the look-up is used: the suggestions (with a number's
    answer) and the home page's list of matches."""
    page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    found = []
    for path, query in (("/503/", "299"), ("/503/", "too many"), ("/?q=isn't working", None)):
        page.goto(csp_base + path)
        if query:
            page.get_by_label("Look up a status code or an error message").fill(query)
            expect(page.locator("[data-suggest] li").first).to_be_visible()
        else:
            expect(page.locator("[data-kind-list=message] li:not([hidden])").first).to_be_visible()
        page.evaluate(AXE.read_text())
        page.evaluate(AUDIT, AXE_TAGS)
        found += [f"{path} {query}: {v['id']}: {v['targets'][:3]}" for v in page.evaluate("() => window.audit")]
    page.close()
    assert found == []


def test_content_cannot_add_script_to_pages(built_site):
    """Parsed as a browser parses it, no page of the real site has a URL with a scheme other
    than http, https or mailto, an on* attribute, an embedding tag, or a script other than our
    one file and JSON-LD. (tests/test_content_safety.py feeds `check` the attacks themselves.)"""
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 90
    found = {path.relative_to(built_site).as_posix(): problems for path in pages
             if (problems := unsafe_markup(path.read_text(encoding="utf-8")))}
    assert found == {}


@pytest.mark.parametrize("html", [
    '<a href="jav&#x61;script:alert(1)">x</a>',
    '<a href="JAVASCRIPT:alert(1)">x</a>',
    '<a href=" java&#9;script:alert(1)">x</a>',
    '<a href="java&NewLine;script:alert(1)">x</a>',
    '<img src="data:text/html,x">',
    '<form action="vbscript:msgbox(1)"></form>',
    '<img srcset="/a.png 1x, javascript:alert(1) 2x">',
    '<img src=x onerror=alert(1)>',
    '<div ONCLICK="alert(1)">x</div>',
    '<script>alert(1)</script>',
    '<script src="https://evil.example/x.js"></script>',
    '<script type="application/ld+json" src="/static/x.js"></script>',
    '<iframe src="/"></iframe>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
])
def test_the_script_check_finds_each_way_in(html):
    """The check above is not vacuous: each of these, in an otherwise clean page, is found."""
    clean = '<script src="/static/site.js" defer></script><a href="HTTPS://example.org/">x</a>' \
            '<a href="Mailto:a@example.org">m</a><a href="/404/#faq">y</a>' \
            '<script type="application/ld+json">{"a": "</b>"}</script>'
    assert unsafe_markup(clean) == []
    assert len(unsafe_markup(clean + html)) == 1, unsafe_markup(clean + html)


def test_meta_csp_holds_where_the_host_sends_no_headers(browser, built_site, tmp_path):
    """Served as GitHub Pages serves it (no CSP header), a page still refuses inline script and
    javascript: links, because every page carries the policy in a meta tag."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    page_file = site / "202" / "index.html"
    html = page_file.read_text()
    # What an injection would look like if it got past the content checks.
    page_file.write_text(html.replace("</main>", '<script>window.ran = 1</script>'
                                      '<a id="evil" href="javascript:window.ran=2">x</a></main>'))
    base, server = serve_folder(site)
    try:
        page = browser.new_page()
        violations = []
        page.on("console", lambda message: violations.append(message.text))
        response = page.goto(base + "/202/")
        assert "content-security-policy" not in response.headers
        page.click("#evil")
        page.wait_for_timeout(200)
        assert page.evaluate("window.ran") is None
        assert any("Content Security Policy" in text for text in violations)
        # The site's own script still runs under the same policy.
        expect(page.locator("#examples [role=tab]").first).to_be_visible()
        page.close()
    finally:
        server.shutdown()


def test_meta_and_header_policies_are_the_same_but_for_frame_ancestors(built_site):
    header = deploy_headers(built_site)["Content-Security-Policy"]
    for path in built_site.rglob("*.html"):
        meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">',
                         path.read_text())
        assert meta, path
        assert meta[1] == header.replace("; frame-ancestors 'none'", ""), path


@pytest.mark.parametrize("form", ["mobile", "desktop"])
def test_lighthouse_scores(built_site, csp_base, tmp_path, form):
    """Accessibility, best practices and SEO all 100 on the home page, a code page, the
    explainer, a comparison and the decision guide."""
    cli = NODE_MODULES / "lighthouse" / "cli" / "index.js"
    flags = " ".join(launch_options()["args"] + ["--headless=new"])
    scores = {}
    for path in ("/", "/503/", "/how-status-codes-work/", "/compare/401-vs-403/", "/choose/"):
        report = tmp_path / "report.json"
        command = ["node", str(cli), csp_base + path, "--quiet", "--output=json",
                   f"--output-path={report}", f"--chrome-flags={flags}",
                   "--only-categories=accessibility,best-practices,seo"]
        if form == "desktop":
            command.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": launch_options().get("executable_path") or ""}
        subprocess.run(command, check=True, env=env, timeout=180, capture_output=True)
        categories = json.loads(report.read_text())["categories"]
        scores[path] = {name: category["score"] for name, category in categories.items()}
    assert all(score == 1 for page in scores.values() for score in page.values()), scores

