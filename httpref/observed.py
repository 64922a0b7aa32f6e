"""What other software was seen doing: the clients' record (content/observed/clients.json),
the proxies' (content/observed/proxies.json) and the platforms' documented answers
(content/platforms/), as the site holds them."""
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Observations:
    """What each client did in each scenario (tests/observe.py records it)."""

    clients: tuple = ()  # scenarios.Client, in the order of scenarios.CLIENTS
    versions: dict = field(default_factory=dict)  # client id -> version observed
    results: dict = field(default_factory=dict)  # (client id, scenario id) -> result record

    @cached_property
    def by_code(self) -> dict:
        """code -> its results, in the record's order."""
        found = {}
        for row in self.results.values():
            found.setdefault(row["code"], []).append(row)
        return found

    def observed(self, client: str, scenario: str) -> dict | None:
        row = self.results.get((client, scenario))
        return row["observed"] if row else None


@dataclass(frozen=True)
class ProxyAnswer:
    """What one proxy or platform does in one failure: observed (tests/observe_proxies.py) or
    documented (content/platforms/ID.yaml, with its source)."""

    who: str  # scenarios.Proxy id, or a platform's id
    name: str
    version: str  # observed: the version run; documented: empty
    failure: str  # a scenarios.PROXY_FAILURES id
    client_status: int | None  # None: the client got no response
    logged_status: int | None = None
    page: str | None = None  # the heading of the proxy's own error page
    log: tuple = ()  # error log lines, without times, addresses and paths
    seconds: float | None = None
    complete: bool | None = None  # did the content come whole
    client_error: str | None = None  # what the client got instead of a status
    settings: dict = field(default_factory=dict)
    date: str = ""
    says: str = ""  # documented: what the documentation says, in our words
    source: dict | None = None  # documented: {title, url, date}
    message: str | None = None  # documented: the id of the message it shows or logs
    logged: str = ""  # documented: what its logs record
    disagree: str = ""  # documented: where its sources disagree

    @property
    def observed(self) -> bool:
        return self.source is None


@dataclass(frozen=True)
class Platform:
    """A CDN, load balancer or platform we cannot run (content/platforms/ID.yaml)."""

    id: str
    name: str
    kind: str
    settings: str
    sources: tuple
    answers: tuple  # ProxyAnswer, documented
    source_file: str
