"""GitHub Copilot CLI: subset cache (reads and writes inside input), billed model, store reset,
rows added between reads, the CLI writing while we read, hostile rows."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from itertools import pairwise
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.gen_copilot import GOOD, S1, S2, Call, add_calls, store
from tests.helpers.reading import all_events, dedup, read_database, read_home
from tracker.sources.copilot import SPEC, STORE
from tracker.sources.spec import spec_roots

# key suffix -> (project, branch, model, fresh input, output, cache read, cache write, reasoning)
EXPECTED = {
    (S1, 1): ("/home/dev/api", "main", "claude-sonnet-4.5", 369, 100, 18000, 2974, 0),
    (S1, 2): ("/home/dev/api", "main", "gpt-5.1", 1000, 800, 4000, 0, 300),
    (S1, 3): ("/home/dev/api", "main", "claude-opus-4.5", 200, 50, 0, 1000, 0),
    (S2, 4): ("", "", "gpt-5-mini", 10, 5, 0, 0, 0),
}


def summary(events: dict) -> dict:
    return {
        (e.session_id, int(k.split(":")[2])): (
            e.project, e.git_branch, e.model, e.input_tokens, e.output_tokens,
            e.cache_read_tokens, e.cache_creation_tokens, e.reasoning_tokens,
        )
        for k, e in events.items()
    }  # fmt: skip


def test_store_rows_exact_with_both_caches_taken_out_of_input(tmp_path: Path) -> None:
    path = store(tmp_path)
    add_calls(path, GOOD)
    results = read_home(SPEC, tmp_path)
    assert [p for p, _ in results] == [path]
    (_, r), *_ = results
    assert (r.error, r.skipped_count, r.lines_read) == (None, 0, 4)
    events = dedup(all_events(results))
    assert summary(events) == EXPECTED
    assert sum(e.total_tokens for e in events.values()) == 21443 + 5800 + 1250 + 15
    assert events[f"cp:{S1}:1:2026-11-30 10:00:09"].ts_ms == 1796032809000  # no zone: UTC


def test_rows_added_between_reads_are_read_once_with_the_marks(tmp_path: Path) -> None:
    path = store(tmp_path)
    add_calls(path, GOOD[:2])
    first, marks = read_database(STORE, path)
    assert marks == {"id": 2, "id_created_ms": 1796033091120}
    add_calls(path, GOOD[2:])
    second, marks2 = read_database(STORE, path, marks)
    assert [e.dedup_key.split(":")[2] for e in second.events] == ["3", "4"]
    unchanged, marks3 = read_database(STORE, path, marks2)
    assert (unchanged.events, marks3) == ([], marks2)
    assert summary(dedup(first.events + second.events)) == EXPECTED


def test_a_recreated_store_is_read_from_the_start_and_its_reused_ids_are_new_keys(tmp_path: Path) -> None:
    path = store(tmp_path)
    add_calls(path, GOOD)
    old, marks = read_database(STORE, path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path = store(tmp_path)  # the user deleted the store; the CLI made a new one
    add_calls(path, [Call(S1, "gpt-5.1", "gpt-5.1", 700, 70, 0, 0, 0, "2026-12-02T09:00:00Z")])
    new, _ = read_database(STORE, path, marks)  # old marks: id 4 does not exist here
    assert [e.dedup_key for e in new.events] == [f"cp:{S1}:1:2026-12-02T09:00:00Z"]
    assert len(dedup(old.events + new.events)) == 5  # id 1 again, but another request


def test_a_row_the_cli_has_not_committed_is_read_on_the_next_pass(tmp_path: Path) -> None:
    path = store(tmp_path)
    add_calls(path, GOOD[:1])
    with closing(sqlite3.connect(path)) as writer:
        writer.execute("BEGIN IMMEDIATE")  # the CLI holds its write lock mid-transaction
        writer.execute(
            "INSERT INTO assistant_usage_events (session_id, model, input_tokens, output_tokens, created_at)"
            " VALUES (?, 'gpt-5.1', 40, 4, '2026-11-30 12:00:00')",
            (S1,),
        )
        during, marks = read_database(STORE, path)
        assert (during.error, len(during.events), marks["id"]) == (None, 1, 1)
        writer.commit()
    after, _ = read_database(STORE, path, marks)
    assert [(e.input_tokens, e.output_tokens) for e in after.events] == [(40, 4)]


rows = st.lists(
    st.tuples(st.integers(0, 5000), st.integers(0, 5000), st.integers(0, 3000), st.integers(0, 500)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows, cuts=st.lists(st.integers(0, 12), max_size=4))
def test_any_batches_of_appended_rows_read_with_marks_count_each_row_once(tmp_path: Path, rows, cuts) -> None:
    home = tmp_path / f"h{abs(hash((tuple(rows), tuple(cuts))))}"
    path = store(home)
    calls = [
        Call(S1, "gpt-5.1", None, fresh + read + write, out, read, write, 0, f"2026-11-30T10:{i // 60:02}:{i % 60:02}Z")
        for i, (fresh, out, read, write) in enumerate(rows)
    ]
    bounds = sorted({0, len(calls), *(min(c, len(calls)) for c in cuts)})
    marks: dict = {}
    seen = []
    for lo, hi in pairwise(bounds):
        add_calls(path, calls[lo:hi])
        result, marks = read_database(STORE, path, marks)
        seen.extend(result.events)
    assert len(seen) == len(calls)  # every row once, none twice
    assert sum(e.total_tokens for e in seen) == sum(f + o + r + w for f, o, r, w in rows)
    assert sum(e.input_tokens for e in seen) == sum(f for f, _, _, _ in rows)


def test_hostile_rows_are_counted_and_skipped_the_rest_read(tmp_path: Path) -> None:
    path = store(tmp_path)
    hostile = [
        Call(
            S1, "m", None, "12k", 1, 0, 0, 0, "2026-11-30 10:00:00"
        ),  # text where a count belongs ("12" would become 12)
        Call(S1, "m", None, 10**12, 1, 0, 0, 0, "2026-11-30 10:00:00"),  # beyond any request
        Call(S1, "m", None, 5, 1, 9, 0, 0, "2026-11-30 10:00:00"),  # cache larger than the input holding it
        Call(S1, "m", None, 5, 1, 0, 0, 0, "not a time"),
        Call(S1, "m", None, 5, 1.5, 0, 0, 0, "2026-11-30 10:00:00"),  # a fraction of a token
        Call(S1, "m", None, 5, b"\x00\x01", 0, 0, 0, "2026-11-30 10:00:00"),  # a blob
    ]
    add_calls(path, [GOOD[0], *hostile, GOOD[1]])
    r, marks = read_database(STORE, path)
    assert r.error is None
    assert r.skipped_count == len(hostile)
    assert [e.model for e in r.events] == ["claude-sonnet-4.5", "gpt-5.1"]
    assert marks["id"] == 8  # past the poisoned rows: they are not retried forever


def test_a_store_without_the_usage_table_or_not_a_database(tmp_path: Path) -> None:
    empty = tmp_path / "session-store.db"
    with closing(sqlite3.connect(empty)) as db:
        db.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY)")
    r, marks = read_database(STORE, empty)
    assert (r.events, r.error, marks) == ([], None, {})  # an older CLI: nothing here
    garbage = tmp_path / "garbage" / "session-store.db"
    garbage.parent.mkdir()
    garbage.write_bytes(b"this is not SQLite" * 100)
    r, marks = read_database(STORE, garbage, {"id": 3, "id_created_ms": 1})
    assert r.error is not None and "Copilot session store" in r.error
    assert marks == {"id": 3, "id_created_ms": 1}  # kept: nothing read is lost


def test_roots_per_platform_and_copilot_home() -> None:
    home = Path("/home/u")
    for platform in ("linux", "darwin", "win32"):
        assert spec_roots(SPEC, home, {}, platform=platform) == [home / ".copilot"]
        assert spec_roots(SPEC, home, {"COPILOT_HOME": "/data/cp"}, platform=platform) == [Path("/data/cp")]
    assert SPEC.api_equivalent_cost


def test_an_older_store_without_the_newer_columns(tmp_path: Path) -> None:
    path = tmp_path / "session-store.db"
    with closing(sqlite3.connect(path)) as db, db:  # no copilot_usage_model, reasoning or sessions table
        db.execute(
            "CREATE TABLE assistant_usage_events (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT,"
            " model TEXT, input_tokens INTEGER, output_tokens INTEGER, cache_read_tokens INTEGER,"
            " cache_write_tokens INTEGER, created_at TEXT)"
        )
        db.execute(
            "INSERT INTO assistant_usage_events VALUES (NULL, 's', 'gpt-4.1', 900, 50, 800, 0, '2026-07-01 12:34:56')"
        )
    r, marks = read_database(STORE, path)
    assert [(e.model, e.input_tokens, e.cache_read_tokens, e.project) for e in r.events] == [("gpt-4.1", 100, 800, "")]
    assert marks == {"id": 1, "id_created_ms": 1782909296000}
