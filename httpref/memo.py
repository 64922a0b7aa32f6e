"""What a build may reuse from an earlier one: entries already read, Markdown already
converted, templates already compiled. The dev server keeps one Memo across its rebuilds; every
other build starts with an empty one, so nothing is shared unless it is handed over."""
from dataclasses import dataclass, field

from jinja2 import BytecodeCache

MARKDOWN_LIMIT = 100_000  # converted texts kept before starting afresh


class CompiledTemplates(BytecodeCache):
    """Compiled templates, by source checksum: each build makes a new Jinja Environment, and
    compiling the templates again was half of a warm rebuild."""

    def __init__(self):
        self.store = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


@dataclass
class Memo:
    entries: dict = field(default_factory=dict)  # path -> (version, entry, problems, links, origins)
    markdown: dict = field(default_factory=dict)  # (link signature, kind, text) -> (html, problems)
    templates: CompiledTemplates = field(default_factory=CompiledTemplates)
