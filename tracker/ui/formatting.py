"""Numbers as people read them: the UI uses the one Qt-free formatter the CLI and reports share."""

from __future__ import annotations

from tracker.core.display_names import model_name
from tracker.core.formatting import money, plural, short_model, short_money, short_tokens, tokens
from tracker.sources.registry import SOURCES

__all__ = ["model_name", "money", "plural", "short_model", "short_money", "short_tokens", "tokens", "tool_name"]


def tool_name(source: str) -> str:
    """``claude-code`` → "Claude Code": the label the source registry gives each tool."""
    spec = SOURCES.get(source)
    return spec.label if spec is not None else source
