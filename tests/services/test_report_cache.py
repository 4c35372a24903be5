"""The warm run's report cache: a stale entry (usage unchanged, its generation moved on) is
refreshed by the next run, so the run after it reads the cache instead of rendering again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.conftest import CliRunner, install_fixture_logs


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
