"""Gemini CLI: re-appended messages, $set/$rewindTo, legacy .json twins, subagents, exactly once."""

from __future__ import annotations

import json
import random
import shutil
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tests.helpers.gen_gemini import Expected as GenExpected
from tests.helpers.gen_gemini import Session, generate
from tests.helpers.reading import all_events, daily, dedup, read_home
from tracker.core.reading import Cursor, ReadResult
from tracker.sources.gemini import DOCUMENT, JSONL, SPEC, project_for
from tracker.sources.gemini_usage import shape
from tracker.sources.jsonl import read_incremental
from tracker.sources.spec import spec_roots

HOME = FIXTURES / "gemini"
TMP = HOME / ".gemini" / "tmp"
A = "7f3c2a10-1b2c-4d5e-8f90-a1b2c3d4e5f6"
SUB = "3c9e5d21-aa10-4b7e-9c3d-5e6f7a8b9c0d"
B = "b7e1c0de-2f4a-4c6b-8d9e-0a1b2c3d4e5f"
LEGACY_DIR = TMP / "04382e3e2136986122415aa03b903f429a5c2f7ea590135bac4ab947b97dc809"  # sha256("/home/dev/legacy")
MAIN = TMP / "shop" / "chats" / "session-2026-11-30T09-00-7f3c2a10.jsonl"

# key -> (project, model, fresh input, output incl. thoughts, cache read, thoughts), by hand from the fixture
EXPECTED = {
    # input 12840 ⊃ cached 11020; output 212 + thoughts 388; re-appended 3 times, rewound after
    f"gm:{A}:g-1": ("/home/dev/shop", "gemini-2.5-pro", 1820, 600, 11020, 388),
    # tool-use prompt tokens (150) are input; also copied inside a $set.messages line
    f"gm:{A}:g-2": ("/home/dev/shop", "gemini-2.5-flash", 20150, 500, 0, 0),
    # a subagent's own file under chats/<parent session>/
    f"gm:{SUB}:g-s1": ("/home/dev/shop", "gemini-2.5-flash", 1000, 150, 4000, 50),
    # legacy .json in a hash-named folder, resumed into a .jsonl twin with the same ids
    f"gm:{B}:g-b1": ("/home/dev/legacy", "gemini-2.5-pro", 2000, 300, 6000, 0),
    f"gm:{B}:g-b2": ("/home/dev/legacy", "gemini-2.5-pro", 3000, 70, 0, 20),  # no timestamp: startTime
    f"gm:{B}:g-b3": ("/home/dev/legacy", "gemini-3-flash-preview", 1000, 500, 9000, 100),  # after the resume
}


def summary(events: dict) -> dict:
    return {
        k: (e.project, e.model, e.input_tokens, e.output_tokens, e.cache_read_tokens, e.reasoning_tokens)
        for k, e in events.items()
    }


def read_jsonl(path: Path, cursor: Cursor | None = None) -> ReadResult:
    cursor = cursor or Cursor(context=JSONL.start_context(path))
    return read_incremental(path, cursor, JSONL.parse_line, JSONL.needles, JSONL.line_format)


def read_doc(path: Path, data: bytes | None = None) -> ReadResult:
    r = ReadResult(cursor=Cursor())
    DOCUMENT.parse_document(path, path.read_bytes() if data is None else data, r)
    return r


def test_fixture_counts_every_response_once_with_exact_tokens() -> None:
    results = read_home(SPEC, HOME)
    assert sorted(p.name for p, _ in results) == [
        f"{SUB}.jsonl",
        "session-2026-11-28T14-10-b7e1c0de.json",
        "session-2026-11-28T14-10-b7e1c0de.jsonl",
        "session-2026-11-30T09-00-7f3c2a10.jsonl",
    ]  # checkpoint-*.json and logs.json are not chats
    assert all(r.skipped_count == 0 and r.error is None for _, r in results)
    events = dedup(all_events(results))
    assert summary(events) == EXPECTED
    assert sum(e.total_tokens for e in events.values()) == 13440 + 20650 + 5150 + 8300 + 3070 + 10500
    assert events[f"gm:{B}:g-b2"].ts_ms == 1795875000000  # 2026-11-28T14:10:00Z, the session's startTime
    assert {e.session_id for e in events.values()} == {A, SUB, B}


def test_reappended_message_and_set_copies_give_one_event_per_file() -> None:
    r = read_jsonl(MAIN)
    # g-1 appended with tokens twice (tokens, then tool calls finished); $set.messages is not read
    assert [e.dedup_key.rsplit(":", 1)[1] for e in r.events] == ["g-1", "g-1", "g-2"]
    assert r.cursor.context["session"] == A


def test_legacy_json_and_its_jsonl_twin_hold_the_same_keys() -> None:
    doc = read_doc(LEGACY_DIR / "chats" / "session-2026-11-28T14-10-b7e1c0de.json")
    twin = read_jsonl(LEGACY_DIR / "chats" / "session-2026-11-28T14-10-b7e1c0de.jsonl")
    assert {e.dedup_key for e in doc.events} == {f"gm:{B}:g-b1", f"gm:{B}:g-b2"}
    assert {e.dedup_key for e in doc.events} < {e.dedup_key for e in twin.events}
    assert len(all_events(read_home(SPEC, HOME))) == 9  # 6 requests, 3 of them seen twice


def test_project_from_marker_registry_or_hash(tmp_path: Path) -> None:
    assert project_for(MAIN) == "/home/dev/shop"  # .project_root
    assert project_for(LEGACY_DIR / "chats" / "x.json") == "/home/dev/legacy"  # sha256 of a registered path
    gem = tmp_path / ".gemini"
    (gem / "tmp" / "api" / "chats").mkdir(parents=True)
    (gem / "projects.json").write_text(json.dumps({"projects": {"/srv/api": "api"}}))
    assert project_for(gem / "tmp" / "api" / "chats" / "s.jsonl") == "/srv/api"  # registry, no marker
    (gem / "projects.json").write_text("{corrupt")
    assert project_for(gem / "tmp" / "api" / "chats" / "s.jsonl") == "api"  # the folder's name


def test_roots_per_platform_and_gemini_cli_home(tmp_path: Path) -> None:
    home = Path("/home/u")
    for platform in ("linux", "darwin", "win32"):
        assert spec_roots(SPEC, home, {}, platform=platform) == [home / ".gemini" / "tmp"]
        moved = spec_roots(SPEC, home, {"GEMINI_CLI_HOME": "/data/g"}, platform=platform)
        assert moved == [Path("/data/g") / ".gemini" / "tmp"]
    shutil.copytree(HOME / ".gemini", tmp_path / "elsewhere" / ".gemini")
    moved_events = dedup(
        all_events(read_home(SPEC, Path("/nonexistent"), {"GEMINI_CLI_HOME": str(tmp_path / "elsewhere")}))
    )
    assert summary(moved_events) == EXPECTED


def test_shape_follows_the_total() -> None:
    assert shape(100, 10, 80, 5, 0, 115) == (True, True)  # the Gemini API: cache inside, thoughts apart
    assert shape(100, 10, 80, 5, 0, 110) == (True, False)  # thoughts already inside candidates
    assert shape(100, 10, 80, 5, 0, 195) == (False, True)  # prompt without its cache
    assert shape(20, 10, 80, 0, 0, 0) == (False, True)  # cache larger than the prompt: cannot be inside
    assert shape(100, 10, 80, 5, 0, 0) == (True, True)  # no total: the API's shape


def test_hostile_lines_are_counted_and_skipped_the_rest_read(tmp_path: Path) -> None:
    good = MAIN.read_bytes()
    poisoned = [
        b'{"id":"h1","timestamp":"2026-11-30T10:00:00Z","type":"gemini","model":"m","tokens":{"input":1e30,"output":1,"cached":0,"total":1}}',
        b'{"id":"h2","timestamp":"2026-11-30T10:00:00Z","type":"gemini","model":"m","tokens":{"input":"12","output":1}}',
        b'{"id":"h3","timestamp":"2026-11-30T10:00:00Z","type":"gemini","model":"m","tokens":{"input":5,"output":1,"cached":9,"total":6}}',
        b'{"id":"h4","timestamp":"not a time","type":"gemini","tokens":{"input":5,"output":1}}',
        b'{"id":"h5","timestamp":"2026-11-30T10:00:00Z","type":"gemini","model":"m","tokens":[1,2]}',
        b'{"id":"h6","timestamp":"2026-11-30T10:00:00Z","type":"gemini","tokens":{"input":7,"out',
        b'{"id":"h7","timestamp":"2026-11-30T10:00:00Z","type":"gemini","model":"m","tokens":{"input":7\x00,"output":1}}',
        b'{"$set":"sessionId"}',
    ]
    # a wrongly typed optional field keeps the record's usage (model unknown, counted)
    kept = b'{"id":"h8","timestamp":"2026-11-30T10:00:00Z","type":"gemini","model":42,"tokens":{"input":7,"output":1,"cached":2,"total":8}}'
    f = tmp_path / "session-x.jsonl"
    f.write_bytes(good + b"\n".join([*poisoned, kept]) + b"\n")
    r = read_jsonl(f)
    assert r.skipped_count == len(poisoned) - 1  # h3's cache > prompt is read as a disjoint shape
    keys = {e.dedup_key.rsplit(":", 1)[1]: e for e in r.events}
    assert set(keys) == {"g-1", "g-2", "h3", "h8"}
    assert (keys["h3"].input_tokens, keys["h3"].cache_read_tokens) == (5, 9)
    assert (keys["h8"].model, keys["h8"].input_tokens, keys["h8"].cache_read_tokens) == ("unknown", 5, 2)


def test_bad_documents_are_an_error_or_skipped_messages(tmp_path: Path) -> None:
    path = tmp_path / "session-y.json"
    assert read_doc(path, b'{"sessionId": "s", "messages": [').error is not None
    assert read_doc(path, b"[1, 2]").error is not None
    assert read_doc(path, b'{"sessionId": "s", "messages": null}').events == []
    good = {"id": "g", "timestamp": "2026-11-30T10:00:00Z", "type": "gemini", "model": "m",
            "tokens": {"input": 10, "output": 1, "cached": 4, "total": 11}}  # fmt: skip
    data = json.dumps({"sessionId": "s", "messages": [7, {"$set": 1}, {**good, "tokens": {"input": -1}}, good]})
    r = read_doc(path, data.encode())
    assert r.skipped_count == 3 and r.error is None
    assert [(e.dedup_key, e.input_tokens, e.cache_read_tokens) for e in r.events] == [("gm:s:g", 6, 4)]


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=MAIN.stat().st_size), max_size=4))
def test_split_anywhere_reads_the_same(tmp_path_factory, cuts: list[int]) -> None:
    data = MAIN.read_bytes()
    f = tmp_path_factory.mktemp("split") / MAIN.name
    f.write_bytes(b"")
    r = read_jsonl(f)
    events = list(r.events)
    for cut in [*sorted(cuts), len(data)]:
        f.write_bytes(data[:cut])
        r = read_jsonl(f, r.cursor)
        events += r.events
        assert r.skipped_count == 0
    whole = dedup(read_jsonl(MAIN).events)
    assert {k: v[1:] for k, v in summary(dedup(events)).items()} == {k: v[1:] for k, v in summary(whole).items()}
    assert sorted(e.dedup_key for e in events) == sorted(e.dedup_key for e in read_jsonl(MAIN).events)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), steps=st.lists(st.integers(0, 12), min_size=1, max_size=8))
def test_any_rewrites_and_truncations_store_each_request_once(tmp_path_factory, seed: int, steps: list[int]) -> None:
    """A legacy document rewritten as it grows, restored to shorter versions, in any order:
    merged by key, every response ever written is stored once, with its tokens."""
    exp = GenExpected()
    sess = Session(random.Random(seed), datetime(2026, 11, 1, 9, tzinfo=UTC))
    for _ in range(12):
        sess.turn(exp)
    messages = list(sess.messages.values())
    path = tmp_path_factory.mktemp("doc") / sess.file_name("json")
    stored: list = []
    seen: set[str] = set()
    for n in steps:  # each step: the file now holds the first n messages
        doc = {**sess.meta(), "messages": messages[:n]}
        path.write_text(json.dumps(doc, indent=2))
        stored += read_doc(path).events
        seen |= {m["id"] for m in messages[:n] if m["type"] == "gemini"}
    final = dedup(stored)
    assert {k.rsplit(":", 1)[1] for k in final} == seen
    totals = {m["id"]: m["tokens"]["total"] for m in messages if m["type"] == "gemini"}
    assert {k.rsplit(":", 1)[1]: e.total_tokens for k, e in final.items()} == {i: totals[i] for i in seen}


def test_generated_home_matches_the_generator_exactly(tmp_path: Path) -> None:
    exp = generate(tmp_path, seed=3, days=5, sessions_per_day=4, turns=3)
    results = read_home(SPEC, tmp_path)
    assert all(r.skipped_count == 0 and r.error is None for _, r in results)
    events = dedup(all_events(results))
    assert len(events) == exp.requests
    assert daily(events.values()) == dict(exp.ours)
