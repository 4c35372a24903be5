"""Codex blocks read by the native module equal the pure-Python reading: same events, sessions,
rate-limit snapshots, skips, ignores, line counts and cursor (its context too), whatever the
lines hold and wherever reads stop and resume."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.sources.test_claude_native import _FILLER, _FILLER_ODD, _STAMPS_ODD, _TEXTS_ODD, _TOKENS_ODD, _Odd, _stamp
from tracker.core.reading import Cursor, ReadResult
from tracker.sources import codex, jsonl
from tracker.sources.codex_block import native_reader
from tracker.sources.jsonl import read_incremental
from tracker.sources.normalize import SMALL_TOKENS
from tracker.sources.timestamps import usage_ts_ms

_SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
_NAMES = ["rollout-2026-06-01T10-00-00-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl", "odd-name.jsonl"]


def native_format(module: ModuleType) -> jsonl.LineFormat[Any]:
    block = native_reader(codex.parse_line, codex.NAME, module)
    assert block is not None
    return dataclasses.replace(codex.PURE_LINES, block=block)


def read_three_ways(path: Path, module: ModuleType, cursors: list[Cursor]) -> list[ReadResult]:
    """Natively, pure-Python in blocks, and line by line, each on from its own cursor."""
    reader = codex.READER
    return [
        read_incremental(path, cursor, reader.parse_line, reader.needles, fmt)
        for cursor, fmt in zip(cursors, (native_format(module), codex.PURE_LINES, None), strict=True)
    ]


# -- the pieces rollouts are made of: mostly what the CLI writes, now and then something odd ----------

# Plain numbers C reads itself (edges of _window's ranges among them), then ones it leaves to Python.
_PERCENT = [b"24.0", b"24", b"62.5", b"0", b"0.1", b"99.99", b"100", b"1000", b"7.125", b"1000.5", b"0.123456789012345"]
_PERCENT_ODD = [
    b"1000.5", b"1e2", b"2.5E-1", b"-0", b"-1", b"-0.0", b"null", b"12345678901234567", b"123456789012345.6",
    b"0.123456789012345", b"0.1234567890123456", b'"5"', b"true", b"[]", b"1" + b"0" * 30, b"0.30000000000000004",
]  # fmt: skip
_INTS = [
    b"300", b"10080", b"1774278000", b"3600", b"null", b"0", b"9999999", b"10000000", b"99999999999",
    b"100000000000", b"999999999", b"1000000000", b"123456789012345678",
]  # fmt: skip
_INTS_ODD = [
    b"0", b"9999999", b"10000000", b"-5", b"1.0", b"1e3", b"99999999999", b"100000000000", b"999999999",
    b"1000000000", b"123456789012345678", b"1234567890123456789", b'"x"', b"true", b"-0",
]  # fmt: skip


# Windows as the CLI repeats them: the same used_percent in other bytes, one window changed alone.
_REAL_WINDOWS = [
    b'{"used_percent":24.0,"window_minutes":300,"resets_at":1774278000}',
    b'{"used_percent":25.0,"window_minutes":300,"resets_at":1774278000}',
    b'{"used_percent":24.0,"window_minutes":300,"resets_at":1774279000}',
    b'{"used_percent":62.0,"window_minutes":10080,"resets_in_seconds":60}',
    b'{"used_percent":62.0,"window_minutes":10080,"resets_in_seconds":61}',
    b'{"used_percent":63,"window_minutes":10080}',
]


def _window(o: _Odd) -> bytes:
    if o.draw(st.integers(0, 2)) == 0:
        return o.draw(st.sampled_from(_REAL_WINDOWS))
    return o.obj([
        (b"used_percent", o.pick(_PERCENT, _PERCENT_ODD)),
        (b"window_minutes", o.pick(_INTS, _INTS_ODD)),
        (b"resets_at", o.pick(_INTS, _INTS_ODD)),
        (b"resets_in_seconds", o.pick(_INTS, _INTS_ODD)),
    ])  # fmt: skip


@st.composite
def limits(draw: st.DrawFn, clean: bool) -> bytes:
    """A rate-limits value: a snapshot as the CLI writes it, or odd in a few places or many."""
    o = _Odd(draw)
    o.rate = 0 if clean else o.rate
    snapshot = o.obj([
        (b"primary", o.pick([_window(o)], [b"null", b"5", b"[]", b'"p"'])),
        (b"secondary", o.pick([_window(o), b"null"], [b"5", b"[]"])),
        (b"credits", o.pick([b"null"], _FILLER)),
    ])  # fmt: skip
    return o.pick(
        [snapshot], [b"null", b"[]", b"5", b'"x"', b"{}", b"[" * 70 + b"]" * 70, b'{"primary":{"used_percent":1}']
    )


class _Totals:
    """The session's cumulative totals as the CLI counts them: growing, repeated, restarted."""

    def __init__(self) -> None:
        self.now = [0, 0, 0, 0]

    def next(self, draw: st.DrawFn) -> list[bytes]:
        step = draw(st.sampled_from(["grow", "grow", "grow", "repeat", "restart", "cached>input"]))
        if step == "grow":
            i = draw(st.integers(0, 5000))
            self.now = [
                self.now[0] + i,
                self.now[1] + draw(st.integers(0, i)),
                self.now[2] + draw(st.integers(0, 900)),
                self.now[3] + draw(st.integers(0, 1200)),  # reasoning may outgrow output's step
            ]
        elif step == "restart":
            self.now = [draw(st.integers(0, 300)) for _ in range(4)]
            self.now[1] = min(self.now[1], self.now[0])
        elif step == "cached>input":
            return [b"%d" % self.now[0], b"%d" % (self.now[0] + 1), b"%d" % self.now[2], b"%d" % self.now[3]]
        return [b"%d" % n for n in self.now]


@st.composite
def rollout_line(draw: st.DrawFn, totals: _Totals, pool: list[bytes], clean: bool) -> bytes:
    """One rollout line: mostly a token_count, now and then a turn_context, a session_meta or another."""
    o = _Odd(draw)
    o.rate = 0 if clean else draw(st.sampled_from([0, 0, 0, 60, 30, 6, 2]))  # C's own cases more often
    kind = draw(st.sampled_from(["count", "count", "count", "count", "turn", "meta", "other"]))
    counts = [o.pick([n], _TOKENS_ODD) for n in totals.next(draw)] if kind == "count" else [b"1"] * 4
    usage = o.obj([
        (b"input_tokens", counts[0]),
        (b"cached_input_tokens", counts[1]),
        (b"output_tokens", counts[2]),
        (b"reasoning_output_tokens", counts[3]),
        (b"total_tokens", b"%d" % draw(st.integers(0, 9999))),
    ])  # fmt: skip
    info = o.obj([
        (b"total_token_usage", o.pick([usage], [b"null", b"5", b"[]"])),
        (b"last_token_usage", o.pick([usage], _FILLER_ODD)),
        (b"model_context_window", b"272000"),
    ])  # fmt: skip
    rate = draw(st.sampled_from(pool)) if draw(st.integers(0, 3)) else None
    if kind == "count":
        payload = o.obj([
            (b"type", o.pick([b'"token_count"'], [b'"token_c\\u006funt"', b'"agent_message"', b"null", b"5"])),
            (b"info", o.pick([info, info, b"null"], [b"5", b"{}", b"[]"])),
            (b"rate_limits", rate),
        ])  # fmt: skip
        top = o.pick([b'"event_msg"'], [b'"response_item"', b'"compacted"', b'"event_m\\u0073g"', b'"future"', b"null"])
    elif kind == "turn":
        payload = o.obj([
            (b"cwd", o.pick([b'"/home/dev/p"', b'"/home/dev/q"'], _TEXTS_ODD)),
            (b"approval_policy", b'"on-request"'),
            (b"model", o.pick([b'"gpt-5-codex"', b'"gpt-5"'], _TEXTS_ODD)),
            (b"rate_limits", rate if o.odd() else None),
            (b"info", o.pick([b"null"], [info, b"5"])),
        ])  # fmt: skip
        top = o.pick([b'"turn_context"'], [b'"turn_c\\u006fntext"', b"5"])
    elif kind == "meta":
        git = o.obj([(b"branch", o.pick([b'"main"', b'"dev"'], _TEXTS_ODD)), (b"commit_hash", b'"abc"')])
        payload = o.obj([
            (b"id", o.pick([b'"s1"', b'"s2"'], [b"42", b"-3", *_TEXTS_ODD])),
            (b"timestamp", b'"2026-06-01T10:00:00.000Z"'),
            (b"cwd", o.pick([b'"/home/dev/p"', b'"/home/dev/r"'], _TEXTS_ODD)),
            (b"originator", b'"codex_cli_rs"'),
            (b"instructions", o.pick([b"null"], _FILLER)),
            (b"git", o.pick([git], [b"null", b"5", b'"main"', b"[]", b'{"branch":"a","branch":"b"}', b'{"br\\u0061nch":"x"}'])),
            (b"rate_limits", rate if o.odd() else None),
        ])  # fmt: skip
        top = o.pick([b'"session_meta"'], [b'"session_met\\u0061"', b"[]"])
    else:
        payload = o.obj([(b"type", b'"message"'), (b"content", b'"token_count turn_context"'), (b"rate_limits", rate)])
        top = o.pick([b'"response_item"', b'"event_msg"'], [b'"future"', b"null"])
    line = o.obj([
        (b"timestamp", o.pick(_stamp(), _STAMPS_ODD)),
        (b"type", top),
        (b"payload", o.pick([payload], [b"null", b"5", b'"p"', b"[]"])),
    ])  # fmt: skip
    spoil = (
        draw(st.integers(0, 24)) if not clean else -1
    )  # whatever the rate: a line good but for this is the sharpest test
    if spoil == 0:
        line += draw(st.sampled_from([b' {"a":1}', b"{}", b" 1", b"}", b" "]))
    elif spoil == 1:
        at = draw(st.integers(1, len(line) - 1))
        line = line[:at] + draw(st.sampled_from([b"\xff", b"\x00", b'"', b"\\", b",", b"\xc3", b"}"])) + line[at:]
    return line


@st.composite
def rollout(draw: st.DrawFn) -> list[bytes]:
    totals = _Totals()
    clean = draw(st.integers(0, 2)) == 0  # a rollout with no odd line: long runs read in C
    pool = draw(st.lists(limits(clean), min_size=2, max_size=5))
    # the same snapshot but for one window's percent, and in other bytes with equal values
    pool += [p.replace(b":62.0,", b":63.5,") for p in pool if b":62.0," in p]
    pool += [p.replace(b":24.0,", b":24,", 1) for p in pool if b":24.0," in p]
    # (a line not an object line has its whole block read line by line: none in a clean rollout)
    other = st.sampled_from([b'{"type":"response_item","payload":{"type":"message"}}', *([] if clean else [b"x", b""])])
    return draw(st.lists(st.one_of(*[rollout_line(totals, pool, clean)] * 5, other), max_size=30))


_contexts = st.fixed_dictionaries(
    {},
    optional={
        "limits": st.sampled_from(
            [None, [24.0, 62.0], [24, None], [None, None], ["24", None], [24.0], 5, [1 << 60, 0]]
        ),
        "totals": st.sampled_from([[0, 0, 0, 0], [100, 50, 10, 5], [10**9, 0, 0, 0], [1, 2, 3], [1.0, 0, 0, 0]]),
        "model": st.sampled_from(["gpt-5", "", 5]),
        "~read": st.sampled_from([None, b'{"primary":null}']),
    },
)


@_SETTINGS
@given(
    lines=rollout(),
    name=st.sampled_from(_NAMES),
    chunk=st.sampled_from([64, 700, 4096, 1 << 20]),
    crlf=st.booleans(),
    cut=st.floats(0, 1),
    extra=_contexts,
)
@example(
    lines=[b'{"type":"event_msg","payload":{"type":"token_count"}}'],
    name=_NAMES[0],
    chunk=64,
    crlf=False,
    cut=1.0,
    extra={},
)
def test_native_blocks_read_as_the_pure_path_does(
    tmp_path_factory: pytest.TempPathFactory,
    native_module: ModuleType,
    lines: list[bytes],
    name: str,
    chunk: int,
    crlf: bool,
    cut: float,
    extra: dict[str, Any],
) -> None:
    path = tmp_path_factory.mktemp("codex") / name
    data = b"".join(line + (b"\r\n" if crlf else b"\n") for line in lines)
    context = {**codex.READER.start_context(path), **extra}
    if extra.get("~read") is not None:
        context["~read"] = msgspec.Raw(extra["~read"])  # as a caller could hand it
    cursors = [Cursor(context=dict(context)) for _ in range(3)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jsonl, "CHUNK", chunk)  # blocks split anywhere
        path.write_bytes(data[: int(len(data) * cut)])  # a first read, then one resumed
        first = read_three_ways(path, native_module, cursors)
        assert first[0] == first[1] == first[2]
        path.write_bytes(data)
        native, pure, by_line = read_three_ways(path, native_module, [r.cursor for r in first])  # type: ignore[misc]
    assert native == pure == by_line


GOOD = (
    b'{"timestamp":"2026-03-23T10:11:39.000Z","type":"event_msg","payload":{"type":"token_count","info":'
    b'{"total_token_usage":{"input_tokens":6120,"cached_input_tokens":5841,"output_tokens":3662,'
    b'"reasoning_output_tokens":702,"total_tokens":9782},"last_token_usage":{"input_tokens":6120},'
    b'"model_context_window":272000},"rate_limits":{"primary":{"used_percent":24.0,"window_minutes":300,'
    b'"resets_at":1774278000},"secondary":{"used_percent":62.5,"window_minutes":10080,"resets_in_seconds":60}}}}'
)
META = b'{"timestamp":"x","type":"session_meta","payload":{"id":"s\\u00e9","cwd":"/p","git":{"branch":"main"}}}'
TURN = b'{"timestamp":"x","type":"turn_context","payload":{"cwd":"/q","model":"gpt-5"}}'


def _state(**kw: Any) -> list[Any]:
    base = ["s0", "", "", "", 0, 0, 0, 0, None, None, False]
    return [0, 0, 0, *base[:4], *kw.get("totals", base[4:8]), kw.get("limits"), kw.get("scratch"), False]


def _answers(module: ModuleType, lines: list[bytes], state: list[Any]) -> list[Any]:
    block = b"".join(line + b"\n" for line in lines)
    return list(module.codex_lines(block, len(block), None, "codex", state))


def test_plain_lines_are_answered_in_c(native_module: ModuleType) -> None:
    """The fast path is taken (an always-unsure C would pass the equality test)."""
    state = _state()
    answers = _answers(native_module, [META, TURN, GOOD, GOOD], state)
    ts = usage_ts_ms("2026-03-23T10:11:39.000Z")
    assert answers == [
        ["sé", "/p", "main"],
        [ts, "sé", (24.0, 300, 1774278000000), (62.5, 10080, ts + 60000)],
        ("codex", "cx:sé:6120:5841:3662:702", "sé", "/q", "main", "gpt-5", ts, 279, 3662, 0, 0, 5841, 702),
    ]  # the second count repeats the first: nothing
    assert state[:11] == [
        len(b"".join(x + b"\n" for x in [META, TURN, GOOD, GOOD])),
        4,
        4,
        "sé",
        "/q",
        "main",
        "gpt-5",
        6120,
        5841,
        3662,
        702,
    ]
    assert state[11] == [24.0, 62.5] and bytes(state[12]).startswith(b'{"primary"')


def test_the_context_limits_are_compared_as_python_does(native_module: ModuleType) -> None:
    same = _state(limits=[24, 62.5])  # ints equal to the floats: no snapshot, the bytes kept
    assert [type(a) for a in _answers(native_module, [GOOD], same)] == [tuple]
    assert same[11] == [24, 62.5] and type(same[12]) is bytes
    odd = _state(limits=["24", None])
    assert _answers(native_module, [GOOD], odd) == [GOOD]  # Python compares those
    scratch = GOOD[GOOD.index(b'{"primary"') : -2]
    unchanged = _state(limits=["odd"], scratch=scratch)  # the same bytes: nothing to compare
    assert [type(a) for a in _answers(native_module, [GOOD], unchanged)] == [tuple]


@pytest.mark.parametrize(
    "change",
    [
        (b'"type":"event_msg"', b'"type":"event_msg","type":"event_msg"'),  # a field twice
        (b'"info":', b'"\\u0069nfo":null,"info":'),  # an escaped key may name a field
        (b'"input_tokens":6120,"c', b'"input_tokens":%d,"c' % (SMALL_TOKENS + 1)),
        (b'"input_tokens":6120,"c', b'"input_tokens":null,"c'),
        (b'"output_tokens":3662', b'"output_tokens":3662.0'),
        (b'"cached_input_tokens":5841', b'"cached_input_tokens":7000'),  # cached > input: Python's skip
        (b'"used_percent":24.0', b'"used_percent":2.4e1'),
        (b'"used_percent":24.0', b'"used_percent":-0'),
        (b'"window_minutes":300', b'"window_minutes":300.0'),
        (b'"resets_at":1774278000', b'"resets_at":-1'),
        (b'"primary":{', b'"primary":{"used_percent":1,'),
        (b".000Z", b".0000Z"),
        (b'"model_context_window":272000', b'"model_context_window":' + b"[" * 64 + b"]" * 64),
        (b"60}}}}", b"60}}}} {}"),  # a second value on the line
        (b'"type":"token_count"', b'"type":"token_count","cwd":5'),  # the lenient decode's
    ],
)
def test_c_leaves_every_doubtful_line_to_python(native_module: ModuleType, change: tuple[bytes, bytes]) -> None:
    line = GOOD.replace(*change)
    assert line != GOOD
    state = _state()
    assert _answers(native_module, [line, GOOD], state) == [line]
    assert state[:3] == [len(line) + 1, 1, 1] and state[3:11] == _state()[3:11]  # untouched: Python reads it


def test_a_context_c_cannot_carry_is_read_by_python(tmp_path: Path, native_module: ModuleType) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(GOOD + b"\n" + GOOD.replace(b"6120", b"7000", 1) + b"\n")
    for context in ({}, {"session": "s", "project": "", "branch": "", "model": "", "totals": (0, 0, 0, 0)}):
        cursors = [Cursor(context=dict(context)) for _ in range(3)]
        native, pure, by_line = read_three_ways(path, native_module, cursors)
        assert native == pure == by_line


_FIELDS = [b"used_percent", b"window_minutes", b"resets_at", b"resets_in_seconds"]


@pytest.mark.parametrize("value", sorted({*_PERCENT, *_PERCENT_ODD, *_INTS, *_INTS_ODD}))
@pytest.mark.parametrize("field", _FIELDS)
@pytest.mark.parametrize("window", [b"primary", b"secondary"])
def test_each_limit_value_reads_as_in_python(
    tmp_path: Path, native_module: ModuleType, window: bytes, field: bytes, value: bytes
) -> None:
    """Every value in every window field, after a snapshot it may or may not change."""
    start = GOOD.index(b'"%s":{' % window)
    stop = GOOD.index(b"}", start)
    part = GOOD[start:stop]
    if b'"%s":' % field in part:
        head, rest = part.split(b'"%s":' % field)
        rest = rest[len(rest.split(b",")[0]) :]
        changed = head + b'"%s":' % field + value + rest
    else:
        changed = part + b',"%s":' % field + value
    line = GOOD[:start] + changed + GOOD[stop:]
    line = line.replace(b"6120", b"6200", 1)  # a new count too
    path = tmp_path / "a.jsonl"
    path.write_bytes(GOOD + b"\n" + line + b"\n" + GOOD.replace(b"6120", b"6300", 1) + b"\n")
    cursors = [Cursor(context=codex.READER.start_context(path)) for _ in range(3)]
    native, pure, by_line = read_three_ways(path, native_module, cursors)
    assert native == pure == by_line
