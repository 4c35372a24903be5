"""OpenCode: exact step sums, forks once, DB over legacy JSON, v2 rows, hostile rows, roots."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.gen_opencode import (
    M1,
    M2,
    M8,
    OLD,
    Msg,
    add_message,
    add_session,
    build_home,
    create_db,
    write_legacy,
)
from tests.helpers.reading import dedup, read_database, read_document
from tracker.core.reading import Cursor, ReadResult
from tracker.core.records import UsageEvent
from tracker.sources import opencode
from tracker.sources.opencode_readers import OpenCodeDatabase, OpenCodeMessageFiles
from tracker.sources.spec import Kind, spec_roots

Row = tuple[str, str, str, int, int, int, int, int, int, int | None, bool]


# (session, project, model, ts, input, output, cache read, cache write, reasoning, cost µ$, subscription)
EXPECTED_DB: list[Row] = [
    ("ses_A", "/home/u/proj", "claude-sonnet-4-5", 1764493201000, 1630, 235, 59500, 2700, 0, 42100, False),
    ("ses_A", "/home/u/proj", "gpt-5.1-codex", 1764493300123, 100, 80, 0, 0, 30, 1200, False),
    ("ses_B", "/home/u/proj", "claude-sonnet-4.5", 1764493400000, 200, 20, 1000, 0, 0, 0, True),
    ("ses_A", "/home/u/proj", "claude-sonnet-4-5", 1764493700000, 70, 7, 0, 0, 0, 2000, False),
    ("ses_A", "/home/u/proj", "claude-sonnet-4-5", 1764493800000, 10, 5, 0, 0, 0, None, False),
    ("ses_D", "/home/u/other", "gpt-5", 1764500000000, 300, 50, 5, 0, 10, 10000, False),
]


def rows(events: Iterable[UsageEvent]) -> list[Row]:
    out = [
        (
            e.session_id, e.project, e.model, e.ts_ms, e.input_tokens, e.output_tokens, e.cache_read_tokens,
            e.cache_write_5m_tokens + e.cache_write_1h_tokens, e.reasoning_tokens, e.tool_cost_micro, e.subscription,
        )
        for e in dedup(events).values()
    ]  # fmt: skip
    return sorted(out, key=lambda r: r[3])


def read_db(path: Path, marks: dict[str, int] | None = None) -> tuple[ReadResult, dict[str, int]]:
    return read_database(OpenCodeDatabase(opencode.ORIGIN), path, marks)


def read_doc(path: Path) -> ReadResult:
    return read_document(path, OpenCodeMessageFiles(opencode.ORIGIN, opencode.DB_PATTERNS))


def test_database_counts_each_request_exactly_once(home: Path) -> None:
    data = build_home(home)
    r, marks = read_db(data / "opencode.db")
    assert rows(r.events) == EXPECTED_DB
    assert r.skipped_count == 3  # truncated JSON, 10^20 tokens, the NUL-poisoned part
    assert r.ignored == {
        "assistant message with no tokens (aborted or failed)": 1,
        "v2 copy of a message the message table holds": 1,
    }
    assert len(r.events) == 7  # the fork's copy is read, and shares the original's key
    assert set(marks) == {"message", "part", "session_message"}


def test_legacy_json_sums_its_part_files_and_yields_to_the_database(home: Path) -> None:
    data = build_home(home)
    old = read_doc(data / "storage" / "message" / "ses_old" / "msg_00Z.json")
    assert rows(old.events) == [
        ("ses_old", "/home/u/proj", "claude-sonnet-4-5", 1760000000000, 110, 22, 100, 100, 0, 3000, False)
    ]
    dup = read_doc(data / "storage" / "message" / "ses_A" / "msg_01A.json")
    assert dup.events == [] and dup.ignored == {"message also in the database (the database copy counts)": 1}
    # Without the database the JSON copy counts, under the same key as the database row.
    (data / "opencode.db").rename(data / "moved.db.bak")
    alone = read_doc(data / "storage" / "message" / "ses_A" / "msg_01A.json")
    (data / "moved.db.bak").rename(data / "opencode.db")
    db_keys = set(dedup(read_db(data / "opencode.db")[0].events))
    assert [e.dedup_key for e in alone.events] == [k for k in db_keys if k.startswith("oc:1764493201000:")]
    assert rows(alone.events) == [EXPECTED_DB[0]]


def test_legacy_garbage_is_an_error_not_a_crash(tmp_path: Path) -> None:
    f = tmp_path / "storage" / "message" / "ses" / "msg.json"
    f.parent.mkdir(parents=True)
    f.write_bytes(b'{"role":"assistant","tokens":{"inp')
    r = read_doc(f)
    assert r.error and r.events == []


def test_missing_tables_are_nothing_here(tmp_path: Path) -> None:
    path = tmp_path / "opencode.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE message (id TEXT)")  # no data column: an unknown generation
    db.commit()
    db.close()
    r, marks = read_db(path)
    assert marks == {}
    assert r.events == [] and r.error is None and r.skipped_count == 0


def test_spec_parts_and_roots(home: Path) -> None:
    spec = opencode.SPEC
    assert [(p.name, p.kind) for p in spec.parts] == [("db", Kind.SQLITE), ("messages", Kind.DOCUMENT)]
    local = home / ".local" / "share" / "opencode"
    assert spec_roots(spec, home, {}, platform="linux") == [local]
    assert spec_roots(spec, home, {"XDG_DATA_HOME": "/xdg"}, platform="linux") == [Path("/xdg/opencode")]
    assert spec_roots(spec, home, {}, platform="darwin") == [local]
    assert spec_roots(spec, home, {}, platform="win32") == [local]
    moved = {"OPENCODE_DATA_DIR": "/a, /b"}
    for platform in ("linux", "darwin", "win32"):
        assert spec_roots(spec, home, moved, platform=platform) == [Path("/a"), Path("/b")]


STEP = st.tuples(*(st.integers(0, 5000) for _ in range(5)))


@settings(max_examples=25, deadline=None)
@given(
    messages=st.lists(st.lists(STEP, min_size=1, max_size=4), min_size=1, max_size=6),
    cuts=st.lists(st.integers(0, 30), max_size=5),
)
def test_rows_added_between_reads_are_counted_once(messages: list[list[tuple[int, ...]]], cuts: list[int]) -> None:
    """Steps and messages arrive in batches; reading with the returned marks after each batch
    and keeping the largest copy per key gives the full read's numbers."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "opencode.db"
        db = create_db(path)
        add_session(db, "ses")
        msgs = [
            Msg(f"msg_{i:02d}", "ses", 1764493200000 + i * 10_000, [(tuple(s), 0.0) for s in steps])  # type: ignore[misc]  # 5-tuples
            for i, steps in enumerate(messages)
        ]
        # Every (message, step) arrival in order; the batches end at the cut points.
        arrivals = [(m, k + 1) for m in msgs for k in range(len(m.steps))]
        ends = sorted({min(c, len(arrivals)) for c in cuts} | {len(arrivals)})
        seen: list[UsageEvent] = []
        marks: dict[str, int] = {}
        start, clock = 0, 1764600000000
        for end in ends:
            for m, k in arrivals[start:end]:
                clock += 1
                add_message(db, m, updated=clock, steps=k)
            db.commit()
            r, marks = read_db(path, marks)
            seen.extend(r.events)
            start = end
        db.close()
        full, _ = read_db(path)
        assert rows(seen) == rows(full.events)
        expected = sorted(
            (m.created, sum(s[0][0] for s in m.steps), sum(s[0][1] + s[0][2] for s in m.steps))
            for m in msgs
            if any(any(s[0]) for s in m.steps)
        )
        assert sorted((float(r[3]), r[4], r[5]) for r in rows(full.events)) == expected


def test_unchanged_database_reads_only_the_newest_millisecond(home: Path) -> None:
    data = build_home(home)
    _, marks = read_db(data / "opencode.db")
    again, marks2 = read_db(data / "opencode.db", marks)
    assert marks2 == marks
    # Only the rows updated at the marks themselves come back (harmless: same keys).
    assert sorted(r[3] for r in rows(again.events)) == [M8.created, 1764500000000]


def test_replaced_database_is_read_whole(home: Path, tmp_path: Path) -> None:
    data = build_home(home)
    _, marks = read_db(data / "opencode.db")
    older = tmp_path / "older" / "opencode.db"
    db = create_db(older)
    add_session(db, "ses_A")
    add_message(db, M2, updated=1764400000000)  # every row older than the marks
    db.commit()
    db.close()
    r, _ = read_db(older, marks)
    assert [row[3] for row in rows(r.events)] == [1764493300123]


def test_reading_while_opencode_writes_sees_only_committed_rows(home: Path) -> None:
    data = build_home(home)
    writer = sqlite3.connect(data / "opencode.db")
    writer.execute("BEGIN")
    late = Msg("msg_09A", "ses_A", 1764495000000, [((1, 2, 0, 3, 4), 0.0)])
    add_message(writer, late, updated=1764600000000)  # not committed yet
    r1, marks = read_db(data / "opencode.db")
    assert rows(r1.events) == EXPECTED_DB
    writer.commit()
    writer.close()
    r2, _ = read_db(data / "opencode.db", marks)
    assert [row[3:8] for row in rows(r2.events) if row[3] == 1764495000000] == [(1764495000000, 1, 2, 3, 4)]


def test_kilo_cli_reads_the_same_layout_as_kilo(home: Path) -> None:
    from tracker.sources import kilo

    data = home / ".local" / "share" / "kilo"
    db = create_db(data / "kilo.db")
    add_session(db, "ses_A")
    add_message(db, M1)
    db.commit()
    db.close()
    write_legacy(data, OLD)
    parts = {p.name: p.reader for p in kilo.SPEC.parts}
    con = sqlite3.connect(f"file:{data / 'kilo.db'}?mode=ro", uri=True)
    r = ReadResult(cursor=Cursor())
    parts["cli-db"].read_database(con, data / "kilo.db", {}, r)  # type: ignore[union-attr]  # the SQLITE part
    con.close()
    legacy = data / "storage" / "message" / "ses_old" / "msg_00Z.json"
    parts["cli-messages"].parse_document(legacy, legacy.read_bytes(), r)  # type: ignore[union-attr]  # DOCUMENT
    assert rows(r.events) == [rows(read_doc(legacy).events)[0], EXPECTED_DB[0]]
    assert {e.source for e in r.events} == {"kilo"} and all(e.dedup_key.startswith("kilo-cli:") for e in r.events)
