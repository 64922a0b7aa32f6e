"""One content file read: YAML nodes with their file lines, typed fields, the short links of
its prose and where each text that will be rendered comes from."""
import difflib
import re
from pathlib import Path

import yaml

from . import facts, schema
from .model import CODE_LIST, CODE_REF, SHORT_LINK, Problem, default_value, parse_spec, url_problem

YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FILE_BYTES = 500_000  # the longest entry is about 15 kB; anything near this is a mistake
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


class FileReader:
    """Collects the problems of one file and turns YAML marks into file lines."""

    def __init__(self, path: Path, root: Path, problems: list, links: list, origins: dict):
        self.rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        self.problems = problems
        self.links = links  # (path, code, line, field) of every [[NNN]] and related code
        self.origins = origins  # text that will be rendered -> [(path, first line, field)]
        self.offset = 2  # YAML marks count from 0 and front matter starts on file line 2
        self.field_lines = {}  # front-matter field -> file line of its key

    def error(self, line: int, field: str, message: str):
        self.problems.append(Problem(self.rel, line, field, message))

    def line_of(self, node) -> int:
        return node.start_mark.line + self.offset

    def read_text(self, path: Path) -> str | None:
        """The file as text with a BOM removed and CRLF line endings made LF."""
        if path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve()):
            self.error(1, "file", "symbolic link leads outside content/")
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
        return text.removeprefix("\ufeff").replace("\r\n", "\n")

    def compose(self, text: str):
        """The YAML node tree (None for an empty document), or False after reporting an error."""
        try:
            return yaml.compose(text, Loader=YamlLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            message = error.problem or "invalid YAML"
            lines = text.split("\n")
            if mark.line < len(lines) and "\t" in lines[mark.line]:
                message = "tab character; indent YAML with spaces"
            self.error(mark.line + self.offset, "front matter",
                       f"invalid YAML: {message}")
        except yaml.YAMLError as error:
            self.error(self.offset, "front matter", f"invalid YAML: {error}")
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
            if field.required and field.name not in values:
                self.error(missing_line, field.name, "required field is missing")
        return {name: value for name, value in values.items() if value is not None}

    def value(self, node, kind, label: str):
        """Convert one node of the given kind, reporting a problem and returning None if wrong."""
        line = self.line_of(node)
        if kind in (schema.TEXT, schema.RAW_TEXT):
            return self.text(node, label, rendered=kind == schema.TEXT)
        if kind == schema.URL:
            url = self.text(node, label, rendered=False)
            problem = url and (url_problem(url) or not re.match(r"https?://[^/\s]", url)
                               and f"write an absolute https:// URL, not {url!r}")
            if problem:
                self.error(line, label, problem)
                return None
            return url
        if isinstance(kind, tuple):
            word = self.text(node, label, rendered=False)
            if word is not None and word not in kind:
                self.error(line, label, f"expected one of {', '.join(kind)}, got '{word}'"
                           + suggest(word, kind))
                return None
            return word
        if kind in (schema.CODE, schema.STATUS):
            if node.tag == "tag:yaml.org,2002:int" and CODE_REF.match(str(node.value)):
                if kind == schema.CODE:
                    self.links.append((self.rel, int(node.value), line, label))
                return int(node.value)
            if node.tag == "tag:yaml.org,2002:int" and str(node.value).startswith("0"):
                self.error(line, label, f"{node.value} is read by YAML as an octal number; "
                                        f"write {node.value.lstrip('0')} without the leading zero")
            else:
                self.error(line, label, f"expected a status code from 100 to 599, got {describe(node)}")
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.error(line, label, f"expected a list, got {describe(node)}")
            return None
        item_kind = schema.TEXT if kind == schema.TEXT_LIST else dict(kind)
        items = [self.item(child, item_kind, f"{label}[{index}]")
                 for index, child in enumerate(node.value, 1)]
        return tuple(item for item in items if item is not None)

    def item(self, node, kind, label: str):
        if kind == schema.TEXT:
            return self.text(node, label)
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
            if key not in keys:
                hint = suggest(key, keys) or suggest(key, missing, cutoff=0)
                self.error(self.line_of(key_node), f"{label}.{key}", "unknown key" + hint)
            else:
                record[key] = self.value(value_node, keys[key], f"{label}.{key}")
        for key in missing:
            self.error(self.line_of(node), f"{label}.{key}", "required key is missing")
        if missing or any(value is None for value in record.values()):
            return None
        return {key: record.get(key, default_value(value)) for key, value in keys.items()}

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
            # A block scalar (| or >) starts on the line after its indicator.
            self.markdown(value, line + (node.style in ("|", ">")), label)
        return value

    def markdown(self, text: str, first_line: int, label: str):
        """Note where a text that will be rendered comes from, and collect its short links.
        What the rendered HTML may hold (URLs, no raw HTML) is checked on the rendered HTML
        itself, by the same Markdown reader that renders it (markup.py)."""
        self.note_origin(text, first_line, label)
        for number, line in enumerate(text.split("\n"), first_line):
            self.short_links(line, number, label)

    def note_origin(self, text: str, first_line: int, label: str):
        self.origins.setdefault(text, []).append((self.rel, first_line, label))

    def short_links(self, line: str, number: int, label: str):
        """Collect the [[…]] short links of one line of prose; report malformed ones."""
        plain = CODE_SPAN.sub("", line)
        for target in SHORT_LINK.findall(plain):
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
