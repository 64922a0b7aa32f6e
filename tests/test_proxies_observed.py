"""What proxies answer is observed, not copied: every proxy of httpref/scenarios.py runs on
loopback in front of the test server, every failure is caused for real, and what the client
got and the logs say must be what content/observed/proxies.json records (a timing may differ
by half a second; a new version that does the same passes). After an intentional upgrade,
record it again with `python -m tests.observe_proxies --write PROXY`."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from httpref import scenarios
from tests import observe_proxies


@pytest.fixture(scope="module")
def observed():
    """Every installed proxy observed at once: each spends its time waiting on timeouts."""
    present = [proxy for proxy in scenarios.PROXIES.values() if not observe_proxies.available(proxy)]
    with ThreadPoolExecutor(len(present) or 1) as pool:
        return dict(zip((proxy.id for proxy in present), pool.map(observe_proxies.observe, present)))


@pytest.mark.parametrize("proxy", list(scenarios.PROXIES.values()), ids=list(scenarios.PROXIES))
def test_the_proxy_does_what_the_site_says(observed, proxy):
    if reason := observe_proxies.available(proxy):
        pytest.skip(reason)
    version, seen = observed[proxy.id]
    problems = observe_proxies.differences(proxy, version, seen, observe_proxies.recorded())
    assert not problems, "what the proxy did here is not what the site publishes (after an " \
        f"upgrade: python -m tests.observe_proxies --write {proxy.id}):\n" + "\n".join(problems)


def test_a_difference_is_named_by_proxy_version_and_failure():
    nginx = scenarios.PROXIES["nginx"]
    data = {"proxies": [{"id": "nginx", "version": "1.22.1"}],
            "results": [{"proxy": "nginx", "failure": "upstream-timeout", "client_status": 504, "seconds": 2.0}]}
    assert observe_proxies.differences(nginx, "1.22.1", {"upstream-timeout": {
        "client_status": 502, "seconds": 2.0}}, data) == [
        "nginx 1.22.1, upstream-timeout: observed {'client_status': 502, 'seconds': 2.0}, "
        "recorded {'client_status': 504, 'seconds': 2.0}"]
    assert observe_proxies.differences(nginx, "1.22.1", {"upstream-timeout": {
        "client_status": 504, "seconds": 2.4}}, data) == []  # within half a second
    assert observe_proxies.differences(nginx, "1.24.0", {"upstream-timeout": {
        "client_status": 504, "seconds": 3.0}}, data)[-1] == "nginx is 1.24.0 here, the data says 1.22.1"
