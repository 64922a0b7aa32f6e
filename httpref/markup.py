"""Markdown and syntax highlighting: the one place where content becomes trusted HTML."""
import bisect
import re
import xml.etree.ElementTree as etree
from functools import lru_cache
from html import escape
from html.parser import HTMLParser

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import HTML_RE, InlineProcessor
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from . import facts
from .model import ContentError, Problem
from .text import CODE_LIST, CODE_REF, SHORT_LINK, line_at, parse_spec, url_problem
from .memo import MARKDOWN_LIMIT
from .routes import code_url

FORMATTER = HtmlFormatter(nowrap=True)
# Every attribute in which a browser reads a URL.
URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "formaction", "poster", "cite",
                            "data", "background", "ping", "longdesc", "usemap", "manifest",
                            "xlink:href", "codebase", "archive", "icon", "itemtype"})


class UrlCollector(HTMLParser):
    """Every URL of an HTML fragment, decoded as a browser decodes attribute values."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.urls = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                parts = value.split(",") if name == "srcset" else [value]
                self.urls += [part.strip().split(" ")[0] for part in parts]

    handle_startendtag = handle_starttag


def html_problems(html: str) -> list:
    """What is wrong with rendered HTML as the browser will see it."""
    return [problem for url in UrlCollector(html).urls if (problem := url_problem(url))]


class ShortLinkProcessor(InlineProcessor):
    """`[[404]]` becomes a link to the code page; `[[RFC 9110 §15.5.5]]` a link to the RFC."""

    def __init__(self, site, found: list):
        super().__init__(SHORT_LINK.pattern)
        self.site, self.found = site, found

    def handleMatch(self, match, data):
        target = match[1].strip()
        element = etree.Element("a")
        if target.startswith(CODE_LIST):
            try:
                element = self.code_list(facts.parse_query(target.removeprefix(CODE_LIST)))
            except ValueError as error:
                self.found.append(str(error))
                return match[0], match.start(0), match.end(0)
        elif CODE_REF.match(target):
            code = int(target)
            if code not in self.site.by_code and code not in self.site.registry:
                self.found.append(f"{code} has no page and is not in the IANA registry")
                return match[0], match.start(0), match.end(0)
            element.text = f"{code} {self.site.phrase(code)}"
            if code in self.site.by_code:
                element.set("href", code_url(code))
            else:  # registered, page not written yet: plain text, never a dead link
                element.tag = "span"
        elif spec := parse_spec(target):
            element.set("href", spec.url)
            element.text = str(spec)
        else:
            self.found.append(f"[[{target}]] is neither a status code such as [[404]] nor a spec "
                              "such as [[RFC 9110 §15.5.5]]")
            return match[0], match.start(0), match.end(0)
        return element, match.start(0), match.end(0)

    def code_list(self, words: tuple):
        """`[[codes: …]]`: a link to every matching code, as '204, 205 and 304'."""
        wrapper = etree.Element("span")
        chosen = facts.select_codes(self.site.codes, words)
        for index, entry in enumerate(chosen):
            link = etree.SubElement(wrapper, "a", href=code_url(entry.code))
            link.text = str(entry.code) if "numbers" in words else f"{entry.code} {entry.phrase}"
            more = len(chosen) - index - 1
            link.tail = ", " if more > 1 else " and " if more == 1 else ""
        return wrapper


class RawHtmlProcessor(InlineProcessor):
    """Raw HTML stays text (escaped on output), and the author is told to write Markdown."""

    def __init__(self, found: list):
        super().__init__(HTML_RE)
        self.found = found

    def handleMatch(self, match, data):
        self.found.append("raw HTML is not allowed; write Markdown")
        return match[0], match.start(0), match.end(0)


class ShortLinkExtension(Extension):
    """Short links, and raw HTML refused; problems go to `found`."""

    def __init__(self, site, found: list):
        super().__init__()
        self.site, self.found = site, found

    def extendMarkdown(self, md):
        md.inlinePatterns.register(ShortLinkProcessor(self.site, self.found), "short_link", 175)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.register(RawHtmlProcessor(self.found), "html", 90)


# Text Markdown would leave as one plain paragraph: no inline syntax, no block start.
PLAIN = re.compile(r"(?![-+*] |\d+[.)] |#|>| )[^`*_\[\]<>&#!|\\~\n]*")


def link_signature(site) -> int:
    """What a short link can render to: every code's phrase, whether it has a page, and the
    properties a `[[codes: …]]` list selects by."""
    return hash(tuple(sorted((code, site.phrase(code), code in site.by_code)
                             for code in set(site.registry) | set(site.by_code)))
                + tuple(tuple(sorted(entry.properties)) for entry in site.codes))


class Markdown:
    """One configured converter for the whole site, reset for every piece of text. Every
    conversion is checked as the browser will read it; what is wrong is kept in `problems`
    as (text, converter, message) until `raise_problems` names the file, line and field."""

    def __init__(self, site, converted: dict):
        self.site = site
        # Converted texts, kept by the caller across builds. The key includes the site's link
        # signature: a [[404]] renders differently once 404's phrase or page changes.
        self.converted = converted
        self.found = []  # what the converter noticed in the text being converted
        self.problems = []
        self.converter = markdown.Markdown(
            extensions=["fenced_code", "tables", "sane_lists", ShortLinkExtension(site, self.found)])
        # Prose pages also get heading anchors and a table of contents.
        self.page_converter = markdown.Markdown(
            extensions=["fenced_code", "tables", "sane_lists", "toc",
                        ShortLinkExtension(site, self.found)],
            extension_configs={"toc": {"permalink": False}},
        )
        # Short texts (a why, a retry note) never hold blocks: a lighter converter is faster.
        self.phrase_converter = markdown.Markdown(extensions=[ShortLinkExtension(site, self.found)])
        self.signature = link_signature(site)

    def block(self, text: str) -> Markup:
        return self.cached("block", text, self.converter)

    def short(self, text: str) -> Markup:
        """Markdown for a few paragraphs or a list (an FAQ answer): no code fences or tables."""
        return self.cached("short", text, self.phrase_converter)

    def inline(self, text: str) -> Markup:
        """Markdown for a short text, without the wrapping paragraph."""
        html = self.cached("short", text, self.phrase_converter)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = Markup(html[3:-4])
        return html

    def cached(self, kind: str, text: str, converter) -> Markup:
        key = (self.signature, kind, text)
        if key not in self.converted:
            if len(self.converted) > MARKDOWN_LIMIT:
                self.converted.clear()
            if PLAIN.fullmatch(text):  # nothing for Markdown to do, nothing to check
                self.converted[key] = Markup(f"<p>{escape(text, quote=False)}</p>"), ()
            else:
                html, found = self.convert(text, converter)
                self.converted[key] = html, tuple(dict.fromkeys(found))
        html, found = self.converted[key]
        for message in found:
            self.problems.append((text, converter, message))
        return html

    def convert(self, text: str, converter) -> tuple:
        """(HTML, what is wrong with it) for one text."""
        self.found.clear()
        converter.reset()
        html = Markup(converter.convert(text))
        return html, self.found + html_problems(html)

    def raise_problems(self):
        """Raise a ContentError naming where each problem text comes from, if there is one."""
        if not self.problems:
            return
        problems = set()
        for text, converter, message in self.problems:
            places = self.site.origins.get(text) or [("templates", ((0, 1),), "template")]
            offset = self.offset_of(text, converter, message)
            problems |= {Problem(path, line_at(breaks, offset), field, message)
                         for path, breaks, field in places}
        raise ContentError(problems)

    def offset_of(self, text: str, converter, message: str) -> int:
        """Where in the text the problem comes in: the shortest prefix ending at a word that,
        rendered, shows it (a binary search: a longer prefix shows it too)."""
        ends = [index for index, char in enumerate(text) if char in " \n"] + [len(text)]
        first = bisect.bisect_left(ends, True, key=lambda end: message in self.convert(
            text[:end], converter)[1])
        return max(ends[min(first, len(ends) - 1)] - 1, 0)

    def page(self, text: str) -> Markup:
        """A whole prose page, its level-2 headings given anchors."""
        return self.cached("page", text, self.page_converter)

    def toc(self, text: str) -> list:
        """(anchor, title) of each level-2 heading, in order."""
        self.page_converter.reset()
        self.page_converter.convert(text)
        return [(token["id"], token["name"]) for token in self.page_converter.toc_tokens
                if token["level"] == 2]


@lru_cache(maxsize=None)
def lexer_for(language: str):
    return get_lexer_by_name(language)


@lru_cache(maxsize=4096)
def highlight_code(code: str, language: str) -> Markup:
    """Code highlighted at build time with one shared formatter and cached lexers."""
    return Markup(highlight(code, lexer_for(language), FORMATTER))
