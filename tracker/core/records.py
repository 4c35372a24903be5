"""Normalized records that sources yield and the store keeps.

Only usage metadata lives here: never prompt, reply or code content.
"""

from __future__ import annotations

import msgspec

# Every long-context price threshold genai-prices uses (and round numbers around them).
# A request's ``prompt_class`` is how many of these its whole prompt exceeds; reports
# recover any price tier whose threshold is listed from it without reading every event.
PROMPT_THRESHOLDS: tuple[int, ...] = (
    32_000, 64_000, 100_000, 128_000, 199_999, 200_000, 256_000, 272_000, 400_000, 500_000,
    512_000, 524_288, 1_000_000,
)  # fmt: skip

# Kinds of token a price applies to, in USD per million tokens.
PRICE_KINDS = ("input", "output", "cache_read", "cache_write_5m", "cache_write_1h")

# ``gc=False`` on the records below: they hold only strings, numbers and each other, so they are
# never part of a reference cycle; an import makes ~10^5 of them, and untracked they trigger
# no garbage collections.


class UsageEvent(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """One billed model request, normalized across tools.

    ``input_tokens`` is the non-cached part of the prompt; cache writes and reads
    are separate, so the four token kinds add up to the whole request without overlap.
    ``reasoning_tokens`` is informational: it is already part of ``output_tokens``.
    """

    source: str
    dedup_key: str
    session_id: str
    project: str
    git_branch: str
    model: str
    ts_ms: int
    input_tokens: int
    output_tokens: int
    cache_write_5m_tokens: int
    cache_write_1h_tokens: int
    cache_read_tokens: int
    reasoning_tokens: int
    # What the tool itself says the request cost, in micro-USD (None: it does not say).
    tool_cost_micro: int | None = None
    # The tool says the request was covered by a subscription (a cost of 0 from such a provider).
    subscription: bool = False

    @property
    def cache_creation_tokens(self) -> int:
        return self.cache_write_5m_tokens + self.cache_write_1h_tokens

    @property
    def prompt_tokens(self) -> int:
        """The whole prompt, which decides a long-context price tier."""
        return self.input_tokens + self.cache_creation_tokens + self.cache_read_tokens

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.output_tokens


class RateLimitWindow(msgspec.Struct, frozen=True, array_like=True, gc=False):
    used_percent: float
    window_minutes: int | None
    resets_at_ms: int | None


class RateLimitSnapshot(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """A tool's own report of how much of a rate-limit window is spent."""

    source: str
    session_id: str
    ts_ms: int
    primary: RateLimitWindow | None
    secondary: RateLimitWindow | None


class SkippedLine(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """A line that could not be used, with a reason a person can act on."""

    line_no: int
    reason: str


def dedup_digest(key: str) -> bytes:
    """The stored form of a dedup key: 16 bytes, so the unique index stays small and fast."""
    from hashlib import blake2b  # deferred: only import workers hash, reports never do

    return blake2b(key.encode(), digest_size=16).digest()
