"""How content text is written and what it points to: short links ([[404]], [[codes: …]]),
spec references and their URLs, days, the URLs a page may link to, the file line of any
character of a text, and the files an editor leaves beside content."""
import bisect
import re
from dataclasses import dataclass
from pathlib import Path

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
