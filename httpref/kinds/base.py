"""What every kind of content is loaded with: the state of one load of the site."""
import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..model import Problem
from ..reader import FileReader
from ..text import is_editor_file


@dataclass
class Job:
    """One load of the site: where it is, what every kind reports into, what may be reused."""

    root: Path
    registry: dict
    registry_version: int
    entries: dict  # a Memo's entries: code files already read
    skip: frozenset = frozenset()  # code files to leave out (the dev server's drafts)
    problems: list = field(default_factory=list)
    links: list = field(default_factory=list)  # (path, target, line, field) of every short link
    origins: dict = field(default_factory=dict)  # rendered text -> [(path, breaks, field)]
    loaded: dict = field(default_factory=dict)  # kind NAME -> what it loaded, in KINDS order

    @property
    def content(self) -> Path:
        return self.root / "content"


def source_files(folder: Path) -> list:
    """The files and folders of a content folder that are ours: not what an editor or the
    system leaves beside them (none when the folder does not exist)."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if not is_editor_file(path.name))


def load_once(job: Job, path: Path, load, depends=()):
    """load(path, job) for one content file, reusing the last result in the job's entries
    while the file, the registry and `depends` (what else the result follows from) are
    unchanged: the dev server re-reads only what changed."""
    # Compare contents, not timestamps: two quick saves can share a coarse mtime and a size.
    digest = hashlib.blake2b(path.read_bytes()).digest() if path.is_file() else None
    version = (digest, path.is_symlink(), job.registry_version, str(job.root), depends)
    cached = job.entries.get(path)
    if cached is None or cached[0] != version:
        alone = replace(job, problems=[], links=[], origins={})  # what this file reports
        cached = job.entries[path] = (version, load(path, alone), alone.problems, alone.links,
                                      alone.origins)
    job.problems += cached[2]
    job.links += cached[3]
    for text, places in cached[4].items():
        job.origins.setdefault(text, []).extend(places)
    return cached[1]


def read_record(path: Path, job: Job, fields: set, harness: str, command: str) -> dict | None:
    """A record an observing harness writes, {…, "results": [one result to a line]}, when it
    parses and every result has `fields`; None after reporting what is wrong."""
    rel = path.relative_to(job.root).as_posix()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        job.problems.append(Problem(rel, getattr(error, "lineno", 1), "file", f"not JSON: {error}"))
        return None
    if not (isinstance(data, dict) and all(isinstance(row, dict) and fields <= set(row)
                                           for row in data.get("results", ()))):
        job.problems.append(Problem(rel, 1, "file", f"not a record of {harness}: each "
                                    "result has " + ", ".join(sorted(fields)) + f"; {command} writes it"))
        return None
    return data


def yaml_file(path: Path, job: Job, named: str = "") -> tuple:
    """(reader, node tree) of a YAML content file; the tree is None for an empty file and
    False once a problem is reported, such as, when `named` says how a file of this kind is
    named, a file whose name does not end in .yaml."""
    reader = FileReader(path, job.root, job.problems, job.links, job.origins)
    reader.offset = 1
    if named and path.suffix != ".yaml":
        reader.error(1, "file", named)
        return reader, False
    text = reader.read_text(path)
    return reader, reader.compose(text) if text is not None else False
