"""Load and validate content into a frozen model; report every mistake as path:line: field."""
import csv
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from . import facts, schema

YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CLASS_KEYS = ("1xx", "2xx", "3xx", "4xx", "5xx")
MAX_FILE_BYTES = 500_000  # the longest entry is about 15 kB; anything near this is a mistake

SHORT_LINK = re.compile(r"\[\[([^\[\]\n]*)\]\]")
CODE_LIST = "codes:"  # [[codes: no-content]]: every code with the named properties
RFC_REF = re.compile(r"RFC ?(\d{3,5})(?: ?§ ?(\d+(?:\.\d+)*))?$")
CODE_REF = re.compile(r"[1-5]\d\d$")
CODE_FILE = re.compile(r"([1-5]\d\d)\.md")
DRAFT_REF = re.compile(r"draft-[a-z0-9]+(?:-[a-z0-9]+)+")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
FENCE = re.compile(r"^(```+|~~~+)\s*([^\s`]*)")


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one file."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class ContentError(Exception):
    """Every problem found in the content, reported together."""

    def __init__(self, problems):
        self.problems = sorted(problems)
        super().__init__("\n".join(map(str, self.problems)))

    def __reduce__(self):  # so a worker process can hand it back intact
        return ContentError, (self.problems,)


@dataclass(frozen=True)
class RegistryEntry:
    """One row of the IANA HTTP Status Code Registry."""

    code: int
    name: str
    reference: str
    status: str  # registered, temporary, unused, obsoleted
    registered: str = ""  # a temporary registration's dates, YYYY-MM-DD
    extended: str = ""
    expires: str = ""


@dataclass(frozen=True)
class Spec:
    """A reference to an RFC (optionally one section of it) or to an Internet-Draft."""

    rfc: int = 0
    section: str = ""
    draft: str = ""

    @property
    def url(self) -> str:
        if self.draft:
            return f"https://datatracker.ietf.org/doc/{self.draft}/"
        anchor = f"#section-{self.section}" if self.section else ""
        return f"https://www.rfc-editor.org/rfc/rfc{self.rfc}.html{anchor}"

    def __str__(self):
        if self.draft:
            return self.draft
        return f"RFC {self.rfc}" + (f" §{self.section}" if self.section else "")


@dataclass(frozen=True)
class Example:
    """One code example: a tab label, a Pygments language name, the code, an optional note."""

    label: str
    language: str
    code: str
    note: str


@dataclass(frozen=True)
class StatusCode:
    """One status code page: front-matter fields, body sections and what follows from the code."""

    code: int
    source: str
    fields: dict
    sections: dict
    examples: tuple
    registry: RegistryEntry | None

    def __getattr__(self, name):
        if name in schema.FIELDS_BY_NAME:
            return self.fields.get(name, default_value(schema.FIELDS_BY_NAME[name].kind))
        raise AttributeError(name)

    @property
    def class_key(self) -> str:
        return f"{str(self.code)[0]}xx"

    @property
    def is_official(self) -> bool:
        return self.registry is not None

    @property
    def status(self) -> str:
        return self.registry.status if self.registry else "unofficial"

    @property
    def cache_rule(self) -> facts.Rule:
        return facts.cache_rule(self.code)

    @property
    def content_rule(self) -> facts.Rule:
        return facts.content_rule(self.code)

    @property
    def is_cacheable(self) -> bool:
        return self.cache_rule.key == "heuristic"

    @property
    def allows_content(self) -> bool:
        return self.content_rule.key == "allowed"

    @property
    def url(self) -> str:
        return code_url(self.code)

    @property
    def all_vendors(self) -> list:
        """Every vendor that gives this number a meaning, the page's own first."""
        names = list(self.vendors) + [item["vendor"] for item in self.also_used_by]
        return list(dict.fromkeys(names))

    @cached_property
    def properties(self) -> frozenset:
        """What a `[[codes: …]]` list can select this code by (see facts.properties)."""
        return frozenset(facts.properties(self))

    @cached_property
    def spec_ref(self) -> Spec | None:
        return parse_spec(self.spec) if self.spec else None


def default_value(kind):
    """What an optional field that was left out reads as."""
    if isinstance(kind, tuple):
        return schema.CHOICE_DEFAULTS.get(kind, "")
    return "" if kind == schema.TEXT else []


@dataclass(frozen=True)
class Page:
    """A prose page such as the explainer."""

    slug: str
    source: str
    title: str
    description: str
    body: str

    @property
    def url(self) -> str:
        return f"/{self.slug}/"


@dataclass(frozen=True)
class Site:
    """Everything the renderer needs, validated."""

    config: dict
    codes: tuple
    classes: dict
    pages: tuple
    registry: dict
    links: tuple = ()  # (source path, code, line, field) of every [[NNN]] and related code
    origins: dict = field(default_factory=dict)  # rendered text -> [(path, line, field)]

    @cached_property
    def by_code(self) -> dict:
        return {entry.code: entry for entry in self.codes}

    def phrase(self, code: int) -> str:
        """The phrase of a code with a page, else its registered name."""
        if code in self.by_code:
            return self.by_code[code].phrase
        return self.registry[code].name


SAFE_SCHEMES = ("http", "https", "mailto")
C0_AND_SPACE = "".join(map(chr, range(0x21)))


def url_problem(url: str) -> str:
    """Why a URL as the browser reads it (entities already decoded) is not allowed, or ''.
    Allowed: http, https, mailto, site-relative and #fragment."""
    # The URL Standard's parser first strips leading and trailing C0 controls and spaces and
    # removes every tab and newline, so "java\nscript:" is still javascript:.
    cleaned = re.sub(r"[\t\n\r]", "", url).strip(C0_AND_SPACE)
    if re.search(r"[\x00-\x1f\x7f]", cleaned):
        return f"the URL {url!r} holds a control character"
    if re.match(r"[/\\]{2}", cleaned):  # browsers read \ as / in web URLs
        return f"the URL {url!r} leaves the site without a scheme; write https://"
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    if scheme and scheme[1].lower() not in SAFE_SCHEMES:
        return (f"the URL {url!r} uses the '{scheme[1].lower()}:' scheme; only http, https, "
                "mailto, site-relative and #fragment URLs are allowed")
    return ""


def code_url(code: int) -> str:
    """The one place that decides a code page's URL (the site's own not-found page is /404.html)."""
    return f"/{code}/"


def parse_spec(text: str) -> Spec | None:
    """'RFC 9110 §15.3.3', 'RFC 8297' or an Internet-Draft name such as 'draft-ietf-x-y'."""
    text = text.strip()
    if DRAFT_REF.fullmatch(text):
        return Spec(draft=text)
    match = RFC_REF.match(text)
    return Spec(int(match[1]), match[2] or "") if match else None


def load_registry(path: Path) -> dict:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        return {int(row["code"]): RegistryEntry(int(row["code"]), row["name"], row["reference"],
                                                row["status"], row["registered"], row["extended"],
                                                row["expires"]) for row in rows}


def expired_registrations(registry: dict, today: str) -> list:
    """Warnings for temporary registrations past their expiry date (ISO dates compare as text):
    IANA may have renewed, made permanent or removed them, so the registry data needs a look."""
    return [f"content/registry.csv: {entry.code} {entry.name}: its temporary registration "
            f"expired on {entry.expires}; check the IANA registry and update this file"
            for entry in registry.values() if entry.expires and entry.expires < today]


def load_site(root: Path, base_url: str | None = None) -> Site:
    """Read and validate all content under root/content; raise ContentError listing every problem."""
    content = root / "content"
    problems, links, origins = [], [], {}
    registry = load_registry(content / "registry.csv")
    config = load_yaml_record(content / "site.yaml", root, schema.SITE_FIELDS, problems, links,
                              origins)
    if base_url:
        config["base_url"] = base_url
    config["base_url"] = config.get("base_url", "").rstrip("/")
    registry_version = (content / "registry.csv").stat().st_mtime_ns
    codes = [entry for path in sorted((content / "codes").iterdir())
             if (entry := load_code_once(path, root, registry, registry_version, problems, links,
                                         origins))]
    classes = load_classes(content / "classes.yaml", root, problems, links, origins)
    pages = tuple(entry for path in sorted((content / "pages").glob("*.md"))
                  if (entry := load_page(path, root, problems, links, origins)))
    check_links(codes, registry, links, problems)
    if problems:
        raise ContentError(problems)
    return Site(config, tuple(sorted(codes, key=lambda entry: entry.code)), classes, pages,
                registry, tuple(links), origins)


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


def load_yaml_record(path: Path, root: Path, fields, problems, links, origins) -> dict:
    """A whole YAML file checked against field descriptions (site.yaml)."""
    reader = FileReader(path, root, problems, links, origins)
    reader.offset = 1
    text = reader.read_text(path)
    node = reader.compose(text) if text is not None else False
    return {} if node is False else reader.fields(node, fields, 1)


def load_classes(path: Path, root: Path, problems, links, origins) -> dict:
    reader = FileReader(path, root, problems, links, origins)
    reader.offset = 1
    text = reader.read_text(path)
    node = reader.compose(text) if text is not None else False
    kinds = {key: {"name": schema.TEXT, "summary": schema.TEXT, "description": schema.TEXT}
             for key in CLASS_KEYS}
    if not node:
        return {}
    classes = {}
    for key_node, value_node in node.value if isinstance(node, yaml.MappingNode) else ():
        if key_node.value in kinds:
            classes[key_node.value] = reader.item(value_node, kinds[key_node.value], key_node.value)
        else:
            reader.error(reader.line_of(key_node), str(key_node.value),
                         "unknown class" + suggest(str(key_node.value), kinds))
    for key in CLASS_KEYS:
        if key not in classes:
            reader.error(1, key, "class is missing")
    return classes


def load_page(path: Path, root: Path, problems, links, origins) -> Page | None:
    reader = FileReader(path, root, problems, links, origins)
    parts = reader.read_document(path, schema.PAGE_FIELDS)
    if not parts:
        return None
    values, body, body_line = parts
    reader.markdown("\n".join(body), body_line, "body")
    if len(values) < len(schema.PAGE_FIELDS):
        return None
    return Page(path.stem, reader.rel, values["title"], values["description"], "\n".join(body))


# Files already read in this process, by path: the dev server re-reads only what changed.
LOADED = {}


def load_code_once(path: Path, root: Path, registry: dict, registry_version: int, problems,
                   links, origins) -> StatusCode | None:
    """load_code, reusing the last result while the file and the registry are unchanged."""
    # Compare contents, not timestamps: two quick saves can share a coarse mtime and a size.
    digest = hashlib.blake2b(path.read_bytes()).digest() if path.is_file() else None
    version = (digest, path.is_symlink(), registry_version, str(root))
    cached = LOADED.get(path)
    if cached is None or cached[0] != version:
        file_problems, file_links, file_origins = [], [], {}
        entry = load_code(path, root, registry, file_problems, file_links, file_origins)
        cached = LOADED[path] = (version, entry, file_problems, file_links, file_origins)
    problems += cached[2]
    links += cached[3]
    for text, places in cached[4].items():
        origins.setdefault(text, []).extend(places)
    return cached[1]


def load_code(path: Path, root: Path, registry: dict, problems, links, origins) -> StatusCode | None:
    """One content/codes/NNN.md file, or None after reporting its problems."""
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
    if any(problem.path == reader.rel for problem in problems):
        return None
    return StatusCode(code, reader.rel, values, sections, examples, entry)


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


def registry_spec(reference: str) -> Spec | None:
    """The registry's 'RFC9110, Section 15.3.3' or 'RFC6585' as a Spec."""
    match = re.fullmatch(r"RFC(\d+)(?:, Section ([\d.]+))?", reference)
    return Spec(int(match[1]), match[2] or "") if match else None


def spec_matches(spec: str, reference: str) -> bool:
    """A spec agrees with the registry; it may name a section where the registry names none."""
    if reference.startswith("draft-"):
        return spec == reference
    parsed, official = parse_spec(spec), registry_spec(reference)
    return bool(parsed and official and parsed.rfc == official.rfc
                and official.section in ("", parsed.section))


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
        reader.note_origin(text, first_text_line(numbered), section.key)
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
                reader.note_origin(note, first_text_line(example["note"]), "examples")
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


def check_links(codes: list, registry: dict, links: list, problems: list):
    """Every [[NNN]] and related code has a page or is at least registered."""
    pages = {entry.code for entry in codes}
    for path, code, line, label in links:
        if isinstance(code, tuple):  # a [[codes: …]] list
            if not facts.select_codes(codes, code):
                problems.append(Problem(path, line, label, f"[[{CODE_LIST} {' '.join(code)}]] "
                                                           "matches no code"))
            continue
        if code not in pages and code not in registry:
            problems.append(Problem(path, line, label,
                                    f"{code} has no page and is not in the IANA registry"))
