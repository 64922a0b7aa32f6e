"""Comparisons, content/compare/A-vs-B.md: two or three confusable codes weighed against each
other, with facts taken from their entries; a page each and an index at /compare/."""
import re
from pathlib import Path

from .. import routes, schema
from ..cards import Card
from ..model import Comparison
from ..reader import FileReader
from . import clients, codes, proxies
from .base import Job, load_once, source_files
from .body import read_body

NAME = "comparisons"
FOLDER = "content/compare"
SLUG = re.compile(r"[1-5]\d\d(?:-vs-[1-5]\d\d){1,2}")
BULLET = re.compile(r"^[-*] ", re.MULTILINE)


def load(job: Job) -> tuple:
    """Every comparison that passes its checks, in the order of its codes."""
    have = codes.with_files(job)
    items = [item for path in source_files(job.root / FOLDER)
             if (item := load_once(job, path, lambda path, alone: load_comparison(
                 path, alone, have), have))]
    return tuple(sorted(items, key=lambda item: item.codes))


def load_comparison(path: Path, job: Job, have: set) -> Comparison | None:
    reader = FileReader(path, job.root, job.problems, job.links, job.origins)
    count = len(job.problems)
    if path.suffix != ".md" or not SLUG.fullmatch(path.stem):
        reader.error(1, "file", "a comparison is named by its codes in ascending order: "
                                "401-vs-403.md, or three codes: 404-vs-405-vs-501.md")
        return None
    compared = tuple(int(code) for code in path.stem.split("-vs-"))
    if list(compared) != sorted(set(compared)):
        reader.error(1, "file", f"name the codes once each, in ascending order: "
                                f"{'-vs-'.join(map(str, sorted(set(compared))))}.md")
    for code in compared:
        if code not in have:
            reader.error(1, "file", f"{code} has no entry (content/codes/{code}.md); a "
                                    "comparison shows facts from each code's entry")
    parts = reader.read_document(path, schema.COMPARE_FIELDS)
    if not parts:
        return None
    values, body, body_line = parts
    sections, examples = read_body(reader, body, body_line, schema.COMPARE_SECTIONS,
                                   schema.COMPARE_EXAMPLES)
    check_uses(reader, compared, values.get("use", ()))
    statuses = {item["status"] for item in values.get("requests", ())}
    if "requests" in values and not set(compared) <= statuses:
        missing = ", ".join(str(code) for code in compared if code not in statuses)
        reader.error(reader.field_lines["requests"], "requests",
                     f"no request expects {missing}; the example must show every compared code")
    if len(examples) > 1:
        reader.error(body_line, "examples", f"{len(examples)} examples; a comparison shows one")
    if len(job.problems) != count:
        return None
    return Comparison(path.stem, reader.rel, compared, values, sections, examples)


def check_uses(reader: FileReader, compared: tuple, uses: tuple):
    """One `use` item per compared code, in order, each with 2–5 situations."""
    line = reader.field_lines.get("use", 1)
    if uses and tuple(item["code"] for item in uses) != compared:
        reader.error(line, "use", "one item per compared code, in the file name's order: "
                                  + ", ".join(map(str, compared)))
    low, high = schema.COMPARE_WHEN_ITEMS
    for index, item in enumerate(uses, 1):
        found = len(BULLET.findall(item["when"]))
        if not low <= found <= high:
            reader.error(line, f"use[{index}].when", f"needs a list of {low}–{high} situations "
                                                     f"('- …' lines), found {found}")


def outputs(site, out):
    """A page for every comparison, and the index of them all."""
    if not site.comparisons:
        return
    index = ("Compare codes", routes.COMPARE)
    for item in site.comparisons:
        entries = [site.by_code[code] for code in item.codes]
        trail = [("HTTP status codes", routes.HOME), index, (item.name, item.url)]
        sent = proxies.compared(site, item.codes)
        out.page(item.url, "compare.html", (item, tuple(entries), out.linked(item.source),
                                            clients.observed_for(site, item.codes), repr(sent)),
                 card=Card("Which one?", item.name, " or ".join(entry.phrase for entry in entries)),
                 item=item, entries=entries, sent=sent, json_ld=lambda item=item, trail=trail: out.json_ld(
                     {"@context": "https://schema.org",
                      "@graph": [out.breadcrumbs(trail), out.faq(item.faq)]}))
    listing = tuple((item.slug, item.decision, tuple(site.phrase(code) for code in item.codes))
                    for item in site.comparisons)
    out.page(routes.COMPARE, "compare_index.html",
             (listing, out.linked(*(item.source for item in site.comparisons))),
             card=Card("Comparisons", "Confusable status codes, side by side", "401 or 403? 502 or 504?"),
             json_ld=out.json_ld({"@context": "https://schema.org", **out.breadcrumbs(
                 [("HTTP status codes", routes.HOME), index])}))


def lookup(site) -> list:
    """Every comparison, found as "401 vs 403", "403 or 401" (either way) and by the phrases."""
    return [{"kind": "comparison", "label": item.name,
             "detail": " vs ".join(site.phrase(code) for code in item.codes), "path": item.url,
             "words": " ".join([*(f" {joint} ".join(map(str, order)) for joint in ("or", "vs")
                                  for order in (item.codes, item.codes[::-1])), *item.keywords])}
            for item in site.comparisons]


def new_file(root: Path, name: str):
    """(path, scaffold, URL) for `build.py new 401-vs-403`, or None for another name."""
    if not SLUG.fullmatch(name):
        return None
    compared = name.split("-vs-")
    each = {"use": "\n  - code: {}\n    when: |\n      - TODO\n      - TODO",
            "requests": "\n  - request: GET /TODO\n    status: {}"}
    lines = ["---"] + [schema.scaffold_field(field.name, "".join(
        each[field.name].format(code) for code in compared) if field.name in each
        else field.scaffold) for field in schema.COMPARE_FIELDS] + ["---"]
    lines += schema.scaffold_body(schema.COMPARE_SECTIONS, schema.SCAFFOLD_EXAMPLES[1:])
    return root / FOLDER / f"{name}.md", "\n".join(lines) + "\n", routes.compare_url(name)

