"""One token contract for every source, checked at the boundary.

Every reader hands its numbers to ``add_usage`` in the tool's own terms, saying whether the
tool's input count includes cached tokens and whether its reasoning count is separate
from output. What is stored is always:

- ``input_tokens``: fresh (non-cached) prompt tokens;
- cache writes (5-minute and 1-hour) and ``cache_read_tokens``: separate, never inside input;
- ``output_tokens``: everything billed at the output rate, reasoning included;
- ``reasoning_tokens``: the reasoning part of output (never added again);
- total = input + output + cache writes + cache reads.

Numbers are range-checked here (a hostile or corrupt count is skipped with a reason, never
stored), so nothing later can overflow SQLite's integers; timestamps outside a sane range
are skipped as unreadable.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tracker.core.reading import ReadResult, SessionSeen
from tracker.core.records import UsageEvent

# No single request comes near this (context windows are a few million tokens), and a sum of
# a billion such requests still fits in SQLite's 64-bit integers.
MAX_TOKENS = 10**10
# The largest one-digit int of CPython: the interpreter compares those without a call, so the
# per-record fast paths test counts against it; a larger one (rare) goes to ``token_count``.
SMALL_TOKENS = (1 << 30) - 1
MAX_COST_MICRO = 10**12  # $1,000,000 for one request: anything above is corrupt
# Timestamps a usage record may carry; outside this they are unreadable, not usage.
MIN_TS_MS = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp() * 1000)
MAX_TS_MS = int(datetime(2100, 1, 1, tzinfo=UTC).timestamp() * 1000)


def token_count(value: object) -> int | None:
    """``value`` as a token count, or None when it is not one (wrong type, negative, huge).

    A missing count (None) is 0. Floats with no fraction are accepted (JSON writers differ).
    """
    if type(value) is int:  # the common case, first
        return value if 0 <= value <= MAX_TOKENS else None
    if value is None:
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if not isinstance(value, int) or value < 0 or value > MAX_TOKENS:
        return None
    return value


def timestamp_ok(ts_ms: int) -> bool:
    return MIN_TS_MS <= ts_ms < MAX_TS_MS


def cost_micro(usd: object) -> int | None:
    """A tool-reported cost in USD as integer micro-dollars, or None when absent or unusable."""
    if usd is None or isinstance(usd, bool) or not isinstance(usd, int | float):
        return None
    micro = round(float(usd) * 1_000_000)
    return micro if 0 <= micro <= MAX_COST_MICRO else None


def add_usage(
    result: ReadResult,
    line_no: int,
    *,
    source: str,
    key: str,
    session: str,
    project: str,
    model: str,
    ts_ms: int,
    input: object,  # the contract's own word (shadows the builtin here only)
    output: object,
    cache_read: object = 0,
    cache_write_5m: object = 0,
    cache_write_1h: object = 0,
    reasoning: object = 0,
    branch: str = "",
    input_includes_cache_read: bool = False,
    input_includes_cache_write: bool = False,
    reasoning_separate: bool = False,
    tool_cost_usd: object = None,
    subscription: bool = False,
) -> bool:
    """Normalize one request's usage and add it to ``result``; False (counted as skipped,
    with the reason) when a number or the timestamp is unusable.

    ``key`` is the request's identity across every file the tool writes (its own ids, or a
    fingerprint where it copies records under new ids): the store keeps one row per key.
    ``input_includes_cache_read``/``_write``: the tool's input count contains those cached
    tokens (Gemini, Qwen, Copilot, OpenAI-style APIs), so they are subtracted.
    ``reasoning_separate``: the tool's output count excludes reasoning (Gemini ``thoughts``,
    OpenCode ``reasoning``), so it is added to output.
    ``subscription``: the tool says the request cost the user nothing beyond a plan.
    """
    # This runs once per request of every log: plain small ints take no call at all.
    top = SMALL_TOKENS
    inp = input if type(input) is int and 0 <= input <= top else token_count(input)
    out = output if type(output) is int and 0 <= output <= top else token_count(output)
    read = cache_read if type(cache_read) is int and 0 <= cache_read <= top else token_count(cache_read)
    w5 = cache_write_5m if type(cache_write_5m) is int and 0 <= cache_write_5m <= top else token_count(cache_write_5m)
    w1 = cache_write_1h if type(cache_write_1h) is int and 0 <= cache_write_1h <= top else token_count(cache_write_1h)
    reason = reasoning if type(reasoning) is int and 0 <= reasoning <= top else token_count(reasoning)
    if inp is None or out is None or read is None or w5 is None or w1 is None or reason is None:
        result.skip(line_no, "token count that is not a whole number from 0 to 10^10")
        return False
    if input_includes_cache_read:
        inp -= read
    if input_includes_cache_write:
        inp -= w5 + w1
    if inp < 0:
        result.skip(line_no, "cached tokens larger than the input that should contain them")
        return False
    if reasoning_separate:
        out += reason
    elif reason > out:
        reason = out  # a part of output cannot exceed it; keep output as the tool billed it
    if not MIN_TS_MS <= ts_ms < MAX_TS_MS:
        result.skip(line_no, "unreadable timestamp (outside 2000–2100)")
        return False
    cost = None if tool_cost_usd is None else cost_micro(tool_cost_usd)
    result.events.append(
        UsageEvent(
            source, key, session, project, branch, model or "unknown", ts_ms,
            inp, out, w5, w1, read, reason, cost, subscription,
        )
    )  # fmt: skip
    note_session(result.sessions, session, project, branch)
    return True


def note_session(sessions: dict[str, SessionSeen], session: str, project: str, branch: str) -> None:
    """What a request says of its session: a session new to the read, or the first project
    and the latest branch it names (readers that build events themselves call this too)."""
    seen = sessions.get(session)
    if seen is None or (project and not seen.project) or (branch and seen.git_branch != branch):
        sessions[session] = SessionSeen(session, project, branch)
