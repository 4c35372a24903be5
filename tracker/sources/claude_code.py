"""Claude Code transcripts: ``<config>/projects/**/*.jsonl``.

Each assistant line carries ``message.usage``. A streamed reply writes one line per
content block and a resumed session copies earlier lines, so the store keeps one row per
(``message.id``, ``requestId``): the copy with the most tokens, as the final snapshot is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import ReadResult, SessionSeen
from tracker.core.records import UsageEvent
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
    message: msgspec.Raw = msgspec.Raw()  # decoded only when needed


_line_decoder = msgspec.json.Decoder(_Line)
_message_decoder = msgspec.json.Decoder(_Message | None)


class ClaudeCodeSource:
    name = NAME
    label = "Claude Code"

    def roots(self, home: Path, env: Mapping[str, str], extra: Sequence[Path]) -> list[Path]:
        configured = [p.strip() for p in env.get("CLAUDE_CONFIG_DIR", "").split(",") if p.strip()]
        if configured:
            bases = [Path(p).expanduser() for p in configured]
        else:
            bases = [home / ".config" / "claude", home / ".claude"]
        return [b / "projects" for b in bases] + list(extra)

    def files(self, roots: Sequence[Path]) -> Iterator[Path]:
        for root in roots:
            if root.is_dir():
                yield from sorted(root.rglob("*.jsonl"))

    def start_context(self, path: Path) -> dict[str, Any]:
        return {"fallback_session": path.stem, "fallback_project": path.parent.name}

    def parse_line(self, line: bytes, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
        try:
            rec = _line_decoder.decode(line)
        except msgspec.ValidationError as exc:
            result.skip(line_no, f"unexpected shape: {exc}")
            return
        except msgspec.DecodeError:
            result.skip(line_no, "not valid JSON (corrupt or truncated line)")
            return
        kind = rec.type or "?"
        if kind not in KNOWN_TYPES:
            result.ignore(f"unknown event type {kind!r}")
            return
        if kind != "assistant" or not rec.message:
            return
        try:
            msg = _message_decoder.decode(rec.message)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            result.skip(line_no, f"unexpected assistant message shape: {exc}")
            return
        if msg is None or msg.usage is None:
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
        values = (u.input_tokens, u.output_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens)
        input_t, output_t, creation_t, read_t = (v or 0 for v in values)
        if min(input_t, output_t, creation_t, read_t) < 0:
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
                source=NAME,
                dedup_key=f"cc:{msg.id}:{rec.requestId or ''}",
                session_id=session,
                project=project,
                git_branch=branch,
                model=msg.model or "unknown",
                ts_ms=ts_ms,
                input_tokens=input_t,
                output_tokens=output_t,
                cache_write_5m_tokens=creation_t - one_hour,
                cache_write_1h_tokens=one_hour,
                cache_read_tokens=read_t,
                reasoning_tokens=0,
            )
        )
        seen = result.sessions.get(session)
        if seen is None or (project and not seen.project) or (branch and seen.git_branch != branch):
            result.sessions[session] = SessionSeen(session, project, branch)


SOURCE = ClaudeCodeSource()
