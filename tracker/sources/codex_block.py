"""Codex rollout blocks read natively: C reads the lines it is sure of, Python the others.

``tokenworth_native.codex_lines`` reads the needle lines of a block in order, carrying the
reader's context (session, project, branch, model, cumulative totals, the last rate limits and
the bytes of the last snapshot) in a state list, and answers what ``codex._handle`` would add:
events, sessions noted, rate-limit snapshots. At the first line it is not sure of
(``packaging/native/codex_line.h`` says when: a line not strictly valid JSON of the typed shape,
limits of another shape, a skip, ...) it stops; that line goes to the line-by-line parser with
the context as C left it, and C goes on after it with the context as Python left it. So every
event, session, snapshot, skip and ignore, and the context, are the pure-Python reading's.
Without the module (or with ``TOKENWORTH_NATIVE=0``) there is no block reader.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import msgspec

from tracker.core.reading import ReadResult, SessionSeen
from tracker.core.records import RateLimitSnapshot, RateLimitWindow, UsageEvent
from tracker.sources import line_select
from tracker.sources.jsonl import READ_SCRATCH, BlockReader, LineParser
from tracker.sources.normalize import MAX_TOKENS, note_session

_LIMITS, _SCRATCH = 11, 12  # state items (codex_lines.h)


def _state(context: dict[str, Any], where: tuple[int, int, int] = (0, 0, 0)) -> list[Any] | None:
    """The state list of ``context`` read on from ``where``, or None when C could not carry it
    (a key missing, a value of a type the handler itself might fail on)."""
    try:
        strings = context["session"], context["project"], context["branch"], context["model"]
        totals = context["totals"]
    except KeyError:
        return None
    scratch = context.get(READ_SCRATCH)
    if not (
        all(type(s) is str for s in strings)
        and type(totals) is list
        and len(totals) == 4
        and all(type(t) is int and 0 <= t <= MAX_TOKENS for t in totals)
        and (scratch is None or type(scratch) is msgspec.Raw)
    ):
        return None
    return [*where, *strings, *totals, context.get("limits"), scratch, False]


def _store(state: list[Any], limits: Any, context: dict[str, Any]) -> None:
    """C's context into ``context``; limits and scratch only when C recorded new ones."""
    context["session"], context["project"], context["branch"], context["model"] = state[3:7]
    context["totals"] = state[7:11]
    if state[_LIMITS] is not limits:
        context["limits"] = state[_LIMITS]
    if type(state[_SCRATCH]) is bytes:
        context[READ_SCRATCH] = msgspec.Raw(state[_SCRATCH])


def read_block(
    codex_lines: Any,
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
    """The block's events, sessions and snapshots, as ``jsonl`` decoding it and ``_handle`` would add them."""
    state = _state(context)
    if state is None:
        return None  # the handler's own failures are for the pure path to report
    events, sessions, snapshots = result.events, result.sessions, result.rate_limits
    first = line_no + 1
    while True:
        limits = state[_LIMITS]
        answers = codex_lines(buf, end, picked, source, state)
        for answer in answers:
            cls = answer.__class__
            if cls is tuple:
                events.append(UsageEvent(*answer))
                note_session(sessions, answer[2], answer[3], answer[4])  # as ``add_usage`` does
            elif cls is list:
                if len(answer) == 3:
                    sessions[answer[0]] = SessionSeen(*answer)
                else:
                    ts_ms, session, primary, secondary = answer
                    snapshots.append(
                        RateLimitSnapshot(
                            source,
                            session,
                            ts_ms,
                            None if primary is None else RateLimitWindow(*primary),
                            None if secondary is None else RateLimitWindow(*secondary),
                        )
                    )
        _store(state, limits, context)
        if not answers or answers[-1].__class__ is not bytes:
            break
        where = (state[0], state[1], state[2])
        parse_line(answers[-1], first + where[1] - 1, context, result)
        state = _state(context, where) or [*where, "", "", "", "", 0, 0, 0, 0, None, None, True]
        if state[-1]:  # a context C cannot carry (never made by ``_handle``): the rest is Python's
            while answers := codex_lines(buf, end, picked, source, state):
                parse_line(answers[-1], first + state[1] - 1, context, result)
            break
    result.lines_read += count
    return count


def native_reader(parse_line: LineParser, source: str, module: Any = None) -> BlockReader | None:
    """The block reader of ``module`` (default: the native module ``line_select`` found), or None."""
    module = module or line_select.MODULE
    if module is None:
        return None
    return partial(read_block, module.codex_lines, parse_line, source)
