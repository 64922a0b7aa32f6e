"""What clients do, content/observed/clients.json: what each client observed by tests/observe.py
did in each scenario of httpref/scenarios.py. It makes /clients/, /api/clients.json and the
test server people download, /testserver.py, which answers every code of the site."""
from pathlib import Path

from .. import routes, schema, scenarios
from ..cards import Card
from ..model import Problem
from ..observed import Observations
from .base import Job, load_once, read_record

NAME = "clients"
DATA = "content/observed/clients.json"
CLIENTS = {client.id: client for client in scenarios.CLIENTS}
SERVER = Path(__file__).resolve().parent.parent / "testserver.py"
HEADER_VALUES = {"Location": "200", "WWW-Authenticate": 'Basic realm="testserver"',
                 "Proxy-Authenticate": 'Basic realm="testserver"', "Retry-After": "5",
                 "Allow": "POST", "Content-Range": "bytes 0-9/100"}
FIELDS = {"client", "version", "scenario", "code", "observed", "date"}  # of every result
UPGRADE = {101: "websocket", 426: "TLS/1.2, HTTP/1.1"}  # RFC 2817 §4.2's example for 426


def load(job: Job) -> Observations:
    path = job.root / DATA
    if not path.exists():
        return Observations()
    return load_once(job, path, read)


def read(path: Path, job: Job) -> Observations:
    """The record, checked against the clients and scenarios the site knows."""
    rel = path.relative_to(job.root).as_posix()
    data = read_record(path, job, FIELDS, "tests/observe.py", "make observe")
    if data is None:
        return Observations()
    versions = {row["id"]: row["version"] for row in data.get("clients", [])}
    count = len(job.problems)
    for index, row in enumerate(data["results"], 1):
        label, line = f"results[{index}]", index + 3  # tests/observe.py writes one to a line
        if row.get("client") not in CLIENTS:
            job.problems.append(Problem(rel, line, f"{label}.client", f"unknown client {row.get('client')!r}; "
                                        "httpref/scenarios.py lists them"))
        elif row.get("version") != versions.get(row["client"]):
            job.problems.append(Problem(rel, line, f"{label}.version", f"{row.get('version')!r} is not "
                                        f"the version of {row['client']} in `clients`"))
        if row.get("scenario") not in scenarios.SCENARIOS:
            job.problems.append(Problem(rel, line, f"{label}.scenario", f"unknown scenario "
                                        f"{row.get('scenario')!r}; httpref/scenarios.py lists them"))
    if len(job.problems) != count:
        return Observations()
    return Observations(tuple(CLIENTS[client] for client in versions), versions,
                        {(row["client"], row["scenario"]): row for row in data["results"]})


def server_codes(site) -> dict:
    """Every code of the site for the test server: its phrase and the header fields it needs."""
    return {entry.code: (entry.phrase, {
        name: UPGRADE.get(entry.code, HEADER_VALUES.get(name, ""))
        for name in schema.REQUIRED_HEADERS.get(entry.code, ())}) for entry in site.codes}


def server_source(site) -> bytes:
    """testserver.py as people download it: with every code of the site in CODES."""
    table = "".join(f"    {code}: {value!r},\n" for code, value in sorted(server_codes(site).items()))
    source = SERVER.read_text(encoding="utf-8")
    return source.replace("CODES = {}\n", "CODES = {\n" + table + "}\n", 1).encode()


def outputs(site, out):
    out.file(routes.TEST_SERVER, lambda: server_source(site),
             (SERVER.read_bytes(), tuple((entry.code, entry.phrase) for entry in site.codes)))
    if not site.clients.results:
        return
    trail = [("HTTP status codes", routes.HOME), ("What clients do", routes.CLIENTS)]
    captions = tuple(site.phrase(code) for code in scenarios.REDIRECT_CODES)
    out.page(routes.CLIENTS, "clients.html", (site.clients, captions), questions=scenarios.QUESTIONS,
             observed_day=max(row["date"] for row in site.clients.results.values()),
             card=Card("Observed", "What HTTP clients really do", "Redirects, retries, Retry-After and more, run for real"),
             json_ld=out.json_ld({"@context": "https://schema.org", **out.breadcrumbs(trail)}))
    out.data(routes.API_CLIENTS, lambda: api(site), (site.clients,))


def api(site) -> dict:
    """Every observation as data, with the clients and the scenarios they answer."""
    return {
        "clients": [{"id": client.id, "name": client.name, "version": site.clients.versions[client.id],
                     "setup": client.setup, "success": client.success}
                    for client in site.clients.clients],
        "scenarios": [{"id": scenario.id, "code": scenario.code, "question": scenario.question,
                       "label": scenario.label,
                       "spec": [{"key": item.key, "value": item.value, "says": item.text,
                                 "spec": item.spec} for item in scenario.expect]}
                      for scenario in scenarios.SCENARIOS.values()],
        "results": list(site.clients.results.values()),
    }


def outcome(seen: dict) -> str:
    """What the client ended with: the status it returned, or its error."""
    return str(seen["status"]) if seen["status"] is not None else f"error: {seen['error']}"


def describe(scenario, seen: dict) -> str:
    """One observation in a few words (a table cell, a line on a code page)."""
    question = scenario.question
    if question == "redirects":
        if seen["method"] is None:
            return f"not followed ({outcome(seen)})"
        lost = seen["method"] != "GET" and not seen["body"]
        return seen["method"] + (", content dropped" if lost else "")
    if question == "credentials":
        if seen["authorization"] is None:
            return f"not followed ({outcome(seen)})"
        return ", ".join(f"{name} {'sent' if seen[name.lower()] else 'dropped'}"
                         for name in ("Authorization", "Cookie"))
    if question == "redirect-limit":
        return f"{seen['requests']} requests, then {outcome(seen)}"
    if question == "challenges" and "credentials" in seen:
        return {"first": "sent at once", "answered": "sent after the 401",
                "never": "not sent"}[seen["credentials"]] + f" ({outcome(seen)})"
    if question == "retry-after":
        return ("waited, retried" if seen["waited"] else "retried at once") \
            if seen["retried"] else f"no retry ({outcome(seen)})"
    if question == "retries":
        return f"retried ({outcome(seen)})" if seen["retried"] else f"no retry ({outcome(seen)})"
    if question == "expect":
        if not seen["expect"]:
            return f"no Expect ({outcome(seen)})"
        if "retried" in seen:
            return f"Expect; {'sent again without it' if seen['retried'] else 'no retry'} ({outcome(seen)})"
        return f"Expect ({outcome(seen)})"
    if question == "no-content":
        first = outcome(seen) if seen["status"] is None or seen["length"] is None else \
            f"{seen['status']}, {'stray content returned' if seen['length'] else 'content ignored'}"
        next_one = seen["next"] if isinstance(seen["next"], int) else f"error: {seen['next']}"
        return f"{first}; next: {next_one}"
    if question == "range":
        return outcome(seen) + (f", {seen['length']} bytes" if seen.get("length") is not None else "")
    if question == "status" and seen["ok"] is not None and seen["status"] is not None:
        return f"{outcome(seen)}, {'success' if seen['ok'] else 'failure'}"
    return outcome(seen)


def departs(scenario, seen: dict) -> bool:
    """Does the client do otherwise than the spec says (when it does the thing at all)?"""
    return any(seen.get(item.key) is not None and seen[item.key] != item.value
               for item in scenario.expect)


def table(site, scenarios_shown) -> list:
    """Rows of (client, [(text, departs) or None per scenario]) for the clients page."""
    rows = []
    for client in site.clients.clients:
        cells = []
        for scenario in scenarios_shown:
            seen = site.clients.observed(client.id, scenario.id)
            cells.append(None if seen is None else (describe(scenario, seen), departs(scenario, seen)))
        rows.append((client, cells))
    return rows


def observed_for(site, codes) -> tuple:
    """What a page showing these codes' observations shows: the clients and their results."""
    return (site.clients.clients,
            tuple(row for code in codes for row in site.clients.by_code.get(code, ())))


def groups(site, scenario) -> list:
    """The clients grouped by what they did in one scenario: [(text, departs, names)]."""
    found = {}
    for client in site.clients.clients:
        seen = site.clients.observed(client.id, scenario.id)
        if seen is not None:
            key = (describe(scenario, seen), departs(scenario, seen))
            found.setdefault(key, []).append(client.name)
    return [(text, off, names) for (text, off), names in found.items()]


def for_code(code: int) -> list:
    """The scenarios whose test server answers `code` first, in the order of the questions."""
    return [scenario for scenario in scenarios.SCENARIOS.values() if scenario.code == code]


def chunks(question) -> list:
    """A question's scenarios in tables of at most `columns` side by side."""
    size = question.columns
    return [question.scenarios[start:start + size] for start in range(0, len(question.scenarios), size)]
