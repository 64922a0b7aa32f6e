"""Failures with no status code, content/failures/SLUG.md (connection refused, DNS, TLS…):
what a visitor and a developer can do when no response came back; a page each under
/messages/."""
import re
from pathlib import Path

from .. import routes, schema
from ..cards import Card
from ..model import Failure
from ..reader import FileReader
from .base import Job, load_once, source_files
from .body import read_body

NAME = "failures"
FOLDER = "content/failures"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def load(job: Job) -> tuple:
    """Every failure page that passes its checks, by slug."""
    return tuple(item for path in source_files(job.root / FOLDER)
                 if (item := load_once(job, path, load_failure)))


def load_failure(path: Path, job: Job) -> Failure | None:
    reader = FileReader(path, job.root, job.problems, job.links, job.origins)
    count = len(job.problems)
    if path.suffix != ".md" or not SLUG.fullmatch(path.stem):
        reader.error(1, "file", "a failure is named by lower-case words joined by -, after the "
                                "error it shows: err-connection-refused.md")
        return None
    parts = reader.read_document(path, schema.FAILURE_FIELDS)
    if not parts:
        return None
    values, body, body_line = parts
    sections, _ = read_body(reader, body, body_line, schema.FAILURE_SECTIONS, ())
    if len(job.problems) != count:
        return None
    return Failure(path.stem, reader.rel, values, sections)


def outputs(site, out):
    """A page for every failure (the messages index lists them)."""
    for item in site.failures:
        trail = [("HTTP status codes", routes.HOME), ("Error messages", routes.MESSAGES),
                 (item.name, item.url)]
        out.page(item.url, "failure.html", (item, out.linked(item.source),
                                            site.messages_meaning(item.slug)),
                 card=Card("No status code", item.name, item.title), item=item, json_ld=lambda item=item, trail=trail: out.json_ld(
                     {"@context": "https://schema.org",
                      "@graph": [out.breadcrumbs(trail), out.faq(item.faq)]}))


def lookup(site) -> list:
    """Every failure, found by its name (with or without underscores), title and keywords."""
    return [{"kind": "failure", "label": item.name, "detail": item.title, "path": item.url,
             "words": " ".join([item.name.replace("_", " "), *item.keywords])}
            for item in site.failures]


def new_file(root: Path, name: str):
    """(path, scaffold, URL) for `build.py new err-something`, or None for another name."""
    if not (name.startswith(("err-", "dns-")) and SLUG.fullmatch(name)):
        return None
    lines = ["---"] + [schema.scaffold_field(field.name, field.scaffold)
                       for field in schema.FAILURE_FIELDS if field.scaffold] + ["---"]
    lines += schema.scaffold_body(schema.FAILURE_SECTIONS, ())
    return root / FOLDER / f"{name}.md", "\n".join(lines) + "\n", routes.message_url(name)
