"""The warm run's report cache: a stale entry (usage unchanged, its generation moved on) is
refreshed by the next run, so the run after it reads the cache instead of rendering again;
and what a run that imported something leaves on disk."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.conftest import CliRunner, install_fixture_logs
from tracker.services import usage
from tracker.services.context import Context
from tracker.services.importer import ImportSummary, SourceConfig, run_import
from tracker.store import db


def cache_state(data_dir: Path) -> tuple[list[int], int]:
    with sqlite3.connect(data_dir / "tokenworth.sqlite3") as conn:
        cached = [g for (g,) in conn.execute("SELECT generation FROM report_cache")]
        (gen,) = conn.execute("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'").fetchone()
    return cached, gen


def test_a_stale_cache_is_saved_again_by_a_run_that_imports_nothing(cli: CliRunner, home: Path, data_dir: Path) -> None:
    install_fixture_logs(home)
    args = ("usage", "daily", "--json", "--timezone", "UTC")
    first = cli(*args, check_rc=0).stdout
    cached, gen = cache_state(data_dir)
    assert cached == [gen]  # the import stored events: the writer rendered and saved
    with sqlite3.connect(data_dir / "tokenworth.sqlite3") as conn:  # as a rollup build does: usage unchanged
        conn.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (str(gen + 1),))
    assert cli(*args, check_rc=0).stdout == first
    assert cache_state(data_dir) == ([gen + 1], gen + 1)  # rendered on the reader, saved by the writer
    assert cli(*args, check_rc=0).stdout == first


def test_a_changed_import_copies_its_wal_aside_while_its_report_is_made(
    ctx: Context, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fixture_logs(home)
    started: list[threading.Thread | None] = []
    real = db.checkpoint_aside

    def recorded(conn: sqlite3.Connection) -> threading.Thread | None:
        started.append(real(conn))
        return started[-1]

    monkeypatch.setattr(usage, "checkpoint_aside", recorded)
    query = usage.UsageQuery(period="daily", timezone="UTC")

    def run(conn: sqlite3.Connection) -> ImportSummary:
        return run_import(conn, home=ctx.home, env={}, config=SourceConfig(), workers=1)

    def render(report: usage.UsageReport) -> bytes:
        return json.dumps(usage.report_json(report)).encode()

    summary, (body, _) = usage.import_and_render(ctx, query, run, render, "json")
    assert summary.changed and json.loads(body)["totals"]["total_tokens"] > 0
    assert len(started) == 1 and started[0] is not None and not started[0].is_alive()  # done before the close
    wal = ctx.paths.database.with_name(ctx.paths.database.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # every page is in the database file
    again, (same, _) = usage.import_and_render(ctx, query, run, render, "json")
    assert not again.changed and same == body and len(started) == 1  # nothing stored: nothing to copy
