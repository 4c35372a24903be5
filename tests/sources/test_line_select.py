"""The block pre-filter: which lines are object lines holding a needle; the native module
answers exactly as the pure-Python reference does."""

from __future__ import annotations

from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.sources.line_select import NATIVE_VERSION, select_lines_py

USAGE = (b'"usage"',)
CODEX = (b'"token_count"', b'"turn_context"', b'"session_meta"')


def test_every_line_an_object_line_with_a_needle_needs_no_list() -> None:
    block = b'{"usage":1}\n{"a":"usage","usage":2}\r\n'
    assert select_lines_py(block, len(block), USAGE) == (2, None, None)
    assert select_lines_py(block, len(block), ()) == (2, None, None)  # no needles: every line
    assert select_lines_py(b"", 0, USAGE) == (0, None, None)


def test_only_the_lines_holding_a_needle_are_picked_and_joined() -> None:
    block = b'{"type":"user"}\n{"x":"\\"usage\\""}\r\n{"usage":{}}\n{"\\u0075sage":{}}\n{"turn_context":1}\n'
    assert select_lines_py(block, len(block), USAGE) == (5, [2], b'{"usage":{}}\n')
    # a needle with a newline can never match inside a line; the others still do
    assert select_lines_py(block, len(block), (b'{}\n{"', b'"turn_context"')) == (5, [4], b'{"turn_context":1}\n')
    assert select_lines_py(block, len(block), (b"\n",)) == (5, [], b"")
    # only buf[:end] counts
    assert select_lines_py(block + b'{"usage":3}', len(block), USAGE) == (5, [2], b'{"usage":{}}\n')


@pytest.mark.parametrize(
    "bad",
    [b"\n", b"{\n", b"{\r\n", b" {}\n", b"{} \n", b"{}\r\r\n", b'{"a":1}\n[1]\n', b'"usage"\n', b"}{\n"],
)
def test_a_block_with_a_line_that_is_no_object_line_gives_none(bad: bytes) -> None:
    block = b'{"usage":1}\n' + bad
    assert select_lines_py(block, len(block), USAGE) is None


def test_the_block_must_end_with_a_newline() -> None:
    with pytest.raises(ValueError, match="complete lines"):
        select_lines_py(b'{"usage":1}\n{}', 14, USAGE)


def test_native_answers_as_the_reference_on_known_blocks(native_module: ModuleType) -> None:
    assert native_module.VERSION == NATIVE_VERSION
    select = native_module.select_lines
    block = b'{"type":"user"}\n{"x":"\\"usage\\""}\r\n{"usage":{}}\n{"\\u0075sage":{}}\n{"turn_context":1}\n'
    for needles in (USAGE, CODEX, (), (b"\n",), (b"",), (b'{}\n{"', b'"turn_context"')):
        assert select(block, len(block), needles) == select_lines_py(block, len(block), needles)
    assert select(b"", 0, USAGE) == (0, None, None)
    with pytest.raises(ValueError, match="complete lines"):
        select(b'{"usage":1}\n{}', 14, USAGE)
    with pytest.raises(TypeError):
        select(b"{}\n", 3, ("usage",))


# Pieces of lines: needles whole and in strings, braces, CR, blanks, invalid UTF-8, escapes.
PIECES = [
    b'"usage"', b'"\\u0075sage"', b'"token_count"', b'"turn_context"', b'"session_meta"', b"usage",
    b'"usag', b'e"', b"{", b"}", b"\r", b" ", b'"', b"\\", b"\x00", b"\xff\xfe", b"\xc3\xa9", b":", b",",
    b'{"type":"assistant","message":{"usage":{"input_tokens":1}}}', b"x" * 300,
]  # fmt: skip
_piece = st.sampled_from(PIECES)
_body = st.lists(_piece, max_size=12).map(b"".join)
# Mostly object lines, so most blocks pass the shape check and the needle part is exercised.
_line = st.one_of(
    _body.map(lambda b: b"{" + b + b"}"),
    _body.map(lambda b: b"{" + b + b"}\r"),
    _body,
    st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")),
)
_needles = st.one_of(
    st.just(USAGE),
    st.just(CODEX),
    st.just(()),
    st.lists(st.sampled_from([*PIECES, b"", b"a\nb"]), max_size=4).map(tuple),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(_line, max_size=30),
    mostly_objects=st.booleans(),
    needles=_needles,
    tail=st.binary(max_size=20).map(lambda b: b.replace(b"\n", b"")),
)
def test_native_equals_the_reference_on_random_blocks(
    native_module: ModuleType, lines: list[bytes], mostly_objects: bool, needles: tuple[bytes, ...], tail: bytes
) -> None:
    if mostly_objects:
        lines = [line if line.startswith(b"{") else b"{" + line + b"}" for line in lines]
    block = b"".join(line + b"\n" for line in lines)
    buf = block + tail  # an unterminated rest after the block, as a read leaves it
    assert native_module.select_lines(buf, len(block), needles) == select_lines_py(buf, len(block), needles)


def test_native_equals_the_reference_on_long_lines(native_module: ModuleType) -> None:
    filler = b'"text":"' + b"a usage token_count " * 20_000 + b'"'
    lines = [b"{" + filler + b"}", b"{" + filler + b',"usage":{}}', b"{" + filler + b',"x":"token_count"}\r']
    block = b"\n".join(lines * 50) + b"\n"
    for needles in (USAGE, CODEX, (b'"x"',)):
        want = select_lines_py(block, len(block), needles)
        assert native_module.select_lines(block, len(block), needles) == want
    assert select_lines_py(block, len(block), USAGE) == (
        150,
        list(range(1, 150, 3)),
        b"\n".join(lines[1:2] * 50) + b"\n",
    )
