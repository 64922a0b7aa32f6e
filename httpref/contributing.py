"""The parts of CONTRIBUTING.md written from the code: the field and section tables of every
kind of content (from schema.py), the `[[codes: …]]` words, and complete example files.

    python -m httpref.contributing    # refresh CONTRIBUTING.md after changing the schema
"""
import re
from pathlib import Path

from .facts import WITHOUT_CONTENT, describe_query_words
from .schema import (COMPARE_FIELDS, COMPARE_SECTIONS, FAILURE_FIELDS, FAILURE_SECTIONS,
                     FIELDS, GUIDE_ANSWER, GUIDE_ANSWERS, GUIDE_FIELDS, GUIDE_QUESTION,
                     MESSAGE_FIELDS, OPTIONAL, REQUIRED_HEADERS, SECTIONS)


def describe_fields(fields: tuple = FIELDS) -> str:
    """The Markdown table of front-matter fields for CONTRIBUTING.md."""
    rows = ["| field | type | required | what it is |", "|---|---|---|---|"]
    for field in fields:
        required = "yes" if field.required else "no"
        if field.min_items:
            required += f" (at least {field.min_items})"
        rows.append(f"| `{field.name}` | {field.kind_name} | {required} | {field.help} |")
    return "\n".join(rows)


def describe_sections(sections: tuple = SECTIONS) -> str:
    """The Markdown table of body sections for CONTRIBUTING.md."""
    rows = ["| heading | what goes under it |", "|---|---|"]
    rows += [f"| `## {section.heading}` | {section.help} |" for section in sections]
    return "\n".join(rows)


def describe_required_headers() -> str:
    """The headers the example tests require with each code, for CONTRIBUTING.md."""
    by_header = {}
    for code, names in REQUIRED_HEADERS.items():
        for name in names:
            by_header.setdefault(name, []).append(str(code))
    return "; ".join(f"`{name}` with {', '.join(codes)}" for name, codes in by_header.items())


EXAMPLE_ENTRY = "content/codes/204.md"
EXAMPLE_COMPARISON = "content/compare/401-vs-403.md"
UNOFFICIAL_EXAMPLE = "content/codes/444.md"  # shown by its front matter: the body is alike


def generated_blocks(root) -> dict:
    """Marker name -> text of the parts of CONTRIBUTING.md that are generated from the code."""
    example = (root / EXAMPLE_ENTRY).read_text(encoding="utf-8")
    unofficial = (root / UNOFFICIAL_EXAMPLE).read_text(encoding="utf-8")
    front_matter = unofficial[:unofficial.index("\n---\n", 4) + 5]
    return {"fields": describe_fields(), "sections": describe_sections(),
            "code-lists": describe_query_words(),
            "required-headers": describe_required_headers() + "; and no content with "
            + ", ".join(map(str, WITHOUT_CONTENT)) + ".",
            "example": f"~~~~markdown\n{example}~~~~",
            "example-unofficial-name": f"This is the front matter of `{UNOFFICIAL_EXAMPLE}`",
            "example-unofficial": f"~~~~markdown\n{front_matter}~~~~",
            "compare-fields": describe_fields(COMPARE_FIELDS),
            "compare-sections": describe_sections(COMPARE_SECTIONS),
            "example-comparison": "~~~~markdown\n" + (root / EXAMPLE_COMPARISON).read_text(
                encoding="utf-8") + "~~~~",
            "guide-fields": describe_fields(GUIDE_FIELDS) + "\n\nA question: "
            + ", ".join(f"`{key.rstrip(OPTIONAL)}` ({kind}{', optional' if key.endswith(OPTIONAL) else ''})"
                        for key, kind in GUIDE_QUESTION.items())
            + f", `answers` ({GUIDE_ANSWERS[0]}–{GUIDE_ANSWERS[1]}). An answer: "
            + ", ".join(f"`{key.rstrip(OPTIONAL)}` ({kind})" for key, kind in GUIDE_ANSWER.items())
            + "; it has `next` (a question id) or `code` and `why`, never both.",
            "failure-fields": describe_fields(FAILURE_FIELDS),
            "failure-sections": describe_sections(FAILURE_SECTIONS),
            "message-fields": describe_fields(MESSAGE_FIELDS)}


def update_contributing(root):
    """Rewrite the generated blocks of CONTRIBUTING.md in place."""
    path = root / "CONTRIBUTING.md"
    text = path.read_text(encoding="utf-8")
    for name, block in generated_blocks(root).items():
        text = re.sub(rf"(<!-- {name}:start -->\n?).*?(\n?<!-- {name}:end -->)",
                      lambda match: match[1] + block + match[2], text, flags=re.S)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    update_contributing(Path(__file__).resolve().parent.parent)
