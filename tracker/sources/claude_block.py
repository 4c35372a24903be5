"""Claude Code blocks read natively: C reads each usage line, Python the ones C is unsure of.

``tokenworth_native.claude_lines`` answers each needle line of a block, in order, with the
fields of the ``UsageEvent`` that ``claude_code._handle`` would make of it, or with the line
itself when it cannot be sure of that (``packaging/native/claude_line.h`` says when: any line
that is not strictly valid JSON of the expected shape, a skip, an ignore, an odd field). Those
lines go to the line-by-line parser, so every event, session, skip and ignore is the one of the
pure-Python reading, in the same order. Without the module (or with ``TOKENWORTH_NATIVE=0``)
there is no block reader and the pure-Python one runs.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from tracker.core.reading import ReadResult
from tracker.core.records import UsageEvent
from tracker.sources import line_select
from tracker.sources.jsonl import BlockReader, LineParser
from tracker.sources.normalize import note_session


def read_block(
    claude_lines: Any,
    parse_line: LineParser,
    source: str,
    buf: bytes,
    end: int,
    line_no: int,
    count: int,
    picked: list[int] | None,
    context: dict[str, Any],
    result: ReadResult,
) -> int | None:
    """The block's events, as ``jsonl`` decoding it and ``_handle`` would add them."""
    if "fallback_session" not in context or "fallback_project" not in context:
        return None  # the handler's own failure (a KeyError) is for the pure path to report
    answers = claude_lines(buf, end, picked, source, context["fallback_session"], context["fallback_project"])
    events, sessions = result.events, result.sessions
    first = line_no + 1
    for j, answer in enumerate(answers):
        if answer.__class__ is tuple:
            events.append(UsageEvent(*answer))
            note_session(sessions, answer[2], answer[3], answer[4])  # as ``add_usage`` does
        else:
            parse_line(answer, first + (j if picked is None else picked[j]), context, result)
    result.lines_read += count
    return count


def native_reader(parse_line: LineParser, source: str, module: Any = None) -> BlockReader | None:
    """The block reader of ``module`` (default: the native module ``line_select`` found), or None."""
    module = module or line_select.MODULE
    if module is None:
        return None
    return partial(read_block, module.claude_lines, parse_line, source)
