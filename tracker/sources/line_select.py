"""Which lines of a block of complete JSONL lines are worth decoding.

A block is decoded in one call only when every line is a ``{…}`` object line (then no value
spans two lines, so records and lines pair up); of those lines, only the ones holding one
of the reader's needles are decoded, as the line-by-line path does. ``select_lines`` says
both in one pass. The optional native accelerator (``packaging/native``, module
``tokenworth_native``) does the same pass in C; this pure-Python code is the reference and
is used whenever that module is not importable, or ``TOKENWORTH_NATIVE=0`` is set. The same
module reads Claude Code lines too (``claude_block``), found here with the same checks.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from collections.abc import Callable
from types import ModuleType
from typing import cast

_OPEN, _CLOSE, _CR, _NL = ord("{"), ord("}"), ord("\r"), ord("\n")
# The native module's VERSION whose answers are the ones of ``select_lines_py`` below (and of
# the Python reading of Claude Code lines, for its ``claude_lines``).
NATIVE_VERSION = 3

# (line count, indices of the lines that hold a needle, those lines joined), or None when a
# line is not an object line. Indices and joined lines are None when every line holds one.
Selection = tuple[int, list[int] | None, bytes | None] | None
Selector = Callable[[bytes, int, tuple[bytes, ...]], Selection]


def select_lines_py(buf: bytes, end: int, needles: tuple[bytes, ...]) -> Selection:
    """The lines of ``buf[:end]`` (which ends with a newline): None unless every one starts
    with ``{`` and ends with ``}`` (before an optional CR); else their count, and which of
    them contain one of ``needles`` (all of them when there are no needles).

    A needle is looked for inside one line (without its newline); one holding a newline
    never matches, as it cannot inside a line.
    """
    if end and buf[end - 1] != _NL:
        raise ValueError("select_lines: buf[:end] must be complete lines")
    every = not needles  # no needles: every line is wanted
    needles = tuple(n for n in needles if b"\n" not in n)
    find, rfind = buf.find, buf.rfind  # memchr: much faster than bytes.count() here
    only, search = b"", None  # no needles: b"" is in every line
    if not every:
        if not needles:
            search = _NEVER.search  # only needles that cannot match
        elif len(needles) == 1:
            only = needles[0]
        else:
            search = _pattern(needles).search
    picked: list[int] = []
    runs: list[memoryview] = []  # runs of consecutive picked lines, copied once by join
    view = memoryview(buf)
    run = -1  # where the current run of picked lines starts
    count = start = 0
    while start < end:
        nl = find(b"\n", start, end)
        last = buf[nl - 1]
        if last == _CR:
            last = buf[nl - 2]
        if buf[start] != _OPEN or last != _CLOSE or nl - start < 2:
            return None
        # One needle from the end (Claude Code's "usage" is near the end of its long lines);
        # several in one regex pass.
        if (rfind(only, start, nl) >= 0) if search is None else (search(buf, start, nl) is not None):
            picked.append(count)
            if run < 0:
                run = start
        elif run >= 0:
            runs.append(view[run:start])
            run = -1
        count += 1
        start = nl + 1
    if every or len(picked) == count:
        return count, None, None
    if run >= 0:
        runs.append(view[run:end])
    return count, picked, b"".join(runs)


_NEVER = re.compile(b"(?!)")  # matches nothing


@functools.lru_cache(maxsize=16)
def _pattern(needles: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """A regex for any of ``needles``, their common start and end factored out (faster)."""
    # Byte strings, not paths: a common prefix by bytes is what is wanted here (RUF071), and
    # for a non-empty list of bytes it is bytes (its "" is for an empty list only).
    head = cast(bytes, os.path.commonprefix(list(needles)))  # noqa: RUF071 - see above
    rests = [n[len(head) :] for n in needles]
    tail = cast(bytes, os.path.commonprefix([r[::-1] for r in rests]))[::-1]  # noqa: RUF071 - see above
    middles = [r[: len(r) - len(tail)] for r in rests]
    alternatives = b"|".join(re.escape(m) for m in middles)
    return re.compile(re.escape(head) + b"(?:" + alternatives + b")" + re.escape(tail))


def _native() -> ModuleType | None:
    if os.environ.get("TOKENWORTH_NATIVE", "") == "0":
        return None
    try:  # by name: an optional module built apart (packaging/native), with no type information
        module = importlib.import_module("tokenworth_native")
    except ImportError:
        return None
    if getattr(module, "VERSION", None) != NATIVE_VERSION:
        return None  # a build of another version may answer differently: the reference it is
    return module


MODULE: ModuleType | None = _native()
NATIVE: Selector | None = None if MODULE is None else cast(Selector, MODULE.select_lines)
select_lines: Selector = NATIVE or select_lines_py
