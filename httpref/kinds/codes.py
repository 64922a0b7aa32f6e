"""Status code entries, content/codes/NNN.md: loaded and checked against the schema and the
registry, drafts for the dev server, and a page each."""
import re
from dataclasses import replace
from pathlib import Path

from .. import facts, routes, schema
from ..cards import Card
from ..model import StatusCode
from ..text import CODE_REF, parse_spec
from ..reader import FileReader, suggest
from ..registry import load_registry, registry_spec, spec_matches
from . import clients, proxies
from .base import Job, load_once, source_files
from .body import read_body

NAME = "codes"
CODE_FILE = re.compile(r"([1-5]\d\d)\.md")
DRAFT_MARK = "[Draft: "  # how a draft page marks a missing or wrong part


def load(job: Job) -> tuple:
    """Every entry that passes its checks, by code."""
    codes = [entry for path in source_files(job.content / "codes") if path not in job.skip
             if (entry := load_once(job, path, lambda path, alone: load_code(
                 path, alone.root, alone.registry, alone.problems, alone.links, alone.origins)))]
    return tuple(sorted(codes, key=lambda entry: entry.code))


def present(job: Job) -> set:
    """The codes that have a file, whether or not it passes its checks."""
    return {int(match[1]) for path in source_files(job.content / "codes")
            if (match := CODE_FILE.fullmatch(path.name))}


def with_files(job: Job) -> frozenset:
    """The codes a page can show or link to: every entry that loaded, and every code whose
    file has problems (they are reported already)."""
    return frozenset({entry.code for entry in job.loaded[NAME]} | present(job))


def outputs(site, out):
    """A page for every entry."""
    for index, entry in enumerate(site.codes):
        previous, following = neighbours(site, index)
        sent = proxies.sends(site, entry.code)
        shows = page_shows(site, index, out, sent)
        card = Card(f"{entry.class_key} {site.classes[entry.class_key]['name']}", str(entry.code),
                    entry.phrase, entry.class_key)
        out.page(entry.url, "code.html", shows, card=card, entry=entry, previous=previous, next=following, sent=sent,
                 json_ld=lambda entry=entry: out.json_ld(code_json_ld(site, entry, out)))


def neighbours(site, index: int) -> tuple:
    """(previous, next) entry of site.codes[index], None at either end."""
    return (site.codes[index - 1] if index else None,
            site.codes[index + 1] if index + 1 < len(site.codes) else None)


def page_shows(site, index: int, out, sent) -> tuple:
    """Every fact the page of site.codes[index] (and its /api/NNN.json) shows."""
    entry = site.codes[index]
    return (entry, site.classes[entry.class_key]["name"], out.linked(entry.source),
            *((item.code, item.phrase) for item in neighbours(site, index) if item),
            entry.code in facts.REDIRECTS and out.linked(*facts.REDIRECTS),
            tuple(item.name for item in site.comparisons_with(entry.code)),
            site.guide_ways_to(entry.code), site.messages_meaning(entry.code),
            clients.observed_for(site, (entry.code,)), repr(sent))


def lookup(site) -> list:
    """Every code, found by its number, phrase, former names, keywords and vendors."""
    return [{"kind": "code", "label": f"{entry.code} {entry.phrase}", "detail": entry.summary,
             "path": entry.url, "words": " ".join(
                 [entry.class_key, *entry.aliases, *entry.keywords, *entry.all_vendors,
                  *(item["phrase"] for item in entry.also_used_by)])} for entry in site.codes]


def notes(site) -> list:
    """The registered codes that have no entry yet (for `check`)."""
    missing = sorted(set(site.registry) - set(site.by_code))
    return [f"{len(missing)} registered codes have no page yet: {' '.join(map(str, missing))}"
            ] if missing else []


def new_file(root: Path, name: str):
    """(path, scaffold, URL) for `build.py new 418`, or None when `name` is not a code."""
    if not (CODE_REF.fullmatch(name)):
        return None
    code = int(name)
    entry = load_registry(root / "content" / "registry.csv").get(code)
    spec = registry_spec(entry.reference) if entry else None
    return (root / "content" / "codes" / f"{code}.md",
            schema.scaffold(code, entry.name if entry else "", str(spec or "")),
            routes.code_url(code))


def code_json_ld(site, entry: StatusCode, out) -> dict:
    cls = site.classes[entry.class_key]
    trail = [("HTTP status codes", routes.HOME),
             (f"{entry.class_key} {cls['name']}", routes.class_url(entry.class_key)),
             (f"{entry.code} {entry.phrase}", entry.url)]
    return {"@context": "https://schema.org", "@graph": [out.breadcrumbs(trail), out.faq(entry.faq)]}


def load_code(path: Path, root: Path, registry: dict, problems, links, origins) -> StatusCode | None:
    """One content/codes/NNN.md file, or None after reporting its problems."""
    count = len(problems)
    entry = read_code(path, root, registry, problems, links, origins)
    return entry if len(problems) == count else None


def read_code(path: Path, root: Path, registry: dict, problems, links, origins) -> StatusCode | None:
    """Whatever of one content/codes/NNN.md file reads, its problems reported; None when
    nothing does."""
    reader = FileReader(path, root, problems, links, origins)
    match = CODE_FILE.fullmatch(path.name)
    if not match:
        reader.error(1, "file", "file name must be a status code from 100 to 599, e.g. 404.md")
        return None
    code = int(match[1])
    parts = reader.read_document(path, schema.FIELDS)
    if not parts:
        return None
    values, body, body_line = parts
    entry = registry.get(code)
    check_identity(reader, code, entry, values, body_line - 1)
    sections, examples = read_body(reader, body, body_line, schema.SECTIONS,
                                   schema.REQUIRED_EXAMPLES)
    check_runnable(reader, code, values, examples, body_line - 1, entry is not None)
    check_visitor(reader, values, body_line - 1, needed=code >= 400 or entry is None)
    return StatusCode(code, reader.rel, values, sections, examples, entry)


def read_draft(path: Path, root: Path, registry: dict) -> tuple:
    """(entry, problems) of a code file that does not pass check yet, for the dev server's
    draft page: every part that reads is shown, and every required text that is missing or
    wrong says so where it belongs."""
    problems = []
    code = int(CODE_FILE.fullmatch(path.name)[1])
    entry = read_code(path, root, registry, problems, [], {}) or StatusCode(
        code, path.relative_to(root).as_posix(), {}, {}, (), registry.get(code))
    said = {}
    for problem in problems:
        said.setdefault(re.split(r"[\[.]", problem.field)[0], []).append(problem.message)
    values, sections = dict(entry.fields), dict(entry.sections)
    for field in schema.FIELDS:
        if field.kind in (schema.TEXT, schema.PLAIN) and field.name not in values and (
                field.required or field.name in said):
            values[field.name] = draft_mark(field.name, said.get(field.name), field.help)
    for section in schema.SECTIONS[:-1]:  # the examples are shown as far as they read
        if section.key not in sections:
            sections[section.key] = draft_mark(section.heading, said.get(section.key), section.help)
    return replace(entry, fields=values, sections=sections), problems


def draft_mark(name: str, messages: list | None, help_text: str) -> str:
    """What a draft page shows in place of a missing or wrong part."""
    return f"{DRAFT_MARK}{name}: {'; '.join(messages) if messages else 'missing. ' + help_text}]"


def check_identity(reader: FileReader, code: int, entry, values: dict, missing_line: int):
    """An official code's phrase and spec agree with the registry; an unofficial one names its vendor."""
    def line(name):
        return reader.field_lines.get(name, missing_line)

    spec = values.get("spec")
    if spec and not parse_spec(spec):
        reader.error(line("spec"), "spec", "write a spec as 'RFC 9110 §15.3.3', 'RFC 8297' or "
                                           "an Internet-Draft name")
    elif entry and spec and not spec_matches(spec, entry.reference):
        reader.error(line("spec"), "spec", f"'{spec}' disagrees with the registry's "
                                           f"reference {entry.reference}")
    if entry and "spec" not in values and "spec" not in reader.field_lines:
        reader.error(missing_line, "spec", f"required for an official code "
                                           f"(registry: {entry.reference})")
    if entry and "phrase" in values and values["phrase"] != entry.name:
        reader.error(line("phrase"), "phrase", f"the registry names {code} '{entry.name}', "
                                               f"not '{values['phrase']}'")
    if entry and "standing" in values:
        reader.error(line("standing"), "standing", f"{code} is in the IANA registry; 'standing' "
                                                   "describes unofficial codes only")
    if not entry:
        for name in schema.UNOFFICIAL_ONLY:
            if not values.get(name) and name not in reader.field_lines:  # else already reported
                reader.error(line(name), name, f"{code} is not in the IANA registry, so this "
                                               f"unofficial code needs '{name}'")


def check_visitor(reader: FileReader, values: dict, line: int, needed: bool):
    """A page a visitor can land on says whose side the problem is on and what to do now;
    the two fields come together."""
    for name, other in (("visitor_side", "visitor_now"), ("visitor_now", "visitor_side")):
        if name in values or name in reader.field_lines:
            continue
        if needed:
            reader.error(line, name, "required for an error or unofficial code: visitors land "
                                     "here, and the first screen answers them")
        elif other in values:
            reader.error(reader.field_lines[other], name, f"'{other}' needs '{name}' too")


def check_runnable(reader: FileReader, code: int, values: dict, examples: tuple, line: int,
                   is_official: bool):
    """The example tests can run what the entry shows, or the entry says why not."""
    statuses = [item["status"] for item in values.get("requests", ())]
    # WebDAV codes may only be reported inside a 207 Multi-Status body (RFC 4918 §13); vendor
    # codes are often never sent by an application at all (a proxy or a log shows them).
    if statuses and code not in statuses and 207 not in statuses and is_official:
        reader.error(reader.field_lines.get("requests", line), "requests",
                     f"no request expects {code}; add one that produces it")
    labels = [example.label for example in examples]
    marked = set()
    for index, item in enumerate(values.get("not_run", ()), 1):
        marked.add(item["example"])
        if examples and item["example"] not in labels:
            reader.error(reader.field_lines["not_run"], f"not_run[{index}].example",
                         f"no example is labelled '{item['example']}'" + suggest(item["example"], labels))
    for example in examples:
        if example.language not in schema.RUNNABLE_LANGUAGES and example.label not in marked:
            reader.error(line, "examples", f"'{example.label}' is in {example.language}, which "
                         "the example tests cannot run; list it under not_run with a reason")
