"""Observe what real HTTP clients do with each scenario of httpref/scenarios.py, against the
test server on loopback, and compare it with content/observed/clients.json.

    python -m tests.observe [CLIENT…]            observe and print the differences
    python -m tests.observe --write [CLIENT…]    observe and record (after an upgrade)
    python -m tests.observe --install            install the clients (as root on Debian)

A client answers through a driver (tests/clients/, PROTOCOL.md) or, for curl, Wget and
Chromium, from here; what it sent is read from the test server's log.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from httpref import scenarios
from httpref import testserver
from httpref.content import load_site
from httpref.kinds.clients import DATA, server_codes

REPO = Path(__file__).resolve().parent.parent
DRIVERS = REPO / "tests" / "clients"
NODE_MODULES = REPO / "tests" / "node" / "node_modules"
GO_BINARY = Path(tempfile.gettempdir()) / "httpref-go-client"
TIMEOUT = 10
HOST = re.compile(r"127\.0\.0\.\d+(:\d+| port \d+)?|https?://\S+")


class Servers:
    """The test server on 127.0.0.1 and a second host, 127.0.0.2, for cross-host redirects."""

    def __init__(self):
        testserver.CODES.update(server_codes(load_site(REPO)))
        self.servers = [testserver.Server((host, 0), quiet=True) for host in ("127.0.0.1", "127.0.0.2")]
        for server in self.servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        self.base, self.other = (f"http://{server.server_address[0]}:{server.server_port}"
                                 for server in self.servers)

    def requests(self, prefix: str) -> list:
        """Every request received under a path prefix, in the order received."""
        return sorted((entry for server in self.servers for entry in server.log
                       if entry["path"].startswith(prefix)), key=lambda entry: entry["time"])

    def close(self):
        for server in self.servers:
            server.shutdown()
            server.server_close()


def jobs(client: str, servers: Servers) -> list:
    """Every scenario as a job for one client: its steps with full URLs."""
    found = []
    for scenario in scenarios.SCENARIOS.values():
        prefix = f"/t/{client}/{scenario.id}/"
        steps = [{"method": step.method, "headers": dict(step.headers), "body_size": step.body_size,
                  "url": servers.base + prefix + step.path.replace("{other}", servers.other + prefix)}
                 for step in scenario.steps]
        found.append({"id": scenario.id, "auth": scenario.auth or None,
                      "steps": steps})
    return found


def observed(scenario, results: list, log: list) -> dict:
    """What one scenario showed: what the client reported for its main request, and what it
    sent (from the server's log) as the scenario's keys ask."""
    main = results[0] if "next" in scenario.keys else results[-1]
    seen = {"status": main["status"], "ok": main["ok"], "error": main["error"]}
    target = scenario.steps[-1 if "next" not in scenario.keys else 0].path
    asked = [entry for entry in log if entry["path"].endswith("/" + target)]
    later = [entry for entry in log[1:] if entry["path"].endswith("/200")]  # where it led
    for key in scenario.keys:
        if key == "method":
            seen["method"] = later[0]["method"] if later else None
        elif key == "body":
            seen["body"] = bool(later[0]["body"]) if later else None
        elif key in ("authorization", "cookie"):
            seen[key] = key in later[0]["headers"] if later else None
        elif key == "requests":
            seen["requests"] = len(asked)
        elif key == "credentials":
            sent = ["authorization" in entry["headers"] for entry in asked]
            seen[key] = "first" if sent[:1] == [True] else "answered" if any(sent) else "never"
        elif key == "retried":  # (after a 417: only a client that sent Expect can retry)
            seen["retried"] = len(asked) > 1 if asked and ("expect" not in scenario.keys or "expect"
                                                          in asked[0]["headers"]) else None
        elif key == "waited":
            seen["waited"] = (asked[1]["time"] - asked[0]["time"] >= 0.9) if len(asked) > 1 else None
        elif key == "expect":
            seen["expect"] = "expect" in asked[0]["headers"] if asked else None
        elif key == "length":
            seen["length"] = main["length"]
        elif key == "next":
            seen["next"] = results[1]["status"] if results[1]["status"] else results[1]["error"]
    return seen


def run_driver(command: list, client: str, work: list, **kwargs) -> tuple:
    """(version, {job id: results}) from a driver fed the jobs on stdin."""
    done = subprocess.run(command, input=json.dumps({"client": client, "jobs": work}),
                          capture_output=True, text=True, timeout=60 + len(work) * 2 * TIMEOUT, **kwargs)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if not lines:
        raise RuntimeError(f"the {client} driver printed nothing: {done.stderr[-2000:]}")
    return lines[0]["version"], {line["id"]: line["results"] for line in lines[1:]}


def short(text: str) -> str:
    """An error message without the hosts, ports and URLs of this run."""
    return HOST.sub("{host}", text).strip()


def run_curl(work: list) -> tuple:
    version = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split()[1]
    found = {}
    for job in work:
        command, content = ["curl"], b""
        for index, step in enumerate(job["steps"]):
            command += (["--next"] if index else []) + [
                "-sS", "-L", "--fail", "--max-time", str(TIMEOUT), "-o", "/dev/null", "-w", "%{json}\\n"]
            command += ["-X", step["method"]] if step["method"] not in ("GET", "POST") else []
            command += ["-u", job["auth"]] if job["auth"] else []
            command += [part for name, value in step["headers"].items() for part in ("-H", f"{name}: {value}")]
            if step["body_size"]:
                command += ["--data-binary", "@-"]
                content = b"x" * step["body_size"]
            command.append(step["url"])
        done = subprocess.run(command, input=content, capture_output=True,
                              timeout=TIMEOUT * (len(job["steps"]) + 1))
        results = []
        for line in done.stdout.decode().splitlines():
            data = json.loads(line)
            code = data["exitcode"]
            results.append({"status": data["http_code"] or None, "ok": code == 0,
                            "error": f"exit {code}: {short(data['errormsg'])}" if code else None,
                            "length": data["size_download"]})
        found[job["id"]] = results
    return version, found


def run_wget(work: list) -> tuple:
    version = subprocess.run(["wget", "--version"], capture_output=True, text=True).stdout.split()[2]
    found = {}
    for job in work:
        with tempfile.TemporaryDirectory() as folder:
            found[job["id"]] = wget_job(job, Path(folder))
    return version, found


def wget_job(job: dict, folder: Path) -> list:
    step = job["steps"][-1]  # only a job's last step may carry content or a method
    command = ["wget", "-S", "--timeout", str(TIMEOUT), "--waitretry", "0", "-P", str(folder), "--method", step["method"]]
    if step["body_size"]:
        (folder / "content").write_bytes(b"x" * step["body_size"])
        command += ["--body-file", str(folder / "content")]
    command += ["--user", job["auth"].split(":")[0], "--password", job["auth"].split(":")[1]] if job["auth"] else []
    command += [f"--header={name}: {value}" for name, value in step["headers"].items()]
    done = subprocess.run(command + [step["url"] for step in job["steps"]], capture_output=True,
                          text=True, timeout=300)
    # wget logs each URL it fetches, the steps' and the redirects', after a "--date--  URL" line
    parts = re.split(r"^--[\d-]+ [\d:]+--  (?:\(try: ?\d+\)  )?(\S+)\n", done.stderr, flags=re.M)
    results = []
    for url, text in zip(parts[1::2], parts[2::2]):
        if len(results) < len(job["steps"]) and url == job["steps"][len(results)]["url"]:
            results.append([])
        results[-1].append(text)
    return [wget_result("".join(texts)) for texts in results]


def wget_result(text: str) -> dict:
    statuses = re.findall(r"^  HTTP/\d(?:\.\d)? (\d+)", text, flags=re.M)
    errors = [re.sub(r"^[\d-]+ [\d:]+ ", "", line) for line in text.splitlines()
              if re.search(r"ERROR|error|exceeded|failed", line)]
    return {"status": int(statuses[-1]) if statuses else None, "ok": not errors,
            "error": short(errors[-1]) if errors else None,
            "length": int(lengths[-1]) if (lengths := re.findall(r"^Length: (\d+)", text, re.M)) else None}


def run_chromium(client: str, work: list) -> tuple:
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_options

    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        for job in work:
            context = browser.new_context(http_credentials=dict(zip(
                ("username", "password"), job["auth"].split(":"))) if job["auth"] else None)
            try:
                found[job["id"]] = chromium_job(client, context, job)
            finally:
                context.close()
        version = browser.version
        browser.close()
    return version, {key: value for key, value in found.items() if value is not None}


def chromium_job(client: str, context, job: dict) -> list | None:
    """The job in a page (navigations and forms, GET and POST only) or through fetch()."""
    first = job["steps"][0]["url"]
    origin = first[:first.index("/t/")]
    page, results = context.new_page(), []
    cookie = dict(job["steps"][0]["headers"]).get("Cookie")
    if cookie:  # a browser's cookies come from its store, for the host that set them
        name, value = cookie.split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": origin}])
    page.goto(origin + "/t/page/200?close=1")  # a page of the site first, on a connection
    # that is then closed: the job's first request opens a new one, as for the other clients
    for step in job["steps"]:
        if client == "chromium-fetch":
            results.append(page.evaluate(FETCH, step))
        elif step["method"] not in ("GET", "POST") or "Authorization" in step["headers"] or \
                job["id"].startswith("closed-new"):  # (see the client's setup in scenarios.py)
            return None
        else:
            results.append(chromium_navigate(page, origin, step))
    page.close()
    return results


FETCH = """async step => {
  const headers = Object.fromEntries(Object.entries(step.headers).filter(([name]) => name !== 'Cookie'));
  try {
    const response = await fetch(step.url, {method: step.method, headers,
      body: step.body_size ? 'x'.repeat(step.body_size) : undefined});
    const length = (await response.arrayBuffer()).byteLength;
    return {status: response.status, ok: response.ok, error: null, length};
  } catch (error) {
    return {status: null, ok: null, error: `${error.name}: ${error.message}`, length: null};
  }
}"""


def chromium_navigate(page, origin: str, step: dict) -> dict:
    try:
        if step["method"] == "GET":
            response = page.goto(step["url"], timeout=TIMEOUT * 1000)
        else:
            page.goto(origin + "/t/page/200")
            with page.expect_navigation(timeout=TIMEOUT * 1000) as navigation:
                page.evaluate("""step => { const form = document.createElement('form');
                    form.method = 'POST'; form.action = step.url; form.enctype = 'text/plain';
                    const field = document.createElement('textarea'); field.name = 'x';
                    field.value = 'x'.repeat(step.body_size - 2); form.append(field);
                    document.body.append(form); form.submit(); }""", step)
            response = navigation.value
    except Exception as error:  # noqa: BLE001  (a network error page is an observation)
        match = re.search(r"net::(ERR_[A-Z_]+)", str(error))
        return {"status": None, "ok": None, "error": match[1] if match else type(error).__name__,
                "length": None}
    return {"status": response.status if response else None, "ok": None, "error": None,
            "length": None}


def available(client: str) -> str | None:
    """Why a client cannot be observed here, or None when it can."""
    if client in ("curl", "wget", "go") and not shutil.which(client):
        return f"{client} is not installed (make test installs it as root on Debian)"
    if client in ("fetch", "axios") and not shutil.which("node"):
        return "Node.js is not installed"
    if client == "axios" and not (NODE_MODULES / "axios").is_dir():
        return "axios is not installed (npm ci --prefix tests/node)"
    return None  # (Chromium: the system's, or Playwright's own, as for every browser test)


def run_client(client: str, work: list) -> tuple:
    if client in ("requests", "httpx", "urllib", "aiohttp"):
        return run_driver([sys.executable, str(DRIVERS / "python_clients.py")], client, work)
    if client in ("fetch", "axios"):
        return run_driver(["node", str(DRIVERS / "node_clients.mjs")], client, work)
    if client == "go":
        subprocess.run(["go", "build", "-o", str(GO_BINARY), "."], cwd=DRIVERS / "go_client",
                       check=True, capture_output=True, env={**os.environ, "GOFLAGS": "-mod=mod"})
        return run_driver([str(GO_BINARY)], client, work)
    if client == "curl":
        return run_curl(work)
    if client == "wget":
        return run_wget(work)
    return run_chromium(client, work)


def observe(client: str, servers: Servers) -> tuple:
    """(version, {scenario id: observed}) for one client."""
    work = jobs(client, servers)
    version, found = run_client(client, work)
    return version, {
        scenario_id: observed(scenarios.SCENARIOS[scenario_id], results,
                              servers.requests(f"/t/{client}/{scenario_id}/"))
        for scenario_id, results in found.items()}


def recorded() -> dict:
    return json.loads((REPO / DATA).read_text(encoding="utf-8")) if (REPO / DATA).exists() else \
        {"clients": [], "results": []}


def differences(client: str, version: str, seen: dict, data: dict) -> list:
    """Each cell where what the client did here is not what the data says, in words."""
    rows = {row["scenario"]: row for row in data["results"] if row["client"] == client}
    problems = []
    for scenario_id in sorted(set(rows) | set(seen)):
        was, now = rows.get(scenario_id, {}).get("observed"), seen.get(scenario_id)
        if was != now:
            problems.append(f"{client} {version}, {scenario_id}: observed {now}, recorded {was}")
    recorded_version = next((row["version"] for row in data["clients"] if row["id"] == client), None)
    if problems and recorded_version != version:  # (the same behaviour at another version passes)
        problems.append(f"{client} is {version} here, the data says {recorded_version}")
    return problems


def write(data: dict, client: str, version: str, seen: dict, today: str):
    """Record one client's observations; a cell that did not change keeps its date."""
    old = {row["scenario"]: row for row in data["results"] if row["client"] == client}
    data["clients"] = [row for row in data["clients"] if row["id"] != client] + [
        {"id": client, "version": version}]
    data["clients"].sort(key=lambda row: [item.id for item in scenarios.CLIENTS].index(row["id"]))
    rows = [row for row in data["results"] if row["client"] != client]
    for scenario_id, value in seen.items():
        same = old.get(scenario_id, {}).get("observed") == value and \
            old.get(scenario_id, {}).get("version") == version
        rows.append({"client": client, "version": version, "scenario": scenario_id,
                     "code": scenarios.SCENARIOS[scenario_id].code, "observed": value,
                     "date": old[scenario_id]["date"] if same else today})
    order = list(scenarios.SCENARIOS)
    clients = [item.id for item in scenarios.CLIENTS]
    data["results"] = sorted(rows, key=lambda row: (order.index(row["scenario"]),
                                                    clients.index(row["client"])))


def dump(data: dict, listing: str) -> str:
    """The record as JSON with one result to a line (line 4 is results[1]), for short diffs;
    `listing` names what was observed: clients, proxies."""
    lines = [json.dumps(row, ensure_ascii=False) for row in data["results"]]
    return ('{\n "' + listing + '": ' + json.dumps(data[listing]) + ',\n "results": [\n  '
            + ",\n  ".join(lines) + "\n ]\n}\n")


def finish(data: dict, problems: list, write: bool, path: Path, listing: str) -> int:
    """Write the record (with --write), or print the differences: the exit status."""
    if write:
        path.parent.mkdir(exist_ok=True)
        path.write_text(dump(data, listing), encoding="utf-8")
        return 0
    print("\n".join(problems))
    return 1 if problems else 0


def install():
    """curl, Wget and Go from Debian's packages, when run as root."""
    apt_install([package for command, package in (("curl", "curl"), ("wget", "wget"), ("go", "golang-go"))
                 if not shutil.which(command)])


def apt_install(missing: list):
    """Debian packages, when run as root, without starting a service they bring (policy-rc.d
    says no while they install); otherwise, or when apt fails, say what will be skipped."""
    if not missing:
        return
    if not (shutil.which("apt-get") and os.geteuid() == 0):
        print(f"not installed: {', '.join(missing)} (as root on Debian, make test installs them); "
              "their observations are skipped")
        return
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    policy = Path("/usr/sbin/policy-rc.d")
    kept = policy.read_bytes() if policy.exists() else None
    policy.write_text("#!/bin/sh\nexit 101\n")
    policy.chmod(0o755)
    try:
        if subprocess.run(["apt-get", "install", "-y", "-qq", *missing],
                          check=False, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}).returncode:
            print(f"apt-get could not install {', '.join(missing)}; their observations are skipped")
    finally:
        if kept is None:
            policy.unlink()
        else:
            policy.write_bytes(kept)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--install", action="store_true")
    parser.add_argument("clients", nargs="*", default=[item.id for item in scenarios.CLIENTS])
    args = parser.parse_args(argv)
    if args.install:
        install()
        return 0
    data, servers, problems = recorded(), Servers(), []
    today = datetime.date.today().isoformat()
    try:
        for client in args.clients:
            if reason := available(client):
                print(f"{client}: skipped, {reason}")
                continue
            version, seen = observe(client, servers)
            found = differences(client, version, seen, data)
            problems += found
            print(f"{client} {version}: {len(seen)} scenarios, {len(found)} differences")
            if args.write:
                write(data, client, version, seen, today)
    finally:
        servers.close()
    return finish(data, problems, args.write, REPO / DATA, "clients")


if __name__ == "__main__":
    sys.exit(main())
