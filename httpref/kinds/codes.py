"""Status code entries, content/codes/NNN.md: loaded and checked against the schema and the
registry, drafts for the dev server, and a page each."""
import hashlib
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from .. import facts, routes, schema
from ..model import Example, StatusCode, line_breaks, parse_spec
from ..reader import FileReader, suggest
from ..registry import spec_matches
from .base import Job, source_files

NAME = "codes"
CODE_FILE = re.compile(r"([1-5]\d\d)\.md")
DRAFT_MARK = "[Draft: "  # how a draft page marks a missing or wrong part
FENCE = re.compile(r"^(```+|~~~+)\s*([^\s`]*)")


def load(job: Job) -> tuple:
    """Every entry that passes its checks, by code."""
    codes = [entry for path in source_files(job.content / "codes") if path not in job.skip
             if (entry := load_code_once(path, job))]
    return tuple(sorted(codes, key=lambda entry: entry.code))


def present(job: Job) -> set:
    """The codes that have a file, whether or not it passes its checks."""
    return {int(match[1]) for path in source_files(job.content / "codes")
            if (match := CODE_FILE.fullmatch(path.name))}


def outputs(site, out):
    """A page for every entry."""
    for index, entry in enumerate(site.codes):
        previous = site.codes[index - 1] if index else None
        following = site.codes[index + 1] if index + 1 < len(site.codes) else None
        shows = (entry, site.classes[entry.class_key]["name"], out.linked(entry.source),
                 *((item.code, item.phrase) for item in (previous, following) if item),
                 entry.code in facts.REDIRECTS and out.linked(*facts.REDIRECTS))
        out.page(entry.url, "code.html", shows, entry=entry, previous=previous, next=following,
                 json_ld=lambda entry=entry: out.json_ld(code_json_ld(site, entry, out)))


def code_json_ld(site, entry: StatusCode, out) -> dict:
    cls = site.classes[entry.class_key]
    trail = [("HTTP status codes", routes.HOME),
             (f"{entry.class_key} {cls['name']}", routes.class_url(entry.class_key)),
             (f"{entry.code} {entry.phrase}", entry.url)]
    faq = {
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": item["q"],
             "acceptedAnswer": {"@type": "Answer",
                                "text": out.markdown.short(item["a"]).striptags()}}
            for item in entry.faq
        ],
    }
    return {"@context": "https://schema.org", "@graph": [out.breadcrumbs(trail), faq]}


def load_code_once(path: Path, job: Job) -> StatusCode | None:
    """load_code, reusing the last result in the job's entries while the file and the
    registry are unchanged (the dev server re-reads only what changed)."""
    root, registry, entries = job.root, job.registry, job.entries
    # Compare contents, not timestamps: two quick saves can share a coarse mtime and a size.
    digest = hashlib.blake2b(path.read_bytes()).digest() if path.is_file() else None
    version = (digest, path.is_symlink(), job.registry_version, str(root))
    cached = entries.get(path)
    if cached is None or cached[0] != version:
        file_problems, file_links, file_origins = [], [], {}
        entry = load_code(path, root, registry, file_problems, file_links, file_origins)
        cached = entries[path] = (version, entry, file_problems, file_links, file_origins)
    job.problems += cached[2]
    job.links += cached[3]
    for text, places in cached[4].items():
        job.origins.setdefault(text, []).extend(places)
    return cached[1]


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
    sections, examples = read_body(reader, body, body_line)
    check_runnable(reader, code, values, examples, body_line - 1, entry is not None)
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


def read_body(reader: FileReader, lines: list, first_line: int):
    """Split the body into its sections and examples, checking each against schema.SECTIONS."""
    found = {}  # key -> (heading line, [lines])
    current = None
    fence = ""
    order = []
    for number, line in enumerate(lines, first_line):
        was_in_code, fence = fence, next_fence(fence, line)
        if not (was_in_code or fence) and line.startswith("## "):
            heading = line[3:].strip()
            section = schema.SECTIONS_BY_HEADING.get(heading)
            if section is None:
                reader.error(number, "body", f"unknown section '## {heading}'"
                             + suggest(heading, schema.SECTIONS_BY_HEADING))
                current = "unknown"  # its lines are skipped, not reported again
            elif section.key in found:
                reader.error(number, section.key, f"section '## {heading}' appears twice")
                current = "unknown"
            else:
                current = section.key
                order.append(section)
            found.setdefault(current, (number, []))
            continue
        if current:
            found[current][1].append((number, line))
        elif line.strip():
            reader.error(number, "body", "text before the first section heading")
    last_line = first_line + len(lines) - 1
    for section in schema.SECTIONS:
        if section.key not in found:
            reader.error(last_line, section.key, f"section '## {section.heading}' is missing")
    if order and order != [s for s in schema.SECTIONS if s.key in found]:
        reader.error(found[order[0].key][0], "body", "sections must follow the order: "
                     + ", ".join(s.heading for s in schema.SECTIONS))
    found.pop("unknown", None)
    sections = {}
    for section in schema.SECTIONS:
        if section.key not in found or section.key == "examples":
            continue
        heading_line, numbered = found[section.key]
        text = "\n".join(line for _, line in numbered).strip()
        check_prose(reader, numbered, section.key)
        reader.note_origin(text, line_breaks(text, first_text_line(numbered)), section.key)
        if not text:
            reader.error(heading_line, section.key, "section is empty")
        elif "TODO" in text:
            reader.error(heading_line, section.key, "still says TODO")
        elif section.list_marker:
            check_list(reader, section, heading_line, numbered)
        sections[section.key] = text
    examples = ()
    if "examples" in found:
        examples = read_examples(reader, *found["examples"])
    return sections, examples


def first_text_line(numbered: list) -> int:
    """The file line of the first line that is not blank, in (line number, text) pairs."""
    return next((number for number, line in numbered if line.strip()), numbered[0][0] if numbered else 1)


def next_fence(fence: str, line: str) -> str:
    """The code fence open after this line: '' outside code, else its marker (```)."""
    marker = FENCE.match(line)
    if not fence:
        return marker[1] if marker else ""
    stripped = line.strip()
    return "" if stripped.startswith(fence) and not stripped.strip(fence[0]) else fence


def check_prose(reader: FileReader, numbered: list, label: str):
    """Run the Markdown checks on the lines of a section that lie outside code fences."""
    fence = ""
    for number, line in numbered:
        was_in_code, fence = fence, next_fence(fence, line)
        if not (was_in_code or fence):
            reader.short_links(line, number, label)


def check_list(reader: FileReader, section, heading_line: int, numbered: list):
    pattern = r"[-*] " if section.list_marker == "-" else r"\d+\. "
    items = [line for _, line in numbered if re.match(pattern, line)]
    kind = "bullets" if section.list_marker == "-" else "numbered steps"
    if not section.min_items <= len(items) <= section.max_items:
        reader.error(heading_line, section.key, f"needs {section.min_items}–{section.max_items} "
                                                f"{kind}, found {len(items)}")


def read_examples(reader: FileReader, heading_line: int, numbered: list) -> tuple:
    """Each `### Label` with an optional note and exactly one fenced block with a language."""
    examples = []
    current = None
    for number, line in numbered:
        if current and current["fence"] and current["closing"] is None:
            if line.strip() and line.strip().strip(current["fence"][0]) == "" \
                    and len(line.strip()) >= len(current["fence"]):
                current["closing"] = number
            else:
                current["code"].append(line)
        elif line.startswith("### "):
            current = {"label": line[4:].strip(), "line": number, "note": [], "fence": "",
                       "language": "", "code": [], "closing": None}
            examples.append(current)
        elif current is None:
            if line.strip():
                reader.error(number, "examples", "text before the first '### Label' heading")
        elif FENCE.match(line):
            marker = FENCE.match(line)
            if current["fence"]:
                reader.error(number, "examples", f"'{current['label']}' has more than one code block")
                current["closing"] = None
            current["fence"], current["language"] = marker[1], marker[2].lower()
            current["fence_line"] = number
        elif current["fence"] and line.strip():
            reader.error(number, "examples", f"text after the code block of '{current['label']}'")
        else:
            current["note"].append((number, line))
            reader.short_links(line, number, "examples")
    result = []
    for example in examples:
        label, line = example["label"], example["line"]
        if not example["fence"]:
            reader.error(line, "examples", f"'{label}' has no fenced code block")
        elif not example["language"]:
            reader.error(example["fence_line"], "examples", f"the code block of '{label}' has no "
                                                          "language (write ```js, ```python…)")
        elif not is_known_language(example["language"]):
            reader.error(example["fence_line"], "examples", f"unknown language "
                                                          f"'{example['language']}' in '{label}'")
        elif example["closing"] is None:
            reader.error(example["fence_line"], "examples", f"the code block of '{label}' is never closed")
        elif "TODO" in "\n".join(example["code"]):
            reader.error(example["fence_line"], "examples", f"'{label}' still says TODO")
        else:
            note = "\n".join(line for _, line in example["note"]).strip()
            if note:
                reader.note_origin(note, line_breaks(note, first_text_line(example["note"])),
                                   "examples")
            result.append(Example(label, example["language"], "\n".join(example["code"]), note))
    for words, language, name in schema.REQUIRED_EXAMPLES:
        if examples and not any(any(word in ex.label for word in words) and ex.language == language
                                for ex in result):
            reader.error(heading_line, "examples", f"needs a {name} example")
    if not examples:
        reader.error(heading_line, "examples", "no examples; add at least Node.js (Express) "
                                               "and Python (Flask or FastAPI)")
    return tuple(result)


@lru_cache(maxsize=None)
def is_known_language(name: str) -> bool:
    try:
        get_lexer_by_name(name)
    except ClassNotFound:
        return False
    return True
