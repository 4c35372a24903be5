"""The first import's path (``store.bulk``) stores exactly what the incremental path stores.

Two stores import the same corpus — every registered source's fixture, a generated Claude
Code + Codex corpus with streamed copies, resumed sessions and subagents, a corrupt line and
a hostile number — one by the first import's path (workers, msgpack rows, rollup pending),
one by the incremental path (one process, the rollup kept batch by batch); then every table
is compared row by row. While the rollup is pending, reports read the events and answer
exactly what the rollup answers once built.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CliRunner
from tests.helpers.loggen import generate
from tests.helpers.source_fixtures import fixture_sources, install_source_fixture
from tracker.analytics.usage_rollup import Period
from tracker.cli import usage_cmd
from tracker.core.paths import DataPaths
from tracker.services import import_plan, import_workers, importer
from tracker.services.context import Context
from tracker.services.importer import SourceConfig, run_import
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.sources.registry import SOURCES
from tracker.store import bulk
from tracker.store.db import connect, indexes_pending, unique_keys
from tracker.store.queries import UsageFilter, day_totals, grouped_usage, models_seen, tool_cost_usage
from tracker.store.rollup import rollup_pending, touched_since
from tracker.store.store import Store

# Columns that say when or in which order, not what: event ids follow arrival order, which
# differs between one process and several workers; import times and the data generation.
_SKIP = {("events", "id"), ("files", "last_import_ms")}


def build_home(home: Path) -> tuple[int, Path]:
    """The corpus; how many distinct events it holds, and the file with two bad lines."""
    expected = generate(home, days=6, sessions_per_day=2, turns=4, content_bytes=400)
    for source in fixture_sources():
        install_source_fixture(source, home)
    log = next((home / ".claude" / "projects").rglob("*.jsonl"))
    with log.open("a", encoding="utf-8") as f:  # a corrupt line and a number no column holds
        f.write('{"type": "assistant", "message": {"usage": \n')
        f.write(
            '{"type":"assistant","sessionId":"s-x","timestamp":"2026-03-30T10:00:00Z","requestId":"r-x",'
            '"message":{"id":"m-x","model":"claude-sonnet-4-5","usage":{"input_tokens":99999999999999999999999}}}\n'
        )
    return len(expected.events), log


def table_rows(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    out: dict[str, list[tuple[object, ...]]] = {}
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for table in tables:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if (table, r[1]) not in _SKIP]
        where = " WHERE key != 'generation'" if table == "meta" else ""
        rows = conn.execute(f"SELECT {', '.join(cols)} FROM {table}{where}").fetchall()  # noqa: S608 - test names
        out[table] = sorted(rows, key=repr)
    return out


def schema(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()


def import_into(data: Path, home: Path, **kw: object) -> sqlite3.Connection:
    conn = connect(data / "tokenworth.sqlite3")
    run_import(conn, home=home, env={}, config=SourceConfig(), **kw)  # type: ignore[arg-type]
    return conn


def reports(conn: sqlite3.Connection) -> tuple[object, ...]:
    """What reports read: days (two zones), sessions, projects, the calendar, models."""
    offsets = [[(0, 0)], [(1_774_746_000_000, 3_600_000), (2**62, 7_200_000)]]  # UTC; a DST change
    f = UsageFilter()
    out: list[object] = []
    for off in offsets:
        for group in ("day", "hour", "session", "project"):
            out.append(sorted(grouped_usage(conn, f, group, offsets=off, thresholds={"m": [200_000]}), key=repr))  # type: ignore[arg-type]
        out.append(sorted(day_totals(conn, f, off)))
        # The tool's own cost and subscriptions: read through an index a first import drops.
        out.append(sorted(tool_cost_usage(conn, f, "day", offsets=off, thresholds={}), key=repr))
    out.append(sorted(models_seen(conn)))
    # Linking, the session list and ``sources`` read the rollup with sessions.
    path = next(Path(f) for _, name, f in conn.execute("PRAGMA database_list") if name == "main")
    with Store.open_read(path) as store:
        out.append(sorted(store.usage.session_spans()))
        out.append(sorted(store.links.evidence()))
        out.append([store.files.of_source(s, 5).events for s in SOURCES])
    return tuple(out)


@pytest.fixture(params=["planned", "streamed"])
def streamed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A first import whose workers start once the plan is whole, or after its first two files
    (the rest planned while they read); the sizes of the first batches' plans, when streamed."""
    early: list[int] = []
    if request.param == "planned":
        monkeypatch.setattr(importer, "EARLY_BYTES", 1 << 62)
        return early
    monkeypatch.setattr(importer, "EARLY_BYTES", 0)
    batches = importer.opening_batches

    def recorded(jobs: list[import_workers.Job], n: int) -> Iterator[list[import_workers.Job]]:
        early.append(len(jobs))
        return batches(jobs, n)

    monkeypatch.setattr(importer, "opening_batches", recorded)
    return early


@given(st.lists(st.integers(0, 40 << 20), max_size=60), st.integers(1, 4))
def test_opening_batches_start_small_and_double_keeping_every_job_in_order(sizes: list[int], n: int) -> None:
    jobs = [SimpleNamespace(pending_bytes=b) for b in sizes]
    batches = list(import_workers.opening_batches(jobs, n))  # type: ignore[arg-type]
    assert [j for b in batches for j in b] == jobs and all(batches)
    for k, batch in enumerate(batches[:-1]):  # each reaches its size with its last job, not before
        size = import_workers.OPENING_BYTES << (k // n)
        held = sum(j.pending_bytes for j in batch)
        assert held >= size > held - batch[-1].pending_bytes


def test_a_first_import_names_the_days_and_sources_a_scan_of_its_rows_would(
    tmp_path: Path, streamed: list[int]
) -> None:
    home = tmp_path / "home"
    build_home(home)
    conn = connect(tmp_path / "data" / "tokenworth.sqlite3")
    summary = run_import(
        conn, home=home, env={}, config=SourceConfig(), workers=2, parallel_min_bytes=0, first_import=True
    )
    assert indexes_pending(conn)  # it was a first import
    days, sources = touched_since(conn, 0)
    assert len(days) >= 6 and {"claude-code", "codex"} <= sources
    assert (summary.days_touched, summary.sources_touched) == (days, sources)


def test_first_import_stores_every_table_as_the_incremental_path(tmp_path: Path, streamed: list[int]) -> None:
    home = tmp_path / "home"
    events, log = build_home(home)
    (log.parent / "dangling.jsonl").symlink_to(log.parent / "nowhere")  # an error of the planner's
    fast = import_into(tmp_path / "fast", home, workers=2, parallel_min_bytes=0, first_import=True)
    assert streamed in ([], [2])  # streamed: read from the second file planned on
    slow = import_into(tmp_path / "slow", home, workers=1)
    assert rollup_pending(fast) and not rollup_pending(slow)
    assert indexes_pending(fast) and not indexes_pending(slow)  # left with the rollup, off the first run
    assert fast.execute("SELECT COUNT(*) FROM usage_rollup").fetchone() == (0,)
    # Pending: every reader answers from the events what the built rollup answers.
    assert reports(fast) == reports(slow)
    fast.close()
    fast = connect(tmp_path / "fast" / "tokenworth.sqlite3")  # the next command builds the rollup
    assert not rollup_pending(fast)
    assert reports(fast) == reports(slow)
    assert schema(fast) == schema(slow)  # the time index is back
    rows = table_rows(fast)
    assert rows == table_rows(slow)
    assert len(rows["events"]) >= events
    tool_priced = [r for r in rows["events"] if r[-2] is not None or r[-1] == 1]
    assert tool_priced  # the tool-cost readers above had events to read
    dangling = log.parent / "dangling.jsonl"
    assert [(r[0], r[-2]) for r in rows["files"] if r[-2]] == [
        (str(dangling), f"{dangling}: cannot read (No such file or directory)")
    ]
    bad = [(n, why.split(" ")[0]) for p, n, why in rows["skipped_lines"] if p == str(log)]
    assert bad == [(14, "not"), (15, "token")]  # the corrupt line and the hostile number, in both


def test_bounds_on_memory_change_nothing_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: list[int]
) -> None:
    """Files read in many chunks, tasks that stop early and go on in another task, a dict
    of keys that is full, many commits: the same tables (workers are forked: they see the
    patched limits)."""
    home = tmp_path / "home"
    build_home(home)
    slow = import_into(tmp_path / "slow", home, workers=1)
    monkeypatch.setattr(importer, "READ_LIMIT", 8192)
    monkeypatch.setattr(import_workers, "ROWS_LIMIT", 1)
    monkeypatch.setattr(bulk, "MAX_KEYS", 5)
    monkeypatch.setattr(bulk, "BULK_BATCH_EVENTS", 11)
    rests: list[int] = []
    rest = importer._rest

    def counted(*args: object) -> list[object]:
        out = rest(*args)  # type: ignore[arg-type]
        rests.append(len(out))
        return out  # type: ignore[return-value]

    monkeypatch.setattr(importer, "_rest", counted)
    summary = run_import(
        connect(tmp_path / "fast" / "tokenworth.sqlite3"), home=home, env={}, config=SourceConfig(),
        workers=2, parallel_min_bytes=0, mp_context="fork",
    )  # fmt: skip
    assert (
        summary.sources["claude-code"].files_read
        == slow.execute("SELECT COUNT(*) FROM files WHERE source = 'claude-code' AND error IS NULL").fetchone()[0]
    )
    assert sum(1 for n in rests if n) > 10  # tasks did stop early and go on in others
    assert streamed in ([], [2])
    fast = connect(tmp_path / "fast" / "tokenworth.sqlite3")
    assert table_rows(fast) == table_rows(slow)


def test_staged_parallel_path_matches_too(tmp_path: Path) -> None:
    home = tmp_path / "home"
    build_home(home)
    staged = import_into(tmp_path / "staged", home, workers=2, parallel_min_bytes=0, first_import=False)
    fast = import_into(tmp_path / "fast", home, workers=2, parallel_min_bytes=0)  # chosen: an empty store
    assert rollup_pending(fast) and not rollup_pending(staged)
    fast.close()
    fast = connect(tmp_path / "fast" / "tokenworth.sqlite3")
    assert table_rows(fast) == table_rows(staged)


def test_an_interrupted_first_import_is_completed_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    build_home(home)
    slow = import_into(tmp_path / "slow", home, workers=1)
    (events,) = slow.execute("SELECT COUNT(*) FROM events").fetchone()
    monkeypatch.setattr(bulk, "BULK_BATCH_EVENTS", 7)  # many commits, so some are kept

    class StoppedError(Exception):
        pass

    calls = 0
    add_rows = bulk.BulkWriter.add_rows

    def crash_on_the_tenth(self: bulk.BulkWriter, *args: object, **kw: object) -> bool:
        nonlocal calls
        calls += 1
        if calls == 10:
            raise StoppedError  # as a cancel or a crash would: mid-import
        return add_rows(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk.BulkWriter, "add_rows", crash_on_the_tenth)
    data = tmp_path / "fast"
    with pytest.raises(StoppedError):
        import_into(data, home, workers=2, parallel_min_bytes=0)
    monkeypatch.undo()
    conn = sqlite3.connect(data / "tokenworth.sqlite3")
    kept = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    assert 0 < kept < events and rollup_pending(conn)
    dropped = "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('events_ts', 'events_tool_cost', 'events_dedup')"
    assert conn.execute(dropped).fetchone() == (0,)  # the keys' too: it was alone
    conn.close()
    resumed: list[bool] = []

    def keyed(self: bulk.BulkWriter, *args: object, **kw: object) -> bool:
        resumed.append(unique_keys(self.conn))  # not alone: SQLite decides every key
        return add_rows(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk.BulkWriter, "add_rows", keyed)
    again = import_into(data, home, workers=2, parallel_min_bytes=0)  # reopened: index and rollup are rebuilt
    monkeypatch.undo()
    assert resumed and all(resumed)
    again.close()
    done = connect(data / "tokenworth.sqlite3")
    assert schema(done) == schema(slow)
    assert table_rows(done) == table_rows(slow)


def test_readers_are_exact_while_a_first_import_holds_the_indexes_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mid-import (after some commits), a reader's connection finds neither secondary index
    of ``events`` and answers what the finished store answers for the rows stored so far."""
    home = tmp_path / "home"
    build_home(home)
    monkeypatch.setattr(bulk, "BULK_BATCH_EVENTS", 7)
    data = tmp_path / "fast"
    seen: list[tuple[object, ...]] = []
    add_rows = bulk.BulkWriter.add_rows

    def read_midway(self: bulk.BulkWriter, *args: object, **kw: object) -> bool:
        if len(seen) < 3 and self._largest and not self._open:  # between two commits
            reader = sqlite3.connect(data / "tokenworth.sqlite3")
            names = {r[0] for r in reader.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'events'")}
            assert not names & {"events_ts", "events_tool_cost", "events_dedup"}
            seen.append(reports(reader))
            # The same rows in a store with both indexes: the same answers.
            copy = tmp_path / f"copy{len(seen)}.sqlite3"
            reader.execute("VACUUM INTO ?", (str(copy),))
            reader.close()
            indexed = connect(copy)  # builds the indexes the first import left dropped
            assert {"events_ts", "events_tool_cost", "events_dedup"} <= {
                r[0] for r in indexed.execute("SELECT name FROM sqlite_master")
            }
            assert reports(indexed) == seen[-1]
            indexed.close()
        return add_rows(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk.BulkWriter, "add_rows", read_midway)
    import_into(data, home, workers=2, parallel_min_bytes=0).close()
    assert len(seen) == 3 and seen[0] != seen[-1]  # read at different points of the import


def test_a_store_that_holds_much_takes_the_incremental_path(tmp_path: Path) -> None:
    home = tmp_path / "home"
    build_home(home)
    conn = import_into(tmp_path / "data", home, workers=1)
    assert not bulk.worth_bulk(conn, 1 << 20)  # 1 MB more is not a first import for this store
    assert bulk.worth_bulk(conn, 1 << 40)


def test_sources_shows_a_pending_rollup_and_reports_stay_exact_until_the_next_command_builds_it(
    tmp_path: Path, home: Path, data_dir: Path, cli: CliRunner
) -> None:
    build_home(home)
    paths = DataPaths(data_dir).ensure()
    import_into(paths.database.parent, home, workers=2, parallel_min_bytes=0).close()
    reference = tmp_path / "ref"
    import_into(reference, home, workers=1).close()

    shown = cli("sources", check_rc=0).stdout
    assert "Summary tables and indexes: pending after the first import" in shown
    pending = cli("usage", "daily", "--json", "--no-import", check_rc=0).stdout
    by_session = cli("usage", "session", "--json", "--no-import", check_rc=0).stdout
    cli("import", check_rc=0)  # the next command builds the rollup
    assert "Summary tables and indexes: up to date" in cli("sources", check_rc=0).stdout
    assert cli("usage", "daily", "--json", "--no-import", check_rc=0).stdout == pending
    assert cli("usage", "session", "--json", "--no-import", check_rc=0).stdout == by_session
    ref = {"TOKENWORTH_DATA_DIR": str(reference)}
    assert cli("usage", "daily", "--json", "--no-import", env=ref, check_rc=0).stdout == pending


def test_an_app_that_keeps_its_connection_completes_an_interrupted_first_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's import thread never reopens the store: its next (small) import rebuilds
    the time index and the rollup an interrupted first import left."""
    home = tmp_path / "home"
    build_home(home)
    slow = import_into(tmp_path / "slow", home, workers=1)

    add_rows, calls = bulk.BulkWriter.add_rows, []

    def fail(self: bulk.BulkWriter, *args: object, **kw: object) -> bool:
        calls.append(1)
        if len(calls) == 20:
            raise KeyboardInterrupt  # the user's cancel, mid-import
        return add_rows(self, *args, **kw)  # type: ignore[arg-type]

    conn = connect(tmp_path / "app" / "tokenworth.sqlite3")
    monkeypatch.setattr(bulk.BulkWriter, "add_rows", fail)
    monkeypatch.setattr(bulk, "BULK_BATCH_EVENTS", 7)  # commits before the cancel
    with pytest.raises(KeyboardInterrupt):
        run_import(conn, home=home, env={}, config=SourceConfig(), workers=2, parallel_min_bytes=0)
    monkeypatch.undo()
    assert rollup_pending(conn)
    dropped = "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('events_ts', 'events_tool_cost')"
    assert conn.execute(dropped).fetchone() == (0,)
    run_import(conn, home=home, env={}, config=SourceConfig(), workers=1)  # the next tick, serial
    assert not rollup_pending(conn)
    assert schema(conn) == schema(slow)
    assert table_rows(conn) == table_rows(slow)


def test_a_file_whose_rows_sqlite_refuses_fails_alone(tmp_path: Path) -> None:
    """The first import's path: a count msgpack carries but no SQLite INTEGER holds (2**63,
    a reader that bypassed the range checks) gives its file an error and no cursor; the
    other files are stored."""
    from tests.sources.kinds import DOC_SPEC, write_doc_unchecked

    home = tmp_path / "home"
    docs = home / ".kinds" / "docs"
    write_doc_unchecked(docs / "bad.json", 2**63)
    write_doc_unchecked(docs / "good.json", 7)
    write_doc_unchecked(docs / "more.json", 40)
    conn = connect(tmp_path / "data" / "tokenworth.sqlite3")
    run_import(
        conn, home=home, env={}, config=SourceConfig(), sources={DOC_SPEC.id: DOC_SPEC}, workers=2,
        parallel_min_bytes=0, first_import=True,
    )  # fmt: skip
    files = conn.execute("SELECT path, error, cursor FROM files ORDER BY path").fetchall()
    assert [(Path(p).name, e, c == b"") for p, e, c in files] == [
        ("bad.json", f"{docs / 'bad.json'}: could not be stored (OverflowError: Python int too large to convert "
         "to SQLite INTEGER)", True),
        ("good.json", None, False),
        ("more.json", None, False),
    ]  # fmt: skip
    assert conn.execute("SELECT COUNT(*), SUM(input_tokens) FROM events").fetchone() == (2, 47)


def every_format(ctx: Context, out: Path) -> dict[str, bytes]:
    """Every report a user can ask for, read as the CLI reads (a read-only store, which builds nothing)."""
    from tracker.reports.text_formats import write_csv, write_json, write_markdown
    from tracker.services.report import ReportOptions, build_report

    got: dict[str, bytes] = {}
    periods: tuple[Period, ...] = ("daily", "weekly", "monthly", "session", "project")
    for period in periods:
        for tz in ("UTC", "America/New_York"):
            query = UsageQuery(period=period, timezone=tz)
            with ctx.reader() as store:
                usage = build_usage_report(store, query, {}, tool_costs=True)
            got[f"usage {period} {tz} json"] = usage_cmd._render_json(usage)
            got[f"usage {period} {tz} text"] = usage_cmd._render_text(usage)
    options = ReportOptions(date(2026, 3, 20), date(2026, 4, 5), "Europe/Berlin", audience="detailed")
    with ctx.reader() as store:
        report = replace(build_report(ctx, store, options), generated_at=datetime(2026, 4, 6, tzinfo=UTC))
    out.mkdir()
    write_json(report, out / "r.json")
    write_markdown(report, out / "r.md")
    write_csv(report, out / "csv")
    for f in sorted(out.rglob("*")):
        if f.is_file():
            got[f"report {f.relative_to(out)}"] = f.read_bytes()
    return got


def test_every_format_reads_the_same_before_and_after_the_pending_work_is_built(tmp_path: Path) -> None:
    """A first import's report is made while the rollup and the indexes are pending: it is the
    report made after the next command built them, and the incremental path's, in every format."""
    home = tmp_path / "home"
    build_home(home)
    first = Context(DataPaths(tmp_path / "first"), home, {})
    import_into(first.paths.database.parent, home, workers=2, parallel_min_bytes=0).close()
    reference = Context(DataPaths(tmp_path / "ref"), home, {})
    import_into(reference.paths.database.parent, home, workers=1).close()
    with first.reader() as store:
        assert store.usage.rollup_pending() and indexes_pending(store.conn)
    pending = every_format(first, tmp_path / "pending")
    with first.reader() as store:  # reading built nothing
        assert store.usage.rollup_pending() and indexes_pending(store.conn)
    connect(first.paths.database).close()  # the next command builds both
    with first.reader() as store:
        assert not store.usage.rollup_pending() and not indexes_pending(store.conn)
    assert len(pending) > 20 and any(b"Tool" in v for v in pending.values())
    assert every_format(first, tmp_path / "built") == pending
    assert every_format(reference, tmp_path / "ref-out") == pending


@pytest.mark.parametrize(
    "how", [{"workers": 2, "first_import": True}, {"workers": 2, "first_import": False}, {"workers": 1}]
)
def test_a_file_gone_before_its_head_is_hashed_is_an_error_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: dict[str, object]
) -> None:
    """The planner only stats; the reader hashes a file's head. A file removed in between is
    that file's error (as when the planner cannot open it), and every other file is stored."""
    home = tmp_path / "home"
    build_home(home)
    slow = import_into(tmp_path / "slow", home, workers=1)
    gone = sorted((home / ".claude" / "projects").rglob("*.jsonl"))[1]
    plan = import_plan.plan_source

    def plan_then_remove(*args: object) -> Iterator[import_workers.Job]:
        jobs = list(plan(*args))  # type: ignore[arg-type]
        if gone.exists() and any(j.path == gone for j in jobs):
            gone.unlink()
        return iter(jobs)

    monkeypatch.setattr(import_plan, "plan_source", plan_then_remove)
    conn = connect(tmp_path / "fast" / "tokenworth.sqlite3")
    summary = run_import(conn, home=home, env={}, config=SourceConfig(), parallel_min_bytes=0, **how)  # type: ignore[arg-type]
    assert summary.sources["claude-code"].errors == [f"{gone}: cannot read (No such file or directory)"]
    assert conn.execute("SELECT error, cursor FROM files WHERE path = ?", (str(gone),)).fetchall() == [
        (f"{gone}: cannot read (No such file or directory)", b"")
    ]
    conn.close()
    got = table_rows(connect(tmp_path / "fast" / "tokenworth.sqlite3"))["files"]
    want = table_rows(slow)["files"]
    assert [r for r in got if r[0] != str(gone)] == [r for r in want if r[0] != str(gone)]
    assert all(len(str(r[7])) == 64 for r in got if r[0] != str(gone))  # every head hashed
