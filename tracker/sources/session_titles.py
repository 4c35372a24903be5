"""A session's own title, read from the tool's file at the moment it is shown, never stored.

Tokenworth keeps token counts, not what was said; a title ("Fix the rate limiter") is the
user's words, so it is read on demand from the tool's own log and handed to the screen only
(``privacy.show_session_titles`` turns even that off). Where a tool keeps one:

- Claude Code: ``{"type": "summary", "summary": …}`` lines in ``<session id>.jsonl`` (the
  last one wins: Claude Code appends a newer summary when the conversation goes on);
- OpenCode: ``session.title`` in ``opencode.db``, or ``storage/session/<project>/<id>.json``
  (``title``) in the legacy layout.

A missing, unreadable or odd file gives no title, never an error.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from tracker.sources.sqlite_db import open_read_only

MAX_TITLE = 200  # characters shown; a longer "summary" is cut
MAX_SCAN = 64 * 1024 * 1024  # bytes read from one log, at most: a title is never worth more
TITLED = ("claude-code", "opencode")


def claude_code_title(path: Path) -> str | None:
    """The last ``summary`` line's text in a Claude Code session log."""
    found: str | None = None
    try:
        with path.open("rb") as f:
            read = 0
            for raw in f:
                read += len(raw)
                if read > MAX_SCAN:
                    break
                if b'"summary"' not in raw:  # cheap: most lines are messages
                    continue
                try:
                    line = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(line, dict) and line.get("type") == "summary":
                    text = line.get("summary")
                    if isinstance(text, str) and text.strip():
                        found = text
    except OSError:
        return None
    return _clean(found)


def opencode_title(path: Path, session_id: str) -> str | None:
    """The title of ``session_id`` from an OpenCode database or any file of its data folder."""
    if path.suffix == ".db":
        try:
            conn = open_read_only(path)
        except sqlite3.Error:
            return None
        try:
            row = conn.execute("SELECT title FROM session WHERE id = ?", (session_id,)).fetchone()
        except sqlite3.Error:  # no session table, or no title column: an older or odd database
            row = None
        finally:
            conn.close()
        return _clean(row[0]) if row and isinstance(row[0], str) else None
    storage = next((p for p in path.parents if p.name == "storage"), None)
    if storage is None:
        return None
    for candidate in sorted((storage / "session").glob(f"*/{_glob_safe(session_id)}.json")):
        try:
            data = json.loads(candidate.read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("title"), str):
            return _clean(data["title"])
    return None


def session_title(source: str, session_id: str, files: Iterable[Path]) -> str | None:
    """The title of one session, looked for in ``files`` (the files Tokenworth read for
    ``source``); None when the tool keeps none or the file is gone."""
    paths = list(files)
    if source == "claude-code":
        own = [p for p in paths if p.stem == session_id and p.suffix == ".jsonl"]
        return next((t for p in own if (t := claude_code_title(p))), None)
    if source == "opencode":
        dbs = [p for p in paths if p.suffix == ".db"]
        legacy = [p for p in paths if p.suffix == ".json" and p.parent.name == session_id][:1]
        return next((t for p in [*dbs, *legacy] if (t := opencode_title(p, session_id))), None)
    return None


def _glob_safe(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in text)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    one_line = " ".join(text.split())
    return (one_line[: MAX_TITLE - 1] + "…" if len(one_line) > MAX_TITLE else one_line) or None
