"""Codex CLI rollouts: ``$CODEX_HOME/{sessions,archived_sessions}/**/*.jsonl``.

``token_count`` events carry the session's cumulative ``total_token_usage``; a request's
usage is the difference from the previous total in the file. ``cached_input_tokens`` is
part of ``input_tokens`` and ``reasoning_output_tokens`` part of ``output_tokens``, so
the stored input is the non-cached part and reasoning is kept only as information.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import ReadResult, SessionSeen
from tracker.core.records import RateLimitSnapshot, RateLimitWindow, UsageEvent
from tracker.sources.files import jsonl_files
from tracker.sources.jsonl import LineFormat
from tracker.sources.timestamps import iso_to_ms

NAME = "codex"
KNOWN_TYPES = frozenset({"session_meta", "turn_context", "response_item", "event_msg", "compacted"})
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_FIELDS = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens")


class _Totals(msgspec.Struct):
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_output_tokens: int = 0


class _Info(msgspec.Struct):
    total_token_usage: _Totals | None = None


class _Window(msgspec.Struct):
    used_percent: float | None = None
    window_minutes: int | None = None
    resets_at: int | None = None
    resets_in_seconds: int | None = None


class _Limits(msgspec.Struct):
    primary: _Window | None = None
    secondary: _Window | None = None


class _Git(msgspec.Struct):
    branch: str | None = None


class _Payload(msgspec.Struct):
    type: str | None = None
    id: str | None = None
    cwd: str | None = None
    model: str | None = None
    git: _Git | None = None
    info: _Info | None = None
    rate_limits: _Limits | None = None


class _Line(msgspec.Struct):
    type: str | None = None
    timestamp: str | None = None
    payload: _Payload | None = None


def _handle(rec: _Line, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
    kind = rec.type
    payload = rec.payload
    if payload is None:
        return
    if kind == "session_meta":
        if payload.id:
            context["session"] = payload.id
        if payload.cwd:
            context["project"] = payload.cwd
        if payload.git is not None and payload.git.branch:
            context["branch"] = payload.git.branch
        _note_session(context, result)
    elif kind == "turn_context":
        if payload.model:
            context["model"] = payload.model
        if payload.cwd:
            context["project"] = payload.cwd
    elif payload.type == "token_count":
        _token_count(rec, payload, line_no, context, result)


def _token_count(rec: _Line, payload: _Payload, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
    try:
        ts_ms = iso_to_ms(rec.timestamp or "")
    except ValueError:
        result.skip(line_no, f"unreadable timestamp {(rec.timestamp or '')[:40]!r}")
        return
    limits = payload.rate_limits
    if limits is not None:
        # The CLI repeats the same snapshot with every count; keep only changes.
        seen = [_percent(limits.primary), _percent(limits.secondary)]
        if seen != context.get("limits"):
            context["limits"] = seen
            result.rate_limits.append(
                RateLimitSnapshot(
                    NAME,
                    context["session"],
                    ts_ms,
                    _window(limits.primary, ts_ms),
                    _window(limits.secondary, ts_ms),
                )
            )
    info = payload.info
    if info is None or info.total_token_usage is None:
        return  # ``info: null`` reports limits only, not usage
    t = info.total_token_usage
    i, c, o, r = t.input_tokens, t.cached_input_tokens, t.output_tokens, t.reasoning_output_tokens
    if i < 0 or c < 0 or o < 0 or r < 0 or c > i:
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
    result.events.append(
        UsageEvent(
            NAME,
            f"cx:{session}:{i}:{c}:{o}:{r}",
            session,
            context["project"],
            context["branch"],
            context["model"] or "unknown",
            ts_ms,
            d_in - d_cached if d_in > d_cached else 0,
            o - po,
            0,
            0,
            d_cached if d_cached < d_in else d_in,
            r - pr,
        )
    )


LINES = LineFormat(msgspec.json.Decoder(_Line), KNOWN_TYPES, _handle)


class CodexSource:
    name = NAME
    label = "Codex CLI"
    needles: tuple[bytes, ...] = (b'"token_count"', b'"turn_context"', b'"session_meta"')
    line_format: LineFormat[Any] | None = LINES
    parse_line = staticmethod(LINES.parse_line(needles))

    def roots(self, home: Path, env: Mapping[str, str], extra: Sequence[Path]) -> list[Path]:
        base = Path(env["CODEX_HOME"]).expanduser() if env.get("CODEX_HOME") else home / ".codex"
        return [base / "sessions", base / "archived_sessions", *extra]

    files = staticmethod(jsonl_files)

    def start_context(self, path: Path) -> dict[str, Any]:
        found = _UUID.findall(path.stem)
        return {
            "session": found[-1] if found else path.stem,
            "project": "",
            "branch": "",
            "model": "",
            "totals": [0, 0, 0, 0],
        }


def _note_session(context: dict[str, Any], result: ReadResult) -> None:
    sid = context["session"]
    result.sessions[sid] = SessionSeen(sid, context["project"], context["branch"])


def _percent(w: _Window | None) -> float | None:
    return None if w is None else w.used_percent


def _window(w: _Window | None, ts_ms: int) -> RateLimitWindow | None:
    if w is None or w.used_percent is None:
        return None
    if w.resets_at is not None:
        resets = w.resets_at * 1000
    elif w.resets_in_seconds is not None:
        resets = ts_ms + w.resets_in_seconds * 1000
    else:
        resets = None
    return RateLimitWindow(float(w.used_percent), w.window_minutes, resets)


SOURCE = CodexSource()
