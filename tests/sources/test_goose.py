"""Goose: accumulated totals (not the last turn's), one record per session that grows in place,
copies under two roots, reasoning beyond input + output, hostile rows."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.gen_goose import A, B, C, D, E, Session, add, config, create, db_at, grow
from tests.helpers.reading import all_events, dedup, read_database, read_home
from tracker.sources.goose import SESSIONS, SPEC
from tracker.sources.spec import spec_roots

# key -> (project, model, input, output incl. reasoning, reasoning, tool cost in micro-USD)
EXPECTED = {
    "gs:20261130_4:2026-11-30 08:02:11": ("/home/me/src/api", "claude-sonnet-4-5", 889020, 23435, 0, 2184300),
    "gs:20261130_5:2026-11-30T17:45:00Z": ("/home/me/src/web", "gemini-2.5-pro", 10000, 2500, 500, 31000),
    "gs:20261201_1:2026-12-01 09:00:00": ("/home/me/src/api", "gpt-5.1", 300, 40, 0, None),
    "gs:20261201_3:2026-12-01 11:00:00": ("/home/me", "unknown", 100, 10, 0, None),
}


def summary(events: dict) -> dict:
    return {
        k: (e.project, e.model, e.input_tokens, e.output_tokens, e.reasoning_tokens, e.tool_cost_micro)
        for k, e in events.items()
    }


def test_accumulated_totals_one_record_per_session_exact(tmp_path: Path) -> None:
    path = create(db_at(tmp_path, ".local", "share", "goose"))
    add(path, [A, B, C, D, E])
    results = read_home(SPEC, tmp_path)
    assert [p for p, _ in results] == [path]
    r = results[0][1]
    assert (r.error, r.skipped_count, r.ignored) == (None, 0, {"goose session without usage": 1})
    events = dedup(all_events(results))
    assert summary(events) == EXPECTED
    assert all(e.cache_read_tokens == e.cache_creation_tokens == 0 for e in events.values())  # no split stored
    assert events["gs:20261130_4:2026-11-30 08:02:11"].ts_ms == 1796025731000  # created_at, UTC


def test_a_growing_session_updates_its_one_record(tmp_path: Path) -> None:
    path = create(db_at(tmp_path, ".local", "share", "goose"))
    add(path, [A])
    before, marks = read_database(SESSIONS, path)
    assert marks == {}  # read whole each time the file changed
    grow(path, A.id, (1_000_000, 970_000, 30_000), "2026-12-02 10:00:00")  # the next day: still one session
    after, _ = read_database(SESSIONS, path)
    merged = dedup(before.events + after.events)
    assert [(e.input_tokens, e.output_tokens, e.ts_ms) for e in merged.values()] == [
        (970_000, 30_000, 1796025731000)  # the larger copy, dated when the session started
    ]


def test_one_database_under_two_roots_counts_once_a_second_database_does_not_collide(tmp_path: Path) -> None:
    primary = create(db_at(tmp_path, ".local", "share", "goose"))
    add(primary, [A, B])
    legacy = db_at(tmp_path, ".local", "share", "Block", "goose")
    legacy.parent.mkdir(parents=True)
    shutil.copy(primary, legacy)  # an old install's folder holding the same sessions
    other = create(tmp_path / "run-7" / "data" / "sessions" / "sessions.db")  # another GOOSE_PATH_ROOT
    add(other, [Session(A.id, "/tmp/job", "2026-11-30 21:00:00", "openai", config("gpt-5.1"), (1, 1, 0), (90, 80, 10))])
    events = all_events(read_home(SPEC, tmp_path))
    assert len(events) == 4 and len(dedup(events)) == 2  # the copy adds nothing
    moved = dedup(all_events(read_home(SPEC, Path("/nonexistent"), {"GOOSE_PATH_ROOT": str(tmp_path / "run-7")})))
    assert set(moved) == {"gs:20261130_4:2026-11-30 21:00:00"}  # same id, another session
    assert len(dedup(events + list(moved.values()))) == 3


steps = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 5000), st.integers(0, 500)), min_size=1, max_size=10)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_any_sequence_of_turns_read_after_each_stores_each_session_once(tmp_path: Path, steps) -> None:
    # A fresh folder per example: hypothesis repeats examples, and tmp_path is shared by them.
    path = create(Path(tempfile.mkdtemp(dir=tmp_path)) / "sessions.db")
    sessions = [f"20261130_{i}" for i in range(3)]
    totals = {s: [0, 0] for s in sessions}
    created: set[str] = set()
    stored: dict = {}
    for n, (which, inp, out) in enumerate(steps):
        sid = sessions[which]
        if sid not in created:
            created.add(sid)
            # Each in its own folder: sessions with equal sums in one folder and model are taken
            # for an import copy (tested on its own below), which is not what this property is about.
            folder = f"/w{which}"
            add(
                path,
                [Session(sid, folder, f"2026-11-30 0{which}:00:00", "openai", config("gpt-5.1"), (0, 0, 0), (0, 0, 0))],
            )
        totals[sid][0] += inp
        totals[sid][1] += out
        grow(path, sid, (sum(totals[sid]), *totals[sid]), f"2026-11-30 12:00:{n:02}")
        result, _ = read_database(SESSIONS, path)
        stored = dedup([*stored.values(), *result.events])  # the store: one row per key, larger copy
    assert {e.session_id: [e.input_tokens, e.output_tokens] for e in stored.values()} == {
        s: t for s, t in totals.items() if sum(t)
    }


def test_hostile_rows_are_counted_and_skipped_the_rest_read(tmp_path: Path) -> None:
    path = create(tmp_path / "sessions.db")
    hostile = [
        Session("h1", "/w", "2026-11-30 08:00:00", "openai", config("m"), (0, 0, 0), (10, "ten", 1)),
        Session("h2", "/w", "2026-11-30 08:00:00", "openai", config("m"), (0, 0, 0), (10**13, 10**12, 10**12)),
        Session("h3", "/w", "yesterday", "openai", config("m"), (0, 0, 0), (11, 10, 1)),
        Session("h4", "/w", "2026-11-30 08:00:00", "openai", config("m"), (0, 0, 0), (11, 10.5, 1)),
    ]
    kept = Session("k1", "/w", 1796025731, "openai", "{not json", (0, 0, 0), (11, 10, 1))  # epoch seconds, bad config
    add(path, [A, *hostile, kept])
    r, _ = read_database(SESSIONS, path)
    assert (r.error, r.skipped_count) == (None, len(hostile))
    assert [(e.session_id, e.model, e.ts_ms) for e in r.events] == [
        (A.id, "claude-sonnet-4-5", 1796025731000),
        ("k1", "unknown", 1796025731000),
    ]


def test_not_a_goose_database(tmp_path: Path) -> None:
    other = tmp_path / "sessions.db"
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
    r, marks = read_database(SESSIONS, other)
    assert (r.events, r.error, marks) == ([], None, {})
    other.write_bytes(b"\x00" * 4096)
    r, _ = read_database(SESSIONS, other)
    assert r.error is not None and "Goose" in r.error


def test_roots_per_platform_and_goose_path_root() -> None:
    home = Path("/home/u")
    assert spec_roots(SPEC, home, {}, platform="linux") == [
        home / ".local/share/goose",
        home / ".local/share/Block/goose",
    ]
    assert spec_roots(SPEC, home, {"XDG_DATA_HOME": "/xdg"}, platform="linux")[0] == Path("/xdg/goose")
    assert spec_roots(SPEC, home, {}, platform="darwin") == [
        home / ".local/share/goose",
        home / "Library/Application Support/goose",
        home / "Library/Application Support/Block/goose",
        home / ".local/share/Block/goose",
    ]
    assert spec_roots(SPEC, home, {}, platform="win32") == [home / "AppData/Roaming/Block/goose/data"]
    for platform in ("linux", "darwin", "win32"):
        assert spec_roots(SPEC, home, {"GOOSE_PATH_ROOT": "/srv/g"}, platform=platform) == [Path("/srv/g/data")]


def test_an_older_schema_without_accumulated_columns_reads_the_plain_ones(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    with closing(sqlite3.connect(path)) as db, db:  # a Goose from before the accumulated_* migration
        db.execute(
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, description TEXT, working_dir TEXT, created_at TIMESTAMP,"
            " total_tokens INTEGER, input_tokens INTEGER, output_tokens INTEGER, model_config_json TEXT)"
        )
        db.execute(
            "INSERT INTO sessions VALUES ('20250101_1', 'x', '/w', '2025-01-01', 130, 100, 30, ?)", (config("gpt-4o"),)
        )
    r, _ = read_database(SESSIONS, path)
    assert [(e.model, e.input_tokens, e.output_tokens, e.ts_ms) for e in r.events] == [
        ("gpt-4o", 100, 30, 1735689600000)  # a bare date: midnight UTC
    ]


def test_an_imported_copy_carrying_the_original_totals_is_not_counted_again(tmp_path: Path) -> None:
    path = create(tmp_path / "sessions.db")
    # Goose's import_session: a new id and time, the exported session's accumulated_* carried over
    copy = Session(
        "20261202_1", A.working_dir, "2026-12-02 09:00:00", "anthropic", A.model_config, (0, 0, 0), A.accumulated
    )
    fresh = Session(
        "20261202_2", A.working_dir, "2026-12-02 10:00:00", "anthropic", A.model_config, (0, 0, 0), (30, 20, 10)
    )
    add(path, [A, copy, fresh])
    r, _ = read_database(SESSIONS, path)
    assert [e.session_id for e in r.events] == [A.id, fresh.id]
    assert r.ignored == {"goose session imported as a copy of another (same totals)": 1}
