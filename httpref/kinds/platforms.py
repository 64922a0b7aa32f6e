"""Platforms, content/platforms/ID.yaml: what a CDN, load balancer or platform we cannot run
does in each failure of httpref/scenarios.py, from its own documentation, every cell with its
source and the day read. Shown beside the observed proxies, marked "documented, not observed"."""
from pathlib import Path

import yaml

from .. import schema, scenarios
from ..observed import Platform, ProxyAnswer
from ..reader import FileReader, suggest
from .base import Job, load_once, source_files, yaml_file

NAME = "platforms"
FOLDER = "content/platforms"
KINDS_OF_PLATFORM = ("CDN", "load balancer", "platform", "server module", "proxy")
FIELDS = (
    schema.Field("name", schema.PLAIN, True, "The product as people call it.", "TODO"),
    schema.Field("kind", KINDS_OF_PLATFORM, True, "What it is.", "CDN"),
    schema.Field("settings", schema.TEXT, True, "The default timeouts and limits that decide the "
                 "cells, in our words.", "TODO"),
    schema.Field("sources", {"title": schema.PLAIN, "url": schema.URL, "date": schema.DATE}, True,
                 "The vendor's documentation or source, each with the day read.",
                 "\n  - title: TODO\n    url: TODO\n    date: TODO", min_items=1),
)
CELL = {"says": schema.TEXT, "message?": schema.PLAIN, "logged?": schema.PLAIN, "disagree?": schema.TEXT}
MID_CONTENT = ("upstream-slow-body", "upstream-reset")  # the application's status has gone out
GIVEN_APART = ("failures", "status", "source", "logged_status")  # read here, not by the reader's field checks


def load(job: Job) -> tuple:
    meanings = tuple((message.id, message.means) for message in job.loaded.get("messages", ()))
    found = [load_once(job, path, lambda path, alone: read(path, alone, dict(meanings)), meanings)
             for path in source_files(job.root / FOLDER)]
    return tuple(platform for platform in found if platform)


def read(path: Path, job: Job, meanings: dict) -> Platform | None:
    count = len(job.problems)
    reader, node = yaml_file(path, job, "a platform is a YAML file named after it: cloudflare.yaml")
    if node is False:
        return None
    if not isinstance(node, yaml.MappingNode):
        reader.error(1, "file", "expected 'field: value' lines")
        return None
    apart, rest = reader.apart(node, GIVEN_APART)
    values = reader.fields(rest, FIELDS, 1)
    if "failures" not in apart:
        reader.error(1, "failures", "required field is missing: the failures, each under its id")
        return None
    answers = read_cells(reader, apart["failures"][1], values, meanings, path.stem)
    if len(job.problems) != count:
        return None
    return Platform(path.stem, values["name"], values["kind"], values["settings"], values["sources"],
                    answers, reader.rel)


def read_cells(reader: FileReader, node, values: dict, meanings: dict, platform: str) -> tuple:
    """The documented answers under `failures:`, each failure under its id."""
    if not isinstance(node, yaml.MappingNode):
        reader.error(reader.line_of(node), "failures", "expected each failure's id, then its record")
        return ()
    answers = []
    for key, value in node.value:
        label = f"failures.{key.value}"
        if key.value not in scenarios.PROXY_FAILURES:
            reader.error(reader.line_of(key), label, "unknown failure" + suggest(
                key.value, scenarios.PROXY_FAILURES) + "; httpref/scenarios.py lists them")
            continue
        if not isinstance(value, yaml.MappingNode):
            reader.error(reader.line_of(value), label, "expected a record with says, source and "
                                                       "status or message")
            continue
        apart, rest = reader.apart(value, GIVEN_APART)
        cell = reader.item(rest, CELL, label)
        source = read_source(reader, apart.get("source"), value, label, len(values.get("sources", ())))
        if cell is None or source is None:
            continue
        status = read_status(reader, apart.get("status"), cell, meanings, label, key)
        if status is False:
            continue
        logged = read_logged(reader, apart.get("logged_status"), label)
        if logged is False:
            continue
        if logged is None and key.value == "client-closed-early" and cell["message"]:
            logged = meanings[cell["message"]]  # the message is the log line
        cut = key.value in MID_CONTENT and status is not None and status < 300  # the app's status, then the end
        answers.append(ProxyAnswer(
            platform, values.get("name", ""), "", key.value, status, logged, complete=False if cut else None,
            says=cell["says"], source=values["sources"][source - 1], message=cell["message"] or None,
            logged=cell["logged"] or "", disagree=cell["disagree"] or ""))
    return tuple(answers)


def read_source(reader: FileReader, given, node, label: str, count: int):
    """The 1-based number of the cell's source among the file's sources."""
    if given is None:
        reader.error(reader.line_of(node), f"{label}.source", "required key is missing: the number "
                                                             "of its source in `sources`")
        return None
    key, value = given
    if value.tag != "tag:yaml.org,2002:int" or not 1 <= int(value.value) <= count:
        reader.error(reader.line_of(key), f"{label}.source", f"expected the number of a source, "
                                                             f"1 to {count}, got {value.value!r}")
        return None
    return int(value.value)


def read_logged(reader: FileReader, given, label: str):
    """The status the platform's log records, if the documentation gives one (0 included:
    some log a request that got no response so); False after reporting a problem."""
    if given is None:
        return None
    key, value = given
    if value.tag != "tag:yaml.org,2002:int" or not (int(value.value) == 0 or 100 <= int(value.value) <= 599):
        reader.error(reader.line_of(key), f"{label}.logged_status", "expected the status the log "
                     f"records, 0 or 100 to 599, got {value.value!r}")
        return False
    return int(value.value)


def read_status(reader: FileReader, given, cell, meanings: dict, label: str, failure):
    """The status the client gets: `status` (null: no response), or the `means` of the
    message the cell names; False after reporting a problem."""
    message, line = cell["message"], reader.line_of(failure)
    if message and message not in meanings:
        reader.error(line, f"{label}.message", f"no message has the id {message!r}"
                     + suggest(message, meanings))
        return False
    if failure.value == "client-closed-early":  # the client has gone: the logs say the rest
        if given and given[1].tag != "tag:yaml.org,2002:null":
            reader.error(reader.line_of(given[0]), f"{label}.status", "the client has gone and gets "
                         "nothing: write null, and the status the log records in `logged_status`")
            return False
        return None
    if given is None:
        if not message:
            reader.error(line, f"{label}.status", "required key is missing: the status (null: the "
                                                  "client gets no response), or a message that means it")
            return False
        if not isinstance(meanings[message], int):
            reader.error(line, f"{label}.message", f"'{message}' means no status code; give `status`")
            return False
        return meanings[message]
    key, value = given
    if message:
        reader.error(reader.line_of(key), f"{label}.status", f"the message '{message}' gives the "
                                                             "status (its `means`); leave this out")
        return False
    if value.tag == "tag:yaml.org,2002:null":
        return None
    return reader.value(value, schema.STATUS, f"{label}.status") or False


def outputs(site, out):
    """No page of its own: /proxies/ (kinds/proxies.py) shows the platforms beside the proxies."""
