"""The Store front door: named parts, typed meta keys, writes that say what changed, and read
paths that never write (read-only stores, a held write lock, a full disk)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import install_fixture_logs
from tracker.core.errors import StoreError
from tracker.core.tasks import NewTask
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.store import meta
from tracker.store.changes import Changes
from tracker.store.store import Store
from tracker.store.tasks import ImportedTask
from tracker.work.linking import auto_link


@pytest.fixture
def loaded(ctx: Context, home: Path) -> Context:
    """The fixture logs imported, and the price cache emptied (as before a first report)."""
    install_fixture_logs(home)
    conn = ctx.connect()
    run_import(conn, home=home, env={}, config=ctx.source_config())
    conn.execute("DELETE FROM price_cache")
    conn.execute("DELETE FROM meta WHERE key LIKE 'catalog_name:%'")
    conn.close()
    return ctx


def daily(store: Store) -> list[tuple[str, int]]:
    report = build_usage_report(store, UsageQuery("daily", "UTC"), {})
    return [(r.period, r.totals.total_tokens) for r in report.rows]


FIXTURE_DAYS = [("2026-06-01", 64688), ("2026-06-02", 15)]


def test_meta_keys_are_typed(ctx: Context) -> None:
    with ctx.store() as store:
        assert store.meta.get(meta.NOTIFY_PAUSED_UNTIL) is None
        until = datetime(2026, 6, 1, 18, tzinfo=UTC)
        assert store.alerts.pause(until) == Changes(alerts=1)
        assert store.alerts.paused_until() == until
        store.conn.execute("INSERT OR REPLACE INTO meta VALUES ('notify_paused_until', 'garbage')")
        assert store.alerts.paused_until() is None  # a damaged value reads as unset, never raises
        assert store.usage.generation() == 1  # the fresh rollup was built once


def test_writes_return_what_they_changed(ctx: Context) -> None:
    with ctx.store() as store:
        task = store.tasks.add(NewTask("Cart"), 1_780_315_200_000)
        assert store.tasks.set_done(task, 1) == Changes(tasks=frozenset({task}))
        assert not store.tasks.set_done(999, 1)
        store.conn.execute("INSERT INTO sessions VALUES ('codex', 's1', '/p', '')")
        assert store.links.set_manual("codex", "s1", task, linked=True) == Changes(frozenset({task}), links=1)
        snap = store.tasks.snapshot(task)
        assert snap is not None
        assert store.tasks.delete(task) == Changes(frozenset({task}), links=1)
        assert not store.tasks.exists(task)
        assert store.tasks.restore(snap) == Changes(frozenset({task}), links=1)
        assert store.links.active() == [("codex", "s1", task, 1.0)]


def test_automatic_relinking_reports_only_moved_links(loaded: Context) -> None:
    with loaded.store() as store:
        store.conn.execute(
            "INSERT INTO tasks (title, status, created_ms, completed_ms, project, branch)"
            " VALUES ('Shop', 'done', 0, 1780416000000, '/home/dev/shop', 'feature/cart')"
        )
        # Both fixture sessions worked on the shop's feature/cart before it merged (the Claude
        # one ends on main, where the shop has no task: its feature/cart part is the evidence).
        first = auto_link(store)
        assert first == Changes(tasks=frozenset({1}), links=2)
        assert auto_link(store) == Changes()  # nothing moved the second time


def test_a_read_only_store_reports_without_writing(loaded: Context) -> None:
    with loaded.reader() as reader:
        assert daily(reader) == FIXTURE_DAYS
        with pytest.raises(StoreError, match="read-only"):
            reader.tasks.add(NewTask("x"), 0)
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only"):
            reader.conn.execute("DELETE FROM events")  # mode=ro: SQLite itself refuses
    with loaded.store() as store:
        assert store.conn.execute("SELECT COUNT(*) FROM price_cache").fetchone()[0] == 0  # nothing was cached


def test_a_report_does_not_wait_for_a_held_write_lock(loaded: Context) -> None:
    """An import holding BEGIN IMMEDIATE: a report on a read-write store skips the price cache
    (busy_timeout 0) instead of waiting 30 s, and its numbers are those committed."""
    holder = sqlite3.connect(loaded.paths.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM events")  # uncommitted: no reader may see it
    try:
        with loaded.store() as store:
            assert daily(store) == FIXTURE_DAYS
            assert store.conn.execute("SELECT COUNT(*) FROM price_cache").fetchone()[0] == 0
            store.conn.execute("PRAGMA busy_timeout = 0")
            with pytest.raises(StoreError, match="busy"):
                store.tasks.add(NewTask("x"), 0)  # a real write says so, in one line
        with loaded.reader() as reader:
            assert daily(reader) == FIXTURE_DAYS
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with loaded.store() as store:  # with the lock free, the next report fills the cache
        assert daily(store) == FIXTURE_DAYS
        assert store.conn.execute("SELECT COUNT(*) FROM price_cache").fetchone()[0] > 0


def test_a_full_disk_fails_writes_in_one_line_and_reports_still_work(loaded: Context) -> None:
    with loaded.store() as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL on the next new page
        with pytest.raises(StoreError, match=r"the disk holding .*tokenworth\.sqlite3 is full"):
            store.tasks.import_all(ImportedTask("jira", f"X-{i}", "t" * 2000, True, 1, 1) for i in range(200))
        assert daily(store) == FIXTURE_DAYS  # the price cache could not be written: skipped
        assert store.conn.execute("SELECT COUNT(*) FROM tasks").fetchone()[0] == 0  # all or nothing
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("garbage", r"tokenworth\.sqlite3 is damaged \(file is not a database\); move it aside"),
        ("truncated", r"tokenworth\.sqlite3 is damaged \(truncated: .* bytes\); move it aside"),
        ("newer", r"tokenworth\.sqlite3 was written by a newer Tokenworth \(schema 99"),
    ],
)
def test_a_damaged_or_newer_database_is_one_clear_error(loaded: Context, damage: str, message: str) -> None:
    db = loaded.paths.database
    if damage == "garbage":
        db.write_bytes(bytes(range(256)) * 64)
    elif damage == "truncated":
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 3])
    else:
        sqlite3.connect(db).execute("PRAGMA user_version = 99").connection.close()
    for opener in (loaded.reader, loaded.store, loaded.connect):
        with pytest.raises(StoreError, match=message):
            daily(Store.of(opener()))
