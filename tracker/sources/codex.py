"""Codex CLI rollouts: ``$CODEX_HOME/{sessions,archived_sessions}/**/*.jsonl``.

``token_count`` events carry the session's cumulative ``total_token_usage``; a request's
usage is the difference from the previous total in the file.

Token contract (``sources.normalize``): ``cached_input_tokens`` is part of ``input_tokens``
(subtracted: stored input is the fresh part) and ``reasoning_output_tokens`` part of
``output_tokens`` (kept as information only). Totals are range-checked before they are
subtracted; metadata of an unexpected type counts as absent.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import ReadResult, SessionSeen
from tracker.core.records import RateLimitSnapshot, RateLimitWindow
from tracker.sources import codex_block
from tracker.sources.claude_code import ident, text
from tracker.sources.jsonl import READ_SCRATCH, LineFormat, Record
from tracker.sources.normalize import SMALL_TOKENS, add_usage, token_count
from tracker.sources.spec import Kind, Part, Root, SourceSpec
from tracker.sources.timestamps import usage_ts_ms

NAME = "codex"
KNOWN_TYPES = frozenset({"session_meta", "turn_context", "response_item", "event_msg", "compacted"})
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


# Typed records decode fastest; a line they reject is decoded again as a ``_Lenient*`` one and
# coerced into a typed record (see ``LineFormat.coerce``).
class _Totals(Record):
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_output_tokens: int = 0


class _Info(Record):
    total_token_usage: _Totals | None = None


class _Window(Record):
    used_percent: float | None = None
    window_minutes: int | None = None
    resets_at: int | None = None
    resets_in_seconds: int | None = None


class _Limits(Record):
    primary: _Window | None = None
    secondary: _Window | None = None


# A line with no ``rate_limits``: the same object every time, so telling it apart costs nothing.
_NO_LIMITS = msgspec.Raw(b"null")


class _Payload(Record):
    type: str | None = None
    id: str | None = None
    cwd: str | None = None
    model: str | None = None
    git: Any = None  # {"branch": …}
    info: _Info | None = None
    # The CLI repeats one rate-limit snapshot in every count: its bytes are kept undecoded and
    # decoded only when they differ from the last ones (``_rate_limits``). A coerced line
    # carries them decoded (``_Limits | None``).
    rate_limits: msgspec.Raw = _NO_LIMITS


class _Line(Record):
    type: str | None = None
    timestamp: str | None = None
    payload: _Payload | None = None


class _LenientTotals(Record):
    input_tokens: Any = 0
    cached_input_tokens: Any = 0
    output_tokens: Any = 0
    reasoning_output_tokens: Any = 0


class _LenientInfo(Record):
    total_token_usage: _LenientTotals | None = None


class _LenientPayload(Record):
    type: Any = None
    id: Any = None
    cwd: Any = None
    model: Any = None
    git: Any = None
    info: _LenientInfo | None = None
    rate_limits: Any = None


class _LenientLine(Record):
    type: str | None = None
    timestamp: Any = None
    payload: _LenientPayload | None = None


def _coerce(rec: _LenientLine) -> _Line:
    """A leniently decoded line as a typed one: odd strings dropped, numbers kept as they are
    (range-checked later; Structs do not check types when built)."""
    p = rec.payload
    if p is None:
        return _Line(rec.type, text(rec.timestamp), None)
    info = None
    if p.info is not None:
        t = p.info.total_token_usage
        totals = (
            None
            if t is None
            else _Totals(t.input_tokens, t.cached_input_tokens, t.output_tokens, t.reasoning_output_tokens)
        )
        info = _Info(totals)
    limits = None
    if isinstance(p.rate_limits, dict):
        limits = _Limits(_lenient_window(p.rate_limits.get("primary")), _lenient_window(p.rate_limits.get("secondary")))
    # Structs check no types when built: ``_rate_limits`` takes decoded limits as they are.
    payload = _Payload(text(p.type), ident(p.id), text(p.cwd), text(p.model), p.git, info, limits)  # type: ignore[arg-type]
    return _Line(rec.type, text(rec.timestamp), payload)


_LIMITS = msgspec.json.Decoder(_Limits | None)
_ANY = msgspec.json.Decoder()
_UNCHANGED = object()  # the same bytes as the snapshot last recorded in ``context["limits"]``


def _rate_limits(raw: Any, context: dict[str, Any]) -> Any:
    """A line's rate limits as the typed decode of the whole line had them (``_Limits`` or
    None), ``_UNCHANGED``, or the reason to skip the line (a ``str``) when it would have been
    of no readable shape at all. ``raw`` may be decoded already (a coerced line)."""
    if type(raw) is not msgspec.Raw:
        return raw
    if raw == context.get(READ_SCRATCH):
        return _UNCHANGED
    try:
        return _LIMITS.decode(raw)
    except msgspec.ValidationError as exc:
        # The whole line would have been decoded leniently: limits of any shape, coerced.
        try:
            loose = _ANY.decode(raw)
        except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
            where = str(exc).split(" - at `$", 1)
            return f"unexpected shape: {where[0]} - at `$.payload.rate_limits{where[1] if len(where) > 1 else '`'}"
    if not isinstance(loose, dict):
        return None
    return _Limits(_lenient_window(loose.get("primary")), _lenient_window(loose.get("secondary")))


def _lenient_window(w: object) -> _Window | None:
    if not isinstance(w, dict):
        return None
    return _Window(w.get("used_percent"), w.get("window_minutes"), w.get("resets_at"), w.get("resets_in_seconds"))


def _handle(rec: _Line, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
    kind = rec.type
    payload = rec.payload
    if payload is None:
        return
    limits: Any = payload.rate_limits
    if limits is _NO_LIMITS:
        limits = None
    else:
        limits = _rate_limits(limits, context)
        if type(limits) is str:
            result.skip(line_no, limits)  # as a line decoded in full and found of no known shape
            return
    if kind == "session_meta":
        if session := ident(payload.id):
            context["session"] = session
        if cwd := text(payload.cwd):
            context["project"] = cwd
        if isinstance(payload.git, dict) and (branch := text(payload.git.get("branch"))):
            context["branch"] = branch
        _note_session(context, result)
    elif kind == "turn_context":
        if model := text(payload.model):
            context["model"] = model
        if cwd := text(payload.cwd):
            context["project"] = cwd
    elif payload.type == "token_count":
        _token_count(rec, payload, limits, line_no, context, result)


def _token_count(
    rec: _Line, payload: _Payload, limits: Any, line_no: int, context: dict[str, Any], result: ReadResult
) -> None:
    ts_ms = usage_ts_ms(rec.timestamp)
    if ts_ms is None:
        result.skip(line_no, f"unreadable timestamp {str(rec.timestamp or '')[:40]!r}")
        return
    if limits is not None and limits is not _UNCHANGED:
        first, second = limits.primary, limits.secondary
        # The CLI repeats the same snapshot with every count; keep only changes.
        seen = [None if first is None else first.used_percent, None if second is None else second.used_percent]
        if seen != context.get("limits"):
            context["limits"] = seen
            primary, secondary = _window(first, ts_ms), _window(second, ts_ms)
            result.rate_limits.append(RateLimitSnapshot(NAME, context["session"], ts_ms, primary, secondary))
        raw = payload.rate_limits
        if type(raw) is msgspec.Raw:  # ``context["limits"]`` now holds what these bytes say
            context[READ_SCRATCH] = raw.copy()  # a copy: the block it points into is freed
        else:  # decoded already (a lenient line): no bytes say what was recorded last
            context.pop(READ_SCRATCH, None)
    info = payload.info
    if info is None or info.total_token_usage is None:
        return  # ``info: null`` reports limits only, not usage
    t = info.total_token_usage
    i: int | None = t.input_tokens
    c: int | None = t.cached_input_tokens
    o: int | None = t.output_tokens
    r: int | None = t.reasoning_output_tokens
    # Plain small ints (the typed decode's case) take no call; anything else is checked.
    top = SMALL_TOKENS
    if not (
        type(i) is int
        and type(c) is int
        and type(o) is int
        and type(r) is int
        and 0 <= i <= top
        and 0 <= c <= top
        and 0 <= o <= top
        and 0 <= r <= top
    ):
        i, c, o, r = token_count(i), token_count(c), token_count(o), token_count(r)
    if i is None or c is None or o is None or r is None:
        result.skip(line_no, "token count that is not a whole number from 0 to 10^10")
        return
    if c > i:
        result.skip(line_no, "impossible token totals")
        return
    pi, pc, po, pr = context["totals"]
    if i == pi and c == pc and o == po and r == pr:
        return  # a repeated snapshot adds nothing
    if i < pi or c < pc or o < po or r < pr:
        pi = pc = po = pr = 0  # the counter restarted: the new total is all new usage
    context["totals"] = [i, c, o, r]
    d_in, d_cached = i - pi, c - pc
    session = context["session"]
    if session not in result.sessions:
        _note_session(context, result)
    add_usage(
        result,
        line_no,
        source=NAME,
        key=f"cx:{session}:{i}:{c}:{o}:{r}",
        session=session,
        project=context["project"],
        branch=context["branch"],
        model=context["model"],
        ts_ms=ts_ms,
        input=d_in,
        cache_read=min(d_cached, d_in),
        input_includes_cache_read=True,
        output=o - po,
        reasoning=r - pr,
    )


NEEDLES = (b'"token_count"', b'"turn_context"', b'"session_meta"')
PURE_LINES = LineFormat(msgspec.json.Decoder(_Line), KNOWN_TYPES, _handle, msgspec.json.Decoder(_LenientLine), _coerce)
_parse_line = PURE_LINES.parse_line(NEEDLES)


def parse_line(line: bytes, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
    """One rollout line by itself (a module function: the native block reader is pickled with it)."""
    _parse_line(line, line_no, context, result)


# With the native module, blocks are read in C where it is sure of the answer (``codex_block``).
LINES = dataclasses.replace(PURE_LINES, block=codex_block.native_reader(parse_line, NAME))


class RolloutReader:
    needles: tuple[bytes, ...] = NEEDLES
    line_format: LineFormat[Any] | None = LINES
    parse_line = staticmethod(_parse_line)

    def start_context(self, path: Path) -> dict[str, Any]:
        found = _UUID.findall(path.stem)
        return {
            "session": found[-1] if found else path.stem,
            "project": "",
            "branch": "",
            "model": "",
            "totals": [0, 0, 0, 0],
        }


READER = RolloutReader()

SPEC = SourceSpec(
    id=NAME,
    label="Codex CLI",
    roots=(
        Root("~/.codex/sessions", env="CODEX_HOME", env_sub="sessions"),
        Root("~/.codex/archived_sessions", env="CODEX_HOME", env_sub="archived_sessions"),
    ),
    parts=(Part("rollouts", Kind.JSONL, ("*.jsonl",), READER),),
    counts="Each token_count event's difference from the session's previous cumulative total.",
)


def _note_session(context: dict[str, Any], result: ReadResult) -> None:
    sid = context["session"]
    result.sessions[sid] = SessionSeen(sid, context["project"], context["branch"])


def _window(w: _Window | None, ts_ms: int) -> RateLimitWindow | None:
    """A window, its values checked (a coerced record may carry any type; only changed
    snapshots get here)."""
    if w is None:
        return None
    used = w.used_percent
    if isinstance(used, bool) or not isinstance(used, int | float) or not 0 <= used <= 1000:
        return None
    minutes = w.window_minutes
    minutes = minutes if isinstance(minutes, int) and not isinstance(minutes, bool) and 0 < minutes < 10**7 else None
    at, within = w.resets_at, w.resets_in_seconds
    resets: int | None = None
    if isinstance(at, int) and not isinstance(at, bool) and 0 <= at < 10**11:
        resets = at * 1000
    elif isinstance(within, int) and not isinstance(within, bool) and 0 <= within < 10**9:
        resets = ts_ms + within * 1000
    return RateLimitWindow(float(used), minutes, resets)
