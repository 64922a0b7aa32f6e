"""The Markdown body of a content file: its `## Section`s in a given shape, and its code
examples (`### Label` and one fenced block each)."""
import re
from functools import lru_cache

from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from ..model import Example
from ..text import line_breaks
from ..reader import FileReader, suggest

FENCE = re.compile(r"^(```+|~~~+)\s*([^\s`]*)")


def read_body(reader: FileReader, lines: list, first_line: int, shape: tuple, required: tuple):
    """Split the body into its sections (`shape`: schema.Section, in order) and its examples
    (`required`: what they must include, as schema.REQUIRED_EXAMPLES), checking each."""
    by_heading = {section.heading: section for section in shape}
    found = {}  # key -> (heading line, [lines])
    current = None
    fence = ""
    order = []
    for number, line in enumerate(lines, first_line):
        was_in_code, fence = fence, next_fence(fence, line)
        if not (was_in_code or fence) and line.startswith("## "):
            heading = line[3:].strip()
            section = by_heading.get(heading)
            if section is None:
                reader.error(number, "body", f"unknown section '## {heading}'"
                             + suggest(heading, by_heading))
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
    for section in shape:
        if section.key not in found:
            reader.error(last_line, section.key, f"section '## {section.heading}' is missing")
    if order and order != [s for s in shape if s.key in found]:
        reader.error(found[order[0].key][0], "body", "sections must follow the order: "
                     + ", ".join(s.heading for s in shape))
    found.pop("unknown", None)
    sections = {}
    for section in shape:
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
        examples = read_examples(reader, *found["examples"], required)
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


def read_examples(reader: FileReader, heading_line: int, numbered: list, required: tuple) -> tuple:
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
                reader.error(number, "examples", "text before the first '### Label' heading (a note "
                                             "goes on the lines under its label)")
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
    for words, language, name in required:
        if examples and not any(any(word in ex.label for word in words)
                                and language in (None, ex.language)
                                for ex in result):
            reader.error(heading_line, "examples", f"needs a {name} example")
    if not examples:
        reader.error(heading_line, "examples", "no examples; add at least "
                     + " and ".join(name for _, _, name in required))
    return tuple(result)


@lru_cache(maxsize=None)
def is_known_language(name: str) -> bool:
    try:
        get_lexer_by_name(name)
    except ClassNotFound:
        return False
    return True
