"""Claude Code blocks read by the native module equal the pure-Python reading: same events,
sessions, skips, ignores, line counts and cursor, whatever the lines hold."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tracker.core.reading import Cursor, ReadResult
from tracker.sources import claude_code, jsonl
from tracker.sources.claude_block import native_reader
from tracker.sources.jsonl import read_incremental
from tracker.sources.normalize import SMALL_TOKENS
from tracker.sources.timestamps import usage_ts_ms

_SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def native_format(module: ModuleType) -> jsonl.LineFormat[Any]:
    block = native_reader(claude_code.parse_line, claude_code.NAME, module)
    assert block is not None
    return dataclasses.replace(claude_code.PURE_LINES, block=block)


def read_three_ways(path: Path, module: ModuleType, context: dict[str, Any] | None = None) -> list[ReadResult]:
    """Natively, pure-Python in blocks, and line by line."""
    reader = claude_code.READER
    cursor = Cursor(context=reader.start_context(path) if context is None else context)
    return [
        read_incremental(path, cursor, reader.parse_line, reader.needles, fmt)
        for fmt in (native_format(module), claude_code.PURE_LINES, None)
    ]


# -- the pieces lines are made of: mostly what Claude Code writes, now and then something odd ------

_TEXTS_ODD = [
    b'"C:\\\\Users\\\\dev"', b'""', b"null", b"5", b"true", b"[]", b"{}", b'"caf\xc3\xa9"',
    b'"\xe6\x97\xa5\xf0\x9f\x98\x80"', b'"a\\"b"', b'"\\u00e9\\n\\t\\/\\b\\f\\r"', b'"\\ud83d\\ude00"', b'"\\ud800"',
    b'"\\udc00x"', b'"\\ud800\\u0041"', b'"\\uZZZZ"', b'"\\x"', b'"\xff"', b'"\xc0\xaf"', b'"\xed\xa0\x80"',
    b'"\xf4\x90\x80\x80"', b'"\xe6\x97"', b'"a\x01b"', b'"a\tb"', b'"\\u0000"', b'"x' + b"y" * 40 + b'"', b"1.5",
]  # fmt: skip
_TOKENS_ODD = [
    b"%d" % SMALL_TOKENS, b"%d" % (SMALL_TOKENS + 1), b"10000000000", b"10000000001", b"-1", b"-0", b"1.0",
    b"1.5", b"1e3", b"2E+2", b'"5"', b"true", b"null", b"[]", b"{}", b"1" + b"0" * 30, b"01", b"1.", b"-",
    b"0.0e0", b"0",
]  # fmt: skip
_STAMPS_ODD = [
    b'"2026-06-01T10:00:00"', b'"2026-06-01 10:00:00Z"', b'"2026-06-01T10:00:00z"', b'"2026-06-01T10:00Z"',
    b'"2026-06-01"', b'"20260601T100000Z"', b'"2026-02-29T10:00:00Z"', b'"2024-02-29T10:00:00Z"',
    b'"2026-13-01T10:00:00Z"', b'"2026-04-31T10:00:00Z"', b'"2026-06-01T24:00:00Z"', b'"2026-06-01T10:60:00Z"',
    b'"2026-06-01T10:00:60Z"', b'"2026-06-01T10:00:00+24:00"', b'"2026-06-01T10:00:00+05:60"',
    b'"2026-06-01T10:00:00+0500"', b'"2026-06-01T10:00:00+05:00:30"', b'"1999-12-31T23:59:59.999Z"',
    b'"2000-01-01T00:00:00Z"', b'"2000-01-01T00:30:00+01:00"', b'"2099-12-31T23:59:59.999999Z"',
    b'"2100-01-01T00:00:00Z"', b'"2099-12-31T23:00:00-01:00"', b'"1970-01-01T00:00:00Z"', b'"soon"', b'""',
    b"null", b"1760000000", b'"2026-06-01T10:00:00.1Z"', b'"2026-06-01T10:00:00.12345Z"',
    b'"2026-06-01T10:00:00.1234567Z"', b'"2026-06-01T10:00:00.Z"', b'"\\u0032026-06-01T10:00:00Z"',
    b'"\xef\xbc\x92026-06-01T10:00:00Z"', b'"2026-06-01T10:00:00Z "', b'"+2026-06-01T10:00:00Z"',
    b'"2026-06-01T10:00:00-00:00"', b'"2026-06-01T10:00:00+23:59"', b'"2026-06-01T10:00:00-23:59"',
]  # fmt: skip
# Values of fields nobody reads: what Claude Code writes, and JSON that is deep, huge or not JSON at all.
_FILLER = [
    b'"text"', b'[{"type":"text","text":"usage tokens \\"usage\\" \xc3\xa9"}]', b"[1,2,[3,{}],{\"a\":null}]",
    b"true", b"false", b'{"usage":"x"}', b"1.5e300", b"null", b"[" * 40 + b"]" * 40, b"0", b"-1.25E-3",
]  # fmt: skip
_FILLER_ODD = [
    b"1e999999", b"-12345678901234567890123", b"[" * 63 + b"]" * 63, b"[" * 64 + b"]" * 64, b"[" * 300 + b"]" * 300,
    b'"\xff\xfe"', b'"ok\\ud800"', b"tru", b"nul", b"[1,]", b'{"a":1,}', b"[1 2]", b'{"a" 1}', b"01", b"NaN",
    b"'x'", b'"a\nb"', b"-", b"1.e5", b".5", b"+1", b'"\\q"', b"[]]", b"{", b'{"a":1 "b":2}', b"\x00",
]  # fmt: skip


@st.composite
def _stamp(draw: st.DrawFn) -> bytes:
    """A strict timestamp at a random instant of 1999..2100, in any zone (the float arithmetic)."""
    moment = datetime(1999, 12, 25, tzinfo=UTC) + timedelta(
        days=draw(st.integers(0, 36900)), microseconds=draw(st.integers(0, 86400 * 10**6 - 1))
    )
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    frac = draw(st.sampled_from(["", "ms", "us"]))
    text += f".{moment.microsecond // 1000:03d}" if frac == "ms" else f".{moment.microsecond:06d}" if frac else ""
    if draw(st.booleans()):
        return b'"' + text.encode() + b'Z"'
    minutes = draw(st.integers(-24 * 60 + 1, 24 * 60 - 1))
    return b'"' + f"{text}{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}".encode() + b'"'


_timestamps = st.one_of(_stamp(), st.sampled_from(_STAMPS_ODD))


class _Odd:
    """How often a line's parts are odd: never, now and then, or often."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.rate = draw(st.sampled_from([0, 0, 30, 6, 2]))

    def odd(self) -> bool:
        return self.rate > 0 and self.draw(st.integers(0, self.rate - 1)) == 0

    def pick(self, good: st.SearchStrategy[bytes] | list[bytes], odd: list[bytes]) -> bytes:
        if self.odd():
            return self.draw(st.sampled_from(odd))
        return self.draw(good if isinstance(good, st.SearchStrategy) else st.sampled_from(good))

    def obj(self, pairs: list[tuple[bytes, bytes | None]]) -> bytes:
        """The pairs (None: left out) as an object, with extra fields, a duplicate, blanks."""
        kept = [(b'"' + k + b'"', v) for k, v in pairs if v is not None and not self.odd()]
        for _ in range(self.draw(st.integers(0, 2))):
            key = self.pick([b'"content"', b'"uuid"', b'"x"', b'"id\xc3\xa9"'], [b'"\\u0074ype"', b'"\\u0075sage"'])
            kept.insert(self.draw(st.integers(0, len(kept))), (key, self.pick(_FILLER, _FILLER_ODD)))
        if kept and self.odd():  # a field twice
            kept.insert(self.draw(st.integers(0, len(kept))), self.draw(st.sampled_from(kept)))
        if self.odd():
            kept = self.draw(st.permutations(kept))
        ws = self.pick([b""], [b" ", b"\t", b" \r ", b"\n"])
        return b"{" + ws + (b"," + ws).join(k + ws + b":" + ws + v for k, v in kept) + ws + b"}"


_counts = st.integers(0, 3000).map(lambda n: b"%d" % n)


@st.composite
def usage_line(draw: st.DrawFn) -> bytes:
    """An assistant line with usage, as Claude Code writes it, odd in a few places or many."""
    o = _Odd(draw)
    split = o.obj([
        (b"ephemeral_5m_input_tokens", o.pick(_counts, _TOKENS_ODD)),
        (b"ephemeral_1h_input_tokens", o.pick(_counts, _TOKENS_ODD)),
    ])  # fmt: skip
    usage = o.obj([
        (b"input_tokens", o.pick(_counts, _TOKENS_ODD)),
        (b"output_tokens", o.pick(_counts, _TOKENS_ODD)),
        (b"cache_creation_input_tokens", o.pick(_counts, _TOKENS_ODD)),
        (b"cache_read_input_tokens", o.pick(_counts, _TOKENS_ODD)),
        (b"cache_creation", o.pick([split, split, b"null"], [b"5", b"[]", b'"x"'])),
        (b"service_tier", b'"standard"'),
    ])  # fmt: skip
    message = o.obj([
        (b"id", o.pick([b'"msg_1"', b'"msg_2"'], [b'""', b"null", b"7", b'"m\\u0031"', *_TEXTS_ODD])),
        (b"type", b'"message"'),
        (b"role", b'"assistant"'),
        (b"model", o.pick([b'"claude-opus-4-5"', b'"claude-sonnet-4-5"'], [b'"<synthetic>"', b'"\\u003csynthetic>"', *_TEXTS_ODD])),
        (b"content", o.pick(_FILLER, _FILLER_ODD)),
        (b"usage", o.pick([usage], [b"null", b'"lots"', b"[]"])),
    ])  # fmt: skip
    line = o.obj([
        (b"parentUuid", b"null"),
        (b"sessionId", o.pick([b'"s1"', b'"s2"'], [b"42", *_TEXTS_ODD])),
        (b"cwd", o.pick([b'"/home/dev/p"', b'"/home/dev/q"'], _TEXTS_ODD)),
        (b"gitBranch", o.pick([b'"main"', b'"dev"'], _TEXTS_ODD)),
        (b"type", o.pick([b'"assistant"'], [b'"user"', b'"summary"', b'"future-kind"', b'"assist\\u0061nt"', b"null", b"5"])),
        (b"timestamp", o.pick(_stamp(), _STAMPS_ODD)),
        (b"requestId", o.pick([b'"req_1"', b'"req_2"'], [b"9", *_TEXTS_ODD])),
        (b"message", o.pick([message], [b"null", b'"m"', b"[]"])),
    ])  # fmt: skip
    spoil = draw(st.integers(0, 19))  # whatever the rate: a line good but for this is the sharpest test
    if spoil == 0:
        line += draw(st.sampled_from([b' {"a":1}', b"{}", b" 1", b"}", b" "]))  # more after the value
    elif spoil == 1:
        line = line[:-1] + b' {"a":1}}'
    elif spoil == 2:
        at = draw(st.integers(1, len(line) - 1))
        line = line[:at] + draw(st.sampled_from([b"\xff", b"\x00", b'"', b"\\", b",", b"\xc3", b"}"])) + line[at:]
    return line


_other_line = st.sampled_from([
    b'{"type":"user","message":{"role":"user","content":"no needle"}}',
    b'{"type":"user","message":{"content":[{"type":"tool_result","content":"x"}]},"usage":null}',
    b'{"type":"summary","summary":"done"}',
    b'{"type":"progress","data":{"usage":{"input_tokens":1}}}',
    b'{"note":"no type"}',
    b"not json at all",
    b"",
])  # fmt: skip


@_SETTINGS
@given(
    lines=st.lists(st.one_of(usage_line(), usage_line(), _other_line), max_size=25),
    chunk=st.sampled_from([64, 700, 4096, 1 << 20]),
    crlf=st.booleans(),
    tail=st.sampled_from([b"", b"\n", b'{"type":"assistant"', b'{"type":"summary"}']),
)
@example(lines=[b'{"type":"assistant"}'], chunk=4096, crlf=False, tail=b"")
def test_native_blocks_read_as_the_pure_path_does(
    tmp_path_factory: pytest.TempPathFactory,
    native_module: ModuleType,
    lines: list[bytes],
    chunk: int,
    crlf: bool,
    tail: bytes,
) -> None:
    path = tmp_path_factory.mktemp("claude") / "session-a.jsonl"
    path.write_bytes(b"".join(line + (b"\r\n" if crlf else b"\n") for line in lines) + tail)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jsonl, "CHUNK", chunk)  # blocks split anywhere
        native, pure, by_line = read_three_ways(path, native_module)
    assert native == pure == by_line


GOOD = (
    b'{"parentUuid":null,"sessionId":"s1","cwd":"/home/dev/p","gitBranch":"main","type":"assistant",'
    b'"timestamp":"2026-06-01T10:00:00.123Z","requestId":"req_1","message":{"id":"msg_1","type":"message",'
    b'"model":"claude-opus-4-5","content":[{"type":"text","text":"caf\xc3\xa9 \\"quoted\\" \\u00e9"}],'
    b'"usage":{"input_tokens":3,"output_tokens":7,"cache_creation_input_tokens":100,'
    b'"cache_read_input_tokens":50,"cache_creation":{"ephemeral_5m_input_tokens":60,"ephemeral_1h_input_tokens":40}}}}'
)


def _answers(module: ModuleType, lines: list[bytes], picked: list[int] | None = None) -> list[Any]:
    block = b"".join(line + b"\n" for line in lines)
    return list(module.claude_lines(block, len(block), picked, "claude-code", "fallback-s", "fallback-p"))


def test_a_plain_usage_line_is_answered_in_c(native_module: ModuleType) -> None:
    """The fast path is taken (an always-unsure C would pass the equality test)."""
    (answer,) = _answers(native_module, [GOOD])
    assert answer == (
        "claude-code", "cc:msg_1:req_1", "s1", "/home/dev/p", "main", "claude-opus-4-5",
        usage_ts_ms("2026-06-01T10:00:00.123Z"), 3, 7, 60, 40, 50, 0,
    )  # fmt: skip
    # escapes in the strings it keeps are decoded; absent ones take Python's defaults
    line = (
        b'{"type":"assistant","timestamp":"2026-06-01T10:00:00Z","cwd":"C:\\\\dev\\u00e9","requestId":null,'
        b'"message":{"id":"m\\"1","usage":{"output_tokens":null,"cache_creation":{"ephemeral_1h_input_tokens":5}}}}'
    )
    (answer,) = _answers(native_module, [line])
    assert answer[1:6] == ('cc:m"1:', "fallback-s", "C:\\devé", "", "unknown")
    assert answer[7:] == (0, 0, 0, 0, 0, 0)  # the 1-hour part is capped by the (absent) whole


def test_only_picked_lines_are_answered_and_unsure_ones_come_back_as_bytes(native_module: ModuleType) -> None:
    odd = GOOD.replace(b'"output_tokens":7', b'"output_tokens":7.0')
    lines = [b'{"type":"user"}', GOOD, odd + b"\r", GOOD.replace(b'"s1"', b'"s2"')]
    answers = _answers(native_module, lines, [1, 2, 3])
    assert [type(a) for a in answers] == [tuple, bytes, tuple]
    assert answers[1] == odd  # without its CR, as the line-by-line reader strips it
    assert answers[2][2] == "s2"
    assert len(_answers(native_module, lines)) == 4
    block = b"".join(line + b"\n" for line in lines)
    with pytest.raises(ValueError, match="picked"):
        native_module.claude_lines(block, len(block), [1, 9], "c", "s", "p")
    with pytest.raises(ValueError, match="complete lines"):
        native_module.claude_lines(block, len(block) - 1, None, "c", "s", "p")


@pytest.mark.parametrize(
    "change",
    [
        (b'"type":"assistant"', b'"type":"assistant","type":"assistant"'),  # a field twice
        (b'"id":"msg_1"', b'"id":"msg_1","\\u0069d":"msg_2"'),  # an escaped key may name a field
        (b'"input_tokens":3', b'"input_tokens":%d' % (SMALL_TOKENS + 1)),
        (b'"input_tokens":3', b'"input_tokens":-0'),
        (b'"model":"claude-opus-4-5"', b'"model":"<synthetic>"'),
        (b'"id":"msg_1"', b'"id":""'),
        (b'"text":"caf', b'"text":"\xff caf'),
        (b'"text":"caf', b'"text":"\\ud800 caf'),
        (b".123Z", b".1234Z"),
        (b'"content":[', b'"content":' + b"[" * 64),
        (b"40}}}}", b"40}}}} {}"),  # a second value on the line
    ],
)
def test_c_leaves_every_doubtful_line_to_python(native_module: ModuleType, change: tuple[bytes, bytes]) -> None:
    line = GOOD.replace(*change)
    assert line != GOOD
    if change[1].startswith(b'"content":['):
        line = line.replace(b"]", b"]" + b"]" * 63, 1)
    assert _answers(native_module, [line]) == [line]


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stamp=_timestamps)
def test_timestamps_are_python_s_to_the_millisecond(native_module: ModuleType, stamp: bytes) -> None:
    """C's arithmetic is Python's: every strict stamp C answers gives usage_ts_ms's number."""
    (answer,) = _answers(native_module, [GOOD.replace(b'"2026-06-01T10:00:00.123Z"', stamp)])
    if isinstance(answer, tuple):
        assert answer[6] == usage_ts_ms(stamp[1:-1].decode())


def test_a_context_without_fallbacks_is_read_by_python(tmp_path: Path, native_module: ModuleType) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(GOOD.replace(b'"sessionId":"s1",', b"") + b"\n")
    native, pure, by_line = read_three_ways(path, native_module, context={})
    assert native == pure == by_line and native.skipped_count == 1  # the handler's KeyError, skipped
