"""The first import's writer (``store.bulk``) stores what the incremental writer stores.

Its shortcuts are checked against the plain path: rows built in one pass in the worker
(``staging.largest_rows``), reads whose keys are all new decided without a loop, reads that
repeat keys or find the dict full decided row by row, and a read SQLite refuses undone in
the dict so a later copy of its keys is still stored. The keys' index is dropped only while
the dict alone decides every key, and built as soon as SQLite must decide one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.core.reading import Cursor, ReadResult
from tracker.core.records import UsageEvent, dedup_digest
from tracker.store import bulk
from tracker.store.db import connect, indexes_pending, unique_keys
from tracker.store.import_state import FileIdentity
from tracker.store.staging import decode_read, encode_read, event_rows, keep_largest, largest_rows, pack
from tracker.store.store import Store
from tracker.store.writer import ImportWriter

T0 = 1_780_000_200_000

events = st.builds(
    lambda key, ts, tokens, cost, sub: UsageEvent(
        "codex", f"k{key}", f"s{key % 3}", "/p", "main", "gpt-5", T0 + ts, *tokens, cost, sub
    ),
    key=st.integers(0, 9),  # few keys: copies of one request, some of equal size
    ts=st.integers(0, 10_000_000),
    tokens=st.tuples(*[st.sampled_from([0, 1, 2, 250_000]) for _ in range(6)]),
    cost=st.one_of(st.none(), st.integers(0, 10**6)),
    sub=st.booleans(),
)
reads = st.lists(st.lists(events, max_size=8), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(evs=st.lists(events, max_size=30))
def test_largest_rows_are_the_largest_copies_as_store_rows(evs: list[UsageEvent]) -> None:
    assert [list(r) for r in largest_rows(evs)] == [list(r) for r in event_rows(keep_largest(evs))]


def _stored(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    cols = "source, dedup_key, ts_ms, input_tokens, output_tokens, total_tokens, tool_cost_micro, subscription"
    return sorted(conn.execute(f"SELECT {cols} FROM events"))  # noqa: S608 - constants only


def _add(writer: bulk.BulkWriter, n: int, result: ReadResult) -> bool:
    rows, rest = decode_read(*encode_read("codex", result))
    return writer.add_rows(f"/f{n}", "codex", FileIdentity(1, n, 1, 1, 0, ""), rest, rows, restarted=False)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=reads, max_keys=st.sampled_from([0, 3, 1000]), batch=st.integers(1, 20))
def test_bulk_writer_stores_what_the_incremental_writer_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: list[list[UsageEvent]], max_keys: int, batch: int
) -> None:
    for name in ("bulk", "plain"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp_path / name}.sqlite3{suffix}").unlink(missing_ok=True)
    monkeypatch.setattr(bulk, "MAX_KEYS", max_keys)  # full from the start, soon, never
    fast, slow = connect(tmp_path / "bulk.sqlite3"), connect(tmp_path / "plain.sqlite3")
    with bulk.BulkWriter(fast, batch_events=batch) as w:
        for n, evs in enumerate(files):
            assert _add(w, n, ReadResult(Cursor(), events=evs))
    if w.checkpoint is not None:
        w.checkpoint.join()  # before the next example removes the files
    with ImportWriter(slow) as plain:
        for n, evs in enumerate(files):
            plain.add(f"/f{n}", "codex", FileIdentity(1, n, 1, 1, 0, ""), pack(ReadResult(Cursor(), events=evs)), restarted=False)  # fmt: skip
    assert _stored(fast) == _stored(slow)
    fast.close()
    slow.close()


def test_a_refused_read_leaves_its_keys_to_later_copies(tmp_path: Path) -> None:
    """A read whose rows SQLite refuses (a count past its INTEGER) is undone in the dict: a
    later, smaller copy of the same request is stored, and so is a new key after it."""

    def event(key: str, tokens: int) -> UsageEvent:
        return UsageEvent("codex", key, "s", "/p", "main", "gpt-5", T0, tokens, 1, 0, 0, 0, 0)

    conn = connect(tmp_path / "t.sqlite3")
    with bulk.BulkWriter(conn) as w:
        assert _add(w, 0, ReadResult(Cursor(), events=[event("c", 7)]))
        # Refused at its first row, so none of it is stored: "c" was raised in the dict, "a" and "b" added.
        assert not unique_keys(conn)  # alone: the dict decides
        assert not _add(w, 1, ReadResult(Cursor(), events=[event("b", 2**63), event("c", 8), event("a", 5)]))
        assert unique_keys(conn)  # rows of a refused read may be stored, unknown to the dict: SQLite decides
        assert _add(w, 2, ReadResult(Cursor(), events=[event("c", 8), event("a", 3), event("b", 4)]))  # row by row
        assert _add(w, 3, ReadResult(Cursor(), events=[event("d", 1)]))  # all new: at once
    assert sorted(conn.execute("SELECT dedup_key, input_tokens FROM events")) == sorted(
        (digest, n) for digest, n in zip(_digests("a", "b", "c", "d"), (3, 4, 8, 1), strict=True)
    )
    assert conn.execute("SELECT path, error IS NOT NULL FROM files ORDER BY path").fetchall() == [
        ("/f0", 0), ("/f1", 1), ("/f2", 0), ("/f3", 0),
    ]  # fmt: skip


def test_rows_stored_by_a_refused_read_are_not_stored_twice(tmp_path: Path) -> None:
    """A read of new keys refused half-way leaves its first rows stored, unknown to the dict:
    SQLite decides the keys from then on, so a later copy of one is not a second row."""
    conn = connect(tmp_path / "t.sqlite3")
    with bulk.BulkWriter(conn) as w:
        assert _add(w, 0, ReadResult(Cursor(), events=[_event("c", 7)]))
        assert not _add(w, 1, ReadResult(Cursor(), events=[_event("a", 5), _event("b", 2**63)]))
        assert unique_keys(conn)
        assert _add(w, 2, ReadResult(Cursor(), events=[_event("a", 3), _event("d", 1)]))  # all new to the dict
    assert sorted(conn.execute("SELECT dedup_key, input_tokens FROM events")) == sorted(
        zip(_digests("a", "c", "d"), (5, 7, 1), strict=True)
    )


def _digests(*keys: str) -> list[bytes]:
    return [dedup_digest(k) for k in keys]


@pytest.mark.parametrize("theirs", [2, 9])
def test_a_key_another_writer_stored_meanwhile_keeps_the_larger_copy(tmp_path: Path, theirs: int) -> None:
    """Keys new to this import go in by a plain INSERT while it is the only one to have
    stored events; one that another writer stored between two commits fails it, and the
    read is stored by the upsert (the larger copy wins), the file without an error."""

    def event(key: str, tokens: int) -> UsageEvent:
        return UsageEvent("codex", key, "s", "/p", "main", "gpt-5", T0, tokens, 0, 0, 0, 0, 0)

    db = tmp_path / "t.sqlite3"
    conn = connect(db)
    with bulk.BulkWriter(conn, batch_events=1) as w:
        assert _add(w, 0, ReadResult(Cursor(), events=[event("a", 1)]))  # committed: it is full
        other = connect(db)
        with ImportWriter(other) as them:
            them.add("/theirs", "codex", FileIdentity(1, 9, 1, 1, 0, ""), ReadResult(Cursor(), events=[event("b", theirs)]), restarted=False)  # fmt: skip
        other.close()
        assert w._alone
        assert _add(w, 1, ReadResult(Cursor(), events=[event("c", 3), event("b", 5), event("d", 4)]))
        assert not w._alone  # keys are decided in SQL from now on
        assert unique_keys(conn)  # and the index they need stays, commit after commit
        assert _add(w, 2, ReadResult(Cursor(), events=[event("e", 6)]))
        assert unique_keys(conn)
    assert conn.execute("SELECT COUNT(*) FROM events").fetchone() == (5,)
    stored = dict(conn.execute("SELECT dedup_key, input_tokens FROM events"))
    assert stored == dict(zip(_digests("a", "b", "c", "d", "e"), (1, max(theirs, 5), 3, 4, 6), strict=True))
    assert conn.execute("SELECT COUNT(*) FROM files WHERE error IS NOT NULL").fetchone() == (0,)


def _event(key: str, tokens: int) -> UsageEvent:
    return UsageEvent("codex", key, "s", "/p", "main", "gpt-5", T0, tokens, 0, 0, 0, 0, 0)


def _plan(conn: sqlite3.Connection) -> str:
    return " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN SELECT id FROM events WHERE dedup_key = ?", (b"",)))


def test_alone_the_keys_index_is_left_pending_and_built_by_the_next_connect(tmp_path: Path) -> None:
    """Into an empty store the keys go in without their index, commit after commit; the next
    connection builds it with the others, and the upsert and the key lookups use it."""
    db = tmp_path / "t.sqlite3"
    conn = connect(db)
    with bulk.BulkWriter(conn, batch_events=1) as w:
        for n in range(3):
            assert _add(w, n, ReadResult(Cursor(), events=[_event(f"k{n}", 1), _event(f"j{n}", 2)]))
            assert not unique_keys(conn)
        assert _add(w, 3, ReadResult(Cursor(), events=[_event("k0", 1), _event("n", 3)]))  # "k0": no larger
        assert not unique_keys(conn)
    assert indexes_pending(conn) and not unique_keys(conn)
    conn.close()
    conn = connect(db)
    assert unique_keys(conn) and not indexes_pending(conn)
    assert "USING COVERING INDEX events_dedup" in _plan(conn)
    assert conn.execute("SELECT COUNT(*) FROM events").fetchone() == (7,)
    with ImportWriter(conn) as plain:  # later copies: only a larger one replaces
        for n, tokens in enumerate((0, 9)):
            assert plain.add(f"/later{n}", "codex", FileIdentity(1, 9 + n, 1, 1, 0, ""), ReadResult(Cursor(), events=[_event("k1", tokens)]), restarted=False)  # fmt: skip
    assert conn.execute("SELECT input_tokens FROM events WHERE dedup_key = ?", (dedup_digest("k1"),)).fetchall() == [
        (9,)
    ]
    conn.close()


@pytest.mark.parametrize("why", ["larger copy", "full dict"])
def test_once_sqlite_must_decide_a_key_the_index_is_built_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    monkeypatch.setattr(bulk, "MAX_KEYS", 2 if why == "full dict" else 1000)
    conn = connect(tmp_path / "t.sqlite3")
    with bulk.BulkWriter(conn, batch_events=1) as w:
        assert _add(w, 0, ReadResult(Cursor(), events=[_event("a", 1), _event("b", 1)]))
        assert not unique_keys(conn)
        second = [_event("a", 5)] if why == "larger copy" else [_event("c", 2), _event("a", 1)]
        assert _add(w, 1, ReadResult(Cursor(), events=second))
        assert unique_keys(conn)
        for n in range(2, 5):  # later commits keep it
            assert _add(w, n, ReadResult(Cursor(), events=[_event(f"x{n}", n), _event("a", n + 5)]))
            assert unique_keys(conn)
    keys = 6 if why == "full dict" else 5  # "c" in the second read, or not
    assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT dedup_key) FROM events").fetchone() == (keys, keys)
    assert conn.execute("SELECT input_tokens FROM events WHERE dedup_key = ?", (dedup_digest("a"),)).fetchone() == (9,)
    conn.close()


def test_a_keys_index_another_connection_built_meanwhile_is_kept(tmp_path: Path) -> None:
    """Another writer builds the index before it writes (a ``connect`` builds it too): from
    then on this import is not alone, and SQLite decides its keys."""
    db = tmp_path / "t.sqlite3"
    conn = connect(db)
    with bulk.BulkWriter(conn, batch_events=1) as w:
        assert _add(w, 0, ReadResult(Cursor(), events=[_event("a", 1)]))
        assert not unique_keys(conn)
        connect(db).close()  # builds what the first import left pending
        assert _add(w, 1, ReadResult(Cursor(), events=[_event("b", 1)]))
        assert unique_keys(conn) and not w._alone
    conn.close()


def test_a_bundle_merged_after_a_first_import_builds_the_keys_index_first(tmp_path: Path) -> None:
    """The bundle merge upserts on the keys: on the first import's own connection (nothing
    rebuilt it yet) it builds the index, and a copy of a stored key stays one row."""
    db = tmp_path / "t.sqlite3"
    conn = connect(db)
    with bulk.BulkWriter(conn) as w:
        assert _add(w, 0, ReadResult(Cursor(), events=[_event("a", 1), _event("b", 1)]))
    assert not unique_keys(conn)
    new = Store(conn, db).devices.merge("dev", "laptop", 1, event_rows([_event("a", 7), _event("c", 2)]))
    assert new == 1 and unique_keys(conn)
    assert sorted(conn.execute("SELECT dedup_key, input_tokens FROM events")) == sorted(
        zip(_digests("a", "b", "c"), (7, 1, 2), strict=True)
    )
    conn.close()


def test_a_store_that_held_events_keeps_the_keys_index(tmp_path: Path) -> None:
    """Not alone (an interrupted first import resumed, say): SQLite decides every key."""
    conn = connect(tmp_path / "t.sqlite3")
    with ImportWriter(conn) as plain:
        plain.add("/old", "codex", FileIdentity(1, 1, 1, 1, 0, ""), ReadResult(Cursor(), events=[_event("a", 3)]), restarted=False)  # fmt: skip
    with bulk.BulkWriter(conn, batch_events=1) as w:
        for n, tokens in enumerate((2, 4)):
            assert _add(w, n, ReadResult(Cursor(), events=[_event("a", tokens), _event(f"n{n}", 1)]))
            assert unique_keys(conn) and not w._alone
    assert sorted(conn.execute("SELECT dedup_key, input_tokens FROM events")) == sorted(
        zip(_digests("a", "n0", "n1"), (4, 1, 1), strict=True)
    )
    conn.close()


def test_the_last_commit_is_copied_into_the_database_file_aside(tmp_path: Path) -> None:
    """The first import's last commit is left in the WAL and checkpointed on a thread of its
    own; once it is done the database file alone holds every row, and the writer's connection
    checkpoints as before."""

    def event(key: int) -> UsageEvent:
        return UsageEvent("codex", f"k{key}", "s", "/p", "main", "gpt-5", T0 + key, 10, 1, 0, 0, 0, 0)

    db = tmp_path / "t.sqlite3"
    conn = connect(db)
    with bulk.BulkWriter(conn) as w:
        for n in range(50):
            assert _add(w, n, ReadResult(Cursor(), events=[event(n * 100 + k) for k in range(100)]))
    assert w.checkpoint is not None
    w.checkpoint.join()
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(db.read_bytes())  # the file without its WAL
    alone = sqlite3.connect(copy)
    assert alone.execute("SELECT COUNT(*) FROM events").fetchone() == (5000,)
    alone.close()
    conn.close()
