"""Every tool Tokenworth reads: one entry per source, by id.

Adding a tool is one module exporting ``SPEC`` (see ``sources.spec``) and one line here;
the importer, the watcher, ``--source``, the Sources page and the report derive from this.
"""

from __future__ import annotations

from tracker.sources import claude_code, codex
from tracker.sources.spec import SourceSpec

SOURCES: dict[str, SourceSpec] = {
    spec.id: spec
    for spec in (
        claude_code.SPEC,
        codex.SPEC,
    )
}
