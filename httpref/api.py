"""The site as data for other tools: /api/codes.json, /api/NNN.json for every code,
/api/codes.csv, the look-up's data, a JSON Schema for every file under /api/
(httpref/schemas/) and the /api/ page that documents them."""
import csv
import io
import json
from pathlib import Path

from . import facts, routes
from .cards import Card
from .kinds import KINDS, clients, codes, proxies
from .model import Site, StatusCode
from .text import parse_spec

SCHEMAS = Path(__file__).parent / "schemas"
# The files under /api/ in the order the /api/ page lists them: (the name of its schema,
# httpref/schemas/NAME.json, which also says what the file holds; its URL).
PER_CODE = "code"  # the schema of /api/NNN.json, one file for every code
FILES = (("codes", routes.API), (PER_CODE, routes.api_code_url("NNN")),
         ("messages", routes.API_MESSAGES), ("clients", routes.API_CLIENTS),
         ("proxies", routes.API_PROXIES), ("lookup", routes.LOOKUP))
NAMES = tuple(name for name, _ in FILES)
EXCERPT = ("code", "phrase", "class", "summary", "official", "spec", "cacheable_by_default")
PYTHON_EXAMPLE = """import json
import urllib.request

with urllib.request.urlopen("{url}") as response:
    code = json.load(response)
print(code["code"], code["phrase"], "-", code["summary"])
"""
CSV_COLUMNS = (("code", "the status code"), ("phrase", "its reason phrase"),
               ("class", "1xx to 5xx"), ("official", "true when in the IANA registry"),
               ("status", "registered, temporary, unused, obsoleted or unofficial"),
               ("vendors", "who sends an unofficial code, separated by “; ”"),
               ("spec", "the defining section, e.g. RFC 9110 §15.5.5"),
               ("cacheable_by_default", "true or false"), ("content_allowed", "true or false"),
               ("summary", "one line"), ("url", "the code's page"))


def outputs(site: Site, out):
    """Every /api/ file, its schema and the page that documents them."""
    base = site.config["base_url"]
    out.data(routes.API, lambda: {
        "codes": [code_summary(site, entry) for entry in site.codes],
        "comparisons": [comparison_record(site, item) for item in site.comparisons]},
        (tuple(site.codes), site.comparisons))
    for index, entry in enumerate(site.codes):
        sent = proxies.sends(site, entry.code)
        out.data(routes.api_code_url(entry.code),
                 lambda entry=entry, sent=sent: code_record(site, entry, out.markdown, sent),
                 codes.page_shows(site, index, out, sent), beside=entry.url)
    out.file(routes.API_CSV, lambda: codes_csv(site), (tuple(entry.listing for entry in site.codes),))
    out.file(routes.LOOKUP, lambda: lookup_data(site), (
        tuple(site.codes), site.comparisons, site.failures, site.messages, site.proxy_answers))
    schemas = {name: read_schema(name) for name in NAMES}
    for name, text in schemas.items():
        out.data(routes.api_schema_url(name),
                 lambda text=text, name=name: {"$id": base + routes.api_schema_url(name), **json.loads(text)},
                 (text, base))
    example = site.by_code.get(429) or site.codes[0]
    out.page(routes.API_INDEX, "api.html", (FILES, CSV_COLUMNS, base, tuple(schemas.values()),
                                            code_summary(site, example)),
             files=lambda: [(name, url, json.loads(schemas[name])["description"],
                             schema_fields(json.loads(schemas[name]))) for name, url in FILES],
             example=example, csv_columns=CSV_COLUMNS,
             card=Card("Data", "The reference as JSON and CSV", "/api/NNN.json for every code, with schemas"),
             excerpt=lambda: json.dumps({key: value for key, value in code_summary(site, example).items()
                                         if key in EXCERPT}, ensure_ascii=False, indent=2),
             python_example=PYTHON_EXAMPLE.format(url=base + routes.api_code_url(example.code)),
             json_ld=out.json_ld({"@context": "https://schema.org", **out.breadcrumbs([
                 ("HTTP status codes", routes.HOME), ("Data for other tools", routes.API_INDEX)])}))


def read_schema(name: str) -> str:
    return (SCHEMAS / f"{name}.json").read_text(encoding="utf-8")


def schema_fields(schema: dict) -> list:
    """(path, type, description) of every field a schema describes, records in lists as
    `codes[].phrase`, for the /api/ page."""
    found = []

    def resolve(node: dict, within: dict = schema) -> dict:
        while "$ref" in node:  # "#/$defs/NAME", or "codes.json#/$defs/NAME" in another schema
            other, _, name = node["$ref"].partition("#/$defs/")
            node = (json.loads(read_schema(other.removesuffix(".json"))) if other else within)["$defs"][name]
        return node

    def properties(node: dict) -> dict:
        """A node's properties with those of the schemas it takes in (allOf)."""
        node = resolve(node)
        found = {}
        for part in node.get("allOf", ()):
            found.update(properties(part))
        return {**found, **{key: value for key, value in node.get("properties", {}).items()
                            if value is not True}}

    def walk(node: dict, prefix: str):
        for key, value in properties(node).items():
            value = resolve(value)
            kinds = value.get("type", "object" if "properties" in value else "")
            kind = " or ".join(kinds) if isinstance(kinds, list) else kinds
            found.append((prefix + key, kind, value.get("description", "")))
            items = resolve(value.get("items", {}))
            if properties(items):
                walk(items, f"{prefix}{key}[].")
            elif properties(value):
                walk(value, f"{prefix}{key}.")
    walk(schema, "")
    return found


def code_summary(site: Site, entry: StatusCode) -> dict:
    """One code as /api/codes.json lists it (stable key order)."""
    spec = entry.spec_ref
    return {
        "code": entry.code,
        "phrase": entry.phrase,
        "class": entry.class_key,
        "summary": entry.summary,
        "official": entry.is_official,
        "status": entry.status,
        "registration": {"registered": entry.registry.registered, "extended":
                         entry.registry.extended or None, "expires": entry.registry.expires}
        if entry.registry and entry.registry.expires else None,
        "vendors": entry.all_vendors,
        "origin": entry.origin or None,
        "standing": None if entry.is_official else entry.standing,
        "vendor_meanings": [{"vendor": item["vendor"], "phrase": item["phrase"],
                             "standing": item["standing"]} for item in entry.also_used_by],
        "spec": {"text": str(spec), "url": spec.url} if spec else None,
        "cacheable_by_default": entry.is_cacheable,
        "cache_rule": entry.cache_rule.key,
        "cache_rule_spec": entry.cache_rule.spec,
        "content_allowed": entry.allows_content,
        "aliases": list(entry.aliases),
        "keywords": list(entry.keywords),
        "url": site.config["base_url"] + entry.url,
    }


def code_record(site: Site, entry: StatusCode, markdown, sent: list) -> dict:
    """/api/NNN.json: the summary, the facts of the page in plain text, and what links to it."""
    base = site.config["base_url"]

    def plain(text: str) -> str:
        return markdown.short(text).striptags()

    def page(url: str) -> dict:
        return {"url": base + url, "path": url}

    observed = [{"client": client.id, "name": client.name,
                 "version": site.clients.versions[client.id], "scenario": scenario.id,
                 "label": scenario.label, "did": clients.describe(scenario, seen),
                 "departs_from_spec": clients.departs(scenario, seen)}
                for scenario in clients.for_code(entry.code) for client in site.clients.clients
                if (seen := site.clients.observed(client.id, scenario.id)) is not None]
    return {
        **code_summary(site, entry),
        "path": entry.url,
        "visitor_side": entry.visitor_side or None,
        "retry": plain(entry.retry),
        "caching": plain(entry.caching) or None,
        "content_rule": entry.content_rule.key,
        "content_rule_spec": entry.content_rule.spec,
        "seen_by": plain(entry.seen_by) or None,
        "headers": [{"name": item["name"], "why": plain(item["why"])} for item in entry.headers],
        "related": [{"code": item["code"], "phrase": site.phrase(item["code"]),
                     "why": plain(item["why"]),
                     **(page(routes.code_url(item["code"])) if item["code"] in site.by_code
                        else {"url": None, "path": None})} for item in entry.related],
        "faq": [{"q": plain(item["q"]), "a": plain(item["a"])} for item in entry.faq],
        "comparisons": [{"name": item.name, "codes": list(item.codes), **page(item.url)}
                        for item in site.comparisons_with(entry.code)],
        "messages": [{"text": message.text, "product": message.product, "where": message.where,
                      **page(message.url)} for message in site.messages_meaning(entry.code)],
        "clients": observed,
        "proxies": [{"failure": failure.id, "title": failure.title,
                     **page(routes.proxy_url(failure.id)),
                     "answers": [{"proxy": answer.who, "name": answer.name,
                                  "version": answer.version or None, "observed": answer.observed,
                                  "client_status": answer.client_status,
                                  "logged_status": answer.logged_status, "page": answer.page}
                                 for answer in answers]} for failure, answers in sent],
        "data": {"codes": base + routes.API, "messages": base + routes.API_MESSAGES,
                 "clients": base + routes.API_CLIENTS, "proxies": base + routes.API_PROXIES,
                 "schema": base + routes.api_schema_url("code")},
    }


def comparison_record(site: Site, item) -> dict:
    """One comparison as data for /api/codes.json: what the home filter finds it by."""
    return {"name": item.name, "codes": list(item.codes),
            "phrases": [site.phrase(code) for code in item.codes],
            "keywords": list(item.keywords), "url": site.config["base_url"] + item.url,
            "path": item.url}


def codes_csv(site: Site) -> bytes:
    """Every code, one row each, for a spreadsheet (RFC 4180: CRLF line ends, quoted as needed)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(name for name, _ in CSV_COLUMNS)
    for entry in site.codes:
        writer.writerow([entry.code, entry.phrase, entry.class_key, str(entry.is_official).lower(),
                         entry.status, "; ".join(entry.all_vendors), entry.spec or "",
                         str(entry.is_cacheable).lower(), str(entry.allows_content).lower(),
                         entry.summary, site.config["base_url"] + entry.url])
    return text.getvalue().encode()


def lookup_data(site: Site) -> bytes:
    """What the look-up box and the home filter search, from every kind that offers it, and
    what they answer for a number without a page (facts.UNKNOWN)."""
    spec = parse_spec(facts.UNKNOWN_SPEC)
    data = {"items": [item for kind in KINDS if hasattr(kind, "lookup")
                      for item in kind.lookup(site)],
            "unknown": facts.UNKNOWN, "spec": {"text": str(spec), "url": spec.url}}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
