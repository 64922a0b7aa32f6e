"""The driver for Python's HTTP clients: requests, httpx, urllib.request and aiohttp, each at
its defaults but for following redirects, which httpx does only when asked (PROTOCOL.md)."""
import asyncio
import json
import sys
import urllib.error
import urllib.request

TIMEOUT = 10


def result(status=None, ok=None, error=None, length=None) -> dict:
    return {"status": status, "ok": ok, "error": error, "length": length}


def error_name(error: BaseException) -> str:
    """The class of what was raised, and of its root cause when a library wraps it."""
    cause = error
    while cause.__cause__ or cause.__context__:
        cause = cause.__cause__ or cause.__context__
    name, root = type(error).__name__, type(cause).__name__
    return name if root == name else f"{name} ({root})"


def run_requests(job):
    import requests

    session, results = requests.Session(), []
    auth = tuple(job["auth"].split(":")) if job["auth"] else None
    for step in job["steps"]:
        try:
            response = session.request(step["method"], step["url"], headers=step["headers"],
                                        data=b"x" * step["body_size"] or None, auth=auth,
                                        timeout=TIMEOUT)
        except Exception as error:  # noqa: BLE001  (what it raised is the observation)
            results.append(result(error=error_name(error)))
            continue
        try:
            response.raise_for_status()
            results.append(result(response.status_code, True, None, len(response.content)))
        except requests.HTTPError as error:
            results.append(result(response.status_code, False, error_name(error), len(response.content)))
    return results


def run_httpx(job):
    import httpx

    results = []
    auth = tuple(job["auth"].split(":")) if job["auth"] else None
    with httpx.Client(follow_redirects=True, timeout=TIMEOUT, auth=auth) as client:
        for step in job["steps"]:
            try:
                response = client.request(step["method"], step["url"], headers=step["headers"],
                                          content=b"x" * step["body_size"] or None)
            except Exception as error:  # noqa: BLE001
                results.append(result(error=error_name(error)))
                continue
            try:
                response.raise_for_status()
                results.append(result(response.status_code, True, None, len(response.content)))
            except httpx.HTTPStatusError as error:
                results.append(result(response.status_code, False, error_name(error),
                                      len(response.content)))
    return results


def run_urllib(job):
    handlers = []
    if job["auth"]:
        user, password = job["auth"].split(":")
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, job["steps"][0]["url"], user, password)
        handlers.append(urllib.request.HTTPBasicAuthHandler(passwords))
    opener, results = urllib.request.build_opener(*handlers), []
    for step in job["steps"]:
        request = urllib.request.Request(step["url"], data=b"x" * step["body_size"] or None,
                                         headers=step["headers"], method=step["method"])
        try:
            with opener.open(request, timeout=TIMEOUT) as response:
                results.append(result(response.status, True, None, len(response.read())))
        except urllib.error.HTTPError as error:
            results.append(result(error.code, False, error_name(error), len(error.read())))
        except Exception as error:  # noqa: BLE001
            results.append(result(error=error_name(error)))
    return results


def run_aiohttp(job):
    return asyncio.run(aiohttp_job(job))


async def aiohttp_job(job):
    import aiohttp

    results = []
    auth = aiohttp.BasicAuth(*job["auth"].split(":")) if job["auth"] else None
    async with aiohttp.ClientSession(auth=auth, timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as session:
        for step in job["steps"]:
            try:
                async with session.request(step["method"], step["url"], headers=step["headers"],
                                           data=b"x" * step["body_size"] or None) as response:
                    content = await response.read()
                    results.append(result(response.status, response.ok,
                                          None, len(content)))
            except Exception as error:  # noqa: BLE001
                results.append(result(error=error_name(error)))
    return results


def version(client: str) -> str:
    if client == "urllib":
        return sys.version.split()[0]
    return __import__(client).__version__


def main():
    given = json.load(sys.stdin)
    client = given["client"]
    run = {"requests": run_requests, "httpx": run_httpx, "urllib": run_urllib,
           "aiohttp": run_aiohttp}[client]
    print(json.dumps({"version": version(client)}), flush=True)
    for job in given["jobs"]:
        try:
            results = run(job)
        except Exception as error:  # noqa: BLE001  (one job never stops the others)
            results = [result(error=error_name(error))]
        print(json.dumps({"id": job["id"], "results": results}), flush=True)


if __name__ == "__main__":
    main()
