"""Claude Code transcripts: ``<config>/projects/**/*.jsonl``.

Each assistant line carries ``message.usage``. A streamed reply writes one line per
content block and a resumed session copies earlier lines, so the store keeps one row per
(``message.id``, ``requestId``): the copy with the most tokens, as the final snapshot is.

Token contract (``sources.normalize``): ``input_tokens`` is already the fresh part; cache
writes (``cache_creation_input_tokens``, split 5-minute/1-hour by ``cache_creation``) and
``cache_read_input_tokens`` are separate; Claude reports no reasoning count.
Metadata is decoded leniently: a field of an unexpected type counts as absent, so a tool
release that changes one field's type never loses the line's usage.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import ReadResult
from tracker.sources import claude_block
from tracker.sources.jsonl import LineFormat, Record
from tracker.sources.normalize import SMALL_TOKENS, add_usage, token_count
from tracker.sources.spec import Kind, Part, Root, SourceSpec
from tracker.sources.timestamps import usage_ts_ms

NAME = "claude-code"
KNOWN_TYPES = frozenset(
    {"user", "assistant", "system", "summary", "file-history-snapshot", "queue-operation", "progress"}
)


# Typed records decode fastest; a line they reject is decoded again as a ``_Lenient*`` one and
# coerced into a typed record (see ``LineFormat.coerce``).
class _CacheCreation(Record):
    ephemeral_5m_input_tokens: int | None = None
    ephemeral_1h_input_tokens: int | None = None


class _Usage(Record):
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    cache_creation: _CacheCreation | None = None


class _Message(Record):
    id: str | None = None
    model: str | None = None
    usage: _Usage | None = None


class _Line(Record):
    type: str | None = None
    timestamp: str | None = None
    sessionId: str | None = None  # noqa: N815 - the log's own field name
    cwd: str | None = None
    gitBranch: str | None = None  # noqa: N815
    requestId: str | None = None  # noqa: N815
    message: _Message | None = None


class _LenientUsage(Record):
    input_tokens: Any = None
    output_tokens: Any = None
    cache_creation_input_tokens: Any = None
    cache_read_input_tokens: Any = None
    cache_creation: Any = None


class _LenientMessage(Record):
    id: Any = None
    model: Any = None
    usage: _LenientUsage | None = None


class _LenientLine(Record):
    type: str | None = None
    timestamp: Any = None
    sessionId: Any = None  # noqa: N815
    cwd: Any = None
    gitBranch: Any = None  # noqa: N815
    requestId: Any = None  # noqa: N815
    message: _LenientMessage | None = None


def text(value: Any) -> str | None:
    """A metadata string, or None when the field is of another type."""
    return value if isinstance(value, str) else None


def ident(value: Any) -> str | None:
    """An id: a string, or a whole number written as one."""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _coerce(rec: _LenientLine) -> _Line:
    """A leniently decoded line as a typed one: odd strings dropped, numbers kept as they are
    (``add_usage`` range-checks them; Structs do not check types when built)."""
    msg = rec.message
    message = None
    if msg is not None:
        usage = None
        if (u := msg.usage) is not None:
            cc = u.cache_creation
            breakdown = None
            if isinstance(cc, dict):
                breakdown = _CacheCreation(cc.get("ephemeral_5m_input_tokens"), cc.get("ephemeral_1h_input_tokens"))
            usage = _Usage(
                u.input_tokens, u.output_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens, breakdown
            )
        message = _Message(ident(msg.id), text(msg.model), usage)
    session, request = ident(rec.sessionId), ident(rec.requestId)
    return _Line(rec.type, text(rec.timestamp), session, text(rec.cwd), text(rec.gitBranch), request, message)


def _handle(rec: _Line, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
    msg = rec.message
    if rec.type != "assistant" or msg is None or msg.usage is None:
        return
    if msg.model == "<synthetic>":
        result.ignore("synthetic message (no model call)")
        return
    if not msg.id:
        result.ignore("assistant line without message.id")
        return
    if not rec.timestamp:
        result.skip(line_no, "assistant usage line without a timestamp")
        return
    ts_ms = usage_ts_ms(rec.timestamp)
    if ts_ms is None:
        result.skip(line_no, f"unreadable timestamp {rec.timestamp[:40]!r}")
        return
    u = msg.usage
    creation: object = u.cache_creation_input_tokens
    one_hour = 0
    if (split := u.cache_creation) is not None:
        # Plain small ints (the typed decode's case) take no ``token_count`` call.
        whole = creation if type(creation) is int and 0 <= creation <= SMALL_TOKENS else token_count(creation)
        if whole is not None:
            hour = split.ephemeral_1h_input_tokens
            hour = (hour if type(hour) is int and 0 <= hour <= SMALL_TOKENS else token_count(hour)) or 0
            one_hour = hour if hour < whole else whole
            creation = whole - one_hour
    add_usage(
        result,
        line_no,
        source=NAME,
        key=f"cc:{msg.id}:{rec.requestId or ''}",
        session=rec.sessionId or context["fallback_session"],
        project=rec.cwd or context["fallback_project"],
        branch=rec.gitBranch or "",
        model=msg.model or "unknown",
        ts_ms=ts_ms,
        input=u.input_tokens,
        output=u.output_tokens,
        cache_read=u.cache_read_input_tokens,
        cache_write_5m=creation,
        cache_write_1h=one_hour,
    )


NEEDLES = (b'"usage"',)
PURE_LINES = LineFormat(msgspec.json.Decoder(_Line), KNOWN_TYPES, _handle, msgspec.json.Decoder(_LenientLine), _coerce)
_parse_line = PURE_LINES.parse_line(NEEDLES)


def parse_line(line: bytes, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
    """One transcript line by itself (a module function: the native block reader is pickled with it)."""
    _parse_line(line, line_no, context, result)


# With the native module, blocks are read in C where it is sure of the answer (``claude_block``).
LINES = dataclasses.replace(PURE_LINES, block=claude_block.native_reader(parse_line, NAME))


class TranscriptReader:
    needles: tuple[bytes, ...] = NEEDLES
    line_format: LineFormat[Any] | None = LINES
    parse_line = staticmethod(_parse_line)

    def start_context(self, path: Path) -> dict[str, Any]:
        return {"fallback_session": path.stem, "fallback_project": path.parent.name}


READER = TranscriptReader()

SPEC = SourceSpec(
    id=NAME,
    label="Claude Code",
    roots=(
        # CLAUDE_CONFIG_DIR (a comma-separated list) replaces both defaults.
        Root("~/.config/claude/projects", env="CLAUDE_CONFIG_DIR", env_sub="projects", env_list=True),
        Root("~/.claude/projects", env="CLAUDE_CONFIG_DIR", env_sub="projects", env_list=True),
    ),
    parts=(Part("transcripts", Kind.JSONL, ("*.jsonl",), READER),),
    counts="Every assistant reply's usage, once per message and request id (its final, largest copy).",
)
