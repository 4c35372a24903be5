"""Every tool Tokenworth reads: one entry per source, by id.

Adding a tool is one module exporting ``SPEC`` (see ``sources.spec``) and one line here;
the importer, the watcher, ``--source``, the Sources page and the report derive from this.
"""

from __future__ import annotations

from tracker.sources import (
    amp,
    claude_code,
    cline,
    codex,
    copilot,
    gemini,
    goose,
    kilo,
    openclaw,
    opencode,
    pi,
    qwen,
    roo_code,
    zed,
)
from tracker.sources.exports import cursor as cursor_export
from tracker.sources.otlp import source as otlp_source
from tracker.sources.spec import SourceSpec

SOURCES: dict[str, SourceSpec] = {
    spec.id: spec
    for spec in (
        claude_code.SPEC,
        codex.SPEC,
        openclaw.SPEC,
        pi.SPEC,
        gemini.SPEC,
        qwen.SPEC,
        opencode.SPEC,
        cline.SPEC,
        roo_code.SPEC,
        kilo.SPEC,
        copilot.SPEC,
        goose.SPEC,
        zed.SPEC,
        amp.SPEC,
        cursor_export.SPEC,
        otlp_source.SPEC,
    )
}
