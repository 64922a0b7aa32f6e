"""One content file read: YAML nodes with their file lines, typed fields, the short links of
its prose and where each text that will be rendered comes from."""
import datetime
import difflib
import re
from pathlib import Path

import yaml

from . import facts, schema
from .model import Problem, default_value
from .text import CODE_LIST, CODE_REF, ISO_DAY, SHORT_LINK, line_at, parse_spec, url_problem

YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FILE_BYTES = 500_000  # the longest entry is about 15 kB; anything near this is a mistake
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
# Markdown that would show as typed where text is shown plain: short links, code, emphasis,
# links, HTML tags and character references.
MARKUP_IN_PLAIN = re.compile(r"\[\[[^\]]*\]\]|`[^`]*`|\*\*|__|\]\(|<[A-Za-z/!][^>]*>?|&#?\w+;"
                             r"|(?<![\w*])\*\w[^*]*\*(?![\w*])")
# Control characters but tab and newline, the other Unicode line breaks, and a BOM past the start.
INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


class FileReader:
    """Collects the problems of one file and turns YAML marks into file lines."""

    def __init__(self, path: Path, root: Path, problems: list, links: list, origins: dict):
        self.rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        self.problems = problems
        self.links = links  # (path, code, line, field) of every [[NNN]] and related code
        self.origins = origins  # text that will be rendered -> [(path, first line, field)]
        self.offset = 2  # YAML marks count from 0 and front matter starts on file line 2
        self.field_lines = {}  # front-matter field -> file line of its key
        self.source = ""  # the YAML text being read (node marks index into it)

    def error(self, line: int, field: str, message: str):
        self.problems.append(Problem(self.rel, line, field, message))

    def line_of(self, node) -> int:
        return node.start_mark.line + self.offset

    def read_text(self, path: Path) -> str | None:
        """The file as text with a BOM removed and CRLF line endings made LF."""
        if path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve()):
            self.error(1, "file", "symbolic link leads outside content/")
            return None
        if path.is_dir():
            self.error(1, "file", "a folder where a content file belongs; move it out of content/")
            return None
        data = path.read_bytes()
        if len(data) > MAX_FILE_BYTES:
            self.error(1, "file", f"{len(data) / 1e6:.1f} MB is too large for a content file "
                                  f"(at most {MAX_FILE_BYTES // 1000} kB)")
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            self.error(data[:error.start].count(b"\n") + 1, "file", "not valid UTF-8")
            return None
        text = text.removeprefix("\ufeff").replace("\r\n", "\n")
        for number, line in enumerate(text.split("\n"), 1):
            if match := INVISIBLE.search(line):
                self.error(number, "file", f"invisible character {describe_char(match[0])}; "
                                           "delete it (YAML and Markdown may read it as a line "
                                           "break or refuse it)")
        # A space in its place keeps every later line number right while the rest is checked.
        return INVISIBLE.sub(" ", text)

    @staticmethod
    def apart(node, names) -> tuple:
        """({name: (key node, value node)} of the given keys of a mapping, and the mapping
        without them), for keys read otherwise than by `fields` or `item`."""
        taken = {key.value: (key, value) for key, value in node.value if key.value in names}
        return taken, yaml.MappingNode(node.tag, [(key, value) for key, value in node.value
                                                  if key.value not in names],
                                       node.start_mark, node.end_mark)

    def compose(self, text: str):
        """The YAML node tree (None for an empty document), or False after reporting an error.
        After a syntax error the top-level field it sits in is set aside and the rest read
        again, so that every other mistake in the file is still reported."""
        lines = text.split("\n")
        part = "front matter" if self.rel.endswith(".md") else "YAML"
        for _ in range(len(lines)):
            self.source = "\n".join(lines)
            try:
                return yaml.compose(self.source, Loader=YamlLoader)
            except yaml.MarkedYAMLError as error:
                index, message = yaml_problem(error, lines)
                self.error(index + self.offset, part, f"invalid YAML: {message}")
                start, end = field_block(lines, index)
                for number, line in enumerate(lines[start:end], start + self.offset):
                    if match := TOP_LEVEL_KEY.match(line):  # present, if unreadable
                        self.field_lines.setdefault(match[1], number)
                lines[start:end] = [""] * (end - start)  # blank, so the lines keep their numbers
            except yaml.YAMLError as error:
                self.error(self.offset, part, f"invalid YAML: {error}")
                break
        return False

    def read_document(self, path: Path, fields: tuple):
        """(front-matter values, body lines, file line of the first body line), or None once
        a problem stops the file from being read further."""
        text = self.read_text(path)
        parts = self.split_front_matter(text) if text is not None else None
        if not parts:
            return None
        yaml_text, body, body_line = parts
        node = self.compose(yaml_text)
        if node is False:
            return None
        return self.fields(node, fields, body_line - 1), body, body_line

    def split_front_matter(self, text: str):
        """(YAML text, body lines, file line of the first body line), or None."""
        lines = text.removesuffix("\n").split("\n")
        if lines[0].rstrip() != "---":
            self.error(1, "front matter", "the file must start with a line of three dashes (---)")
            return None
        for index in range(1, len(lines)):
            if lines[index].rstrip() == "---":
                return "\n".join(lines[1:index]), lines[index + 1:], index + 2
        self.error(1, "front matter", "the front matter has no closing --- line")
        return None

    def fields(self, node, fields: tuple, missing_line: int) -> dict:
        """Check a mapping node against field descriptions; return plain values."""
        by_name = {field.name: field for field in fields}
        if node is None:
            node = yaml.MappingNode("tag:yaml.org,2002:map", [])
        if not isinstance(node, yaml.MappingNode):
            self.error(self.line_of(node), "front matter", "expected 'field: value' lines")
            return {}
        values = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            line = self.line_of(key_node)
            if name not in by_name:
                self.error(line, name, "unknown field" + suggest(name, by_name))
            elif name in values:
                self.error(line, name, "field given twice")
            else:
                field = by_name[name]
                self.field_lines[name] = line
                values[name] = self.value(value_node, field.kind, name)
                count = len(value_node.value) if isinstance(value_node, yaml.SequenceNode) else 0
                if count < field.min_items and values[name] is not None:
                    self.error(line, name, f"needs at least {field.min_items} items, got {count}")
        for field in fields:
            if field.required and field.name not in self.field_lines:
                self.error(missing_line, field.name, "required field is missing")
        return {name: value for name, value in values.items() if value is not None}

    def value(self, node, kind, label: str):
        """Convert one node of the given kind, reporting a problem and returning None if wrong."""
        line = self.line_of(node)
        if kind in (schema.TEXT, schema.RAW_TEXT):
            return self.text(node, label, rendered=kind == schema.TEXT)
        if kind == schema.PLAIN:
            text = self.text(node, label, rendered=False)
            if text and (markup := MARKUP_IN_PLAIN.search(text)):
                self.error(line, label, f"plain text, shown exactly as written (in lists, titles, "
                                        f"meta tags and the API), so '{markup[0]}' would show as "
                                        "typed; write it without Markdown")
                return None
            return text
        if kind == schema.DATE:
            return self.date(node, label)
        if kind == schema.URL:
            url = self.text(node, label, rendered=False)
            problem = url and "TODO" not in url and (
                url_problem(url) or not re.match(r"https?://[^/\s]", url)
                and f"write an absolute https:// URL, not {url!r}")
            if problem:
                self.error(line, label, problem)
                return None
            return url
        if isinstance(kind, tuple):
            word = self.text(node, label, rendered=False)
            if word is not None and word not in kind and "TODO" not in word:
                self.error(line, label, f"expected one of {', '.join(kind)}, got '{word}'"
                           + suggest(word, kind))
                return None
            return word
        if kind == schema.MEANS:
            if node.tag == "tag:yaml.org,2002:int":
                return self.value(node, schema.STATUS, label)
            return self.text(node, label, rendered=False)
        if kind in (schema.CODE, schema.STATUS):
            if node.tag == "tag:yaml.org,2002:int" and CODE_REF.match(str(node.value)):
                if kind == schema.CODE:
                    self.links.append((self.rel, int(node.value), line, label))
                return int(node.value)
            if node.tag == "tag:yaml.org,2002:int" and str(node.value).startswith("0"):
                self.error(line, label, f"{node.value} is read by YAML as an octal number; "
                                        f"write {node.value.lstrip('0')} without the leading zero")
            else:
                got = node.value if node.tag == "tag:yaml.org,2002:int" else describe(node)
                self.error(line, label, f"expected a status code from 100 to 599, got {got}")
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.error(line, label, f"expected a list, got {describe(node)}")
            return None
        item_kind = schema.PLAIN if kind == schema.TEXT_LIST else dict(kind)
        items = [self.item(child, item_kind, f"{label}[{index}]")
                 for index, child in enumerate(node.value, 1)]
        return tuple(item for item in items if item is not None)

    def item(self, node, kind, label: str):
        if not isinstance(kind, dict):
            return self.value(node, kind, label)
        if not isinstance(node, yaml.MappingNode):
            keys = ", ".join(kind)
            self.error(self.line_of(node), label, f"expected a record with {keys}, got {describe(node)}")
            return None
        keys = {key.removesuffix(schema.OPTIONAL): value for key, value in kind.items()}
        required = [key for key in kind if not key.endswith(schema.OPTIONAL)]
        record = {}
        missing = [key for key in required if key not in {str(k.value) for k, _ in node.value}]
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in record:
                self.error(self.line_of(key_node), f"{label}.{key}", "key given twice")
            elif key not in keys:
                hint = suggest(key, keys) or suggest(key, missing, cutoff=0)
                self.error(self.line_of(key_node), f"{label}.{key}", "unknown key" + hint)
            else:
                record[key] = self.value(value_node, keys[key], f"{label}.{key}")
        for key in missing:
            self.error(self.line_of(node), f"{label}.{key}", "required key is missing")
        if missing or any(value is None for value in record.values()):
            return None
        return {key: record.get(key, default_value(value)) for key, value in keys.items()}

    def date(self, node, label: str) -> str | None:
        """A day as YYYY-MM-DD text; YAML reads it unquoted as a date, which is fine too."""
        line = self.line_of(node)
        value = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        try:
            day = datetime.date.fromisoformat(value) if ISO_DAY.fullmatch(value) else None
        except ValueError:
            day = None
        if "TODO" in value:
            self.error(line, label, "still says TODO")
        elif day is None:
            self.error(line, label, "expected a date written YYYY-MM-DD, got "
                                    + (f"'{value}'" if value else describe(node)))
        elif day > datetime.date.today():
            self.error(line, label, f"{value} is in the future; write the day you read it")
        else:
            return value
        return None

    def text(self, node, label: str, rendered: bool = True) -> str | None:
        line = self.line_of(node)
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str"):
            hint = ""
            if node.tag == "tag:yaml.org,2002:bool":
                hint = " (YAML reads yes/no/on/off/true/false as booleans; put the text in quotes)"
            elif node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                              "tag:yaml.org,2002:timestamp"):
                hint = " (put it in quotes)"
            self.error(line, label, f"expected text, got {describe(node)}{hint}")
            return None
        value = node.value.strip()
        if not value:
            self.error(line, label, "must not be empty")
        elif "TODO" in value:
            self.error(line, label, "still says TODO")
        elif rendered:
            self.markdown(value, self.breaks_of(node, value), label)
        return value

    def breaks_of(self, node, value: str) -> tuple:
        """(offset in value, file line) wherever the value moves to a new file line: each
        source line's first word found in the value, in order (folding, indentation and
        escapes make value and source differ)."""
        line = self.line_of(node)
        if node.end_mark.line == node.start_mark.line:
            return ((0, line),)
        breaks, offset = [(0, line)], 0
        source = self.source[node.start_mark.index:node.end_mark.index].split("\n")
        for number, text in enumerate(source[1:], line + 1):
            word = text.split(maxsplit=1)[0] if text.strip() else ""
            found = value.find(word, offset) if word else -1
            if found != -1:
                breaks.append((found, number))
                offset = found + len(word)
        return tuple(breaks)

    def markdown(self, text: str, breaks: tuple, label: str):
        """Note where a text that will be rendered comes from, and collect its short links.
        What the rendered HTML may hold (URLs, no raw HTML) is checked on the rendered HTML
        itself, by the same Markdown reader that renders it (markup.py)."""
        self.note_origin(text, breaks, label)
        plain = CODE_SPAN.sub(lambda match: " " * len(match[0]), text)
        for match in SHORT_LINK.finditer(plain):
            self.short_link(match[1], line_at(breaks, match.start()), label)

    def note_origin(self, text: str, breaks: tuple, label: str):
        self.origins.setdefault(text, []).append((self.rel, breaks, label))

    def short_links(self, line: str, number: int, label: str):
        """Collect the [[…]] short links of one line of prose."""
        for target in SHORT_LINK.findall(CODE_SPAN.sub("", line)):
            self.short_link(target, number, label)

    def short_link(self, target: str, number: int, label: str):
        """Collect one [[…]] short link; report a malformed one."""
        if CODE_REF.match(target):
            self.links.append((self.rel, int(target), number, label))
        elif target.startswith(CODE_LIST):
            try:
                words = facts.parse_query(target.removeprefix(CODE_LIST))
            except ValueError as error:
                self.error(number, label, str(error))
            else:
                self.links.append((self.rel, words, number, label))
        elif not parse_spec(target):
            self.error(number, label, f"[[{target}]] is neither a status code such as "
                                      f"[[404]] nor a spec such as [[RFC 9110 §15.5.5]]")


def suggest(word: str, choices, cutoff: float = 0.6) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"; did you mean '{close[0]}'?" if close else ""


def describe(node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    kind = node.tag.rsplit(":", 1)[-1]
    return {"bool": "a boolean", "int": "a number", "float": "a number", "null": "nothing",
            "timestamp": "a date",
            "str": f"text '{node.value}'"}.get(kind, f"a {kind}")


TOP_LEVEL_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:(?:\s|$)")
QUOTED_START = re.compile(r"\s*(?:- )?[\w-]+:\s+[\"']")


def yaml_problem(error, lines: list) -> tuple:
    """(line index, message) for a YAML syntax error, in words that say how to fix it."""
    mark = error.problem_mark or error.context_mark
    index, problem, context = mark.line, error.problem or "", error.context or ""
    line = lines[index] if index < len(lines) else ""
    quote = "; put the whole value in quotes"
    char = line[mark.column:mark.column + 1]
    if "tab" in problem or char == "\t" and "cannot start any token" in problem:
        return index, "a tab character; indent YAML with spaces"
    if "mapping values are not allowed" in problem:
        return index, "a ': ' inside a value starts a new 'field: value'" + quote
    if "cannot start any token" in problem:
        return index, f"a value cannot start with {char!r}" + quote
    if "alias" in context:
        return index, "a value that starts with '*' is read as a YAML alias" + quote
    if "quoted scalar" in context and error.context_mark:
        return error.context_mark.line, "this quote is never closed"
    if "expected ':'" in problem and error.context_mark:
        return error.context_mark.line, ("this line is not 'field: value': indent a "
                                         "continuation line under its field, or add the ':'")
    if "expected key" in problem and QUOTED_START.match(line):
        return index, ("text after the closing quote; quote the whole value, with any quote "
                       "inside it doubled ('') or escaped (\\\")")
    if "expected key" in problem and re.match(r"\s*(?:- )?[\w-]+:\s+[\[{]", line):
        return index, "a value that starts with '[' or '{' is read as a YAML list or mapping" + quote
    if "expected key" in problem or "indicator" in problem:
        return index, ("the indentation does not fit: a record's keys line up under each "
                       "other, and each list item starts with '- ' at the same column")
    return index, problem or context or "invalid YAML"


def field_block(lines: list, index: int) -> tuple:
    """(start, end) line indexes of the top-level field around a line: its key line and every
    indented line after it."""
    start = index
    while start > 0 and not TOP_LEVEL_KEY.match(lines[start]):
        start -= 1
    if not TOP_LEVEL_KEY.match(lines[start]):
        start = index
    end = index + 1
    while end < len(lines) and not TOP_LEVEL_KEY.match(lines[end]):
        end += 1
    return start, end


def describe_char(char: str) -> str:
    names = {"\r": "carriage return", "\x85": "next line (NEL)", "\u2028": "line separator",
             "\u2029": "paragraph separator", "\ufeff": "byte order mark"}
    return f"U+{ord(char):04X} ({names.get(char, 'control character')})"
