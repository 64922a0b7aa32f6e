"""Write the output tree: build beside the target, then swap it in only when all is well."""
import ctypes
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath


class OutputError(Exception):
    """The renderer asked for something the writer refuses to do."""


def write_site(outputs: list, out: Path) -> int:
    """Write (relative path, bytes) pairs into `out`, replacing it atomically; return the file count."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        seen = set()
        for rel, data in outputs:
            target = checked_target(staging, rel, seen)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(outputs)


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
    """Replace `out` with `staging` so readers see the old tree or the new one, never half,
    and never no tree at all: one atomic exchange where the system offers it (Linux)."""
    os.chmod(staging, 0o755)
    if not out.exists():
        staging.rename(out)
    elif exchange(staging, out):
        shutil.rmtree(staging)
    else:  # two renames: a moment without `out`, but never a half-written one
        old = out.with_name(f".{out.name}-old-{os.getpid()}")
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)


def exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE); False if unsupported."""
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
