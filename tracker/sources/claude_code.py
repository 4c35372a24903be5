"""Claude Code transcripts: ``<config>/projects/**/*.jsonl``.

Each assistant line carries ``message.usage``. A streamed reply writes one line per
content block and a resumed session copies earlier lines, so the store keeps one row per
(``message.id``, ``requestId``): the copy with the most tokens, as the final snapshot is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import ReadResult, SessionSeen
from tracker.core.records import UsageEvent
from tracker.sources.files import jsonl_files
from tracker.sources.jsonl import LineFormat
from tracker.sources.timestamps import iso_to_ms

NAME = "claude-code"
KNOWN_TYPES = frozenset(
    {"user", "assistant", "system", "summary", "file-history-snapshot", "queue-operation", "progress"}
)


class _CacheCreation(msgspec.Struct):
    ephemeral_5m_input_tokens: int | None = None
    ephemeral_1h_input_tokens: int | None = None


class _Usage(msgspec.Struct):
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    cache_creation: _CacheCreation | None = None


class _Message(msgspec.Struct):
    id: str | None = None
    model: str | None = None
    usage: _Usage | None = None


class _Line(msgspec.Struct):
    type: str | None = None
    timestamp: str | None = None
    sessionId: str | None = None  # noqa: N815 - the log's own field name
    cwd: str | None = None
    gitBranch: str | None = None  # noqa: N815
    requestId: str | None = None  # noqa: N815
    message: _Message | None = None


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
    try:
        ts_ms = iso_to_ms(rec.timestamp)
    except ValueError:
        result.skip(line_no, f"unreadable timestamp {rec.timestamp[:40]!r}")
        return
    u = msg.usage
    input_t = u.input_tokens or 0
    output_t = u.output_tokens or 0
    creation_t = u.cache_creation_input_tokens or 0
    read_t = u.cache_read_input_tokens or 0
    if input_t < 0 or output_t < 0 or creation_t < 0 or read_t < 0:
        result.skip(line_no, "negative token count")
        return
    one_hour = 0
    if u.cache_creation is not None:
        one_hour = min(max(u.cache_creation.ephemeral_1h_input_tokens or 0, 0), creation_t)
    session = rec.sessionId or context["fallback_session"]
    project = rec.cwd or context["fallback_project"]
    branch = rec.gitBranch or ""
    result.events.append(
        UsageEvent(
            NAME,
            f"cc:{msg.id}:{rec.requestId or ''}",
            session,
            project,
            branch,
            msg.model or "unknown",
            ts_ms,
            input_t,
            output_t,
            creation_t - one_hour,
            one_hour,
            read_t,
            0,
        )
    )
    seen = result.sessions.get(session)
    if seen is None or (project and not seen.project) or (branch and seen.git_branch != branch):
        result.sessions[session] = SessionSeen(session, project, branch)


LINES = LineFormat(msgspec.json.Decoder(_Line), KNOWN_TYPES, _handle)


class ClaudeCodeSource:
    name = NAME
    label = "Claude Code"
    needles: tuple[bytes, ...] = (b'"usage"',)
    line_format: LineFormat[Any] | None = LINES
    parse_line = staticmethod(LINES.parse_line(needles))

    def roots(self, home: Path, env: Mapping[str, str], extra: Sequence[Path]) -> list[Path]:
        configured = [p.strip() for p in env.get("CLAUDE_CONFIG_DIR", "").split(",") if p.strip()]
        if configured:
            bases = [Path(p).expanduser() for p in configured]
        else:
            bases = [home / ".config" / "claude", home / ".claude"]
        return [b / "projects" for b in bases] + list(extra)

    files = staticmethod(jsonl_files)

    def start_context(self, path: Path) -> dict[str, Any]:
        return {"fallback_session": path.stem, "fallback_project": path.parent.name}


SOURCE = ClaudeCodeSource()
