"""The frozen model every stage shares: status codes, comparisons, the guide, failures,
messages, pages, the site, and the problems found in them."""
from dataclasses import dataclass, field, fields
from functools import cached_property

from . import facts, schema
from .observed import Observations
from .routes import code_url, compare_url, guide_url, message_url, page_url
from .text import Spec, parse_spec

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
    clients: Observations = field(default_factory=Observations)
    proxies: tuple = ()  # ProxyAnswer, observed, in the order of scenarios.PROXIES and failures
    platforms: tuple = ()  # Platform, by file name
    links: tuple = ()  # (source path, code, line, field) of every [[NNN]] and related code
    origins: dict = field(default_factory=dict)  # rendered text -> [(path, line, field)]

    @cached_property
    def by_code(self) -> dict:
        return {entry.code: entry for entry in self.codes}

    @cached_property
    def proxy_answers(self) -> tuple:
        """Every answer, observed first, then documented."""
        return self.proxies + tuple(answer for platform in self.platforms for answer in platform.answers)

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
