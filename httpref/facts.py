"""Protocol facts that follow from the number alone, each with the spec section that states
it, and the lists of codes that prose asks for by property (`[[codes: no-content]]`).

This module is the one place these facts are written: quick facts, the JSON API, the
redirect table and every generated list in the prose read them from here.
"""
import difflib
import re
from dataclasses import dataclass

from .schema import CLASS_KEYS, ORIGIN, REGISTRY_STATUSES, STANDING

# RFC 9110 §15.1 lists the codes a cache may store with heuristic freshness; RFC 7725 §3 adds 451.
HEURISTIC = {code: "RFC 9110 §15.1" for code in (200, 203, 204, 206, 300, 301, 308, 404, 405,
                                                 410, 414, 501)} | {451: "RFC 7725 §3"}
# RFC 6585: a cache must never store these, whatever the headers say.
NEVER_STORED = {428: "RFC 6585 §3", 429: "RFC 6585 §4", 431: "RFC 6585 §5", 511: "RFC 6585 §6"}
# Final responses that never carry content (besides any response to HEAD and a 2xx to CONNECT).
WITHOUT_CONTENT = {204: "RFC 9110 §15.3.5", 205: "RFC 9110 §15.3.6", 304: "RFC 9110 §15.4.5"}
# The redirects compared on each of their pages (RFC 9110 §15.4): permanent?, method kept?
REDIRECTS = {
    301: ("Yes", "Yes, but a POST may become GET"),
    302: ("No", "Yes, but a POST may become GET"),
    303: ("Not a move: points to another resource", "No: becomes GET (HEAD stays HEAD)"),
    307: ("No", "Yes, with the body"),
    308: ("Yes", "Yes, with the body"),
}
@dataclass(frozen=True)
class Rule:
    """One fact about a code: a short key for data, a sentence of Markdown without its final
    full stop (the spec follows it in brackets), and the spec section that states it."""

    key: str
    text: str
    spec: str


def cache_rule(code: int) -> Rule:
    """May a cache store this response without being told to?"""
    if code < 200:
        return Rule("never", "No: caches store only final responses", "RFC 9111 §3")
    if code in NEVER_STORED:
        return Rule("never", "Never: a cache must not store it, whatever the headers say",
                    NEVER_STORED[code])
    if code in HEURISTIC:
        return Rule("heuristic", "Yes: heuristically cacheable, so a cache may store it even "
                                 "without freshness headers", HEURISTIC[code])
    if code == 304:
        return Rule("refresh", "Not stored as a response of its own: a cache uses it to freshen "
                               "the stored response it validated and copies its header fields "
                               "onto that response", "RFC 9111 §4.3.4")
    return Rule("explicit", "No: a cache stores it only when told to, for example by "
                            "`Cache-Control: max-age` or `Expires`", "RFC 9111 §3")


def content_rule(code: int) -> Rule:
    """May the response carry content, and how does it end?"""
    if code < 200:
        return Rule("none", "None: an interim response is a status line and header fields",
                    "RFC 9110 §15.2")
    if code == 205:  # RFC 9112 §6.3 does not list 205: it is framed like any other response
        return Rule("none", "Not allowed. Unlike a 204 it is framed like any other response, so "
                            "the server marks the empty content, usually with "
                            "`Content-Length: 0`", WITHOUT_CONTENT[code])
    if code in WITHOUT_CONTENT:
        return Rule("none", "Not allowed: the response ends with its header section",
                    WITHOUT_CONTENT[code])
    return Rule("allowed", "Allowed, except in a response to HEAD", "RFC 9110 §9.3.2")


def properties(entry) -> set:
    """Every word a `[[codes: …]]` list can select this entry by."""
    words = {entry.class_key, "official" if entry.is_official else "unofficial",
             cache_rule(entry.code).key, entry.standing, entry.status}
    if entry.code >= 200 and content_rule(entry.code).key == "none":
        words.add("no-content")
    if entry.origin:
        words.add(entry.origin)
    if entry.spec_ref and entry.spec_ref.rfc:
        words.add(f"rfc={entry.spec_ref.rfc}")
    words |= {vendor_word(name) for name in entry.vendors}
    return words


def vendor_word(name: str) -> str:
    """`AWS Elastic Load Balancing` is selected by `vendor=aws-elastic-load-balancing`."""
    return "vendor=" + name.lower().replace(" ", "-")


# Every word a `[[codes: …]]` list can name, in groups, with what it selects (CONTRIBUTING.md
# shows this table); `vendor=` and `rfc=` take a value.
QUERY_GROUPS = (
    (CLASS_KEYS, "the class"),
    (("official", "unofficial"), "in the IANA registry or not"),
    (REGISTRY_STATUSES, "the registry's status"),
    (("heuristic", "explicit", "never", "refresh"), "the cache rule, as the API's `cache_rule` names it"),
    (("no-content",), "a final response that never carries content"),
    (ORIGIN, "an unofficial code's `origin`"),
    (STANDING, "an unofficial code's `standing` (official codes count as `current`)"),
    (("vendor=NAME",), "a vendor, in lower case with `-` for spaces (`vendor=cloudflare`)"),
    (("rfc=N",), "the RFC of the code's `spec` (`rfc=6585`)"),
    (("numbers",), "show numbers only (\"204, 205 and 304\"), not number and phrase"),
)
QUERY_WORDS = tuple(word for words, _ in QUERY_GROUPS for word in words if "=" not in word)


def describe_query_words() -> str:
    """The Markdown table of `[[codes: …]]` words for CONTRIBUTING.md."""
    rows = ["| words | select |", "|---|---|"]
    rows += [f"| {', '.join(f'`{word}`' for word in words)} | {what} |"
             for words, what in QUERY_GROUPS]
    return "\n".join(rows)


def parse_query(text: str) -> tuple:
    """The words of `codes: …`, or raise ValueError naming the first unknown one. A word is a
    class (`4xx`), a registry status, a cache rule, `no-content`, an origin, a standing,
    `official`/`unofficial`, `vendor=aws-elb` or `rfc=6585`; `numbers` shows numbers only."""
    words = tuple(text.lower().split())
    if not words:
        raise ValueError("names no property; e.g. [[codes: no-content]]")
    for word in words:
        if word not in QUERY_WORDS and not re.fullmatch(r"vendor=[a-z0-9.:-]+|rfc=\d+", word):
            close = difflib.get_close_matches(word, QUERY_WORDS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ValueError(f"unknown property '{word}' in [[codes: {text.strip()}]]{hint}")
    return words


def select_codes(codes, words: tuple) -> list:
    """The entries that have every property named (`numbers` only changes how they show)."""
    wanted = set(words) - {"numbers"}
    return [entry for entry in codes if wanted <= entry.properties]
