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
    full stop (the spec follows it in brackets), and the spec section that states it (or a
    document's name, with its address in `url`)."""

    key: str
    text: str
    spec: str
    url: str = ""


# What a browser does on a page navigation (the Fetch and HTML standards say it; the browser
# tests check the keys in Chromium).
FETCH = ("Fetch Standard", "https://fetch.spec.whatwg.org/#http-redirect-fetch")
HTML = ("HTML Standard", "https://html.spec.whatwg.org/multipage/browsing-the-web.html")
FOLLOWED = {301: "a POST is repeated as a GET without its body; other methods are kept",
            302: "a POST is repeated as a GET without its body; other methods are kept",
            303: "every method but HEAD becomes a GET without a body",
            307: "the method and body are repeated unchanged",
            308: "the method and body are repeated unchanged"}
# What Google Search does with a URL that answers the code (documented, not observed here).
GOOGLE = ("Google Search Central",
          "https://developers.google.com/search/docs/crawling-indexing/http-network-errors",
          "2026-12-05")


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


def browser_rule(code: int) -> Rule:
    """What a browser does when a page it navigates to answers with this code."""
    if code < 200:
        return Rule("interim", "Nothing to show: it waits for the final response",
                    "RFC 9110 §15.2")
    if code in (204, 205):
        return Rule("stays", "Stays on the current page: the navigation ends without "
                             "showing anything new", *HTML)
    if code in FOLLOWED:
        return Rule("follows", f"Follows `Location` by itself (at most 20 redirects in a row); "
                               f"{FOLLOWED[code]}", *FETCH)
    if code == 304:
        return Rule("cached", "Shows its cached copy: a browser gets 304 only to a conditional "
                              "request it sent to revalidate that copy", "RFC 9111 §4.3.4")
    if code == 401:
        return Rule("prompt", "Shows the content; with a `Basic` or `Digest` challenge it first "
                              "asks for a user name and password and retries with them",
                    "RFC 9110 §11.6.1")
    if code == 407:
        return Rule("proxy-only", "Asks for a password only when its own configured proxy sent "
                                  "the 407; from any other server it shows a network error page "
                                  "(Chromium: `ERR_UNEXPECTED_PROXY_AUTH`)", "RFC 9110 §11.7.1")
    extra = (" and does not follow a `Location` header" if 300 <= code < 400 else
             "; with no content, Chromium shows its own error page (HTTP ERROR "
             f"{code})" if code >= 400 else "")
    return Rule("shows", f"Shows the content it received{extra}", *FETCH)


def search_rule(code: int) -> Rule:
    """What Google Search does with a URL that answers with this code."""
    name, url, _ = GOOGLE
    if code == 204:
        text, key = "Treats it as a page without content; Search Console may report a soft 404", "empty"
    elif 200 <= code < 300:
        text, key = ("Considers the content for indexing, which is not a promise to index it; an "
                     "error message sent with a 2xx is reported as a soft 404", "indexable")
    elif code in (301, 308):
        text, key = ("Follows up to 10 redirects; a strong signal that the target is the URL to "
                     "show in results", "strong-redirect")
    elif code in (302, 303, 307):
        text, key = ("Follows up to 10 redirects; a weak signal that the target is the URL to "
                     "show in results", "weak-redirect")
    elif code == 304:
        text, key = "Takes the content as unchanged since the last crawl", "unchanged"
    elif code == 429 or code >= 500:
        text, key = ("Slows down crawling; URLs already indexed stay for a while, then are "
                     "dropped if the errors go on", "server-error")
    elif code >= 400:
        text, key = ("Does not index the URL and drops it if it was indexed; every 4xx but 429 "
                     "counts the same", "not-indexed")
    else:
        text, key = "Not covered by Google's documentation", "undocumented"
    return Rule(key, text, name, url)


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


# A number the site has no page for (RFC 9110 §15): the look-up and the not-found page say it.
UNKNOWN_SPEC = "RFC 9110 §15"
UNKNOWN_RULE = ("A three-digit number from 100 to 599 with no page here is not registered, and a "
                "client treats it as the x00 code of its class; any other number is not a valid "
                "HTTP status code, and a client handles it like a 5xx server error")
UNKNOWN = {  # the same rule for one number {n}, whose class starts with {first}
    "unregistered": "{n} is not a registered HTTP status code. A client that does not "
                    "recognise a code treats it as the x00 code of its class, so it handles "
                    "{n} like {first}",
    "invalid": "{n} is not a valid HTTP status code: valid codes are three digits from 100 to "
               "599. Some software uses other numbers for its own errors; a client that "
               "receives one should handle the response like a 5xx server error",
}
