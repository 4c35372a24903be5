"""All sources Tokenworth knows, by name."""

from __future__ import annotations

from tracker.sources import claude_code, codex
from tracker.sources.base import Source

SOURCES: dict[str, Source] = {
    claude_code.NAME: claude_code.SOURCE,
    codex.NAME: codex.SOURCE,
}


def get_source(name: str) -> Source:
    return SOURCES[name]
