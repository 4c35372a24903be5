"""Claude Code session logs with exact token counts, written where the tool writes them."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path


def claude_log(home: Path, session_id: str, project: str, branch: str, requests: list[tuple[str, int, int]]) -> None:
    """One session: each request is ``(ISO time, input tokens, output tokens)``."""
    folder = home / ".claude" / "projects" / project.replace("/", "-")
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for n, (when, inp, out, *on) in enumerate(requests):
        ts = datetime.fromisoformat(when.replace("Z", "+00:00")).isoformat(timespec="milliseconds")
        base = {"sessionId": session_id, "cwd": project, "gitBranch": on[0] if on else branch, "isSidechain": False}
        lines.append({**base, "type": "user", "uuid": f"u{session_id}{n}", "timestamp": ts,
                      "message": {"role": "user", "content": "…"}})  # fmt: skip
        usage = {"input_tokens": inp, "output_tokens": out, "cache_creation_input_tokens": 0,
                 "cache_read_input_tokens": 0}  # fmt: skip
        lines.append({**base, "type": "assistant", "uuid": f"a{session_id}{n}", "timestamp": ts,
                      "requestId": f"req_{session_id}_{n}",
                      "message": {"id": f"msg_{session_id}_{n}", "type": "message", "role": "assistant",
                                  "model": "claude-sonnet-4-5-20250929", "content": [], "usage": usage}})  # fmt: skip
    (folder / f"{session_id}.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
