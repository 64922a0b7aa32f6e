"""What every kind of content is loaded with: the state of one load of the site."""
from dataclasses import dataclass, field
from pathlib import Path

from ..model import is_editor_file


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
