"""A hand-made day of logs (2026-06-03, UTC) whose times and tokens are known exactly.

Claude Code: "shop" 09:00-10:30 and "api" 10:00-11:00 (they overlap), "shop-late" one request at
13:00; Codex CLI: the fixture session (with an id of its own) moved to 10:00-10:03 that day.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tests.conftest import FIXTURES

DAY = date(2026, 6, 3)
CLAUDE = {  # session id: (folder, [(time, input, output)])
    "aaaaaaaa-0000-4000-8000-000000000001": ("/home/dev/shop", [("09:00:00", 100, 10), ("10:30:00", 200, 20)]),
    "aaaaaaaa-0000-4000-8000-000000000002": ("/home/dev/api", [("10:00:00", 300, 30), ("11:00:00", 400, 40)]),
    "aaaaaaaa-0000-4000-8000-000000000003": ("/home/dev/shop", [("13:00:00", 500, 50)]),
}
FIXTURE_CODEX = "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
CODEX_ID = "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f0603"  # its own id: the fixture's own session may be there too


def write_day(home: Path) -> None:
    for sid, (folder, requests) in CLAUDE.items():
        path = home / ".claude" / "projects" / folder.replace("/", "-") / f"{sid}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = []
        for n, (at, inp, out) in enumerate(requests):
            lines.append(json.dumps({
                "type": "assistant", "sessionId": sid, "cwd": folder, "gitBranch": "main",
                "requestId": f"req-{sid[-1]}-{n}", "uuid": f"u-{sid[-1]}-{n}",
                "timestamp": f"{DAY.isoformat()}T{at}.000Z",
                "message": {"id": f"msg-{sid[-1]}-{n}", "type": "message", "role": "assistant",
                            "model": "claude-sonnet-4-5-20250929", "content": [],
                            "usage": {"input_tokens": inp, "output_tokens": out}},
            }))  # fmt: skip
        path.write_text("\n".join(lines) + "\n")
    codex = next((FIXTURES / "codex").glob("*.jsonl"))
    folder = home / ".codex" / "sessions" / "2026" / "06" / "03"
    folder.mkdir(parents=True)
    name = codex.name.replace("2026-06-01", DAY.isoformat()).replace(FIXTURE_CODEX, CODEX_ID)
    (folder / name).write_text(
        codex.read_text().replace("2026-06-01", DAY.isoformat()).replace(FIXTURE_CODEX, CODEX_ID)
    )
