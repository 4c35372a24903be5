"""The token contract's fast paths answer exactly as the plain range checks do."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core.reading import Cursor, ReadResult, SessionSeen
from tracker.core.records import UsageEvent
from tracker.sources import claude_code, codex
from tracker.sources.jsonl import read_incremental
from tracker.sources.normalize import MAX_TOKENS, MIN_TS_MS, SMALL_TOKENS, add_usage, token_count


def reference(result: ReadResult, line_no: int, counts: list[object], flags: tuple[bool, bool, bool]) -> bool:
    """``add_usage`` as written before its fast path: every count through ``token_count``."""
    checked = [token_count(v) for v in counts]
    if any(v is None for v in checked):
        result.skip(line_no, "token count that is not a whole number from 0 to 10^10")
        return False
    inp, out, read, w5, w1, reason = (v for v in checked if v is not None)
    includes_read, includes_write, separate = flags
    if includes_read:
        inp -= read
    if includes_write:
        inp -= w5 + w1
    if inp < 0:
        result.skip(line_no, "cached tokens larger than the input that should contain them")
        return False
    if separate:
        out += reason
    reason = min(reason, out)
    result.events.append(UsageEvent("s", "k", "x", "p", "b", "m", MIN_TS_MS, inp, out, w5, w1, read, reason))
    result.sessions["x"] = SessionSeen("x", "p", "b")
    return True


edges = [0, 1, 255, 256, SMALL_TOKENS - 1, SMALL_TOKENS, SMALL_TOKENS + 1, MAX_TOKENS - 1, MAX_TOKENS]
valid = st.sampled_from(edges) | st.integers(0, MAX_TOKENS)
odd = st.sampled_from([MAX_TOKENS + 1, -1, None, True, False, 2.0, 2.5, -0.0, float(MAX_TOKENS), 1e300, "7", [1]])


@st.composite
def six_counts(draw: st.DrawFn) -> list[object]:
    """Six counts in range, now and then one of them (or two) not."""
    values: list[object] = draw(st.lists(valid, min_size=6, max_size=6))
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        values[draw(st.integers(0, 5))] = draw(odd | st.integers(-3, 3 * MAX_TOKENS))
    return values


@settings(max_examples=400)
@given(values=six_counts(), flags=st.tuples(st.booleans(), st.booleans(), st.booleans()))
def test_add_usage_equals_checking_every_count(values: list[object], flags: tuple[bool, bool, bool]) -> None:
    got, want = ReadResult(cursor=Cursor()), ReadResult(cursor=Cursor())
    inp, out, read, w5, w1, reason = values
    ok = add_usage(
        got, 3, source="s", key="k", session="x", project="p", branch="b", model="m", ts_ms=MIN_TS_MS,
        input=inp, output=out, cache_read=read, cache_write_5m=w5, cache_write_1h=w1, reasoning=reason,
        input_includes_cache_read=flags[0], input_includes_cache_write=flags[1], reasoning_separate=flags[2],
    )  # fmt: skip
    assert ok == reference(want, 3, values, flags)
    assert got == want


def test_counts_above_the_small_bound_are_kept(tmp_path: Path) -> None:
    """A count past one CPython digit takes the slow path, and is the same count."""
    big = SMALL_TOKENS + 10
    usage = {"input_tokens": big, "cache_creation_input_tokens": big, "output_tokens": 1}
    usage["cache_creation"] = {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": big - 1}
    line = {"type": "assistant", "timestamp": "2026-06-01T10:00:00Z", "message": {"id": "m", "usage": usage}}
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(line) + "\n")
    reader = claude_code.READER
    r = read_incremental(
        path, Cursor(context=reader.start_context(path)), reader.parse_line, reader.needles, reader.line_format
    )
    [e] = r.events
    assert (e.input_tokens, e.cache_write_5m_tokens, e.cache_write_1h_tokens) == (big, 1, big - 1)

    def tc(total: int) -> str:
        usage = {
            "input_tokens": total,
            "cached_input_tokens": total // 2,
            "output_tokens": 3,
            "reasoning_output_tokens": 0,
        }
        payload = {"type": "token_count", "info": {"total_token_usage": usage}}
        return json.dumps({"timestamp": "2026-06-01T10:00:00Z", "type": "event_msg", "payload": payload})

    path = tmp_path / "rollout-x.jsonl"
    path.write_text("\n".join([tc(big), tc(3 * big), tc(MAX_TOKENS + 1)]) + "\n")
    reader = codex.READER
    r = read_incremental(
        path, Cursor(context=reader.start_context(path)), reader.parse_line, reader.needles, reader.line_format
    )
    cached = 3 * big // 2 - big // 2
    assert [(e.input_tokens, e.cache_read_tokens) for e in r.events] == [
        (big - big // 2, big // 2),
        (2 * big - cached, cached),
    ]
    assert [s.reason for s in r.skipped] == ["token count that is not a whole number from 0 to 10^10"]
