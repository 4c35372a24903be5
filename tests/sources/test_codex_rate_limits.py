"""Codex rate limits are kept undecoded until they change: what is read equals decoding them in full."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.core.reading import Cursor, ReadResult
from tracker.sources import codex
from tracker.sources.jsonl import READ_SCRATCH, LineFormat, Record, read_incremental


class _FullPayload(Record):
    """``codex._Payload`` with its rate limits decoded with the rest of the line."""

    type: str | None = None
    id: str | None = None
    cwd: str | None = None
    model: str | None = None
    git: Any = None
    info: codex._Info | None = None
    rate_limits: codex._Limits | None = None


class _FullLine(Record):
    type: str | None = None
    timestamp: str | None = None
    payload: _FullPayload | None = None


# The reference: every line typed in full, handled by the same handler (decoded limits pass it as
# they are), which is how Codex lines were read before their limits were kept as bytes.
FULL = LineFormat(
    msgspec.json.Decoder(_FullLine), codex.KNOWN_TYPES, codex._handle, codex.LINES.lenient, codex.LINES.coerce
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["primary", "x", "used_percent"]), inner)
    ),
    max_leaves=6,
)
numbers = st.sampled_from([None, 0, 7, 12.5, 99.0, -1, 2000, 10**12, True, "5", [1]])
window = st.fixed_dictionaries(
    {},
    optional={
        "used_percent": numbers,
        "window_minutes": numbers,
        "resets_at": numbers,
        "resets_in_seconds": numbers,
    },
)
limits = st.fixed_dictionaries({}, optional={"primary": st.none() | window, "secondary": st.none() | window})
# Valid JSON only: inside limits of the wrong shape, JSON that is not valid (or nested past the
# decoder's depth) used to be reported as "unexpected shape"; now it is "not valid JSON". Both skip
# the line.
# A few snapshots, repeated as the CLI repeats them, and now and then something else entirely.
limit_values = (
    st.sampled_from([None, {"primary": {"used_percent": 24.0, "window_minutes": 300}}]) | limits | json_values
)


@st.composite
def rollout(draw: st.DrawFn) -> list[bytes]:
    pool = draw(st.lists(limit_values, min_size=1, max_size=4))
    total = 0
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["token_count", "token_count", "token_count", "turn_context", "session_meta"]))
        payload: dict[str, Any]
        if kind == "token_count":
            total += draw(st.sampled_from([0, 0, 10, 1000]))
            usage = {"input_tokens": total, "cached_input_tokens": total // 2, "output_tokens": total // 10}
            payload = {"type": "token_count", "info": draw(st.sampled_from([None, {"total_token_usage": usage}]))}
            kind = "event_msg"
        else:
            payload = {"model": "gpt-5", "cwd": "/p", "id": "s1"}
        if draw(st.booleans()):
            payload["rate_limits"] = draw(st.sampled_from(pool))
        if draw(st.integers(0, 3)) == 0:
            payload["cwd"] = 5  # the line is read leniently (its limits come decoded)
        ts = draw(st.sampled_from(["2026-06-01T10:00:00.000Z", "2026-06-01T10:00:01.500Z", "soon", 5]))
        lines.append(json.dumps({"timestamp": ts, "type": kind, "payload": payload}).encode())
    return lines


def read(path: Path, line_format: LineFormat[Any], blocks: bool = True) -> ReadResult:
    """Read with ``line_format``: whole blocks at once, or line by line."""
    reader = codex.READER
    cursor = Cursor(context=reader.start_context(path))
    parse = line_format.parse_line(reader.needles)
    return read_incremental(path, cursor, parse, reader.needles, line_format if blocks else None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=rollout())
def test_reading_equals_decoding_the_limits_in_full(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rollout-2026-06-01T10-00-00-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl"
        path.write_bytes(b"".join(line + b"\n" for line in lines))
        expected = read(path, FULL)
        assert read(path, FULL, blocks=False) == expected
        assert read(path, codex.LINES) == expected
        assert read(path, codex.LINES, blocks=False) == expected
        # the undecoded limits are compared in one read only, never stored
        assert READ_SCRATCH not in expected.cursor.context


def test_a_repeated_snapshot_is_recorded_once_and_a_change_again(tmp_path: Path) -> None:
    def tc(total: int, used: float) -> bytes:
        usage = {"input_tokens": total, "cached_input_tokens": 0, "output_tokens": 1}
        payload = {
            "type": "token_count",
            "info": {"total_token_usage": usage},
            "rate_limits": {"primary": {"used_percent": used}},
        }
        return json.dumps({"timestamp": "2026-06-01T10:00:00Z", "type": "event_msg", "payload": payload}).encode()

    path = tmp_path / "rollout-x.jsonl"
    path.write_bytes(b"\n".join([tc(10, 5.0), tc(20, 5.0), tc(30, 5.0), tc(40, 6.0), tc(50, 6.0)]) + b"\n")
    r = read(path, codex.LINES)
    assert [(s.primary.used_percent if s.primary else None) for s in r.rate_limits] == [5.0, 6.0]
    assert len(r.events) == 5
    assert r.cursor.context["limits"] == [6.0, None]


def test_limits_nested_past_the_decoder_depth_skip_their_line_only(tmp_path: Path) -> None:
    usage = {"input_tokens": 10, "cached_input_tokens": 0, "output_tokens": 1}
    good = {"type": "token_count", "info": {"total_token_usage": usage}}
    deep = json.dumps({"timestamp": "2026-06-01T10:00:00Z", "type": "event_msg", "payload": good}).encode()
    deep = deep[:-2] + b', "rate_limits": ' + b"[" * 5000 + b"]" * 5000 + b"}}"
    path = tmp_path / "rollout-x.jsonl"
    path.write_bytes(deep + b"\n" + deep.split(b', "rate_limits"')[0] + b"}}\n")
    r = read(path, codex.LINES)
    assert [(s.line_no, s.reason) for s in r.skipped] == [(1, "not valid JSON (corrupt or truncated line)")]
    assert [e.input_tokens for e in r.events] == [10]


def test_limits_of_the_wrong_shape_holding_invalid_utf8_are_reported_as_in_full(tmp_path: Path) -> None:
    usage = b'"info":{"total_token_usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":1}}'
    lines = [
        b'{"timestamp":"2026-06-01T10:00:00Z","type":"event_msg","payload":{"type":"token_count",'
        + usage
        + b',"rate_limits":'
        + limits
        + b"}}\n"
        for limits in (
            b'{"primary":{"used_percent":"\xff"}}',
            b'{"primary":["\xff"]}',
            b'{"primary":{"used_percent":3}}',
        )
    ]
    path = tmp_path / "rollout-x.jsonl"
    path.write_bytes(b"".join(lines))
    expected = read(path, FULL)
    assert [s.reason for s in expected.skipped] == [
        "unexpected shape: Expected `float | null`, got `str` - at `$.payload.rate_limits.primary.used_percent`",
        "unexpected shape: Expected `object | null`, got `array` - at `$.payload.rate_limits.primary`",
    ]
    assert read(path, codex.LINES) == expected
    assert read(path, codex.LINES, blocks=False) == expected


def test_a_snapshot_on_a_leniently_read_line_is_compared_by_its_values(tmp_path: Path) -> None:
    """A line read leniently has its limits decoded already; the bytes of the snapshot before
    it no longer say what was recorded last, so the same bytes after it are a change again."""

    def tc(total: int, used: float, lenient: bool = False) -> bytes:
        usage = {"input_tokens": total, "cached_input_tokens": 0, "output_tokens": 1}
        payload: dict[str, Any] = {
            "type": "token_count",
            "info": {"total_token_usage": usage},
            "rate_limits": {"primary": {"used_percent": used}},
        }
        if lenient:
            payload["cwd"] = 5  # of the wrong type: the whole line is decoded leniently
        return json.dumps({"timestamp": "2026-06-01T10:00:00Z", "type": "event_msg", "payload": payload}).encode()

    path = tmp_path / "rollout-x.jsonl"
    path.write_bytes(b"\n".join([tc(10, 5.0), tc(20, 6.0, lenient=True), tc(30, 5.0)]) + b"\n")
    expected = read(path, FULL)
    assert [(s.primary.used_percent if s.primary else None) for s in expected.rate_limits] == [5.0, 6.0, 5.0]
    assert read(path, codex.LINES) == expected
    assert read(path, codex.LINES, blocks=False) == expected
