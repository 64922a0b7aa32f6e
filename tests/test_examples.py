"""Every code example on the site runs: servers answer the documented code with the required
headers, clients run against them, and anything that cannot run says why in its content file.
A comparison's example answers every code it compares, each with its required headers."""
import pytest

from httpref.content import load_site
from httpref.schema import REQUIRED_HEADERS
from tests.conftest import REPO
from tests.examples import build_request, framework, run_client, send, start_server, stop

SITE = load_site(REPO)
# RFC 9110 §15.3.5, §15.3.6, §15.4.5: never content (written here, not read from the engine).
NO_CONTENT = (204, 205, 304)
CASES = [(name, owner, example)
         for name, owner in [(str(entry.code), entry) for entry in SITE.codes]
         + [(item.slug, item) for item in SITE.comparisons] for example in owner.examples]


def pytest_generate_tests(metafunc):
    """One test per example, or only the examples of the entries and comparisons given with
    --only."""
    names = metafunc.config.getoption("only")
    cases = [case for case in CASES if not names or case[0] in names]
    metafunc.parametrize("entry, example", [case[1:] for case in cases],
                         ids=[f"{name}-{example.label}" for name, _, example in cases])


def codes_shown(owner) -> tuple:
    """The codes an entry's or a comparison's examples must show."""
    return getattr(owner, "codes", None) or (owner.code,)


def test_example_runs(entry, example, tmp_path):
    reasons = {item["example"]: item["why"] for item in getattr(entry, "not_run", ())}
    if example.label in reasons:
        pytest.skip(f"{entry.source}: '{example.label}' is marked not runnable: "
                    f"{reasons[example.label]}")
    where = f"{entry.source}, example '{example.label}'"
    if framework(example.label):
        check_server(entry, example, tmp_path, where)
    else:
        check_client(entry, example, tmp_path, where, reasons)


def check_server(entry, example, workdir, where):
    """Replay the entry's requests against the example and check each answer."""
    process, port = start_server(example, workdir)
    shown = codes_shown(entry)
    official = all(code in SITE.registry for code in shown)
    try:
        previous, seen = None, set()
        for index, item in enumerate(entry.requests, 1):
            request_line = item["request"].strip().split("\n")[0]
            head, body = build_request(item["request"], previous, port)
            responses = send(port, head, body, request_line.split()[0])
            statuses = [response.status for response in responses]
            assert item["status"] in statuses, (
                f"{where}: request {index} ({request_line}) should answer {item['status']}, "
                f"got {statuses}")
            for response in responses:
                if response.status in shown:
                    check_response(response, f"{where}: request {index} ({request_line})")
                    seen.add(response.status)
            previous = responses[-1]
            if previous.status == 207:
                body = previous.body.decode("utf-8", "replace")
                seen |= {code for code in shown if f"HTTP/1.1 {code} " in body}
        missing = [code for code in shown if code not in seen]
        assert not missing or not official, (
            f"{where}: no request produced {', '.join(map(str, missing))}, neither as the "
            "status nor inside a 207 Multi-Status body")
    except AssertionError as error:
        raise AssertionError(f"{error}\nserver output:\n{stop(process)}") from None
    stop(process)


def check_response(response, where):
    """The headers CONTENT.md requires for the code, and no content where none is allowed."""
    code = response.status
    for name in REQUIRED_HEADERS.get(code, ()):
        assert name.lower() in response.headers, f"{where}: {code} without {name} header"
    if code in NO_CONTENT or code < 200:
        assert response.body == b"", f"{where}: {code} must not carry content"
    if code < 200 or code == 204:  # RFC 9110 §8.6: no Content-Length at all
        assert "content-length" not in response.headers, f"{where}: {code} with Content-Length"


def check_client(entry, example, workdir, where, reasons):
    """Run the client against the page's first runnable server example."""
    server = next((candidate for candidate in entry.examples
                   if framework(candidate.label) and candidate.label not in reasons), None)
    assert server, f"{where}: no runnable server example on the page to run the client against"
    process, port = start_server(server, workdir)
    try:
        result = run_client(example, port, workdir)
    finally:
        server_output = stop(process)
    output = result.stdout + result.stderr
    assert result.returncode == 0, (f"{where}: exited with {result.returncode}\n{output}\n"
                                    f"server output:\n{server_output}")
    if "HTTP/" in output:
        assert any(str(code) in output for code in codes_shown(entry)), (
            f"{where}: the page's code never appears:\n{output}")
