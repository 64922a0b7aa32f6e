"""The frozen model every stage shares: status codes, pages, the site, specs, problems; and
which URLs a page may link to."""
import bisect
import re
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path

from . import facts, schema
from .routes import code_url, compare_url, guide_url, message_url, page_url

NEWLINE = re.compile("\n")
ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")  # a day as content and the registry write it
SHORT_LINK = re.compile(r"\[\[([^\[\]\n]*)\]\]")
CODE_LIST = "codes:"  # [[codes: no-content]]: every code with the named properties
RFC_REF = re.compile(r"RFC ?(\d{3,5})(?: ?§ ?(\d+(?:\.\d+)*))?$")
CODE_REF = re.compile(r"[1-5]\d\d$")
DRAFT_REF = re.compile(r"draft-[a-z0-9]+(?:-[a-z0-9]+)+")
# What editors and file managers leave beside a file: hidden files (.DS_Store, Vim's .swp,
# Emacs's .#lock), Emacs's #autosave# and backup~, Vim's 4913 write test, JetBrains' safe-write
# copies, Windows' Thumbs.db and desktop.ini. Never content, never published.
EDITOR_FILE = re.compile(r"\.|#.*#$|.*~$|4913$|.*___jb_\w+___$|thumbs\.db$|desktop\.ini$",
                         re.IGNORECASE)


def is_editor_file(relative) -> bool:
    """Whether any part of a path (relative to a source folder) is an editor's or the
    system's own file."""
    return any(EDITOR_FILE.match(part) for part in Path(relative).parts)


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


class ReprOnce:
    """A frozen record of content whose repr (what fingerprints of the pages showing it are
    made of) is worked out once: the dev server reuses the record while its file is unchanged."""

    def __repr__(self):
        return self._repr

    @cached_property
    def _repr(self) -> str:
        return f"{type(self).__name__}(" + ", ".join(
            f"{item.name}={getattr(self, item.name)!r}" for item in fields(self)) + ")"


class FieldsAsAttributes:
    """A record of content whose front-matter fields (described in FIELDS_BY_NAME) read as
    attributes, an optional one that was left out as its default."""

    FIELDS_BY_NAME = {}

    def __getattr__(self, name):
        if name in self.FIELDS_BY_NAME:
            return self.fields.get(name, default_value(self.FIELDS_BY_NAME[name].kind))
        raise AttributeError(name)


@dataclass(frozen=True, repr=False)
class StatusCode(ReprOnce, FieldsAsAttributes):
    """One status code page: front-matter fields, body sections and what follows from the code."""

    code: int
    source: str
    fields: dict
    sections: dict
    examples: tuple
    registry: RegistryEntry | None
    FIELDS_BY_NAME = schema.FIELDS_BY_NAME

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
    def listing(self) -> tuple:
        """What pages other than the entry's own show of it."""
        return (self.code, self.phrase, self.summary, self.aliases, self.keywords,
                self.all_vendors, tuple((item["phrase"], item["standing"])
                                        for item in self.also_used_by),
                self.status, self.spec, self.origin, self.standing)

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
    return [] if kind == schema.TEXT_LIST or isinstance(kind, dict) else ""


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
        return page_url(self.slug)


@dataclass(frozen=True, repr=False)
class Comparison(ReprOnce, FieldsAsAttributes):
    """A page weighing two or three confusable codes (content/compare/A-vs-B.md)."""

    slug: str
    source: str
    codes: tuple
    fields: dict
    sections: dict
    examples: tuple
    FIELDS_BY_NAME = schema.COMPARE_FIELDS_BY_NAME

    @property
    def url(self) -> str:
        return compare_url(self.slug)

    @property
    def name(self) -> str:
        """'401 vs 403'."""
        return " vs ".join(map(str, self.codes))


@dataclass(frozen=True, repr=False)
class Failure(ReprOnce, FieldsAsAttributes):
    """A failure with no status code (content/failures/SLUG.md), among the messages."""

    slug: str
    source: str
    fields: dict
    sections: dict
    FIELDS_BY_NAME = schema.FAILURE_FIELDS_BY_NAME

    @property
    def url(self) -> str:
        return message_url(self.slug)


@dataclass(frozen=True)
class Message:
    """A text people see (content/messages/SOURCE.yaml) and what it means: a status code,
    or the slug of a failure."""

    id: str
    text: str
    also: tuple
    means: int | str
    explain: str
    where: str
    product: str
    versions: str
    source: str
    sources: tuple  # ({title, url, date}) where the text was read

    @property
    def anchor(self) -> str:
        """The id of the message on the page of what it means."""
        return f"seen-{self.id}"

    @property
    def url(self) -> str:
        page = code_url(self.means) if isinstance(self.means, int) else message_url(self.means)
        return f"{page}#{self.anchor}"


@dataclass(frozen=True)
class Answer:
    """One answer of a guide question: it leads to another question or to a code."""

    say: str
    next: str = ""
    code: int = 0
    why: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    ask: str
    help: str
    answers: tuple


@dataclass(frozen=True, repr=False)
class Guide(ReprOnce):
    """The decision guide (content/guide.yaml): questions from `start` to codes."""

    source: str
    start: str
    questions: tuple  # in the file's order
    outside: tuple = ()  # ({code, why}) registered codes it never leads to, on purpose

    @cached_property
    def by_id(self) -> dict:
        return {question.id: question for question in self.questions}

    @cached_property
    def paths(self) -> dict:
        """code -> every way the guide reaches it: ((question, answer) …) from the start."""
        found = {}

        def walk(question, trail):
            for index, answer in enumerate(question.answers, 1):
                step = trail + ((question, answer, index),)
                if answer.next:
                    walk(self.by_id[answer.next], step)
                else:
                    found.setdefault(answer.code, []).append(step)
        walk(self.by_id[self.start], ())
        return found

    @staticmethod
    def question_id(question: Question) -> str:
        """The id of a question's part of the guide page."""
        return f"q-{question.id}"

    @staticmethod
    def result_id(question: Question, index: int) -> str:
        """The id of the part of the guide that shows where an answer leads (a code)."""
        return f"a-{question.id}-{index}"

    def ways_to(self, code: int) -> tuple:
        """How the guide reaches a code: for each way, the answers given and the result's URL."""
        return tuple((tuple(answer.say for _, answer, _ in steps),
                      guide_url(self.result_id(steps[-1][0], steps[-1][2])))
                     for steps in self.paths.get(code, ()))


@dataclass(frozen=True)
class Site:
    """Everything the renderer needs, validated."""

    config: dict
    codes: tuple
    classes: dict
    pages: tuple
    registry: dict
    comparisons: tuple = ()
    guide: Guide | None = None
    failures: tuple = ()
    messages: tuple = ()
    links: tuple = ()  # (source path, code, line, field) of every [[NNN]] and related code
    origins: dict = field(default_factory=dict)  # rendered text -> [(path, line, field)]

    @cached_property
    def by_code(self) -> dict:
        return {entry.code: entry for entry in self.codes}

    @cached_property
    def by_meaning(self) -> dict:
        """code or failure slug -> the messages that mean it, those a visitor sees first."""
        found = {}
        for message in sorted(self.messages, key=lambda message: schema.WHERE.index(message.where)):
            found.setdefault(message.means, []).append(message)
        return {means: tuple(items) for means, items in found.items()}

    def failure(self, slug: str) -> Failure:
        return next(item for item in self.failures if item.slug == slug)

    def meaning_name(self, means) -> str:
        """What a message means, named: '502 Bad Gateway' or 'ERR_CONNECTION_REFUSED'."""
        return f"{means} {self.phrase(means)}" if isinstance(means, int) else self.failure(means).name

    def messages_meaning(self, means) -> tuple:
        return self.by_meaning.get(means, ())

    def comparisons_with(self, code: int) -> tuple:
        return tuple(item for item in self.comparisons if code in item.codes)

    def guide_ways_to(self, code: int) -> tuple:
        return self.guide.ways_to(code) if self.guide else ()

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


def parse_spec(text: str) -> Spec | None:
    """'RFC 9110 §15.3.3', 'RFC 8297' or an Internet-Draft name such as 'draft-ietf-x-y'."""
    text = text.strip()
    if DRAFT_REF.fullmatch(text):
        return Spec(draft=text)
    match = RFC_REF.match(text)
    return Spec(int(match[1]), match[2] or "") if match else None


def line_breaks(text: str, first_line: int) -> tuple:
    """(offset, file line) at the start of every line of a text copied line for line."""
    offsets = [0] + [match.end() for match in NEWLINE.finditer(text)]
    return tuple((offset, first_line + number) for number, offset in enumerate(offsets))


def line_at(breaks: tuple, offset: int) -> int:
    """The file line of a character of a text, given the text's (offset, file line) breaks."""
    return breaks[bisect.bisect_right([start for start, _ in breaks], offset) - 1][1]
