"""``import_files`` on a real store, and ``tokenworth import FILE…`` in a subprocess."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from tests.conftest import CliRunner
from tracker.services.export_import import import_files
from tracker.store.store import Store

FIXTURES = Path(__file__).parent.parent / "fixtures" / "exports"


def cursor_totals(store: Store) -> tuple[int, int, int, int, int]:
    row = store.conn.execute(
        """SELECT COUNT(*), SUM(input_tokens), SUM(cache_write_5m_tokens), SUM(cache_read_tokens),
                  SUM(output_tokens) FROM events WHERE source = 'cursor'"""
    ).fetchone()
    return tuple(int(x or 0) for x in row)  # type: ignore[return-value] # five columns


def test_reimport_and_overlapping_export_count_once(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        first = import_files(store, [FIXTURES / "cursor-2026.csv"])
        assert (first.files[0].events, first.files[0].events_new) == (4, 4)
        once = cursor_totals(store)
        assert once == (
            4,
            1000 + 8263 + 775 + 500,
            1200 + 28342 + 1000,
            5000 + 66964 + 105891 + 2000,
            300 + 1612 + 21282 + 100,
        )
        again = import_files(store, [FIXTURES / "cursor-2026.csv"])
        assert again.files[0].events_new == 0
        assert cursor_totals(store) == once
        # The later export repeats two of the rows and adds one: only that one is new.
        later = import_files(store, [FIXTURES / "cursor-2026-later.csv"])
        assert (later.files[0].events, later.files[0].events_new) == (3, 1)
        assert cursor_totals(store)[0] == 5
        assert first.sources_touched == frozenset({"cursor"})


def test_provider_rows_replace_on_reimport(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        s1 = import_files(store, [FIXTURES / "anthropic-usage.csv"])
        assert (s1.files[0].provider_new, s1.files[0].provider_replaced) == (4, 0)
        s2 = import_files(store, [FIXTURES / "anthropic-usage.csv"])
        assert (s2.files[0].provider_new, s2.files[0].provider_replaced) == (0, 4)
        rows = store.provider.rows()
        assert len(rows) == 4
        assert sum(r.output_tokens for r in rows) == 20311 + 4000 + 800 + 300
        # Provider figures are never log events.
        assert store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0


def test_messages_name_what_was_recognised_and_why_not(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        s = import_files(
            store,
            [
                FIXTURES / "cursor-2026.csv",
                FIXTURES / "unknown.csv",
                FIXTURES / "not-an-export.png",
                tmp_path / "gone.csv",
            ],
        )
    cursor_msg, unknown, png, gone = (f.message for f in s.files)
    assert cursor_msg.splitlines()[0] == (
        f"{(FIXTURES / 'cursor-2026.csv').absolute()}: Cursor usage CSV, 2026 headers (with User, Cloud Agent ID): "
        "6 row(s), 4 usage record(s) for cursor (4 new), 1 failed the Total Tokens check: line 6"
    )
    known = (
        "known: Cursor usage CSV, Anthropic Console usage CSV, Anthropic Console cost CSV, "
        "OpenAI usage export CSV, GitHub Copilot premium-request usage report, ChatGPT data export, "
        "Claude.ai data export, OTLP JSON lines (file exporter), GitHub Copilot OTel file, Gemini CLI telemetry file"
    )
    mapping = "; a tool's own usage file can be read through a field mapping (--mapping NAME, or File ▸ Import)"
    assert unknown.endswith(f"not a format Tokenworth knows: the header is 'when,what,tokens'; {known}{mapping}")
    assert png.endswith(f"not a format Tokenworth knows: the file is not text; {known}{mapping}")
    assert gone.endswith("gone.csv: no such file")
    assert s.unrecognised == 3
    assert s.skipped == 1


def test_zip_members_are_sniffed(tmp_path: Path) -> None:
    archive = tmp_path / "exports.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(FIXTURES / "cursor-2025.csv", "usage/cursor-2025.csv")
        z.write(FIXTURES / "completions_usage_2026-11-30_2026-12-01.csv", "completions_usage_2026-11-30_2026-12-01.csv")
        z.writestr("README.txt", "hello")
    with Store.open(tmp_path / "db.sqlite") as store:
        s = import_files(store, [archive])
        assert [f.format for f in s.files] == [
            "Cursor usage CSV, 2025 headers (with Kind, Max Mode)",
            "OpenAI usage export CSV (completions)",
        ]
        assert s.files[0].path == f"{archive}!/usage/cursor-2025.csv"
        assert s.files[1].notes[-1] == "1 other file(s) in the ZIP are not a known format and were left out"
        assert cursor_totals(store)[0] == 3
        assert len(store.provider.rows(provider="openai")) == 3
        files = store.files.of_source("cursor", 10)
        assert (files.files, files.skipped_lines) == (1, 1)


def test_zip_with_nothing_known_and_broken_zip(tmp_path: Path) -> None:
    archive = tmp_path / "chat.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("notes.txt", "hello")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(archive.read_bytes()[:-10])
    with Store.open(tmp_path / "db.sqlite") as store:
        s = import_files(store, [archive, broken])
    assert s.files[0].unrecognised
    assert "a ZIP with no file Tokenworth knows (members: notes.txt)" in s.files[0].message
    assert s.files[1].error is not None


def test_cli_import_files_json_exit_codes_and_sources(cli: CliRunner, tmp_path: Path) -> None:
    proc = cli("import", str(FIXTURES / "cursor-2025.csv"), str(FIXTURES / "copilot-premium-analytics.csv"), "--json")
    assert proc.returncode == 1, proc.stderr  # rows were skipped
    out = json.loads(proc.stdout)["files"]
    assert [(f["format"], f["events_new"], f["provider_new"], f["skipped_lines"]) for f in out] == [
        ("Cursor usage CSV, 2025 headers (with Kind, Max Mode)", 3, 0, 1),
        ("GitHub Copilot premium-request usage report (premium request analytics)", 0, 4, 1),
    ]
    assert out[0]["skipped"][0]["line"] == 5
    clean = tmp_path / "clean.csv"
    shutil.copy(FIXTURES / "cursor-oldest.csv", clean)
    proc = cli("import", str(clean))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{clean}: Cursor usage CSV, oldest headers (with 'Cost to you'): 2 row(s), ")
    proc = cli("import", str(FIXTURES / "unknown.csv"))
    assert proc.returncode == 2
    assert "not a format Tokenworth knows: the header is 'when,what,tokens'" in proc.stderr
    sources = cli("sources", check_rc=0).stdout
    block = sources.split("Cursor [cursor]", 1)[1].split("\n\n", 1)[0]
    assert "no log folder: its usage comes from 'tokenworth import FILE'" in block
    assert "files: 2   usage records: 5" in block
    usage = json.loads(cli("usage", "daily", "--source", "cursor", "--since", "2025-01-01", "--json").stdout)
    assert usage["totals"]["input_tokens"] == 300 + 120 + 900 + 1500 + 3000
