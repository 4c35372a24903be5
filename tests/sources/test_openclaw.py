"""OpenClaw: every storage generation read, each request counted once however many copies."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.gen_openclaw import (
    A1,
    A2,
    A3,
    A4,
    A5,
    A5B,
    A6,
    A7,
    A8,
    A9,
    A10,
    T,
    build_state,
)
from tests.helpers.gen_pi_transcript import (
    Call,
    add_archive,
    add_cold_blob,
    add_event,
    add_window,
    create_agent_db,
    header,
    line,
    model_change,
    user,
    write_jsonl,
    write_zst,
)
from tests.helpers.reading import claims, counts, read_database, read_document, read_jsonl, read_tree, stored
from tracker.core.reading import Cursor, ReadResult
from tracker.sources import openclaw
from tracker.sources.document import read_document as platform_read_document
from tracker.sources.spec import spec_roots


def key(c: Call) -> str:
    return f"oc:{c.ts_ms}:{c.input}:{c.output}:{c.cache_read}:{c.cache_write}"


EXPECTED = {
    # key: (input, output, cache write, cache read, reasoning), model, session, project
    key(A1): ((100, 200, 50, 1000, 0), "claude-sonnet-4-5", "S1", "/work/proj"),
    key(A2): ((300, 400, 0, 2000, 0), "claude-opus-4-5", "S1", "/work/proj"),
    key(A3): ((10, 500, 100, 3000, 0), "claude-sonnet-4-5", "S2", "/work/proj"),
    key(A4): ((700, 900, 0, 0, 300), "gpt-5.2", "sub-9f1c", "/work/proj"),
    key(A5): ((2000, 400, 0, 3000, 0), "gemini-2.5-pro", "cron-nightly", "/srv/ops"),
    key(A5B): ((2000, 400, 0, 3000, 0), "gemini-2.5-pro", "cron-nightly", "/srv/ops"),
    key(A6): ((40, 50, 70, 60, 0), "claude-sonnet-4-5", "OLD1", "/work/old"),
    key(A7): ((11, 22, 44, 33, 0), "claude-sonnet-4-5", "S4", "/work/db"),
    key(A8): ((55, 66, 88, 77, 0), "claude-sonnet-4-5", "S4", "/work/db"),
    key(A9): ((1, 2, 4, 3, 0), "claude-haiku-4-5", "S4", "/work/db"),
    key(A10): ((5, 6, 8, 7, 0), "claude-sonnet-4-5", "OLD2", "/work/cold"),
}


def test_every_generation_is_read_and_each_request_counted_once(tmp_path: Path) -> None:
    root = build_state(tmp_path / ".openclaw")
    results = read_tree(openclaw.SPEC, root)
    got = stored(results)
    assert {k: (counts(e), e.model, e.session_id, e.project) for k, e in got.items()} == EXPECTED
    # Copies: A1 three times (live, reset archive, cold), A2 twice (compaction successor), A3 twice (database).
    assert sum(len(r.events) for r in results) == len(EXPECTED) + 2 + 1 + 1
    assert sum(r.skipped_count for r in results) == 0
    ignored: dict[str, int] = {}
    for r in results:
        for what, n in r.ignored.items():
            ignored[what] = ignored.get(what, 0) + n
    assert ignored == {
        "transcript artifact (no model call)": 1,
        "Codex harness mirror (the Codex rollout holds the turn)": 1,
        "assistant message without tokens": 1,
    }
    assert got[key(A1)].tool_cost_micro == 12_300
    assert all(e.source == "openclaw" and not e.subscription for e in got.values())


def test_each_file_is_claimed_by_the_right_part(tmp_path: Path) -> None:
    root = build_state(tmp_path / ".openclaw")
    agents = root / "agents" / "main"
    extra = {
        agents / "sessions" / "S5.jsonl.deleted.1764496800000.zst": ["cold"],
        agents / "sessions" / "S5.jsonl.deleted.1764496800000": ["transcripts"],
        agents / "sessions" / "sessions.json": [],
        agents / "agent" / "incognito-openclaw-agent.sqlite": [],
        agents / "agent" / "codex-home" / "sessions" / "2026" / "11" / "30" / "rollout-2026-11-30T09-00-00-x.jsonl": [
            "codex"
        ],
        root / "workspace" / "notes.jsonl": [],  # the user's own files beside agents/
        root / "state" / "openclaw.sqlite": [],
    }
    for path in extra:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    got = {p: claims(openclaw.SPEC, root, p) for p in extra}
    assert got == extra
    assert claims(openclaw.SPEC, root, agents / "sessions" / "cold" / ("ab" * 32 + ".jsonl.zst")) == ["cold"]
    assert claims(openclaw.SPEC, root, agents / "agent" / "openclaw-agent.sqlite") == ["database"]


def test_compressed_rows_are_read_and_marks_resume(tmp_path: Path) -> None:
    path = tmp_path / "agents" / "main" / "agent" / "openclaw-agent.sqlite"
    db = create_agent_db(path)
    add_window(db, "S4", "agent:main:main", T, model="claude-haiku-4-5")
    add_event(db, "S4", 0, header("S4", T, "/work/db"))
    add_event(db, "S4", 1, A7.entry(), compressed=True)
    db.commit()
    r, marks = read_database(openclaw.DATABASE, path)
    assert [counts(e) for e in r.events] == [(11, 22, 44, 33, 0)]
    assert (marks["rowid"], marks["rows"]) == (2, 2)
    add_event(db, "S4", 2, A9.entry())
    db.commit()
    r2, marks2 = read_database(openclaw.DATABASE, path, marks)
    # Only the new row, with the session's context (cwd, window model) found again.
    assert [(counts(e), e.model, e.project) for e in r2.events] == [((1, 2, 4, 3, 0), "claude-haiku-4-5", "/work/db")]
    assert (marks2["rowid"], marks2["rows"]) == (3, 3)
    assert read_database(openclaw.DATABASE, path, marks2)[0].events == []  # nothing new
    # The top row goes and a new one takes its rowid: the checksum sees it, all is read again.
    db.execute("DELETE FROM transcript_events WHERE seq = 2")
    add_event(db, "S4", 3, A8.entry())
    db.commit()
    assert db.execute("SELECT rowid FROM transcript_events WHERE seq = 3").fetchone() == (3,)
    r3, marks3 = read_database(openclaw.DATABASE, path, marks2)
    assert sorted(e.dedup_key for e in r3.events) == sorted([key(A7), key(A8)])
    # A row below the mark goes: read again as well (the keys make that exact).
    db.execute("DELETE FROM transcript_events WHERE seq = 0")
    db.commit()
    db.close()
    r4, marks4 = read_database(openclaw.DATABASE, path, marks3)
    assert sorted(e.dedup_key for e in r4.events) == sorted([key(A7), key(A8)])
    assert (marks4["rowid"], marks4["rows"]) == (3, 2)


def test_database_without_transcripts_is_nothing_here(tmp_path: Path) -> None:
    path = tmp_path / "openclaw-agent.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE auth_profiles (id TEXT PRIMARY KEY, data TEXT)")  # a schema-1 store
    db.close()
    r, marks = read_database(openclaw.DATABASE, path)
    assert (r.events, r.error, r.skipped_count, marks) == ([], None, 0, {})


def test_poisoned_rows_are_counted_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "openclaw-agent.sqlite"
    db = create_agent_db(path)
    add_window(db, "S4", "agent:main:main", T)
    add_event(db, "S4", 1, A7.entry())
    rows = [
        (2, '{"type":"message","message":{"role":"assistant","usage":{"input', None, None, None),  # truncated
        (3, None, b"\x28\xb5\x2f\xfd garbage", 10, "{}"),  # a corrupt zstd frame
        (4, '{"type":"message","message":{"role":"assistant","timestamp":1764493200000,'
            '"usage":{"input":1e30,"output":5}}}', None, None, None),  # hostile number
        (5, '{"type":"message","message":{"role":"assistant","timestamp":1764493200000,'
            '"usage":{"input":"12","output":5}}}', None, None, None),  # wrong type
        (6, '{"type":"message","message":{"role":"assistant","timestamp":1764493200000,'
            '"usage":{"input":1,"output":5,"cost":"free"},"responseId":7}}', None, None, None),  # bad optional fields
    ]  # fmt: skip
    db.executemany(
        "INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes,"
        " navigation_json) VALUES ('S4', ?, ?, 0, ?, ?, ?)",
        rows,
    )
    db.commit()
    db.close()
    r, _ = read_database(openclaw.DATABASE, path)
    assert sorted(counts(e) for e in r.events) == [(1, 5, 0, 0, 0), (11, 22, 44, 33, 0)]
    assert r.skipped_count == 4
    assert r.error is None


def test_corrupt_cold_archive_keeps_what_came_before(tmp_path: Path) -> None:
    path = write_zst(tmp_path / "cold" / "x.jsonl.zst", [header("OLD2", T, "/w"), A10.entry(), A1.entry()])
    data = path.read_bytes()
    r = read_document(path, openclaw.ARCHIVES, data[: len(data) // 2] + b"\x00" * 40)
    assert r.skipped_count >= 1
    assert r.error is None
    r_ok = read_document(path, openclaw.ARCHIVES)
    assert sorted(e.dedup_key for e in r_ok.events) == sorted([key(A10), key(A1)])
    assert r_ok.skipped_count == 0
    assert read_document(path, openclaw.ARCHIVES, b"not zstd at all").events == []


def test_cold_archive_read_as_the_importer_reads_it(tmp_path: Path) -> None:
    """The document platform decompresses ``.zst`` files itself: the reader gets JSONL bytes
    (it once inflated them again and skipped the whole archive as corrupt)."""
    path = write_zst(tmp_path / "cold" / "x.jsonl.zst", [header("OLD2", T, "/w"), A10.entry(), A1.entry()])
    r = platform_read_document(path, openclaw.ARCHIVES)
    assert (r.error, r.skipped_count) == (None, 0)
    assert sorted(e.dedup_key for e in r.events) == sorted([key(A10), key(A1)])


def test_hostile_transcript_lines_are_skipped_and_the_rest_read(tmp_path: Path) -> None:
    good = A1.entry()
    path = write_jsonl(tmp_path / "agents" / "main" / "sessions" / "S1.jsonl", [header("S1", T, "/w"), good])
    with path.open("ab") as f:
        f.write(b'{"type":"message","message":{"role":"assistant","usage":{"input":99999999999999,"output":1},'
                b'"timestamp":1764493200000}}\n')  # fmt: skip
        f.write(b'{"type":"message","message":{"role":"assistant","usage":{"inp\x00ut":1}\n')
        f.write(b'{"type":"message","message":"not an object","usage":1}\n')
        f.write(b'{"type":"custom","customType":"model-snapshot","data":"not an object"}\n')
        f.write(b"{truncated\n")
    with path.open("ab") as f:
        f.write(line(A3.entry()))
    r = read_jsonl(path, openclaw.TRANSCRIPTS)
    assert sorted(e.dedup_key for e in r.events) == sorted([key(A1), key(A3)])
    assert r.skipped_count == 4
    assert r.error is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(split=st.integers(min_value=0, max_value=10_000))
def test_split_anywhere_reads_the_same(tmp_path: Path, split: int) -> None:
    src = tmp_path / "src.jsonl"
    write_jsonl(src, [header("S1", T, "/w"), user("u1", T), A1.entry(),
                      model_change("mc1", T + 5, "anthropic", "claude-opus-4-5"), A2.entry(), A3.entry()])  # fmt: skip
    data = src.read_bytes()
    cut = split % (len(data) + 1)
    path = tmp_path / "agents" / "main" / "sessions" / "S1.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[:cut])
    first = read_jsonl(path, openclaw.TRANSCRIPTS)
    path.write_bytes(data)
    second = read_jsonl(path, openclaw.TRANSCRIPTS, first.cursor)
    whole = read_jsonl(path, openclaw.TRANSCRIPTS)
    assert first.events + second.events == whole.events
    assert [e.model for e in whole.events] == ["claude-sonnet-4-5", "claude-opus-4-5", "claude-sonnet-4-5"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=5), vacuum=st.booleans())
def test_rows_added_between_reads_count_once(tmp_path: Path, batches: list[int], vacuum: bool) -> None:
    path = tmp_path / f"db-{len(list(tmp_path.iterdir()))}.sqlite"
    db = create_agent_db(path)
    add_window(db, "S", "agent:main:main", T)
    add_event(db, "S", 0, header("S", T, "/w"))
    marks: dict[str, int] = {}
    seen: list[str] = []
    seq = 1
    for n in batches:
        for _ in range(n):
            c = Call(f"{seq:08x}", T + seq * 1000, seq, 2 * seq)
            add_event(db, "S", seq, c.entry(), compressed=seq % 2 == 0)
            seq += 1
        db.commit()
        if vacuum:
            db.execute("DELETE FROM transcript_events WHERE seq = 0")
            add_event(db, "S", 0, header("S", T, "/w"))
            db.commit()
            db.execute("VACUUM")
        r, marks = read_database(openclaw.DATABASE, path, marks)
        seen += [e.dedup_key for e in r.events]
    db.close()
    assert set(seen) == {f"oc:{T + s * 1000}:{s}:{2 * s}:0:0" for s in range(1, seq)}
    if not vacuum:
        assert len(seen) == seq - 1  # append-only: each row read exactly once


def test_roots_per_os_and_env(tmp_path: Path) -> None:
    home = tmp_path
    legacy = [home / ".openclaw-dev", home / ".clawdbot", home / ".moltbot", home / ".moldbot"]
    for platform in ("linux", "darwin", "win32"):
        assert spec_roots(openclaw.SPEC, home, {}, platform=platform) == [home / ".openclaw", *legacy]
        env = {"OPENCLAW_STATE_DIR": "/srv/claw", "CLAWDBOT_STATE_DIR": "~/bot"}
        assert spec_roots(openclaw.SPEC, home, env, platform=platform) == [
            Path("/srv/claw"),
            home / ".openclaw-dev",
            Path("~/bot").expanduser(),
            home / ".moltbot",
            home / ".moldbot",
        ]
    fork = home / ".meshclaw"
    assert spec_roots(openclaw.SPEC, home, {}, [fork], platform="linux")[-1] == fork


def test_a_fork_state_folder_given_as_extra_path_is_read(tmp_path: Path) -> None:
    fork = build_state(tmp_path / ".meshclaw")  # a company fork with its own dot-folder
    roots = spec_roots(openclaw.SPEC, tmp_path, {}, [fork], platform="linux")
    got: dict[str, object] = {}
    for root in roots:
        if root.is_dir():
            got.update(stored(read_tree(openclaw.SPEC, root)))
    assert set(got) == set(EXPECTED)


@pytest.mark.parametrize("name", ["S1.jsonl", "S1-topic-42.jsonl", "S1.jsonl.reset.2026-11-30T10-00-00.000Z"])
def test_session_id_from_file_name_when_no_header(tmp_path: Path, name: str) -> None:
    path = write_jsonl(tmp_path / "agents" / "main" / "sessions" / name, [A1.entry()])
    r = read_jsonl(path, openclaw.TRANSCRIPTS)
    assert [(e.session_id, e.project) for e in r.events] == [("S1", "main")]


def test_zstandard_frames_round_trip_like_openclaw_writes_them() -> None:
    # OpenClaw writes checksummed level-1 frames; the reader must inflate them whatever flags are set.
    text = b'{"type":"session","id":"x"}'
    frame = zstandard.ZstdCompressor(level=1, write_checksum=True, write_content_size=False).compress(text)
    r = ReadResult(cursor=Cursor())
    assert openclaw._body({"event_zstd": frame}, 1, r) == text
    assert r.skipped_count == 0


def test_codex_rollouts_under_codex_home_are_read_as_codex(tmp_path: Path) -> None:
    # OpenClaw driving Codex app-server keeps Codex's own rollout, which holds every call of the turn.
    rollout = (
        tmp_path / "agents" / "main" / "agent" / "codex-home" / "sessions" / "2026" / "11" / "30"
        / "rollout-2026-11-30T09-00-00-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl"
    )  # fmt: skip
    usage = {"input_tokens": 1200, "cached_input_tokens": 200, "output_tokens": 300, "reasoning_output_tokens": 100,
             "total_tokens": 1500}  # fmt: skip
    lines = [
        {"timestamp": "2026-11-30T09:00:00.000Z", "type": "session_meta",
         "payload": {"id": "0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "cwd": "/work/proj"}},
        {"timestamp": "2026-11-30T09:00:01.000Z", "type": "turn_context", "payload": {"model": "gpt-5.2-codex"}},
        {"timestamp": "2026-11-30T09:00:05.000Z", "type": "event_msg",
         "payload": {"type": "token_count", "info": {"total_token_usage": usage, "last_token_usage": usage}}},
    ]  # fmt: skip
    write_jsonl(rollout, lines)
    assert claims(openclaw.SPEC, tmp_path, rollout) == ["codex"]
    [part] = [p for p in openclaw.SPEC.parts if p.name == "codex"]
    [e] = read_jsonl(rollout, part.reader).events
    assert (e.source, e.model, counts(e)) == ("codex", "gpt-5.2-codex", (1000, 300, 0, 200, 100))


def test_archive_blobs_in_the_database_are_read(tmp_path: Path) -> None:
    path = tmp_path / "agents" / "main" / "agent" / "openclaw-agent.sqlite"
    db = create_agent_db(path)
    add_window(db, "R1", "agent:main:main", T)
    add_archive(db, "R1", [header("R1", T, "/work/reset"), A1.entry()])  # a /reset, not yet published
    add_archive(db, "D1", [header("D1", T, "/work/gone"), A3.entry()], reason="deleted", zstd=True)
    add_cold_blob(db, "C1", [header("C1", T, "/work/cold"), A10.entry()])
    db.commit()
    r, marks = read_database(openclaw.DATABASE, path)
    assert sorted((e.dedup_key, e.session_id, e.project) for e in r.events) == sorted(
        [(key(A1), "R1", "/work/reset"), (key(A3), "D1", "/work/gone"), (key(A10), "C1", "/work/cold")]
    )
    assert r.skipped_count == 0
    assert marks["session_transcript_archives.rows"] == 2
    assert read_database(openclaw.DATABASE, path, marks)[0].events == []  # immutable rows: not read again
    db.execute("UPDATE session_transcript_archives SET archive_blob = X'28B52FFD00' WHERE session_id = 'D1'")
    db.execute("DELETE FROM session_transcript_archives WHERE session_id = 'R1'")
    db.commit()
    db.close()
    r2, _ = read_database(openclaw.DATABASE, path, marks)
    assert r2.skipped_count == 1  # the corrupt blob, counted; the rest read again
    assert [e.dedup_key for e in r2.events] == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(min_value=0, max_value=4_000), max_size=4))
def test_archive_seen_cut_then_whole_counts_each_request_once(tmp_path: Path, cuts: list[int]) -> None:
    # A copy caught half-written (any cut), then the whole archive: merged by key, each request once.
    entries = [header("OLD2", T, "/w"), A10.entry(), A1.entry(), A3.entry()]
    path = write_zst(tmp_path / "cold" / "x.jsonl.zst", entries)
    data = path.read_bytes()
    results = [read_document(path, openclaw.ARCHIVES, data[: c % (len(data) + 1)]) for c in cuts]
    results.append(read_document(path, openclaw.ARCHIVES))
    assert all(r.error is None for r in results)
    got = stored(results)
    assert {k: counts(e) for k, e in got.items()} == {
        key(A10): (5, 6, 8, 7, 0),
        key(A1): (100, 200, 50, 1000, 0),
        key(A3): (10, 500, 100, 3000, 0),
    }
