"""Markdown and syntax highlighting: the one place where content becomes trusted HTML."""
import re
import xml.etree.ElementTree as etree
from html import escape
from functools import lru_cache

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from .content import CODE_REF, SHORT_LINK, code_url, parse_spec

FORMATTER = HtmlFormatter(nowrap=True)


class ShortLinkProcessor(InlineProcessor):
    """`[[404]]` becomes a link to the code page; `[[RFC 9110 §15.5.5]]` a link to the RFC."""

    def __init__(self, site):
        super().__init__(SHORT_LINK.pattern)
        self.site = site

    def handleMatch(self, match, data):
        target = match[1].strip()
        element = etree.Element("a")
        if CODE_REF.match(target):
            code = int(target)
            element.text = f"{code} {self.site.phrase(code)}"
            if code in self.site.by_code:
                element.set("href", code_url(code))
            else:  # registered, page not written yet: plain text, never a dead link
                element = etree.Element("span")
                element.text = f"{code} {self.site.phrase(code)}"
        else:
            spec = parse_spec(target)
            element.set("href", spec.url)
            element.text = str(spec)
        return element, match.start(0), match.end(0)


class ShortLinkExtension(Extension):
    def __init__(self, site):
        super().__init__()
        self.site = site

    def extendMarkdown(self, md):
        md.inlinePatterns.register(ShortLinkProcessor(self.site), "short_link", 175)
        # Raw HTML is rejected by validation; escape it here too so nothing slips through.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


# Converted Markdown, shared by every build in a process (the dev server's rebuilds reuse it).
# The key includes the site's link signature: a [[404]] renders differently once 404's
# phrase or page changes.
CONVERTED = {}
# Text Markdown would leave as one plain paragraph: no inline syntax, no block start.
PLAIN = re.compile(r"(?![-+*] |\d+[.)] |#|>| )[^`*_\[\]<>&#!|\\~\n]*")
CACHE_LIMIT = 100_000


def link_signature(site) -> int:
    """What a short link can render to: every code's phrase and whether it has a page."""
    return hash(tuple(sorted((code, site.phrase(code), code in site.by_code)
                             for code in set(site.registry) | set(site.by_code))))


class Markdown:
    """One configured converter for the whole site, reset for every piece of text."""

    def __init__(self, site):
        self.converter = markdown.Markdown(
            extensions=["fenced_code", "tables", "sane_lists", ShortLinkExtension(site)])
        # Prose pages also get heading anchors and a table of contents.
        self.page_converter = markdown.Markdown(
            extensions=["fenced_code", "tables", "sane_lists", "toc", ShortLinkExtension(site)],
            extension_configs={"toc": {"permalink": False}},
        )
        # Short texts (a why, a retry note) never hold blocks: a lighter converter is faster.
        self.phrase_converter = markdown.Markdown(extensions=[ShortLinkExtension(site)])
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
        html = CONVERTED.get(key)
        if html is None:
            if len(CONVERTED) > CACHE_LIMIT:
                CONVERTED.clear()
            if PLAIN.fullmatch(text):  # nothing for Markdown to do
                html = Markup(f"<p>{escape(text, quote=False)}</p>")
            else:
                converter.reset()
                html = Markup(converter.convert(text))
            CONVERTED[key] = html
        return html

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
