"""Fixtures: a tiny site built in tmp_path from tests/fixture plus the real templates."""
import shutil
import socket
import threading
import functools
import http.server
from pathlib import Path

import pytest

from httpref.content import ContentError, load_site

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixture"


def copy_site(target: Path, content: Path) -> Path:
    """A site root with the real templates, static files and registry and the given content."""
    shutil.copytree(content, target / "content")
    shutil.copy(REPO / "content" / "registry.csv", target / "content" / "registry.csv")
    shutil.copytree(REPO / "templates", target / "templates")
    shutil.copytree(REPO / "static", target / "static")
    return target


@pytest.fixture
def fixture_site(tmp_path) -> Path:
    return copy_site(tmp_path / "site", FIXTURE / "content")


@pytest.fixture
def real_site(tmp_path) -> Path:
    """A copy of the repository's own site, safe to edit."""
    return copy_site(tmp_path / "site", REPO / "content")


def problems_of(root: Path) -> list[str]:
    """The validation messages for a site root, or [] if it is valid."""
    try:
        load_site(root)
    except ContentError as error:
        return [str(problem) for problem in error.problems]
    return []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def static_server():
    """Serve a folder over loopback: call with the folder, get the base URL."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
