"""The block pre-filter: which lines are object lines holding a needle; the native module
answers exactly as the pure-Python reference does."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path
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


# The native filter looks at 16 positions at a time for a newline or two probe bytes of a needle
# (chosen from the block's rarest bytes), then compares the needle there; the last bytes of a
# block go one by one. These blocks put needles, parts of needles and near misses at every kind
# of place: right after '{', right before '}', mid-line, across 16-byte steps, in the block's
# last bytes, several in one line, and in the unterminated rest after the block.
_FILL = [b"x", b"ab", b'"', b" ", b"_", b"\r", b"usag", b'"usag', b'sage"', b'"token_', b"count", b"e", b"\xff"]
_fill = st.builds(lambda piece, n: piece * n, st.sampled_from(_FILL), st.integers(0, 90))
_bits = st.sampled_from([
    b'"usage"', b'"token_count"', b'"turn_context"', b'"session_meta"', b'"usag', b'usage"', b'"usagE"',
    b'"token_coun', b'"turn_"', b"aaaa", b"}", b"{", b'"}', b'{"',
])  # fmt: skip


def _join_line(head: bytes, parts: list[tuple[bytes, bytes]], cr: bool) -> bytes:
    return b"{" + head + b"".join(bit + fill for bit, fill in parts) + b"}" + (b"\r" if cr else b"")


_placed_line = st.builds(_join_line, _fill, st.lists(st.tuples(_bits, _fill), max_size=3), st.booleans())
_edge_needles = st.sampled_from([
    USAGE, CODEX, (b'"usage"', b'"token_count"'), (b"u",), (b"_",), (b"aaaa",), (b'"}',), (b'{"',), (b"}",),
    (b'"usage"', b"x" * 200), (*(b"%d" % i for i in range(9)), b'"usage"'),  # more than the filter takes
    (b"\r",), (b'"\r',), (b'"usag', b'sage"'),
])  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(_placed_line, max_size=40),
    needles=_edge_needles,
    tail=st.sampled_from([b"", b'"usage"', b'{"usage":1}', b"sage", b'"token_count"\r']),
)
def test_native_equals_the_reference_wherever_the_needles_are(
    native_module: ModuleType, lines: list[bytes], needles: tuple[bytes, ...], tail: bytes
) -> None:
    block = b"".join(line + b"\n" for line in lines)
    buf = block + tail
    assert native_module.select_lines(buf, len(block), needles) == select_lines_py(buf, len(block), needles)


def test_native_finds_a_needle_at_every_place_of_short_lines(native_module: ModuleType) -> None:
    """Every line length around the 16-byte steps, the needle at every offset, the line first,
    in the middle and last of its block (where the filter goes byte by byte)."""
    needle = b'"usage"'
    other = b'{"type":"user","text":"' + b"usag " * 9 + b'"}\n'
    for length in range(len(needle) + 2, 60):
        for at in range(1, length - len(needle)):
            line = b"{" + b"x" * (at - 1) + needle + b"y" * (length - len(needle) - at - 1) + b"}\n"
            assert len(line) == length + 1
            for block in (line + other * 3, other * 3 + line, other * 2 + line + other):
                want = select_lines_py(block, len(block), USAGE)
                assert want is not None and want[0] == 4 and want[1] is not None and len(want[1]) == 1
                assert native_module.select_lines(block, len(block), USAGE) == want


def test_native_never_joins_a_needle_across_a_line_end(native_module: ModuleType) -> None:
    block = b'{"a":"x","usag}\n{e":1}\n{"a":"x\r}\n{"}\r\n{"usage"}\n'
    for needles in (USAGE, (b"}{",), (b'"usag}',), (b"usag}\n{e",), (b"x\r",), (b'"}\r',)):
        assert native_module.select_lines(block, len(block), needles) == select_lines_py(block, len(block), needles)
    assert select_lines_py(block, len(block), USAGE) == (5, [4], b'{"usage"}\n')
    assert select_lines_py(block, len(block), (b"x\r",)) == (5, [2], b'{"a":"x\r}\n')


def test_native_equals_the_reference_on_lines_of_a_megabyte(native_module: ModuleType) -> None:
    """A needle at the start, in the middle, at the end or nowhere in lines of 1 MB."""
    mb = 1 << 20
    filler = b'a usag token_coun "' * (mb // 19)
    at_start = b'{"usage":{}' + filler + b"}"
    middle = b"{" + filler[: mb // 2] + b'"turn_context"' + filler[mb // 2 :] + b"}\r"
    at_end = b"{" + filler + b'"usage"}'
    nowhere = b"{" + filler + b"}"
    block = b"\n".join([at_start, middle, at_end, nowhere, at_end]) + b"\n"
    for needles in (USAGE, CODEX, (b'"usage"', b'"turn_context"'), (b"zzz",), ()):
        assert native_module.select_lines(block, len(block), needles) == select_lines_py(block, len(block), needles)
    usage = select_lines_py(block, len(block), USAGE)
    assert usage is not None and usage[:2] == (5, [0, 2, 4])


def test_native_equals_the_reference_on_many_short_lines(native_module: ModuleType) -> None:
    lines = [b"{}", b'{"usage":1}', b"{}\r", b'{"x":"usages"}', b'{"usage"}\r'] * 20_000
    block = b"\n".join(lines) + b"\n"
    for needles in (USAGE, (b'"usage"',), (b"zzz",), (b"{}",), CODEX):
        assert native_module.select_lines(block, len(block), needles) == select_lines_py(block, len(block), needles)
    assert select_lines_py(block, len(block), (b'"usage"',)) == (
        100_000,
        [i for i in range(100_000) if i % 5 in (1, 4)],
        b'{"usage":1}\n{"usage"}\r\n' * 20_000,
    )


def test_native_with_every_line_or_no_line_holding_a_needle(native_module: ModuleType) -> None:
    every = b'{"type":"assistant","message":{"usage":{"input_tokens":1}}}\n' * 5_000
    none = b'{"type":"user","message":{"content":"token count usage"}}\r\n' * 5_000
    for block, needles in ((every, USAGE), (none, USAGE), (none, CODEX), (every + none, (b"",))):
        assert native_module.select_lines(block, len(block), needles) == select_lines_py(block, len(block), needles)
    assert select_lines_py(every, len(every), USAGE) == (5_000, None, None)
    assert select_lines_py(none, len(none), CODEX) == (5_000, [], b"")


@pytest.mark.parametrize("needle", [b"qqzz", b"aaab", b"abab", b'"ss"', b"zq"])
def test_native_on_every_short_line_over_the_needles_bytes(native_module: ModuleType, needle: bytes) -> None:
    """Every line of up to 7 bytes over the needle's bytes and one more: among them a place where
    the filter's two bytes match but the needle does not, just before one where it does."""
    alphabet = sorted(set(needle) | {ord("x")})
    bodies = [bytes(p) for n in range(8) for p in itertools.product(alphabet, repeat=n)]
    block = b"".join(b"{" + body + b"}\n" for body in bodies)
    for needles in ((needle,), (needle, b"zzzzzz")):
        want = select_lines_py(block, len(block), needles)
        assert want is not None and want[1] is not None and 0 < len(want[1]) < len(bodies)
        assert native_module.select_lines(block, len(block), needles) == want


NATIVE_SRC = Path(__file__).resolve().parents[2] / "packaging" / "native"
# (compiler, flags, how to run the program): this machine's C compiler with the undefined-behaviour
# sanitizer; arm64 (the NEON code) under qemu where a cross compiler and qemu are installed.
SCAN_CHECKS = {
    "native": ("cc", ["-fsanitize=undefined", "-fno-sanitize-recover"], []),
    "arm64": ("aarch64-linux-gnu-gcc", ["-static"], ["qemu-aarch64-static"]),
}


@pytest.mark.skipif(sys.platform == "win32", reason="scan_check.c uses mmap (POSIX)")
@pytest.mark.parametrize("target", sorted(SCAN_CHECKS))
def test_the_scan_never_reads_past_a_block_and_answers_as_a_plain_search(tmp_path: Path, target: str) -> None:
    """packaging/native/scan_check.c: random blocks that end where readable memory ends (a read
    past the end crashes it), checked against a plain search. Where CI=true the native check
    and the arm64 one must run; elsewhere each runs where its tools are installed."""
    compiler, flags, runner = SCAN_CHECKS[target]
    if target == "native" and not shutil.which(compiler):
        compiler = "gcc"  # (a system without the name cc)
    tools = [compiler, *runner]
    if not all(shutil.which(tool) for tool in tools):
        if os.environ.get("CI") == "true":  # .ci/run installs both: the check must run there
            pytest.fail(f"needs {' and '.join(tools)} (CI checks the native scan on both)")
        pytest.skip(f"needs {' and '.join(tools)}")
    program, source = tmp_path / "scan_check", NATIVE_SRC / "scan_check.c"
    build = subprocess.run(
        [compiler, "-O2", "-Wall", "-Wextra", "-Werror", *flags, str(source), "-o", str(program)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    run = subprocess.run(
        [*runner, str(program), "10000" if target == "native" else "3000"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.endswith(" mixed, 0 mismatches\n")
