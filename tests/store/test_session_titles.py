"""Session titles come from the tools' own files (Claude Code summary lines, OpenCode's session
table and legacy session JSON); odd or missing files give no title, never an error."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.gen_opencode import add_session, create_db
from tracker.sources.session_titles import MAX_TITLE, claude_code_title, session_title


def test_claude_code_takes_the_last_summary_line(tmp_path: Path) -> None:
    log = tmp_path / "abc.jsonl"
    log.write_bytes(
        b'{"type":"summary","summary":"First"}\n{"type":"user","message":"summary of nothing"}\nnot json "summary"\n'
        b'{"type":"summary","summary":"  Fix the\\nrate limiter  "}\n{"type":"summary","summary":42}\n'
    )
    assert session_title("claude-code", "abc", [tmp_path / "other.jsonl", log]) == "Fix the rate limiter"
    log.write_text(json.dumps({"type": "summary", "summary": "x" * 500}) + "\n")
    title = claude_code_title(log)
    assert title is not None and len(title) == MAX_TITLE and title.endswith("…")
    assert session_title("claude-code", "gone", [tmp_path / "gone.jsonl"]) is None
    assert claude_code_title(tmp_path / "missing.jsonl") is None


def test_opencode_reads_the_database_then_the_legacy_json(tmp_path: Path) -> None:
    db_path = tmp_path / "opencode" / "opencode.db"
    db = create_db(db_path)
    add_session(db, "ses_1")
    db.execute("UPDATE session SET title = 'Speed up search' WHERE id = 'ses_1'")
    db.commit()
    db.close()
    assert session_title("opencode", "ses_1", [db_path]) == "Speed up search"
    assert session_title("opencode", "ses_2", [db_path]) is None
    storage = tmp_path / "legacy" / "storage"
    msg = storage / "message" / "ses_9" / "msg_1.json"
    msg.parent.mkdir(parents=True)
    msg.write_text("{}")
    (storage / "session" / "proj").mkdir(parents=True)
    (storage / "session" / "proj" / "ses_9.json").write_text(json.dumps({"id": "ses_9", "title": "Old layout"}))
    assert session_title("opencode", "ses_9", [db_path, msg]) == "Old layout"
    (tmp_path / "bad.db").write_bytes(b"not a database at all")
    assert session_title("opencode", "ses_1", [tmp_path / "bad.db"]) is None
    assert session_title("codex", "ses_1", [db_path]) is None  # a tool that keeps no title
