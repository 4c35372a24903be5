"""F13: control characters from log fields never reach the terminal raw."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CliRunner
from tracker.cli.table import render_table
from tracker.cli.terminal import printable

HOSTILE_CWD = "/home/dev/\x1b[2J\x1b[31mRED\x1b[0m\r\nFAKE LINE\u202eevil\x9b"


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs") or ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_printable_replaces_control_characters_visibly() -> None:
    assert printable("a\x1b[2Jb\r\n\tc\x7f\x9b\u202ed\u2069") == "a\\x1b[2Jb\\r\\n\\tc\\x7f\\x9b\\u202ed\\u2069"
    assert printable("Café 日本語 🎉 plain") == "Café 日本語 🎉 plain"
    assert printable("bad \udcff byte") == "bad \\udcff byte"  # a surrogate-escaped path byte


@given(st.text())
def test_printable_output_holds_no_control_character(text: str) -> None:
    out = printable(text)
    assert not any(_unsafe(ch) for ch in out)
    if not any(_unsafe(ch) for ch in text):
        assert out == text


def test_table_cells_are_printable() -> None:
    table = render_table(["Project"], [[HOSTILE_CWD]])
    assert "\x1b" not in table and "\r" not in table and table.count("\n") == 2


def _hostile_log(home: Path) -> None:
    folder = home / ".claude" / "projects" / "p\x1b[2J"
    folder.mkdir(parents=True)
    line = {
        "type": "assistant",
        "timestamp": "2025-10-01T12:00:00Z",
        "sessionId": "s\x1b]0;title\x07",
        "cwd": HOSTILE_CWD,
        "gitBranch": "main\r\nFAKE",
        "requestId": "r1",
        "message": {"id": "m1", "model": "claude-sonnet-4-5", "usage": {"input_tokens": 1, "output_tokens": 1}},
    }
    (folder / "a.jsonl").write_text(json.dumps(line) + "\n{broken \x1b[2J\n")


def test_usage_tables_sources_and_messages_print_no_raw_escape(cli: CliRunner, home: Path) -> None:
    _hostile_log(home)
    runs = [
        cli("import"),
        cli("usage", "project", "--since", "2025-09-01", "--no-import"),
        cli("usage", "session", "--since", "2025-09-01", "--no-import"),
        cli("usage", "daily", "--since", "2025-09-01", "--no-import"),
        cli("sources"),
        cli("task", "add", "title\x1b[2J with escape", "--done"),
        cli("task", "list"),
        cli("task", "import", str(home / "no\x1b[2Jsuch.csv")),
    ]
    for proc in runs:
        assert proc.returncode in (0, 1, 2), proc.stderr
        for stream in (proc.stdout, proc.stderr):
            assert "\x1b" not in stream and "\r" not in stream and "\u202e" not in stream, stream
    assert "\\x1b[2J" in runs[1].stdout and "FAKE LINE" in runs[1].stdout
    assert "\\x1b[2J" in runs[4].stdout  # the folder name, in the skipped line's path
    assert "\\x1b[2J" in runs[7].stderr


def test_json_output_keeps_the_exact_value(cli: CliRunner, home: Path) -> None:
    _hostile_log(home)
    cli("import")
    out = json.loads(cli("usage", "project", "--since", "2025-09-01", "--json", "--no-import").stdout)
    assert [r["period"] for r in out["rows"]] == [HOSTILE_CWD]
