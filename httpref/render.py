"""Render the validated site into output files: (path, bytes) pairs, nothing written yet."""
import hashlib
import json
import traceback
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

import rcssmin
import rjsmin
from jinja2 import (Environment, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateSyntaxError, select_autoescape)
from markupsafe import Markup, escape

from . import api, facts, reach, routes, scenarios, schema
from .model import ContentError, Problem, Site, StatusCode
from .text import is_editor_file
from .schema import CLASS_KEYS
from .kinds import KINDS, clients, proxies
from .kinds.messages import PLACEHOLDER
from .markup import Markdown, highlight_code
from .memo import Memo
from .cards import Card, Cards

STATUS_LABELS = {
    "registered": "Official, registered with IANA",
    "temporary": "Official, temporary IANA registration",
    "unused": "Reserved: registered as (Unused)",
    "obsoleted": "Obsoleted in the IANA registry",
    "unofficial": "Unofficial",
}


# The one Content-Security-Policy: sent as a header where the host reads _headers, and as a
# <meta> tag on every page so it holds on hosts that do not (GitHub Pages).
CSP = (("default-src", "'none'"), ("script-src", "'self'"), ("style-src", "'self'"),
       ("img-src", "'self' data:"), ("connect-src", "'self'"),
       ("manifest-src", "'self'"), ("base-uri", "'none'"),
       ("form-action", "'none'"), ("frame-ancestors", "'none'"))
META_IGNORES = ("frame-ancestors",)  # browsers honour it only in a header (CSP3 §6.1)


def csp(for_meta: bool = False) -> Markup:
    """The policy as one line (a constant of ours, so it needs no escaping)."""
    return Markup("; ".join(f"{name} {value}" for name, value in CSP
                            if not (for_meta and name in META_IGNORES)))


def minify(suffix: str, data: bytes) -> bytes:
    """The stylesheet and the script without comments and spare white space."""
    if suffix == ".css":
        return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8")
    if suffix == ".js":
        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8")
    return data


def fingerprint_assets(static: Path) -> dict:
    """name -> (URL with a content hash, bytes), so a changed file is never served stale."""
    assets = {}
    for path in sorted(p for p in static.rglob("*")
                       if p.is_file() and not is_editor_file(p.relative_to(static))):
        data = minify(path.suffix, path.read_bytes())
        name = path.relative_to(static).as_posix()
        digest = hashlib.sha256(data).hexdigest()[:10]
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
        assets[name] = (routes.static_url(hashed), data)
    return assets


def json_ld(data) -> Markup:
    """JSON for a <script type="application/ld+json"> block, safe against '</script>'."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def said(text: str) -> Markup:
    """A message's text as shown, each placeholder ({host}) as a variable."""
    return Markup(PLACEHOLDER.sub(lambda match: f"<var>{match[1]}</var>", str(escape(text))))


def make_environment(templates: Path, site: Site, assets: dict, markdown: Markdown,
                     memo: Memo) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates),
        bytecode_cache=memo.templates,
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=markdown.block, md_short=markdown.short, md_inline=markdown.inline,
                       md_page=markdown.page, highlight=highlight_code, said=said)
    env.globals.update(
        site=site,
        config=site.config,
        asset=lambda name: assets[name][0],
        status_label=lambda entry: STATUS_LABELS[entry.status],
        cache_rule=facts.cache_rule,
        browser_rule=facts.browser_rule,
        search_rule=facts.search_rule,
        google=facts.GOOGLE,
        redirects=facts.REDIRECTS,
        csp=csp,
        toc=markdown.toc,
        class_keys=CLASS_KEYS,
        class_url=routes.class_url,
        explainer_url=prose_url(site, routes.EXPLAINER),
        api_index_url=routes.API_INDEX,
        cheatsheet_url=routes.CHEATSHEET,
        manifest_url=routes.MANIFEST,
        service_worker_url=routes.SERVICE_WORKER,
        opensearch_url=routes.OPENSEARCH,
        api_csv_url=routes.API_CSV,
        api_code_url=routes.api_code_url,
        api_schema_url=routes.api_schema_url,
        messages_url=routes.MESSAGES,
        visitor_sides=schema.VISITOR_SIDES,
        message_where=schema.MESSAGE_WHERE,
        unknown_rule=facts.UNKNOWN_RULE,
        unknown_spec=facts.UNKNOWN_SPEC,
        compare_url=routes.COMPARE,
        guide_url=routes.GUIDE,
        clients_url=routes.CLIENTS,
        api_clients_url=routes.API_CLIENTS,
        test_server_url=routes.TEST_SERVER,
        client_chunks=clients.chunks,
        client_table=partial(clients.table, site),
        client_groups=partial(clients.groups, site),
        client_scenarios=clients.for_code,
        client_scenario=scenarios.SCENARIOS.get,
        proxies_url=routes.PROXIES,
        proxy_url=routes.proxy_url,
        api_proxies_url=routes.API_PROXIES,
        proxies_by_failure=partial(proxies.by_failure, site),
    )
    return env


def prose_url(site: Site, slug: str) -> str:
    """The URL of a prose page that templates link to, which must exist."""
    if slug not in {prose.slug for prose in site.pages}:
        raise ContentError([Problem(f"content/pages/{slug}.md", 1, "file",
                                    "the templates link to this page; it is missing")])
    return routes.page_url(slug)


def breadcrumbs(site: Site, trail: list) -> dict:
    """BreadcrumbList JSON-LD for [(name, url), ...] starting at the home page."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": name,
             "item": site.config["base_url"] + url}
            for index, (name, url) in enumerate(trail, 1)
        ],
    }


def plan_changed(site: Site, templates: Path, assets: dict, memo: Memo, before: dict) -> tuple:
    """(outputs, fingerprints, Markdown): the Outputs, not yet made, whose fingerprint (of
    what they show) differs from `before`; the fingerprint of every file of the site; the
    converter they render with."""
    plan, markdown = plan_site(site, templates, assets, memo)
    # What every page shows: the templates, the static files' URLs and the site's settings.
    common = (templates_digest(templates), tuple(url for url, _ in assets.values()), site.config)
    prints = {output.path: hash(repr((common, output.shows))) for output in plan}
    return [output for output in plan if before.get(output.path) != prints[output.path]], \
        prints, markdown


def templates_digest(templates: Path) -> int:
    return hash(tuple((path.name, path.read_bytes()) for path in sorted(templates.iterdir())
                      if path.is_file()))


def make_outputs(wanted: list, markdown: Markdown, templates: Path) -> list:
    """(path, bytes) of each planned output; a template mistake becomes a ContentError."""
    try:
        outputs = [(output.path, output.make()) for output in wanted]
    except TemplateSyntaxError as error:
        raise template_problem(templates, error.filename, error.lineno, error.message) from None
    except TemplateError as error:
        # Jinja maps the failing line of a compiled template back onto the traceback.
        frames = [frame for frame in traceback.extract_tb(error.__traceback__)
                  if frame.filename.startswith(str(templates))]
        frame = frames[-1] if frames else None
        raise template_problem(templates, frame and frame.filename, frame and frame.lineno,
                               str(error)) from None
    markdown.raise_problems()
    return outputs


def render_draft(site: Site, templates: Path, assets: dict, entry: StatusCode,
                 memo: Memo) -> bytes:
    """The page of an entry that does not pass check yet, for the dev server only: any text
    whose Markdown has a problem is shown as typed instead of rendered."""
    markdown = Markdown(site, memo.markdown)
    env = make_environment(templates, site, assets, markdown, memo)
    for name in ("md", "md_short", "md_inline"):
        env.filters[name] = as_typed_if_wrong(env.filters[name], markdown)
    return env.get_template("code.html").render(
        url=entry.url, card_url=routes.card_url(entry.url), entry=entry, previous=None, next=None, json_ld=None,
        sent=proxies.sends(site, entry.code)).encode("utf-8")


def as_typed_if_wrong(convert, markdown: Markdown):
    def show(text: str) -> Markup:
        count = len(markdown.problems)
        html = convert(text)
        return html if len(markdown.problems) == count else Markup("<pre>{}</pre>").format(text)
    return show


def template_problem(templates: Path, filename, line, message) -> ContentError:
    path = Path(filename).relative_to(templates.parent).as_posix() if filename else "templates"
    return ContentError([Problem(path, line or 1, "template", message)])


@dataclass(frozen=True)
class Output:
    """One file of the site: where it goes, how to make it, and every fact it shows (while
    they are unchanged, so is the file: the dev server re-renders by comparing them)."""

    path: str
    make: Callable[[], bytes]
    shows: tuple
    beside: str = ""  # the page it is best made with (its card, its data: the same texts)


class Plan:
    """What a kind of content declares its pages with (see kinds/): `page` for each, and
    the helpers their context and what they show are made with."""

    def __init__(self, site: Site, env: Environment, markdown: Markdown, cards: Cards):
        self.site, self.env, self.markdown, self.cards = site, env, markdown, cards
        self.outputs, self.listed = [], []  # listed: the URLs of the pages, for the sitemap
        self.linked = links_shown(site)

    def page(self, url: str, template: str, shows: tuple, card: Card | None = None, **context):
        """A page at `url` from `template`; `shows` is every fact it displays; `card` what its
        share card says (a page without one shares the home page's)."""
        if url.endswith("/"):
            self.listed.append(url)
        card_url = routes.card_url(url if card else routes.HOME)
        if card:
            self.file(card_url, lambda: self.cards.draw(card), (card, self.cards.key), beside=url)
        self.file(url, lambda: self.env.get_template(template).render(
            url=url, card_url=card_url, **{name: value() if callable(value) else value
                                           for name, value in context.items()}).encode("utf-8"), shows)

    def data(self, url: str, make, shows: tuple = (), beside: str = ""):
        """A JSON file at `url` of what `make()` returns: indented UTF-8, ending in a newline."""
        self.file(url, lambda: (json.dumps(make(), ensure_ascii=False, indent=2) + "\n").encode(),
                  shows, beside)

    def file(self, url: str, make, shows: tuple = (), beside: str = ""):
        """A file at `url`; `beside`, the URL of the page it is best made with."""
        self.outputs.append(Output(routes.output_path(url), make, shows,
                                   beside and routes.output_path(beside)))

    @staticmethod
    def json_ld(data) -> Markup:
        return json_ld(data)

    def breadcrumbs(self, trail: list) -> dict:
        return breadcrumbs(self.site, trail)

    def faq(self, items) -> dict:
        """FAQPage JSON-LD for [{q, a}, …]."""
        return {"@type": "FAQPage", "mainEntity": [
            {"@type": "Question", "name": self.markdown.short(item["q"]).striptags(),
             "acceptedAnswer": {"@type": "Answer",
                                "text": self.markdown.short(item["a"]).striptags()}}
            for item in items]}


def plan_site(site: Site, templates: Path, assets: dict, memo: Memo) -> tuple:
    """(every Output of the site, the Markdown converter they render with)."""
    markdown = Markdown(site, memo.markdown)
    env = make_environment(templates, site, assets, markdown, memo)
    base = site.config["base_url"]
    cards = Cards(assets["style.css"][1].decode(), site.config["title"])
    out = Plan(site, env, markdown, cards)
    home_ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": site.config["title"], "url": base + routes.HOME},
        breadcrumbs(site, [("HTTP status codes", routes.HOME)])]}
    out.page(routes.HOME, "home.html", (tuple(entry.listing for entry in site.codes),
                                        tuple(site.classes.items())), json_ld=json_ld(home_ld),
             card=Card("The reference", "Every HTTP status code, explained",
                       "What it means, what a visitor can do, how a developer fixes it"))
    for kind in KINDS:
        kind.outputs(site, out)
    out.page(routes.CHEATSHEET, "cheatsheet.html", (tuple(entry.listing for entry in site.codes),
                                                    tuple(site.classes.items())),
             card=Card("Cheat sheet", "Every HTTP status code on one page", "To print on one or two sheets"),
             json_ld=json_ld({"@context": "https://schema.org", **breadcrumbs(site, [
                 ("HTTP status codes", routes.HOME), ("Cheat sheet", routes.CHEATSHEET)])}))
    api.outputs(site, out)
    reach.outputs(site, out, assets, cards)
    out.page(routes.NOT_FOUND, "404.html", (404 in site.by_code,), json_ld=None)
    out.page(routes.SITEMAP, "sitemap.xml", (tuple(out.listed),), urls=sorted(out.listed))
    out.file("/_headers", lambda: env.get_template("headers.txt").render().encode())
    out.file("/robots.txt",
             lambda: f"User-agent: *\nAllow: /\n\nSitemap: {base}{routes.SITEMAP}\n".encode())
    for url, data in assets.values():
        out.file(url, lambda data=data: data)  # the URL holds the content hash
    return out.outputs, markdown


def links_shown(site: Site):
    """A function giving what the short links of a content file (or of the given codes)
    show: each linked code's phrase and whether it has a page, each list's codes."""
    by_source = {}
    for path, target, _, _ in site.links:
        by_source.setdefault(path, []).append(target)

    def shown(target):
        if isinstance(target, tuple):  # a [[codes: …]] list
            return tuple((entry.code, entry.phrase) for entry in facts.select_codes(site.codes, target))
        return target, site.phrase(target), target in site.by_code

    def linked(*sources) -> tuple:
        targets = [target for source in sources
                   for target in (by_source.get(source, ()) if isinstance(source, str) else (source,))]
        return tuple(shown(target) for target in targets)
    return linked
