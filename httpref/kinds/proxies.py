"""What proxies answer, content/observed/proxies.json: what each reverse proxy run by
tests/observe_proxies.py sent back when the application behind it failed in each way of
httpref/scenarios.py. With the platforms we cannot run (kinds/platforms.py) it makes
/proxies/, /api/proxies.json, "Who sends this" on code pages and the proxies' log lines and
default pages among the messages."""
import re
from pathlib import Path

from .. import routes, scenarios
from ..cards import Card
from ..model import Message, Problem
from ..observed import ProxyAnswer
from .base import Job, load_once, read_record

NAME = "proxies"
DATA = "content/observed/proxies.json"
PLACEHOLDER = re.compile(r"\{[a-z]+\}")
WORD = re.compile(r"[A-Za-z]{2,}")
FIELDS = {"proxy", "version", "failure", "client_status", "complete", "page", "client_error",
          "logged_status", "error_log", "seconds", "settings", "date"}  # of every result


def load(job: Job) -> tuple:
    path = job.root / DATA
    return load_once(job, path, read) if path.exists() else ()


def read(path: Path, job: Job) -> tuple:
    """The record as answers, checked against the proxies and failures the site knows."""
    rel = path.relative_to(job.root).as_posix()
    data = read_record(path, job, FIELDS, "tests/observe_proxies.py",
                       "`python -m tests.observe_proxies --write`")
    if data is None:
        return ()
    versions = {row["id"]: row["version"] for row in data.get("proxies", [])}
    count = len(job.problems)
    for index, row in enumerate(data["results"], 1):
        label, line = f"results[{index}]", index + 3  # one result to a line, after 3 lines
        if row["proxy"] not in scenarios.PROXIES:
            job.problems.append(Problem(rel, line, f"{label}.proxy", f"unknown proxy {row['proxy']!r}; "
                                        "httpref/scenarios.py lists them"))
        elif row["version"] != versions.get(row["proxy"]):
            job.problems.append(Problem(rel, line, f"{label}.version", f"{row['version']!r} is not "
                                        f"the version of {row['proxy']} in `proxies`"))
        if row["failure"] not in scenarios.PROXY_FAILURES:
            job.problems.append(Problem(rel, line, f"{label}.failure", f"unknown failure "
                                        f"{row['failure']!r}; httpref/scenarios.py lists them"))
    if len(job.problems) != count:
        return ()
    return tuple(ProxyAnswer(
        row["proxy"], scenarios.PROXIES[row["proxy"]].name, row["version"], row["failure"],
        row["client_status"], row["logged_status"], row["page"], tuple(row["error_log"]),
        row["seconds"], row["complete"], row["client_error"], row["settings"], row["date"])
        for row in data["results"])


def outputs(site, out):
    if not site.proxy_answers:
        return
    trail = [("HTTP status codes", routes.HOME), ("Which code will my proxy send?", routes.PROXIES)]
    shown = (site.proxy_answers, phrases(site))
    out.page(routes.PROXIES, "proxies.html", (*shown, site.platforms), proxies=tuple(scenarios.PROXIES.values()),
             proxy_timeout=scenarios.PROXY_TIMEOUT,
             card=Card("Observed", trail[-1][0], ", ".join(proxy.name for proxy in scenarios.PROXIES.values())
                       + f" and {len(site.platforms)} platforms"),
             json_ld=out.json_ld({"@context": "https://schema.org", **out.breadcrumbs(trail)}))
    for failure in scenarios.PROXY_FAILURES.values():
        here = trail + [(failure.title, routes.proxy_url(failure.id))]
        without_tls = tuple(proxy.name for proxy in scenarios.PROXIES.values() if failure.tls_port and not proxy.tls)
        out.page(routes.proxy_url(failure.id), "proxy_failure.html", (*shown, failure), failure=failure,
                 without_tls=without_tls, card=Card(trail[-1][0], failure.title),
                 json_ld=out.json_ld({"@context": "https://schema.org", **out.breadcrumbs(here)}))
    out.data(routes.API_PROXIES, lambda: api(site), (site.proxy_answers, site.platforms))


def phrases(site) -> tuple:
    """The phrases the proxies page shows beside the statuses."""
    return tuple((code, site.phrase(code)) for code in sorted(
        {code for answer in site.proxy_answers for code in (answer.client_status, answer.logged_status)
         if code and code in site.by_code}))


def api(site) -> dict:
    """Every answer as data: the failures, the proxies observed, the platforms documented."""
    def record(answer: ProxyAnswer) -> dict:
        base = {"proxy": answer.who, "name": answer.name, "version": answer.version or None,
                "failure": answer.failure, "client_status": answer.client_status,
                "logged_status": answer.logged_status}
        if answer.observed:
            return {**base, "observed": True, "complete": answer.complete, "page": answer.page,
                    "client_error": answer.client_error, "error_log": list(answer.log),
                    "seconds": answer.seconds, "settings": answer.settings, "date": answer.date}
        return {**base, "observed": False, "documented": answer.says, "logged": answer.logged or None,
                "message": answer.message, "disagree": answer.disagree or None, "source": answer.source}

    return {
        "failures": [{"id": failure.id, "title": failure.title, "what": failure.what}
                     for failure in scenarios.PROXY_FAILURES.values()],
        "proxies": [{"id": proxy.id, "name": proxy.name, "observed": True,
                     "settings": [{"name": item.name, "ours": item.ours, "default": item.default}
                                  for item in proxy.settings]} for proxy in scenarios.PROXIES.values()],
        "platforms": [{"id": platform.id, "name": platform.name, "kind": platform.kind, "observed": False,
                       "settings": platform.settings, "sources": list(platform.sources)}
                      for platform in site.platforms],
        "results": [record(answer) for answer in site.proxy_answers],
    }


def by_failure(site) -> list:
    """[(failure, [answer…])] in the order of the failures, observed answers first."""
    return [(failure, [answer for answer in site.proxy_answers if answer.failure == failure.id])
            for failure in scenarios.PROXY_FAILURES.values()]


def sends(site, code: int) -> list:
    """[(failure, [answer…])] of the answers that send or log an error `code`, or show a page
    that a message says means it (nginx's 400 page for 494), by failure."""
    if code < 400:
        return []
    from .messages import fold
    pages = {fold(message.text): message.means for message in site.messages if message.where == "server"}
    return [(failure, found) for failure, answers in by_failure(site)
            if (found := [answer for answer in answers if code in (
                answer.client_status, answer.logged_status, answer.page and pages.get(fold(answer.page)))])]


def compared(site, codes) -> list:
    """[(failure, [(status, [answer…])…])] for the failures that end in one of `codes` for
    some proxy: who sends which code (the answers of each failure grouped by status)."""
    found, errors = [], [code for code in codes if code >= 400]  # a 200 cut short is no choice
    for failure, answers in by_failure(site):
        if any(answer.client_status in errors for answer in answers):
            groups = {}
            for answer in answers:
                groups.setdefault(answer.client_status, []).append(answer)
            found.append((failure, sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or 0))))
    return found


def observed_messages(answers: tuple, written: tuple, fold, registry: dict) -> tuple:
    """The error log lines and distinctive page headings (not just the registered phrase)
    the proxies produced when the failure was the proxy's to report, as messages, where no
    message written by hand has the text already (its placeholders match anything). A text
    of fewer than two words (Caddy's `EOF`, HAProxy's `504 {number} - - sH--`) is a log
    field more than a message: the failure's page shows it, and the look-up finds it there."""
    taken = [re.compile(PLACEHOLDER.sub(".+", re.escape(fold(text)).replace(r"\{", "{").replace(r"\}", "}")))
             for message in written for text in (message.text, *message.also)]
    found = {}
    for answer in answers:
        closed = answer.failure == "client-closed-early"
        status = answer.logged_status if closed else answer.client_status
        if not status or status < 400 or answer.failure == "upstream-5xx":
            continue
        failure = scenarios.PROXY_FAILURES[answer.failure]
        plain = f"{status} {registry[status].name}" if status in registry else None
        texts = [(answer.page, "server")] \
            if answer.page and fold(answer.page) != fold(plain or "") else []
        texts += [(line, "log") for line in answer.log[:1]]  # the cause; others follow it
        for text, where in texts:
            if len(WORD.findall(PLACEHOLDER.sub("", text))) < 2 or any(pattern.search(fold(text)) for pattern in taken) \
                    or (answer.who, text) in found \
                    or any(fold(text) in fold(message.text) for message in written):
                continue
            found[(answer.who, text)] = Message(
                f"{answer.who}-{answer.failure}" + ("-page" if where == "server" else ""), text, (), status,
                f"Seen in {answer.name} {answer.version}’s {'own error page' if where == 'server' else 'log'} "
                f"when {lower(failure.title)}" + (f"; the access log says {status}" if closed else "")
                + f": [all proxies]({routes.proxy_url(answer.failure)}).",
                where, answer.name, f"{answer.name} {answer.version}, observed", DATA,
                ({"title": "Observed by tests/observe_proxies.py", "url": routes.API_PROXIES,
                  "date": answer.date},))
    return tuple(found.values())


def lower(title: str) -> str:
    return title[0].lower() + title[1:]


def lookup(site) -> list:
    """Every failure's page, found by its title, its id and what the proxies logged and showed."""
    return [{"kind": "proxy", "label": failure.title, "detail": "which code each proxy sends",
             "path": routes.proxy_url(failure.id), "words": " ".join(
                 [failure.id.replace("-", " "), "proxy"] + sorted({text for answer in answers
                                                                  for text in (*answer.log, answer.page or "")}))}
            for failure, answers in by_failure(site)] if site.proxy_answers else []
