"""A figure as a provider itself reports it (a console export's row, a usage API's bucket).

Kept by ``store.provider`` beside the local logs, never added to them.
"""

from __future__ import annotations

from hashlib import blake2b
from typing import NamedTuple


class ProviderRow(NamedTuple):
    """One bucket as the provider reports it (a row of ``provider_usage``)."""

    provider: str  # 'anthropic', 'openai', 'openrouter', 'litellm', 'copilot', …
    account: str  # the key's name, or the export's organisation/workspace ('' when unknown)
    origin: str  # 'export', 'api' or 'estimate' (counted from a chat export's text: not exact)
    row_key: bytes  # ``bucket_key(...)`` of what identifies the bucket for this provider
    day: str  # YYYY-MM-DD as the provider dates it (UTC for the consoles)
    ts_ms: int | None  # the bucket's start when the provider gives a time, else None
    model: str
    unit: str  # 'tokens' or 'requests'
    input_tokens: int
    cache_creation_tokens: int
    cache_read_tokens: int
    output_tokens: int
    reasoning_tokens: int
    requests: int
    cost_micro: int | None  # the provider's cost in micro-USD; None when it does not say
    detail: str  # workspace, key name, Copilot's quota kind …: shown, never priced
    imported_ms: int

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.cache_creation_tokens + self.cache_read_tokens + self.output_tokens


def bucket_key(*parts: object) -> bytes:
    """A 128-bit digest of what identifies one bucket (day, model, workspace, key id …)."""
    return blake2b("\x1f".join(str(p) for p in parts).encode(), digest_size=16).digest()
