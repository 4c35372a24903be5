"""Numbers as people read them: the UI uses the one Qt-free formatter the CLI and reports share."""

from __future__ import annotations

from tracker.core.formatting import money, plural, short_model, short_money, short_tokens, tokens

__all__ = ["money", "plural", "short_model", "short_money", "short_tokens", "tokens"]
