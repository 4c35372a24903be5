"""pi (the pi-mono coding agent): ``~/.pi/agent/sessions/--<cwd>--/<ts>_<uuid>.jsonl``.

``PI_CODING_AGENT_DIR`` moves the agent folder; sessions are its ``sessions/`` (pi-mono
``packages/coding-agent/src/config.ts`` ``getAgentDir``/``getSessionsDir``). The record
format, the token mapping and the dedup key are ``sources.pi_transcript``'s: input is fresh
(except older google/google-vertex records, whose cached part is subtracted), cache reads
and writes separate, output includes reasoning; keys are ``pi:`` + the request's response id
or its timestamp and token counts, so ``/fork`` and branched-session copies count once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracker.sources.jsonl import LineFormat
from tracker.sources.pi_transcript import NEEDLES, TranscriptFormat, session_from_name
from tracker.sources.spec import Kind, Part, Root, SourceSpec

NAME = "pi"
FORMAT = TranscriptFormat(NAME, "pi")


class PiTranscripts:
    """pi's append-only session files (JSONL)."""

    needles: tuple[bytes, ...] = NEEDLES
    line_format: LineFormat[Any] | None = FORMAT.line_format()
    parse_line = staticmethod(FORMAT.line_format().parse_line(NEEDLES))

    def start_context(self, path: Path) -> dict[str, Any]:
        # The file name is ``<ts>_<uuid>``; the header's id and cwd replace these fallbacks.
        stem = session_from_name(path.name)
        return {"fallback_session": stem.split("_", 1)[-1], "fallback_project": path.parent.name}


READER = PiTranscripts()

SPEC = SourceSpec(
    id=NAME,
    label="pi",
    roots=(Root("~/.pi/agent/sessions", env="PI_CODING_AGENT_DIR", env_sub="sessions"),),
    parts=(Part("sessions", Kind.JSONL, ("*.jsonl",), READER),),
    counts="Each assistant reply's usage in pi's session files, once across forks and branched sessions.",
)
