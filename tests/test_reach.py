"""The site beyond its pages: the data under /api/ against its schemas, the cheat sheet on
paper, the share cards, the manifest, OpenSearch and reading offline in a real browser."""
import csv
import io
import json
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from httpref import api, cards, routes
from httpref.content import load_site
from httpref.pipeline import build_site
from tests.browser import serve_folder
from tests.conftest import REPO, build, edit, parse_page, visible_text

SITE = load_site(REPO)
BASE = SITE.config["base_url"]
TONES = {key: value for key, value in cards.read_colours((REPO / "static" / "style.css").read_text()).items()
         if key.endswith("xx")}  # the class colours


def schemas(site) -> tuple:
    """(name -> published schema, a registry resolving their references to each other)."""
    found = {name: json.loads((site / routes.api_schema_url(name).lstrip("/")).read_text())
             for name in api.NAMES}
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in found.values())
    return found, registry


def validator(site, name: str) -> Draft202012Validator:
    found, registry = schemas(site)
    return Draft202012Validator(found[name], registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def published(site) -> list:
    """(schema name, path) of every JSON file under /api/."""
    files = [(name, site / url.lstrip("/")) for name, url in api.FILES if name != api.PER_CODE]
    return files + [(api.PER_CODE, site / routes.api_code_url(entry.code).lstrip("/"))
                    for entry in SITE.codes]


def test_every_api_file_has_a_schema_and_passes_it(built_site):
    found, _ = schemas(built_site)
    for schema in found.values():
        Draft202012Validator.check_schema(schema)
        assert schema["$id"].startswith(BASE + "/api/schema/")
    listed = {path.relative_to(built_site).as_posix() for path in (built_site / "api").glob("*.json")}
    checked = published(built_site)
    assert listed == {path.relative_to(built_site).as_posix() for _, path in checked}
    for name, path in checked:
        errors = [f"{path.name}: {'/'.join(map(str, error.path))}: {error.message}"
                  for error in validator(built_site, name).iter_errors(json.loads(path.read_text()))]
        assert not errors, "\n".join(errors[:20])


def test_the_schemas_reject_what_the_files_must_not_say(built_site):
    """Each schema can fail: a missing field, a wrong type, a field it does not know."""
    record = json.loads((built_site / "api" / "429.json").read_text())
    check = validator(built_site, "code")
    assert check.is_valid(record)
    for broken in ({key: value for key, value in record.items() if key != "retry"},
                   {**record, "code": "429"}, {**record, "cacheable_by_default": True},
                   {**record, "invented": 1}, {**record, "related": [{"code": 404}]}):
        assert not check.is_valid(broken)
    codes = json.loads((built_site / "api" / "codes.json").read_text())
    codes["codes"][0]["extra"] = True
    assert not validator(built_site, "codes").is_valid(codes)


def test_a_code_as_data_holds_what_its_page_states(built_site):
    record = json.loads((built_site / "api" / "429.json").read_text())
    summary = next(item for item in json.loads((built_site / "api" / "codes.json").read_text())["codes"]
                   if item["code"] == 429)
    assert {key: record[key] for key in summary} == summary
    page = visible_text((built_site / "429" / "index.html").read_text())
    entry = SITE.by_code[429]
    assert record["path"] == "/429/" and [item["name"] for item in record["headers"]] == \
        [item["name"] for item in entry.headers]
    assert record["retry"] and record["retry"] in page.replace("\n", " ")
    assert [item["q"] for item in record["faq"]][0] in page
    assert {item["code"] for item in record["related"]} == {item["code"] for item in entry.related}
    assert all("[[" not in item["why"] for item in record["related"])
    assert all("`" not in item["a"] for item in record["faq"])
    assert {item["path"] for item in record["comparisons"]} == {item.url for item in SITE.comparisons_with(429)}
    # Observed behaviour: the clients' Retry-After scenarios, the proxies' 502s.
    assert {row["scenario"] for row in record["clients"]} == {"retry-after-429-seconds",
                                                              "retry-after-429-date"}
    assert {row["client"] for row in record["clients"]} == {client.id for client in SITE.clients.clients}
    bad_gateway = json.loads((built_site / "api" / "502.json").read_text())
    refused = next(item for item in bad_gateway["proxies"] if item["failure"] == "upstream-refused")
    assert any(answer["proxy"] == "nginx" and answer["client_status"] == 502 for answer in refused["answers"])
    assert refused["path"] == routes.proxy_url("upstream-refused")
    assert any(message["path"].startswith("/502/#") for message in bad_gateway["messages"])


def test_the_csv_has_every_code_and_the_documented_columns(built_site):
    raw = (built_site / "api" / "codes.csv").read_bytes()
    assert b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert [int(row["code"]) for row in rows] == [entry.code for entry in SITE.codes]
    columns = [name for name, _ in api.CSV_COLUMNS]
    assert list(rows[0]) == columns
    by_code = {int(row["code"]): row for row in rows}
    assert by_code[413]["phrase"] == "Content Too Large" and by_code[522]["official"] == "false"
    assert "Cloudflare" in by_code[522]["vendors"]
    docs = visible_text((built_site / "api" / "index.html").read_text())
    assert all(column in docs for column in columns)


def test_the_api_page_documents_every_file_and_its_example_runs(built_site):
    html = (built_site / "api" / "index.html").read_text()
    for name, url in api.FILES:
        assert f'href="{routes.api_schema_url(name)}"' in html
        assert f"<code>{url}</code>" in html
    text = visible_text(html)
    assert f"curl -s {BASE}/api/429.json" in text
    # Every field the schemas describe is listed, with its description.
    codes = api.schema_fields(json.loads((REPO / "httpref" / "schemas" / "codes.json").read_text()))
    phrase = next(field for field in codes if field[0] == "codes[].phrase")
    assert phrase[1] == "string" and phrase[2] and phrase[2] in text
    assert "retry" in text and "proxies[].answers[].client_status" in text
    # The Python example, pointed at this build served locally, prints the code.
    base, server = serve_folder(built_site)
    try:
        example = next(code for block in re.findall(r"<pre.*?</pre>", html, re.S)
                       if "urllib.request" in (code := visible_text(block)))
        result = subprocess.run([sys.executable, "-c", example.replace(BASE, base)],
                                capture_output=True, text=True, timeout=30)
    finally:
        server.shutdown()
    assert result.stdout.startswith("429 Too Many Requests - "), result.stderr


def test_every_page_has_its_own_share_card(built_site):
    for path in sorted(built_site.rglob("index.html")):
        page = parse_page(path)
        image = page.meta["og:image"]
        assert image.startswith(BASE + "/cards/"), path
        png = (built_site / image.removeprefix(BASE).lstrip("/")).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1200, 630)
        assert page.meta["twitter:card"] == "summary_large_image"
    cards_of = {parse_page(built_site / url.lstrip("/") / "index.html").meta["og:image"]
                for url in ("202/", "522/", "compare/401-vs-403/", "")}
    assert len(cards_of) == 4  # each its own


def test_a_code_card_shows_its_class_colour(built_site):
    from PIL import Image
    for code in (202, 522, 308):
        image = Image.open(built_site / "cards" / f"{code}.png").convert("RGB")
        colours = {"#%02x%02x%02x" % colour for _, colour in image.getcolors(1 << 16)}
        assert TONES[f"{str(code)[0]}xx"] in colours
        # No other class's colour (the grey of 1xx is also the card's small print).
        assert not {tone for key, tone in TONES.items() if key[0] not in (str(code)[0], "1")} & colours


def test_cards_are_drawn_once_per_content(fixture_site, tmp_path, monkeypatch):
    """A second build reads the cards it drew from the cache; a changed phrase redraws its card only."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    drawn = []
    real = cards.draw_card
    monkeypatch.setattr(cards, "draw_card", lambda *args: drawn.append(args[1]) or real(*args))
    first = tmp_path / "one"
    build_site(fixture_site, first, workers=1)  # drawn here, where the test can count
    assert len(drawn) == len(list((first / "cards").iterdir())) > 10
    drawn.clear()
    edit(fixture_site, "content/codes/499.md", "phrase: Client Closed Request", "phrase: Client Gone")
    second = tmp_path / "two"
    build_site(fixture_site, second, workers=1)
    assert drawn == ["499"]
    assert (first / "cards" / "200.png").read_bytes() == (second / "cards" / "200.png").read_bytes()


def test_manifest_icons_and_opensearch(built_site):
    from PIL import Image
    manifest = json.loads((built_site / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        with Image.open(built_site / icon["src"].lstrip("/")) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
    assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}
    assert all((built_site / item["url"].lstrip("/") / "index.html").is_file()
               for item in manifest["shortcuts"])
    html = (built_site / "index.html").read_text()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert re.search(r'<link rel="search" href="/opensearch.xml" type="application/opensearchdescription\+xml"', html)
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    root = ET.parse(built_site / "opensearch.xml").getroot()
    assert len(root.find("os:ShortName", ns).text) <= 16
    html_url = next(url for url in root.findall("os:Url", ns) if url.get("type") == "text/html")
    assert html_url.get("template") == BASE + "/?q={searchTerms}"
    image = root.find("os:Image", ns).text.removeprefix(BASE)
    assert (built_site / image.lstrip("/")).is_file()


def test_a_search_from_the_address_bar_lands_on_the_answer(browser, base):
    tab = browser.new_page()
    tab.goto(base + "/?q=503")  # what the OpenSearch template makes of "503"
    tab.wait_for_url(base + "/503/")
    tab.goto(base + "/?q=" + "bad gateway")
    row = tab.locator('li[data-code="502"]')
    row.wait_for(state="visible")
    assert tab.locator('li[data-code="200"]').is_hidden()
    tab.close()


def test_the_cheatsheet_prints_on_two_sheets_of_a4_and_letter(browser, base, built_site):
    text = visible_text((built_site / "cheatsheet" / "index.html").read_text())
    for entry in SITE.codes:
        assert f"{entry.code} {entry.phrase}" in text
    tab = browser.new_page()
    tab.goto(base + routes.CHEATSHEET)
    for paper in ("A4", "Letter"):
        pdf = tab.pdf(format=paper)
        pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
        assert 1 <= pages <= 2, (paper, pages)
    tab.emulate_media(media="print")
    assert tab.locator(".top").is_hidden() and tab.locator(".cheat").evaluate(
        "element => getComputedStyle(element).columnCount") == "2"
    tab.close()


def test_class_colours_mark_every_code_heading_in_both_schemes(browser, base):
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        tab = context.new_page()
        seen = {}
        for code in (202, 522, 308):
            tab.goto(f"{base}/{code}/")
            seen[code] = tab.locator(".hero .num").evaluate("element => getComputedStyle(element).color")
            badge = tab.evaluate("""() => { const b = document.createElement('span'); b.className = 'badge t5';
                document.body.append(b); return getComputedStyle(b).backgroundColor; }""")
            assert badge == "rgb(198, 40, 40)"  # the 5xx tone under white text, in both schemes
        assert len(set(seen.values())) == 3, seen
        if scheme == "light":
            assert seen[202] == "rgb({}, {}, {})".format(*bytes.fromhex(TONES["2xx"][1:]))
        # The class is also said in words, never by colour alone (this is 308's page).
        assert "3xx Redirection" in tab.locator(".hero .meta").inner_text()
        context.close()


def test_the_home_first_screen_serves_a_visitor_and_a_developer(browser, base):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = context.new_page()
    tab.goto(base + "/")
    field = tab.get_by_label("Type the code or the message you see")
    doors = tab.locator("nav.doors a")
    assert doors.count() >= 5
    for box in [field.bounding_box()] + [doors.nth(index).bounding_box() for index in range(doors.count())]:
        assert box["y"] + box["height"] <= 844, box
    assert {doors.nth(index).get_attribute("href") for index in range(doors.count())} >= {
        routes.GUIDE, routes.COMPARE, routes.PROXIES, routes.CLIENTS, "#all"}
    field.fill("This page isn’t working")
    tab.locator("#messages li:not([hidden])").first.wait_for(state="visible")
    context.close()


def test_reading_offline_and_picking_up_a_new_deployment(browser, real_site, tmp_path):
    root, out = real_site, build(real_site, tmp_path / "_site")
    base, server = serve_folder(out)
    port = base.rsplit(":", 1)[1]
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(base + "/")
    tab.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    tab.goto(base + "/503/")
    tab.goto(base + "/compare/502-vs-504/")
    server.shutdown()
    server.server_close()
    # Offline: the pages read come back, with their stylesheet; one never opened says so.
    tab.goto(base + "/503/")
    assert tab.locator("h1").inner_text() == "503 Service Unavailable"
    assert tab.locator(".hero .num").evaluate("element => getComputedStyle(element).fontVariantNumeric") \
        == "tabular-nums"
    tab.goto(base + "/418/")
    assert tab.locator("h1").inner_text() == "You are offline"
    # The look-up still answers, from its saved data.
    tab.locator("#lookup-q").fill("gateway time")
    tab.locator(".suggest a[href='/504/']").wait_for(state="visible")
    # A new deployment: its pages show at once when back online, never the saved copy.
    edit(root, "content/codes/503.md", "summary: ", "summary: Redeployed. ")
    build(root, out)
    again, server = serve_folder(out, port=int(port))  # the origin the service worker belongs to
    try:
        tab.goto(again + "/503/")
        assert tab.locator(".lede").inner_text().startswith("Redeployed.")
    finally:
        server.shutdown()
        context.close()
