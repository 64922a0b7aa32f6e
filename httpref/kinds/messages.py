"""Messages, content/messages/SOURCE.yaml: the texts people see on an error screen or in a
log (a browser's, a server's, a CDN's, a client's), each mapped to the status code it means
or to a failure with none; the index at /messages/ and /api/messages.json."""
import re
import unicodedata
from pathlib import Path

import yaml

from .. import routes, schema
from ..cards import Card
from ..model import Message, Problem
from ..reader import FileReader, suggest
from . import codes, proxies
from .failures import FOLDER as FAILURES
from .base import Job, load_once, source_files, yaml_file

NAME = "messages"
FOLDER = "content/messages"
MESSAGE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PLACEHOLDER = re.compile(r"\{([a-z]+)\}")  # {host}; a JSON body such as {"message":…} is not one
# Quotes and apostrophes a text may be typed with either way: they find the same message.
QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"', "„": '"'})


def fold(text: str) -> str:
    """A text as two spellings of it compare: quotes and apostrophes straight, case and runs
    of white space ignored (static/lookup.js ignores them too when it searches)."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(QUOTES).lower().split())


def load(job: Job) -> tuple:
    """Every message of every source file, in the order of the files; an id or a text (folded)
    given twice, in one file or two, is reported where it is repeated."""
    have = codes.with_files(job)
    failures = present_failures(job)
    found = [load_once(job, path, lambda path, alone: load_source(path, alone, have, failures),
                       (have, failures)) for path in source_files(job.root / FOLDER)]
    placed = [item for items in found if items for item in items]
    check_unique(job, placed)
    written = tuple(message for message, _ in placed)
    return written + proxies.observed_messages(job.loaded.get("proxies", ()), written, fold,
                                                job.registry)


def present_failures(job: Job) -> frozenset:
    """The failures a message may mean: every failure file, whether or not it passes its
    checks (its problems are reported already)."""
    return frozenset(path.stem for path in source_files(job.root / FAILURES))


def load_source(path: Path, job: Job, have: frozenset, failures: frozenset) -> tuple | None:
    """((Message, (index, line of its id, line of its text)), …) of one source file, or None
    after reporting its problems."""
    count = len(job.problems)
    reader, node = yaml_file(path, job, "a source of messages is a YAML file named after the "
                                        "product: nginx.yaml")
    if node is False:
        return None
    values = reader.fields(node, schema.MESSAGE_FIELDS, 1)
    items = message_nodes(node)
    if len(values.get("messages", ())) == len(items):  # else a record's problems are reported
        for index, (item, item_node) in enumerate(zip(values["messages"], items), 1):
            check_message(reader, item, item_node, index, have, failures)
    if len(job.problems) != count:
        return None
    return tuple((Message(item["id"], item["text"], tuple(item["also"]), item["means"],
                          item["explain"], item["where"] or values["where"], values["product"],
                          item["versions"] or values["versions"], reader.rel, values["sources"]),
                  (index, key_line(reader, item_node, "id"), key_line(reader, item_node, "text")))
                 for index, (item, item_node) in enumerate(zip(values["messages"], items), 1))


def message_nodes(node) -> list:
    """The YAML nodes of the `messages` list, for their lines."""
    if not isinstance(node, yaml.MappingNode):
        return []
    found = next((value for key, value in node.value if key.value == "messages"), None)
    return list(found.value) if isinstance(found, yaml.SequenceNode) else []


def key_line(reader: FileReader, node, key: str) -> int:
    """The file line of one key of a record."""
    return next((reader.line_of(value) for name, value in node.value if name.value == key),
                reader.line_of(node))


def check_message(reader: FileReader, item: dict, node, index: int, have: frozenset,
                  failures: frozenset):
    label = f"messages[{index}]"
    if not MESSAGE_ID.fullmatch(item["id"]):
        reader.error(key_line(reader, node, "id"), f"{label}.id", "an id is lower-case words "
                     "joined by -, starting with the product: chrome-refused-to-connect")
    means, line = item["means"], key_line(reader, node, "means")
    if isinstance(means, int) and means not in have:
        reader.error(line, f"{label}.means", f"{means} has no page (content/codes/{means}.md)")
    elif isinstance(means, str) and means not in failures:
        reader.error(line, f"{label}.means", f"'{means}' is neither a status code nor a failure "
                                             f"in {FAILURES}/" + suggest(means, failures))
    for text in (item["text"], *item["also"]):
        for name in PLACEHOLDER.findall(text):
            if name not in schema.PLACEHOLDERS:
                reader.error(key_line(reader, node, "text"), f"{label}.text",
                             f"unknown placeholder {{{name}}}; use one of "
                             + ", ".join(f"{{{known}}}" for known in schema.PLACEHOLDERS))
    if item["text"] in item["also"]:
        reader.error(key_line(reader, node, "also"), f"{label}.also",
                     "repeats the text; list only other spellings")


def check_unique(job: Job, placed: list):
    """Every id once, and every text once, even spelled with other quotes or apostrophes."""
    seen_ids, seen_texts = {}, {}
    for message, (index, id_line, text_line) in placed:
        where = (message.source, text_line)
        if message.id in seen_ids:
            first = seen_ids[message.id]
            job.problems.append(Problem(message.source, id_line, f"messages[{index}].id",
                                        f"'{message.id}' is the id of {first[0]}:{first[1]} "
                                        "already"))
        seen_ids.setdefault(message.id, (message.source, id_line))
        for text in (message.text, *message.also):
            key = fold(text)
            first = seen_texts.setdefault(key, (message, where, text))
            if first[0] is not message:
                same = "the same text" if text == first[2] else \
                    "the same text but for quotes, apostrophes or case"
                job.problems.append(Problem(
                    *where, f"messages[{index}].text",
                    f"{same} as '{first[0].id}' ({first[1][0]}:{first[1][1]}); give it one "
                    "entry and list the other spelling under `also`"))


def outputs(site, out):
    """The index of every message by where it appears, and every message as data."""
    trail = [("HTTP status codes", routes.HOME), ("Error messages", routes.MESSAGES)]
    groups = tuple((where, tuple(message for message in site.messages if message.where == where))
                   for where in schema.WHERE)
    names = tuple(site.meaning_name(message.means) for message in site.messages)
    out.page(routes.MESSAGES, "messages.html",
             (site.messages, tuple((item.slug, item.name, item.title) for item in site.failures),
              names),
             groups=tuple(group for group in groups if group[1]),
             card=Card("Error messages", "What does your error screen say?", "Browser, server, CDN and log texts, and what they mean"),
             json_ld=out.json_ld({"@context": "https://schema.org", **out.breadcrumbs(trail)}))
    out.data(routes.API_MESSAGES, lambda: {
        "messages": [message_record(site, message) for message in site.messages],
        "failures": [failure_record(site, item) for item in site.failures]},
        (site.messages, site.failures, names))


def lookup(site) -> list:
    """Every message, found by any fragment of its text or its other spellings."""
    return [{"kind": "message", "label": message.text,
             "detail": f"{message.product} → {site.meaning_name(message.means)}", "path": message.url,
        "words": " ".join([*message.also, message.product])} for message in site.messages]


def message_record(site, message: Message) -> dict:
    """One message as data: the text, who shows it, where it was read, what it means."""
    base = site.config["base_url"]
    means = ({"code": message.means, "phrase": site.phrase(message.means)}
             if isinstance(message.means, int) else
             {"failure": message.means, "name": site.failure(message.means).name})
    return {"id": message.id, "text": message.text, "also": list(message.also),
            "product": message.product, "where": message.where, "versions": message.versions,
            "means": means, "explain": message.explain, "url": base + message.url,
            "path": message.url, "sources": list(message.sources)}


def failure_record(site, item) -> dict:
    return {"slug": item.slug, "name": item.name, "title": item.title, "summary": item.summary,
            "visitor_side": item.visitor_side, "keywords": list(item.keywords),
            "confused_with": [entry["code"] for entry in item.confused],
            "url": site.config["base_url"] + item.url, "path": item.url}
