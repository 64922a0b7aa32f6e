"""What clients do is observed, not copied: every client of httpref/scenarios.py runs every
scenario against the test server, and what it did must be what content/observed/clients.json
records, cell by cell (a new version that does the same passes; one that differs is named). After an intentional upgrade, record it
again with `python -m tests.observe --write CLIENT`."""
import pytest

from httpref import scenarios
from tests import observe


@pytest.fixture(scope="module")
def servers():
    started = observe.Servers()
    yield started
    started.close()


@pytest.mark.parametrize("client", [client.id for client in scenarios.CLIENTS])
def test_the_client_does_what_the_site_says(servers, client):
    if reason := observe.available(client):
        pytest.skip(reason)
    version, seen = observe.observe(client, servers)
    problems = observe.differences(client, version, seen, observe.recorded())
    assert not problems, "what the client did here is not what the site publishes (after an " \
        "upgrade: python -m tests.observe --write " + client + "):\n" + "\n".join(problems)


def test_a_difference_is_named_by_client_version_and_scenario():
    data = {"clients": [{"id": "curl", "version": "7.88.1"}],
            "results": [{"client": "curl", "scenario": "status-404", "observed": {"status": 404}}]}
    assert observe.differences("curl", "7.88.1", {"status-404": {"status": 410}}, data) == [
        "curl 7.88.1, status-404: observed {'status': 410}, recorded {'status': 404}"]
    assert observe.differences("curl", "8.0.0", {"status-404": {"status": 404}}, data) == []
    assert observe.differences("curl", "8.0.0", {"status-404": {}}, data)[-1] == \
        "curl is 8.0.0 here, the data says 7.88.1"
