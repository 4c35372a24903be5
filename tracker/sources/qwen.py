"""Qwen Code chats: ``~/.qwen/projects/<sanitized cwd>/chats/**/*.jsonl``.

What qwen-code writes (``packages/core/src/services/chatRecordingService.ts``,
``sessionService.ts``, ``config/storage.ts``, ``utils/transcript-records.ts``):

- One append-only JSONL ``ChatRecord`` per line: ``uuid``, ``sessionId``, ``timestamp``,
  ``type`` (``user``/``assistant``/``tool_result``/``system``), ``cwd``, ``gitBranch``,
  and on assistant records ``model`` and ``usageMetadata`` (the Gemini API's counts).
  ``system`` records (``ui_telemetry``, titles, checkpoints …) are never usage.
- ``/branch`` copies the active records **verbatim, same ``uuid``** into a new session
  file (new ``sessionId``, ``forkedFrom`` set); archiving moves a file to ``chats/archive/``;
  a record split into fragments shares one ``uuid`` (the last fragment's usage is the one).
  So the key is ``qw:<uuid>`` alone: a branch, an archived copy or a fragment is one request.
- The runtime folder holding ``projects/`` is ``~/.qwen``, moved by ``QWEN_RUNTIME_DIR``
  (and by ``QWEN_HOME`` in newer releases).

Tokens (``sources.gemini_usage``): ``promptTokenCount`` includes
``cachedContentTokenCount`` (subset; all three peers count the cache twice), thoughts are
separate: fresh input = prompt - cached (+ tool), cache read = cached, output =
candidates + thoughts, reasoning = thoughts. Older releases wrote Gemini CLI's short names
(``input``/``output``/``cached``…), read the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import ReadResult
from tracker.sources.gemini_usage import add_gemini_usage
from tracker.sources.jsonl import LineFormat
from tracker.sources.spec import Kind, Part, Root, SourceSpec
from tracker.sources.timestamps import iso_to_ms

NAME = "qwen"
KNOWN_TYPES = frozenset({"user", "assistant", "tool_result", "system"})


class _Record(msgspec.Struct):
    type: str | None = None
    uuid: Any = None
    sessionId: Any = None  # noqa: N815 - the log's own field name
    timestamp: Any = None
    cwd: Any = None
    gitBranch: Any = None  # noqa: N815
    model: Any = None
    usageMetadata: Any = None  # noqa: N815


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _fingerprint(rec: _Record, stamp: str, model: str) -> str:
    """A stable identity for a record without a ``uuid`` (never seen; kept exact anyway)."""
    usage = rec.usageMetadata if isinstance(rec.usageMetadata, dict) else {}
    counts = ":".join(str(usage.get(k, "")) for k in sorted(usage))
    return f"qw:fp:{stamp}:{model}:{counts}"


def _handle(rec: _Record, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
    if rec.type != "assistant" or rec.usageMetadata is None:
        return
    stamp, model = _text(rec.timestamp), _text(rec.model)
    try:
        ts_ms = iso_to_ms(stamp)
    except ValueError:
        result.skip(line_no, f"unreadable timestamp {stamp[:40]!r}")
        return
    uuid = _text(rec.uuid)
    add_gemini_usage(
        result,
        line_no,
        rec.usageMetadata,
        source=NAME,
        key=f"qw:{uuid}" if uuid else _fingerprint(rec, stamp, model),
        session=_text(rec.sessionId) or context["fallback_session"],
        project=_text(rec.cwd) or context["fallback_project"],
        model=model,
        ts_ms=ts_ms,
        branch=_text(rec.gitBranch),
    )


def _project_folder(path: Path) -> str:
    chats = next((p for p in path.parents if p.name == "chats"), None)
    return chats.parent.name if chats is not None else path.parent.name


LINES = LineFormat(msgspec.json.Decoder(_Record), KNOWN_TYPES, _handle)


class QwenReader:
    needles: tuple[bytes, ...] = (b'"usageMetadata"',)
    line_format: LineFormat[Any] | None = LINES
    parse_line = staticmethod(LINES.parse_line(needles))

    def start_context(self, path: Path) -> dict[str, Any]:
        return {"fallback_session": path.stem, "fallback_project": _project_folder(path)}


READER = QwenReader()

SPEC = SourceSpec(
    id=NAME,
    label="Qwen Code",
    roots=(Root("~/.qwen", env="QWEN_RUNTIME_DIR"), Root("~/.qwen", env="QWEN_HOME")),
    parts=(Part("chats", Kind.JSONL, ("*.jsonl",), READER, under="projects"),),
    counts=(
        "Every assistant response in Qwen Code chats, once per record uuid (so /branch copies "
        "and archived sessions count once); cached tokens taken out of input, thoughts added to output."
    ),
)
