"""Load and validate every kind of content into the model; report every mistake as
path:line: field."""
from pathlib import Path

from . import facts, schema
from .kinds import KINDS, codes
from .kinds.base import Job, yaml_file
from .memo import Memo
from .model import ContentError, Problem, Site
from .text import CODE_LIST
from .registry import load_registry


def load_site(root: Path, base_url: str | None = None, skip=frozenset(),
              memo: Memo | None = None) -> Site:
    """Read and validate all content under root/content, less the code files in `skip`,
    reusing the entries a memo holds; raise ContentError listing every problem."""
    registry_path = root / "content" / "registry.csv"
    problems = []
    registry = load_registry(registry_path, problems)
    job = Job(root, registry, registry_path.stat().st_mtime_ns, (memo or Memo()).entries,
              frozenset(skip), problems)
    config = load_yaml_record(root / "content" / "site.yaml", job, schema.SITE_FIELDS)
    if base_url:
        config["base_url"] = base_url
    config["base_url"] = config.get("base_url", "").rstrip("/")
    for kind in KINDS:  # a kind may check against the kinds before it (codes come first)
        job.loaded[kind.NAME] = kind.load(job)
    loaded = job.loaded
    broken = codes.present(job) - {entry.code for entry in loaded["codes"]}
    check_links(loaded["codes"], registry, job.links, job.problems, broken)
    if job.problems:
        raise ContentError(job.problems)
    return Site(config, registry=registry, links=tuple(job.links), origins=job.origins, **loaded)


def load_yaml_record(path: Path, job: Job, fields) -> dict:
    """A whole YAML file checked against field descriptions (site.yaml)."""
    reader, node = yaml_file(path, job)
    return {} if node is False else reader.fields(node, fields, 1)


def check_links(codes: list, registry: dict, links: list, problems: list, broken=frozenset()):
    """Every [[NNN]] and related code has a page or is at least registered (a code whose own
    file has problems counts as having a page: its problems are reported already)."""
    pages = {entry.code for entry in codes} | broken
    for path, code, line, label in links:
        if isinstance(code, tuple):  # a [[codes: …]] list
            if not facts.select_codes(codes, code):
                problems.append(Problem(path, line, label, f"[[{CODE_LIST} {' '.join(code)}]] "
                                                           "matches no code"))
            continue
        if code not in pages and code not in registry:
            problems.append(Problem(path, line, label,
                                    f"{code} has no page and is not in the IANA registry"))
