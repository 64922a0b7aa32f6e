"""Prose pages, content/pages/NAME.md (the explainer): a title, a description and a
Markdown body, and a page each at /NAME/."""
from .. import routes, schema
from ..cards import Card
from ..model import Page
from ..text import line_breaks
from ..reader import FileReader
from .base import Job, source_files
from .codes import CODE_FILE

NAME = "pages"
# Page names whose URL the site gives to something else.
RESERVED_NAMES = {**{routes.class_url(key).strip("/"): f"the {key} class page"
                     for key in schema.CLASS_KEYS},
                  routes.API.split("/")[1]: "the JSON API",
                  routes.STATIC.strip("/"): "the stylesheet, script and icon",
                  routes.COMPARE.strip("/"): "the comparisons",
                  routes.GUIDE.strip("/"): "the decision guide",
                  routes.MESSAGES.strip("/"): "the error messages",
                  routes.CHEATSHEET.strip("/"): "the cheat sheet",
                  routes.CLIENTS.strip("/"): "what clients do",
                  routes.PROXIES.strip("/"): "what proxies send"}


def load(job: Job) -> tuple:
    return tuple(entry for path in source_files(job.content / "pages") if path.suffix == ".md"
                 if (entry := load_page(path, job)))


def outputs(site, out):
    for prose in site.pages:
        trail = [("HTTP status codes", routes.HOME), (prose.title, prose.url)]
        out.page(prose.url, "page.html", (prose, out.linked(prose.source)), prose=prose,
                 card=Card("Explainer", prose.title, prose.description),
                 json_ld=out.json_ld({"@context": "https://schema.org", **out.breadcrumbs(trail)}))


def load_page(path, job: Job) -> Page | None:
    reader = FileReader(path, job.root, job.problems, job.links, job.origins)
    taken = "a status code's page" if CODE_FILE.fullmatch(path.name) else RESERVED_NAMES.get(path.stem)
    if taken:
        reader.error(1, "file", f"{routes.page_url(path.stem)} is the URL of {taken}; name the page "
                                "after its topic")
        return None
    parts = reader.read_document(path, schema.PAGE_FIELDS)
    if not parts:
        return None
    values, body, body_line = parts
    text = "\n".join(body)
    reader.markdown(text, line_breaks(text, body_line), "body")
    if len(values) < len(schema.PAGE_FIELDS):
        return None
    return Page(path.stem, reader.rel, values["title"], values["description"], "\n".join(body))
