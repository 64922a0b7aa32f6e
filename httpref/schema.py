"""The one description of a content file: front-matter fields and body sections.

Validation, the `new` scaffold and the field tables of CONTRIBUTING.md (contributing.py) all
read this module.
"""
from dataclasses import dataclass

TEXT = "text"  # Markdown, with short links
PLAIN = "plain text"  # shown exactly as written (lists, titles, meta tags, the API): no Markdown
RAW_TEXT = "raw text"  # never rendered, so not checked as Markdown (e.g. an HTTP request)
TEXT_LIST = "list of plain text"
DATE = "date"  # YYYY-MM-DD, quoted or not, not in the future
CODE = "status code"  # a code that must have a page or be registered (it is linked)
STATUS = "status"  # any number from 100 to 599 (an expected response, never linked)
MEANS = "status code or failure"  # a code with a page, or the slug of a failure page
URL = "URL"  # an absolute http(s) URL that a template prints into a link
# How an unofficial attribution stands today (a tuple kind: the value must be one of these).
STANDING = ("current", "historic", "disputed")
# Where an unofficial number comes from, each with what it means (the `origin` field).
ORIGINS = {
    "log-only": "no client receives it",
    "internal": "only inside a server's configuration",
    "edge": "a CDN, proxy, load balancer or filter between client and application sends it",
    "application": "the application or service sends it",
    "client": "a client library reports it to its caller for a failure with no response",
}
ORIGIN = tuple(ORIGINS)
# Whose side a problem is on, for a visitor who sees it: the answer above the fold.
VISITOR_SIDES = {
    "visitor": "The fix is on your side",
    "site": "The problem is on the website’s side, not yours",
    "between": "The problem is between you and the website (a network, proxy or CDN)",
    "either": "The problem can be on either side",
    "log": "Visitors never see this code: it appears only in a server’s logs",
}
VISITOR_SIDE = tuple(VISITOR_SIDES)
VISITOR_SIDE_HELP = ("Whose side the problem is on, for a visitor who lands on the page: "
                     + "; ".join(f"`{word}` ({meaning[0].lower() + meaning[1:]})"
                                 for word, meaning in VISITOR_SIDES.items()) + ".")
CLASS_KEYS = ("1xx", "2xx", "3xx", "4xx", "5xx")
REGISTRY_STATUSES = ("registered", "temporary", "unused", "obsoleted")
CHOICE_DEFAULTS = {STANDING: "current"}  # what a left-out choice reads as (otherwise nothing)
OPTIONAL = "?"  # a record key ending in "?" may be left out


@dataclass(frozen=True)
class Field:
    """One front-matter key: its type, whether it is required, and what it is for."""

    name: str
    kind: object  # TEXT, TEXT_LIST, a tuple of allowed words, or a dict describing the items
    #               of a list of records
    required: bool
    help: str
    scaffold: str
    min_items: int = 0
    max_items: int = 0

    @property
    def kind_name(self) -> str:
        if isinstance(self.kind, dict):
            keys = ", ".join(self.kind)
            return f"list of {{{keys}}}"
        if isinstance(self.kind, tuple):
            return "one of " + ", ".join(f"`{word}`" for word in self.kind)
        return self.kind


FIELDS = (
    Field("phrase", PLAIN, True,
          "The registered name (official codes, must match the registry) or the vendor's name.",
          "TODO registered name"),
    Field("summary", PLAIN, True,
          "One plain sentence: used in lists, the meta description and the JSON API.",
          "TODO one plain sentence a visitor understands."),
    Field("visitor_side", VISITOR_SIDE, False,
          VISITOR_SIDE_HELP + " Required for 4xx, 5xx and unofficial codes.", ""),
    Field("visitor_now", TEXT, False,
          "With `visitor_side`: one plain sentence, the one thing a visitor can do now; shown "
          "in the first screen above a link to the full advice.", ""),
    Field("spec", PLAIN, False,
          "Defining spec section, e.g. `RFC 9110 §15.3.3`; required for official codes and "
          "must agree with the registry's reference.",
          "RFC 9110 §TODO"),
    Field("aliases", TEXT_LIST, False,
          "Former or alternative names people still search for (e.g. `Payload Too Large`).",
          "[]"),
    Field("vendors", TEXT_LIST, False,
          "Unofficial codes only: who uses the number (nginx, Cloudflare, AWS ELB…); required "
          "when the code is not in the registry.",
          "[]"),
    Field("origin", ORIGIN, False,
          "Unofficial codes: where the number comes from: "
          + "; ".join(f"`{word}` ({meaning})" for word, meaning in ORIGINS.items())
          + ". Required when the code is not in the registry.",
          ""),
    Field("standing", STANDING, False,
          "Unofficial codes: `historic` when the vendor no longer sends it, `disputed` when the "
          "attribution itself is doubtful (say why in the text and `sources`); default `current`.",
          ""),
    Field("keywords", TEXT_LIST, False,
          "Extra words the home-page filter should match (e.g. `rate limit` for 429).",
          "[]"),
    Field("seen_by", TEXT, False,
          "Unofficial codes: who ever sees the number (the client, or only a log) and what the "
          "client receives instead; required when the code is not in the registry.",
          ""),
    Field("retry", TEXT, True,
          "Is it safe to retry, and under what condition (one or two sentences).",
          "TODO when a client may retry."),
    Field("caching", TEXT, False,
          "Caching beyond the default rule of RFC 9110 §15.1 (e.g. RFC 6585: must not be stored).",
          ""),
    Field("headers", {"name": PLAIN, "why": TEXT}, True,
          "Header fields that go with the code, each with why (`[]` if none is specific).",
          "\n  - name: TODO\n    why: TODO"),
    Field("related", {"code": CODE, "why": TEXT}, True,
          "Related codes, confusable neighbours first, each with one line on why.",
          "\n  - code: 200\n    why: TODO\n  - code: 500\n    why: TODO",
          min_items=2),
    Field("faq", {"q": TEXT, "a": TEXT}, True,
          "Questions people really search for, with short accurate answers (Markdown).",
          "\n  - q: TODO?\n    a: TODO\n  - q: TODO?\n    a: TODO\n  - q: TODO?\n    a: TODO",
          min_items=3),
    Field("also_used_by", {"vendor": PLAIN, "phrase": PLAIN, "meaning": TEXT,
                           "standing?": STANDING}, False,
          "Other meanings vendors give the same number, each shown in its own labelled section "
          "after the main meaning; `meaning` is Markdown (who sends it, who sees it, what to do); "
          "`standing` as for the page (optional).",
          ""),
    Field("requests", {"request": RAW_TEXT, "status": STATUS}, True,
          "Requests the tests send to every server example, in order, each with the status it "
          "must produce; for an official code at least one expects this page's code. "
          "`request` is `METHOD /path`, "
          "then optional header lines, a blank line and a body; `{ETag}` is replaced by that "
          "header of the previous response.",
          "\n  - request: GET /TODO\n    status: {code}",
          min_items=1),
    Field("not_run", {"example": RAW_TEXT, "why": RAW_TEXT}, False,
          "Examples the tests cannot run (by `### Label`), each with the reason they report. "
          "Keep it rare.",
          ""),
    Field("sources", {"title": PLAIN, "url": URL, "date": DATE}, False,
          "Vendor documentation or source code behind an unofficial code, with the date you "
          "read it (`2026-05-01`, quoted or not); required when the code is not in the registry.",
          "[]"),
)
FIELDS_BY_NAME = {field.name: field for field in FIELDS}
UNOFFICIAL_ONLY = ("vendors", "origin", "seen_by", "sources")


@dataclass(frozen=True)
class Section:
    """One level-2 heading of the body and the shape of what goes under it."""

    key: str
    heading: str
    help: str
    list_marker: str = ""  # "-" for a bullet list, "1." for a numbered list
    min_items: int = 0
    max_items: int = 0


SECTIONS = (
    Section("meaning", "What it means",
            "Plain language first (what happened, in words a visitor understands); then the "
            "precise semantics in our own words, linked to the defining spec section; then how "
            "the code differs from its nearest neighbours."),
    Section("visitor", "Site visitor: What can I do?",
            "A bullet list of 2–5 short items a non-technical person can act on. One of them "
            "says plainly whether it is the visitor's fault.", "-", 2, 5),
    Section("developer", "Developer: How to debug & fix",
            "A numbered list of 3–7 concrete debugging and fixing steps for this code.",
            "1.", 3, 7),
    Section("examples", "Code examples",
            "One `### Label` per example (`### Node.js (Express)`, `### Python (Flask)`, "
            "`### curl`…), an optional one-line note, then one fenced code block with a language "
            "(`js`, `python`, `go`, `bash`…). At least one Express and one Flask or FastAPI "
            "example. Each becomes a tab."),
)
SECTIONS_BY_HEADING = {section.heading: section for section in SECTIONS}

# Headers a response with the code must carry (CONTENT.md); the example tests check them.
REQUIRED_HEADERS = {
    101: ("Upgrade",), 201: ("Location",), 206: ("Content-Range",), 301: ("Location",),
    302: ("Location",), 303: ("Location",), 307: ("Location",), 308: ("Location",),
    401: ("WWW-Authenticate",), 405: ("Allow",), 407: ("Proxy-Authenticate",),
    416: ("Content-Range",), 426: ("Upgrade",), 429: ("Retry-After",), 503: ("Retry-After",),
}
# Languages the example tests can run; any other needs a `not_run` entry.
RUNNABLE_LANGUAGES = ("js", "python", "bash")
SERVER_FRAMEWORKS = ("Express", "Flask", "FastAPI")

# Examples every entry must have: (what the label must mention, fence language, readable name).
REQUIRED_EXAMPLES = (
    (("Express",), "js", "Node.js (Express)"),
    (("Flask", "FastAPI"), "python", "Python (Flask or FastAPI)"),
)


def scaffold(code: int, phrase: str = "", spec: str = "") -> str:
    """A new content file with TODOs that `check` rejects until filled in; given a phrase
    (from the registry) it is an official code, otherwise an unofficial one."""
    given = {"phrase": phrase, "spec": spec} if phrase else {
        "phrase": "TODO the vendor's name for it",
        "spec": "",
        "vendors": "[TODO vendor]",
        "origin": "TODO log-only, internal, edge, application or client",
        "seen_by": "TODO who sees this number, and what the client receives instead",
        "sources": "\n  - title: TODO\n    url: TODO\n    date: TODO",
    }
    if code >= 400 or not phrase:
        given |= {"visitor_side": "TODO visitor, site, between, either or log",
                  "visitor_now": "TODO the one thing a visitor can do now."}
    lines = ["---"]
    for field in FIELDS:
        value = given.get(field.name, field.scaffold)
        if field.name in UNOFFICIAL_ONLY and field.name not in given:
            continue
        if value:
            lines.append(scaffold_field(field.name, value.replace("{code}", str(code))))
    lines.append("---")
    return "\n".join(lines + scaffold_body(SECTIONS, SCAFFOLD_EXAMPLES)) + "\n"


# The examples a scaffold starts with: (label, fence language, comment marker).
SCAFFOLD_EXAMPLES = (("Node.js (Express)", "js", "//"), ("Python (Flask)", "python", "#"))


def scaffold_field(name: str, value: str) -> str:
    """One front-matter line of a scaffold (a block value starts on the next line)."""
    return f"{name}:{'' if value.startswith(chr(10)) else ' '}{value}"


def scaffold_body(sections: tuple, examples: tuple) -> list:
    """The lines of a scaffold's body: every section with a TODO in the shape it needs."""
    lines = []
    for section in sections:
        lines += ["", f"## {section.heading}", ""]
        if section.key == "examples":
            for index, (label, language, comment) in enumerate(examples):
                lines += [""] * bool(index) + [f"### {label}", "", f"```{language}",
                                               f"{comment} TODO", "```"]
        elif section.list_marker:
            lines += [f"{section.list_marker} TODO"] * section.min_items
        else:
            lines.append("TODO")
    return lines


PAGE_FIELDS = (
    Field("title", PLAIN, True, "The page title.", "TODO"),
    Field("description", PLAIN, True, "One sentence for the meta description.", "TODO"),
)

SITE_FIELDS = (
    Field("title", PLAIN, True, "The site's name.", ""),
    Field("description", PLAIN, True, "One sentence describing the site (home page).", ""),
    Field("base_url", URL, True, "Absolute URL the site is published at (canonical links, "
          "sitemap); `build --base-url` overrides it.", ""),
)


# A comparison, content/compare/A-vs-B.md (or A-vs-B-vs-C): the codes come from the file name.
COMPARE_FIELDS = (
    Field("decision", TEXT, True,
          "The answer in one sentence, naming every compared code with a short link ([[401]]) "
          "and when to return each.", "TODO one sentence: return each code when …"),
    Field("keywords", TEXT_LIST, False,
          "Extra phrases people search for (former names, `empty list`); the numbers as "
          "`A vs B` and `A or B` and the phrases are found already.", "[]"),
    Field("use", {"code": CODE, "when": TEXT}, True,
          "One item per compared code, in the file name's order: `when` is a Markdown list of "
          "2–5 concrete situations where that code is the right one.", "", min_items=2),
    Field("faq", {"q": TEXT, "a": TEXT}, True,
          "Questions people ask about the set, with short accurate answers (Markdown).",
          "\n  - q: TODO?\n    a: TODO\n  - q: TODO?\n    a: TODO", min_items=2),
    Field("requests", {"request": RAW_TEXT, "status": STATUS}, True,
          "Requests the tests send to the example, in order, each with the status it must "
          "produce; together they produce every compared code. Written as for an entry.", "",
          min_items=2),
)
COMPARE_FIELDS_BY_NAME = {field.name: field for field in COMPARE_FIELDS}
COMPARE_WHEN_ITEMS = (2, 5)  # bullets in each `use` item's `when`
COMPARE_SECTIONS = (
    Section("mistakes", "Common mistakes",
            "A bullet list of 2–6 mistakes people make with these codes, each with what it "
            "breaks or what to do instead.", "-", 2, 6),
    Section("examples", "Example",
            "Exactly one `### Label` server example (Express, Flask or FastAPI) that returns "
            "each compared code in the situation it fits, with the headers each requires; the "
            "tests send it `requests`."),
)
# The example a comparison must have: any server framework, in its language.
COMPARE_EXAMPLES = ((SERVER_FRAMEWORKS, None, "server (Express, Flask or FastAPI)"),)

# The decision guide, content/guide.yaml: questions whose answers lead on or to a code.
GUIDE_FIELDS = (
    Field("start", PLAIN, True, "The id of the first question.", "outcome"),
    Field("questions", "mapping of id → question", True,
          "A mapping from a question id (lower-case words joined by -) to `ask` (plain text, a "
          "question), an optional `help` (one plain sentence) and 2–7 `answers`.", ""),
    Field("outside", {"code": CODE, "why": TEXT}, False,
          "Registered codes the guide deliberately never leads to, each with why an application "
          "does not choose it; `check` lists any other registered code the guide misses.", ""),
)
GUIDE_QUESTION = {"ask": PLAIN, "help?": PLAIN}
GUIDE_ANSWER = {"say": TEXT, "next?": PLAIN, "code?": CODE, "why?": TEXT}
GUIDE_ANSWERS = (2, 7)


# A failure with no status code, content/failures/SLUG.md: a page at /messages/SLUG/.
FAILURE_FIELDS = (
    Field("name", PLAIN, True,
          "The failure as the screen names it, e.g. `ERR_CONNECTION_REFUSED`.", "TODO"),
    Field("title", PLAIN, True, "The failure in two to four plain words.", "TODO"),
    Field("summary", PLAIN, True,
          "One plain sentence: used in lists, the meta description and the JSON API.", "TODO"),
    Field("visitor_side", VISITOR_SIDE, True, VISITOR_SIDE_HELP,
          "TODO visitor, site, between, either or log"),
    Field("visitor_now", TEXT, True, FIELDS_BY_NAME["visitor_now"].help, "TODO"),
    Field("keywords", TEXT_LIST, False,
          "Other words people type for it (`econnrefused`); the messages that mean it are "
          "found already.", "[]"),
    Field("confused", {"code": CODE, "why": TEXT}, True,
          "The status codes it is mistaken for, each with why.",
          "\n  - code: 502\n    why: TODO\n  - code: 503\n    why: TODO", min_items=2),
    Field("faq", {"q": TEXT, "a": TEXT}, True, FIELDS_BY_NAME["faq"].help,
          FIELDS_BY_NAME["faq"].scaffold, min_items=3),
    Field("sources", {"title": PLAIN, "url": URL, "date": DATE}, True,
          "What the facts were checked against (browser source, man pages), with the day read.",
          "\n  - title: TODO\n    url: TODO\n    date: TODO", min_items=1),
)
FAILURE_FIELDS_BY_NAME = {field.name: field for field in FAILURE_FIELDS}
FAILURE_SECTIONS = (
    Section("happened", "What happened",
            "Plain words first, then precisely which layer failed (DNS, TCP, TLS, HTTP/2, "
            "redirects) and why no status code came back."),
    SECTIONS[1],
    Section("developer", "Developer: How to find the cause",
            "A numbered list of 3–7 concrete steps, with the commands, ending with the fix.",
            "1.", 3, 7),
)

# Messages, content/messages/SOURCE.yaml: the texts one product shows, and what they mean.
MESSAGE_WHERE = {  # each: the heading of its group, and the short label beside a message
    "browser": ("A browser’s own error page", "browser error page"),
    "server": ("A web server’s or framework’s default page", "default error page"),
    "platform": ("A CDN’s, host’s or cloud platform’s page", "platform error"),
    "log": ("A log line or an error code in a dashboard", "log line"),
    "client": ("A command-line tool or library", "client error"),
}
WHERE = tuple(MESSAGE_WHERE)
PLACEHOLDERS = ("host", "url", "path", "port", "ip", "number", "id", "method", "code")
MESSAGE = {"id": PLAIN, "text": RAW_TEXT, "means": MEANS, "explain": TEXT,
           "also?": TEXT_LIST, "where?": WHERE, "versions?": PLAIN}
MESSAGE_FIELDS = (
    Field("product", PLAIN, True, "Who shows the texts: `Chromium (Chrome, Edge…)`, `nginx`.",
          "TODO"),
    Field("where", WHERE, True, "Where they appear: " + "; ".join(
        f"`{word}` ({meaning[0][0].lower() + meaning[0][1:]})"
        for word, meaning in MESSAGE_WHERE.items())
          + ". A message may say otherwise for itself.", "TODO"),
    Field("versions", PLAIN, True,
          "The versions the texts apply to, and how we know (read in the source, observed).",
          "TODO"),
    Field("sources", {"title": PLAIN, "url": URL, "date": DATE}, True,
          "Where the exact texts were read (source code, default pages, vendor documentation), "
          "each with the day read.", "\n  - title: TODO\n    url: TODO\n    date: TODO",
          min_items=1),
    Field("messages", MESSAGE, True,
          "The texts: `id` (unique, lower-case words joined by -, starting with the product), "
          "`text` exactly as shown (placeholders: "
          + ", ".join(f"`{{{name}}}`" for name in PLACEHOLDERS)
          + "), `means` (a status code with a page, or a failure's slug), `explain` (one or "
            "two sentences of our own), optional `also` (the same text spelled with other "
            "quotes or apostrophes), `where` and `versions`.",
          "\n  - id: TODO\n    text: TODO\n    means: 500\n    explain: TODO", min_items=1),
)
