"""Nothing is ever lost through --out: the writer replaces only an earlier build of ours, and
refuses anything else in one line before any work; swaps still work where an atomic exchange
or a rename is impossible; leftovers of killed runs go, interrupted runs clean up."""
import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from httpref import pipeline, write
from httpref.pipeline import Builder, build_site
from httpref.write import MARKER, MARKER_TEXT, OutputError, write_site
from tests.conftest import FIXTURE, REPO, copy_site, free_port, snapshot

NEW_FOLDER = "choose an empty or new folder such as _site"

# Runs build.py as the command line does, after the given Python code has patched the writer.
PATCHED = """
import runpy, sys
import httpref.write as write
exec(sys.argv[1])
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


@pytest.fixture
def project(tmp_path) -> Path:
    """The fixture site as a project folder, with a stand-in for version control."""
    root = copy_site(tmp_path / "site", FIXTURE / "content")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root


def command(root: Path, *args, patch: str = "", **options):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    prefix = [sys.executable, "-c", PATCHED, patch] if patch else [sys.executable]
    return prefix + [str(root / "build.py"), *args], dict(cwd=root, env=env, text=True, **options)


def run(root: Path, *args, patch: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    argv, options = command(root, *args, patch=patch, capture_output=True, timeout=timeout)
    return subprocess.run(argv, **options)


def state(folder: Path) -> dict:
    """Everything under a folder, without following links: file bytes, link targets, folders."""
    found = {}
    for top, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(top, name)
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_file():
                found[rel] = path.read_bytes()
            else:
                found[rel] = "folder" if path.is_dir() else "other"
    return found


def dot_entries(folder: Path) -> list:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def edit_summary(root: Path):
    """Change an entry so that a finished build would differ from the one before it."""
    path = root / "content" / "codes" / "200.md"
    path.write_text(path.read_text().replace("summary: The request worked.",
                                             "summary: The request worked, edited.", 1))


def make_fifo(root: Path) -> str:
    os.mkfifo(root / "pipe")
    return "pipe"


def make_file(root: Path) -> str:
    (root / "notes.txt").write_text("mine\n")
    return "notes.txt"


def make_folder(root: Path) -> str:
    (root / "stuff").mkdir()
    (root / "stuff" / "thesis.tex").write_text("years of work\n")
    return "stuff"


def make_link(root: Path) -> str:
    (root / "link").symlink_to(root / "content")
    return "link"


def under_a_file(root: Path) -> str:
    make_file(root)
    return "notes.txt/site"


REFUSED = {
    "the project": (lambda root: ".", "it is the project folder"),
    "its parent": (lambda root: "..", "it holds the project folder"),
    "the file system root": (lambda root: "/", "refusing to build into /: it holds the project"),
    "content": (lambda root: "content", "it is the project's content/ folder"),
    "inside content": (lambda root: "content/codes", "lies inside the project's content/ folder"),
    "templates": (lambda root: "templates", "it is the project's templates/ folder"),
    "static": (lambda root: "static", "it is the project's static/ folder"),
    "a new folder inside static": (lambda root: "static/site",
                                   "lies inside the project's static/ folder"),
    "a link to content": (make_link, "link (which leads to "),
    "a file": (make_file, "it exists and is not a folder"),
    "a named pipe": (make_fifo, "it exists and is not a folder"),
    "a folder of someone else's files": (make_folder, f"it is not empty and has no {MARKER}"),
    "a path under a file": (under_a_file, "notes.txt is not a folder"),
}


@pytest.mark.parametrize("prepare, reason", REFUSED.values(), ids=REFUSED.keys())
def test_a_dangerous_output_is_refused_in_one_line_and_nothing_is_touched(
        project, tmp_path, prepare, reason):
    out = prepare(project)
    before, top_level = state(tmp_path), sorted(os.listdir("/"))
    result = run(project, "build", "--out", out)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: refusing to build into ") and reason in result.stderr
    assert "Traceback" not in result.stderr
    assert state(tmp_path) == before
    assert sorted(os.listdir("/")) == top_level
    assert (project / ".git" / "HEAD").is_file() and (project / "content" / "codes").is_dir()


def test_serve_refuses_before_serving(project, tmp_path):
    before = state(tmp_path)
    result = run(project, "serve", "--out", "content", "--port", str(free_port()), timeout=20)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: refusing to build into {project / 'content'}: it is the project's content/ "
        f"folder; {NEW_FOLDER}"]
    assert state(tmp_path) == before


@pytest.mark.parametrize("where", ["read-only folder", "/sys"])
def test_a_parent_that_cannot_be_written_is_one_line(project, tmp_path, where):
    if where == "/sys":
        if not Path("/sys").is_dir():
            pytest.skip("no /sys here")
        out, parent = Path("/sys/httpref-test/site"), Path("/sys")  # not even for root
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        out, parent = tmp_path / "locked" / "site", tmp_path / "locked"
        parent.mkdir(mode=0o555)
    before = sorted(os.listdir(parent))
    result = run(project, "build", "--out", str(out))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("error: ") and "cannot write" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(os.listdir(parent)) == before


def test_the_refusal_comes_before_any_rendering(project, monkeypatch):
    def render(*args):
        raise AssertionError("rendered before the output was checked")
    monkeypatch.setattr(pipeline, "render_in_parallel", render)
    with pytest.raises(OutputError, match="content/ folder"):
        build_site(project, project / "content")


def test_the_writer_itself_refuses_and_the_dev_builder_too(project):
    before = state(project)
    with pytest.raises(OutputError, match="it is the project folder"):
        write_site([("index.html", b"<!doctype html>")], project, project)
    with pytest.raises(OutputError, match="templates/ folder"):
        Builder(project, project / "templates")
    assert state(project) == before


def test_an_empty_folder_is_built_into_and_gets_the_marker(project, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    build_site(project, out)
    assert (out / MARKER).read_bytes() == MARKER_TEXT
    assert (out / "200" / "index.html").is_file()


def test_our_own_output_is_replaced_and_builds_are_byte_identical(project, tmp_path):
    out, again = tmp_path / "out", tmp_path / "again"
    build_site(project, out)
    first = snapshot(out)
    build_site(project, out)
    build_site(project, again)
    assert snapshot(out) == first == snapshot(again)
    assert first[MARKER] == MARKER_TEXT
    edit_summary(project)
    build_site(project, out)
    assert b"The request worked, edited." in (out / "200" / "index.html").read_bytes()
    assert dot_entries(tmp_path) == []


def test_the_dev_builder_writes_the_marker(project, tmp_path):
    Builder(project, tmp_path / "out").build()
    assert (tmp_path / "out" / MARKER).read_bytes() == MARKER_TEXT


@pytest.fixture
def rebuilt(project, tmp_path):
    """An earlier build in `out` with a page the next build no longer makes, and what the next
    build should give; the test then builds again."""
    out, expected = tmp_path / "out", tmp_path / "expected"
    build_site(project, out)
    (out / "gone").mkdir()
    (out / "gone" / "index.html").write_text("a page the site no longer has")
    edit_summary(project)
    build_site(project, expected)
    return out, snapshot(expected)


def test_without_an_atomic_exchange_two_renames_swap_the_site(project, tmp_path, rebuilt,
                                                               monkeypatch):
    out, expected = rebuilt
    tried = []
    monkeypatch.setattr(write, "exchange", lambda first, second: tried.append(second) or False)
    build_site(project, out)
    assert tried == [out.resolve()]
    assert snapshot(out) == expected
    assert dot_entries(tmp_path) == [], "the previous tree or the staging folder is left"


def refuse_to_rename(monkeypatch, folder: Path, code: int):
    """os.rename fails for `folder` itself as for a mount point; its entries still move."""
    real = os.rename

    def rename(source, target, *args, **options):
        if Path(source) == folder.resolve():
            raise OSError(code, os.strerror(code), str(source))
        return real(source, target, *args, **options)
    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(write, "exchange", lambda first, second: False)


@pytest.mark.parametrize("code", [errno.EBUSY, errno.EXDEV])
def test_an_output_folder_that_cannot_be_renamed_is_refilled_in_place(
        project, tmp_path, rebuilt, monkeypatch, code):
    out, expected = rebuilt
    inode = out.stat().st_ino
    refuse_to_rename(monkeypatch, out, code)
    build_site(project, out)
    assert out.stat().st_ino == inode, "the folder itself was replaced"
    assert snapshot(out) == expected, "old files are left or new ones are missing"
    assert dot_entries(out) == [MARKER]
    assert dot_entries(tmp_path) == []


def test_a_failed_swap_keeps_the_previous_site(project, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build_site(project, out)
    before = snapshot(out)
    edit_summary(project)
    refuse_to_rename(monkeypatch, out, errno.EACCES)
    with pytest.raises(PermissionError):
        build_site(project, out)
    assert snapshot(out) == before
    assert dot_entries(tmp_path) == []


def ended_process() -> int:
    """The id of a process that has finished."""
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    with pytest.raises(ProcessLookupError):
        os.kill(child.pid, 0)
    return child.pid


def test_leftovers_of_killed_builds_go_and_nothing_else(project, tmp_path):
    out, dead = tmp_path / "out", ended_process()

    def folder(name, *files):
        (tmp_path / name).mkdir()
        for file in files:
            (tmp_path / name / file).write_bytes(MARKER_TEXT if file == MARKER else b"x")
        return name

    stale = [folder(f".out-{dead}-k1ll3d", MARKER, "index.html"),
             folder(f".out-old-{dead}-pr3v_s", MARKER, "index.html"),
             folder(f".out-{dead}-3mpty9")]
    kept = [folder(f".out-{dead}-n0mark", "index.html"),  # not provably ours
            folder(f".out-{os.getpid()}-l1ving", MARKER),  # its process still runs
            folder(f".other-{dead}-abc123", MARKER),  # another output's
            folder(".cache", MARKER, "index.html"),
            folder("notes", MARKER)]
    (tmp_path / f".out-{dead}-l1nked").symlink_to(tmp_path / "notes")
    kept.append(f".out-{dead}-l1nked")
    before = {name: state(tmp_path / name) for name in kept}
    build_site(project, out)
    assert (out / "200" / "index.html").is_file()
    assert not [name for name in stale if (tmp_path / name).exists()]
    assert {name: state(tmp_path / name) for name in kept} == before
    assert (tmp_path / f".out-{dead}-l1nked").is_symlink()


def test_ctrl_c_while_writing_removes_the_staging_and_keeps_the_site(project, tmp_path,
                                                                     monkeypatch):
    out = tmp_path / "out"
    build_site(project, out)
    before = snapshot(out)
    edit_summary(project)
    real, written = write.checked_target, []

    def interrupted(staging, rel, seen):
        if len(seen) == 5:
            written.extend(path for path in staging.rglob("*") if path.is_file())
            raise KeyboardInterrupt
        return real(staging, rel, seen)
    monkeypatch.setattr(write, "checked_target", interrupted)
    with pytest.raises(KeyboardInterrupt) as caught:
        build_site(project, out)
    assert len(written) >= 4, "the interrupt came before any writing"
    assert not hasattr(caught.value, "__notes__")
    assert snapshot(out) == before
    assert dot_entries(tmp_path) == []


def test_a_signal_during_the_swap_waits_until_the_new_site_is_in(project, tmp_path, rebuilt,
                                                                 monkeypatch):
    out, expected = rebuilt
    real = write.exchange

    def exchange(first, second):
        # Ctrl-C as the swap begins, sent to this thread: other threads of the test process
        # (a browser driver's) could take a process-wide signal, the command line has none.
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        return real(first, second)
    monkeypatch.setattr(write, "exchange", exchange)
    with pytest.raises(KeyboardInterrupt) as caught:
        build_site(project, out)
    assert snapshot(out) == expected
    assert caught.value.__notes__ == [f"the new site is in place in {out.resolve()}"]
    assert dot_entries(tmp_path) == []


SLOW_WRITES = """
import time
real = write.checked_target
def checked_target(*args):
    time.sleep(0.1)
    return real(*args)
write.checked_target = checked_target
"""


@pytest.mark.parametrize("number, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)],
                         ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_writing_exits_cleanly_and_keeps_the_site(project, tmp_path, number,
                                                                 status):
    out = tmp_path / "out"
    assert run(project, "build", "--out", str(out)).returncode == 0
    before = snapshot(out)
    edit_summary(project)
    argv, options = command(project, "build", "--out", str(out), patch=SLOW_WRITES,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process = subprocess.Popen(argv, **options)
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(f".out-{process.pid}-*/*/*")):  # writing has begun
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.01)
    process.send_signal(number)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == status, stderr
    assert stderr.splitlines()[-1] == f"interrupted; the previous site in {out} is unchanged"
    assert "Traceback" not in stderr
    assert snapshot(out) == before
    assert dot_entries(tmp_path) == []


def test_an_os_error_while_writing_is_one_line(project, tmp_path):
    out = tmp_path / "out"
    assert run(project, "build", "--out", str(out)).returncode == 0
    before = snapshot(out)
    edit_summary(project)
    patch = ("def swap(staging, out):\n"
             "    raise PermissionError(13, 'Permission denied', str(out))\n"
             "write.swap = swap\n")
    result = run(project, "build", "--out", str(out), patch=patch)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == f"error: [Errno 13] Permission denied: '{out}'"
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert dot_entries(tmp_path) == []
