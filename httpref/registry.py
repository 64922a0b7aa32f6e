"""The IANA HTTP Status Code Registry as content/registry.csv holds it: every row checked,
and how an entry's spec is compared with the registry's reference."""
import csv
import re
from pathlib import Path

from . import schema
from .model import ContentError, Problem, RegistryEntry
from .text import CODE_REF, ISO_DAY, Spec, parse_spec

REGISTRY_COLUMNS = ("code", "name", "reference", "status", "registered", "extended", "expires")


def load_registry(path: Path, problems: list | None = None) -> dict:
    """content/registry.csv by code; a bad row is reported as path:line (raised as a
    ContentError when no problem list is given)."""
    rel = f"content/{path.name}"
    found, registry = [], {}
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        missing = [name for name in REGISTRY_COLUMNS if name not in (rows.fieldnames or ())]
        if missing:
            found.append(Problem(rel, 1, "header", f"missing column(s) {', '.join(missing)}; the "
                                                   f"columns are {','.join(REGISTRY_COLUMNS)}"))
        for row in rows if not missing else ():
            line = rows.line_num
            problem = registry_row_problem(row, registry)
            if problem:
                found.append(Problem(rel, line, *problem))
            else:
                code = int(row["code"])
                registry[code] = RegistryEntry(code, *(row[name] for name in REGISTRY_COLUMNS[1:]))
    if found and problems is None:
        raise ContentError(found)
    (problems if problems is not None else found).extend(found)
    return registry


def registry_row_problem(row: dict, registry: dict):
    """(column, message) for a registry row that cannot be used, or None."""
    if None in row or None in row.values():
        return "row", f"expected {len(REGISTRY_COLUMNS)} columns: {','.join(REGISTRY_COLUMNS)}"
    code = row["code"]
    if not CODE_REF.match(code):
        return "code", f"expected a status code from 100 to 599, got '{code}'"
    if int(code) in registry:
        return "code", f"{code} is listed twice"
    if row["status"] not in schema.REGISTRY_STATUSES:
        return "status", (f"expected one of {', '.join(schema.REGISTRY_STATUSES)}, got "
                          f"'{row['status']}'")
    for name in ("registered", "extended", "expires"):
        if row[name] and not ISO_DAY.fullmatch(row[name]):
            return name, f"expected a date written YYYY-MM-DD or nothing, got '{row[name]}'"
    return None


def expired_registrations(registry: dict, today: str) -> list:
    """Warnings for temporary registrations past their expiry date (ISO dates compare as text):
    IANA may have renewed, made permanent or removed them, so the registry data needs a look."""
    return [f"content/registry.csv: {entry.code} {entry.name}: its temporary registration "
            f"expired on {entry.expires}; check the IANA registry and update this file"
            for entry in registry.values() if entry.expires and entry.expires < today]


def registry_spec(reference: str) -> Spec | None:
    """The registry's 'RFC9110, Section 15.3.3' or 'RFC6585' as a Spec."""
    match = re.fullmatch(r"RFC(\d+)(?:, Section ([\d.]+))?", reference)
    return Spec(int(match[1]), match[2] or "") if match else None


def spec_matches(spec: str, reference: str) -> bool:
    """A spec agrees with the registry; it may name a section where the registry names none."""
    if reference.startswith("draft-"):
        return spec == reference
    parsed, official = parse_spec(spec), registry_spec(reference)
    return bool(parsed and official and parsed.rfc == official.rfc
                and official.section in ("", parsed.section))
