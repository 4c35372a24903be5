"""Zed agent: zstd thread documents, cumulative usage (not the per-turn map), one record per
thread, imported copies, legacy JSON rows, marks by updated_at, hostile rows and frames."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.gen_zed import T1, T2, T4, T5, create, home_db, save, thread, usage
from tests.helpers.gen_zed import write_fixture as fixture
from tests.helpers.reading import all_events, dedup, read_database, read_home
from tracker.sources.spec import spec_roots
from tracker.sources.zed import SPEC, THREADS

# key -> (project, model, input, output, cache write, cache read)
EXPECTED = {
    # cumulative 5400/2210/2100/96000; the map (1200/310/18000) is only the turn's last request
    f"zed:{T1}": ("/home/dev/billing", "claude-sonnet-4-5", 5400, 2210, 2100, 96000),
    # a legacy "json" row from before created_at, no cumulative: the per-turn map summed
    f"zed:{T2}": ("/home/dev/old", "claude-3-7-sonnet", 3000, 450, 0, 7000),
    # a subagent thread (parent T1): its own requests, counted once
    f"zed:{T4}": ("/home/dev/billing", "gpt-5.1", 800, 90, 0, 0),
    # an agent-1 thread (no version): per-message list, cumulative wins
    f"zed:{T5}": ("", "claude-opus-4-1", 60, 20, 0, 500),
}


def summary(events: dict) -> dict:
    return {
        k: (e.project, e.model, e.input_tokens, e.output_tokens, e.cache_creation_tokens, e.cache_read_tokens)
        for k, e in events.items()
    }


def test_fixture_one_record_per_thread_from_cumulative_usage(tmp_path: Path) -> None:
    path = home_db(tmp_path)
    fixture(path)
    results = read_home(SPEC, tmp_path)
    assert [p for p, _ in results] == [path]
    r = results[0][1]
    assert (r.error, r.skipped_count) == (None, 0)
    assert r.ignored == {"imported Zed thread (a copy of a shared thread)": 1}
    events = dedup(all_events(results))
    assert summary(events) == EXPECTED
    assert events[f"zed:{T1}"].ts_ms == 1796054520000  # created_at 2026-11-30T16:02:00Z
    assert events[f"zed:{T2}"].ts_ms == 1794474000000  # no created_at: updated_at
    assert sum(e.total_tokens for e in events.values()) == 105710 + 10450 + 890 + 580


def test_only_threads_saved_since_the_mark_are_decompressed_and_a_growing_thread_stays_one(tmp_path: Path) -> None:
    path = home_db(tmp_path)
    fixture(path)
    first, marks = read_database(THREADS, path)
    assert marks == {"updated_ms": 1796058000000, "rowid": 5}  # T3's save, the latest; five rows
    assert first.lines_read == 5
    save(path, T1, thread("2026-12-01T10:00:00Z", usage(9000, 4000, 2100, 150000)), folders="/home/dev/billing")
    second, marks2 = read_database(THREADS, path, marks)
    assert second.lines_read == 2  # T1 saved again, and T3 at the mark itself; the rest not opened
    merged = dedup(first.events + second.events)
    t1 = merged[f"zed:{T1}"]
    assert (t1.input_tokens, t1.output_tokens, t1.cache_read_tokens) == (9000, 4000, 150000)
    assert t1.ts_ms == 1796054520000  # Zed keeps the first created_at: the thread stays on its day
    assert len(merged) == 4
    # a thread migrated in later keeps its old updated_at: read because its row is new
    save(path, "migrated", thread("2025-06-01T00:00:00Z", usage(70, 7)), folders=None)
    third, _ = read_database(THREADS, path, marks2)
    assert sorted(e.session_id for e in third.events) == sorted([T1, "migrated"])  # T1: saved at the mark


saves = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 4000), st.integers(0, 900)), min_size=1, max_size=10)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(saves=saves, read_every=st.integers(1, 3))
def test_any_saves_read_with_marks_store_each_thread_once_at_its_final_usage(tmp_path: Path, saves, read_every) -> None:
    path = create(tmp_path / f"z{abs(hash((tuple(saves), read_every)))}" / "threads.db")
    totals: dict[str, list[int]] = {}
    stored: dict = {}
    marks: dict = {}
    for n, (which, inp, out) in enumerate(saves):
        tid = f"t{which}"
        t = totals.setdefault(tid, [0, 0])
        t[0] += inp
        t[1] += out
        save(path, tid, thread(f"2026-11-30T10:{n:02}:00Z", usage(*t)))
        if n % read_every == 0 or n == len(saves) - 1:
            result, marks = read_database(THREADS, path, marks)
            stored = dedup([*stored.values(), *result.events])
    assert {e.session_id: [e.input_tokens, e.output_tokens] for e in stored.values()} == {
        tid: t for tid, t in totals.items() if sum(t)
    }


def test_hostile_rows_and_frames_are_counted_and_skipped_the_rest_read(tmp_path: Path) -> None:
    path = home_db(tmp_path)
    save(path, T1, thread("2026-11-30T16:02:00Z", usage(5400, 2210, 2100, 96000)))
    good_frame = zstandard.ZstdCompressor().compress(b'{"cumulative_token_usage":{"input_tokens":7}}')
    save(path, "bad-frame", b"\x28\xb5\x2f\xfd garbage")  # zstd magic, then nonsense
    save(path, "cut-frame", good_frame[: len(good_frame) // 2])  # half-written
    save(path, "not-json", zstandard.ZstdCompressor().compress(b"\x00\x01 not json"))
    save(path, "huge", thread("2026-11-30T16:02:00Z", {"input_tokens": 10**30, "output_tokens": 1}))
    save(path, "typed", thread("2026-11-30T16:02:00Z", {"input_tokens": "12", "output_tokens": 1}))
    save(path, "turn-poison", thread("2026-11-30T16:02:00Z", None, {"u": {"input_tokens": -5}}))
    save(path, "bad-type", thread("2026-11-30T16:02:00Z", usage(1, 1)), data_type="brotli")
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE threads SET updated_at = 'soon', created_at = NULL WHERE id = 'typed'")
    save(path, T2, thread("2026-11-30T18:00:00Z", usage(10, 5), model=42))  # wrongly typed model: still counted
    r, _ = read_database(THREADS, path)
    assert r.error is None
    assert r.skipped_count == 7
    assert sorted(e.session_id for e in r.events) == sorted([T1, T2])
    assert next(e.model for e in r.events if e.session_id == T2) == "unknown"


def test_not_a_threads_database(tmp_path: Path) -> None:
    path = tmp_path / "threads.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE kv (k TEXT, v TEXT)")
    assert read_database(THREADS, path)[1] == {}
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    r, marks = read_database(THREADS, path, {"updated_ms": 5})
    assert r.error is not None and "Zed" in r.error
    assert marks == {"updated_ms": 5}


def test_roots_per_platform() -> None:
    home = Path("/home/u")
    assert spec_roots(SPEC, home, {}, platform="linux") == [home / ".local/share/zed"]
    assert spec_roots(SPEC, home, {"XDG_DATA_HOME": "/xdg"}, platform="linux") == [Path("/xdg/zed")]
    assert spec_roots(SPEC, home, {}, platform="darwin") == [home / "Library/Application Support/Zed"]
    assert spec_roots(SPEC, home, {}, platform="win32") == [home / "AppData/Local/Zed"]
