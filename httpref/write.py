"""Write the output tree: build beside the target, then swap it in only when all is well.
Nothing but an earlier build of ours is ever replaced: each build leaves a marker file in its
output, and a folder that is not empty and has no marker is refused."""
import ctypes
import errno
import os
import re
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

MARKER = ".httpref-build"
MARKER_TEXT = b"Built by httpref (build.py). Every build replaces all of this folder.\n"
SOURCES = ("content", "templates", "static")
NEW_FOLDER = "choose an empty or new folder such as _site"


class OutputError(Exception):
    """The renderer asked for something the writer refuses to do, or the output folder is one
    a build must not replace."""


def check_output(out: Path, root: Path) -> Path:
    """The output folder, resolved, if a build may replace it; else OutputError saying why.
    Touches nothing."""
    target = out.resolve()
    try:
        reason = refusal(target, root.resolve())
    except OSError as error:
        reason = f"cannot look at it ({error.strerror}); {NEW_FOLDER}"
    if reason:
        shown = Path(os.path.abspath(out))
        where = target if shown == target else f"{shown} (which leads to {target})"
        raise OutputError(f"refusing to build into {where}: {reason}")
    return target


def refusal(target: Path, root: Path) -> str:
    """Why a build must not go into `target` (resolved), or '' if it may."""
    if root.is_relative_to(target):
        return f"it {'is' if target == root else 'holds'} the project folder; {NEW_FOLDER}"
    for name in SOURCES:
        source = (root / name).resolve()  # a symlinked source counts where it leads
        if target.is_relative_to(source):
            where = "is" if target == source else "lies inside"
            return f"it {where} the project's {name}/ folder; {NEW_FOLDER}"
        if source.is_relative_to(target):
            return f"it holds the project's {name}/ folder; {NEW_FOLDER}"
    if target.exists():
        if not target.is_dir():
            return f"it exists and is not a folder; {NEW_FOLDER}"
        names = os.listdir(target)
        if names and MARKER not in names:
            return (f"it is not empty and has no {MARKER} from an earlier build, so its "
                    "files may not be ours; empty it or choose a new folder such as _site")
    base = next(path for path in target.parents if path.exists())  # `/` always does
    if not base.is_dir():
        return f"{base} is not a folder; {NEW_FOLDER}"
    if not os.access(base, os.W_OK | os.X_OK):
        return f"cannot write in {base} (permission denied); choose a folder you can write to"
    return ""


def write_site(outputs: list, out: Path, root: Path) -> int:
    """Write (relative path, bytes) pairs and our marker into `out`, replacing the previous
    tree whole; return the file count. `root` is the project: check_output comes first."""
    out = check_output(out, root)
    staging = new_staging(out)
    swapped = False
    try:
        (staging / MARKER).write_bytes(MARKER_TEXT)  # first: it makes a leftover provably ours
        seen = {MARKER}
        for rel, data in outputs:
            target = checked_target(staging, rel, seen)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        with signals_held():  # the swap is short and must not stop half way
            swap(staging, out)
            swapped = True
    except BaseException as error:  # Ctrl-C and SIGTERM too: the previous tree stays
        shutil.rmtree(staging, ignore_errors=True)
        if swapped:  # a signal that waited for the swap
            error.add_note(f"the new site is in place in {out}")
        raise
    return len(outputs)


def new_staging(out: Path) -> Path:
    """A new folder beside `out`, named with this process's id so that a later build can tell
    a leftover of a killed run."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-{os.getpid()}-", dir=out.parent))
    except OSError as error:
        raise OutputError(f"cannot write beside {out} ({error.strerror}); "
                          "choose a folder you can write to") from None
    return staging


def remove_leftovers(out: Path):
    """Delete what killed builds left beside `out`: only folders named as ours for `out`, made
    by a process that no longer runs, and holding our marker or nothing at all."""
    ours = re.compile(rf"\.{re.escape(out.name)}-(?:old-)?(\d{{1,9}})-\w+")
    for path in out.parent.iterdir():
        match = ours.fullmatch(path.name)
        if (match and not running(int(match[1])) and path.is_dir() and not path.is_symlink()
                and ((path / MARKER).is_file() or not any(path.iterdir()))):
            shutil.rmtree(path, ignore_errors=True)


def running(pid: int) -> bool:
    """Whether a process with this id exists (another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


@contextmanager
def signals_held():
    """Hold SIGINT and SIGTERM in this thread until the block ends, then deliver them. (The
    command line writes from its only thread.)"""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def checked_target(staging: Path, rel: str, seen: set) -> Path:
    """Refuse a path written twice or one that leaves the output folder."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise OutputError(f"refusing to write outside the output folder: {rel!r}")
    if rel in seen:
        raise OutputError(f"two outputs want the same path: {rel}")
    seen.add(rel)
    return staging.joinpath(*pure.parts)


def swap(staging: Path, out: Path):
    """Replace `out` with `staging` and delete the previous tree. Readers see the old tree or
    the new one, never half: one atomic exchange where the system offers it (Linux, most file
    systems); else two renames, with a moment without `out`; else, for a folder that cannot be
    renamed (a mount point), its entries are replaced one by one, with a moment of a mix."""
    os.chmod(staging, 0o755)
    if not out.exists():
        staging.rename(out)
    elif exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous tree
    else:
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-{os.getpid()}-", dir=out.parent))
        try:
            out.rename(old)  # onto the empty folder just made
        except OSError as error:
            old.rmdir()
            if error.errno not in (errno.EBUSY, errno.EXDEV):
                raise
            replace_in_place(staging, out)
            return
        try:
            staging.rename(out)
        except BaseException:
            old.rename(out)  # the previous tree goes back
            raise
        shutil.rmtree(old, ignore_errors=True)


def replace_in_place(staging: Path, out: Path):
    """Move the new tree into `out` entry by entry, for a folder that cannot be renamed. All
    that `out` holds is ours (check_output found our marker, or nothing); the marker stays
    throughout, so a run killed half way does not get the next build refused."""
    inside = out / staging.name
    shutil.move(staging, inside)  # a copy if `out` is another file system
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-{os.getpid()}-", dir=out))
    for entry in list(out.iterdir()):
        if entry not in (inside, old) and entry.name != MARKER:
            entry.rename(old / entry.name)
    for entry in list(inside.iterdir()):
        os.replace(entry, out / entry.name)
    inside.rmdir()
    shutil.rmtree(old, ignore_errors=True)


def exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE); False if unsupported
    (no renameat2, EINVAL on some overlay file systems, EBUSY or EXDEV on a mount point)."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second),
                     rename_exchange) == 0


def write_changed(outputs: list, out: Path, previous: dict) -> int:
    """Rewrite in place only the files whose bytes changed since `previous` (path -> bytes);
    each file is replaced atomically, so a reader sees the old page or the new one."""
    out = out.resolve()
    count = 0
    for rel, data in outputs:
        if previous.get(rel) == data:
            continue
        target = checked_target(out, rel, set())
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        previous[rel] = data
        count += 1
    return count


def remove_stale(out: Path, written: dict, wanted: set) -> int:
    """Delete files written earlier that the site no longer produces."""
    stale = [rel for rel in written if rel not in wanted]
    for rel in stale:
        checked_target(out.resolve(), rel, set()).unlink(missing_ok=True)
        del written[rel]
    return len(stale)
