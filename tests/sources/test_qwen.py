"""Qwen Code: subset cache, separate thoughts, /branch copies and archived sessions, exactly once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tests.helpers.gen_qwen import generate
from tests.helpers.reading import all_events, daily, dedup, read_home, read_part
from tracker.core.reading import Cursor, ReadResult
from tracker.sources.jsonl import read_incremental
from tracker.sources.qwen import READER, SPEC
from tracker.sources.spec import spec_roots

HOME = FIXTURES / "qwen"
CHATS = HOME / ".qwen" / "projects" / "-home-dev-shop" / "chats"
S1 = "5b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a41"
S2 = "6c2d3e4f-5061-4b72-9c83-ad9e8f7a6b52"  # /branch of S1
S3 = "7d3e4f50-6172-4c83-8d94-beaf9a8b7c63"  # archived
S4 = "8e4f5061-7283-4d94-9ea5-cfb0ab9c8d74"

# key -> (session, project, branch, model, fresh input, output incl. thoughts, cache read, thoughts), by hand
EXPECTED = {
    "qw:a2": (S1, "/home/dev/shop", "main", "qwen3-coder-plus", 2500, 310, 18000, 0),  # 20500 ⊃ 18000
    "qw:a4": (S1, "/home/dev/shop", "main", "qwen3-coder-plus", 5000, 650, 25000, 250),  # 400 + thoughts 250
    "qw:a6": (S1, "/home/dev/shop", "main", "qwen3-coder-flash", 4000, 100, 0, 0),  # a sidechain call counts
    "qw:b1": (S2, "/home/dev/shop", "main", "qwen3-coder-plus", 2000, 500, 30000, 0),  # new in the branch
    # archived; a backend whose prompt excludes the cache (cached 4864 > prompt 1508, total 1708)
    "qw:c1": (S3, "/home/dev/shop", "main", "qwen3-max", 1508, 200, 4864, 0),
    "qw:c2": (S3, "/home/dev/shop", "main", "qwen3-max", 1000, 130, 8000, 30),  # older short field names
    "qw:d1": (S4, "-home-dev-my-api", "", "qwen3-coder-plus", 1000, 10, 0, 0),  # no cwd: the folder
}


def summary(events: dict) -> dict:
    return {
        k: (
            e.session_id,
            e.project,
            e.git_branch,
            e.model,
            e.input_tokens,
            e.output_tokens,
            e.cache_read_tokens,
            e.reasoning_tokens,
        )
        for k, e in events.items()
    }


def read(path: Path, cursor: Cursor | None = None) -> ReadResult:
    cursor = cursor or Cursor(context=READER.start_context(path))
    fast = read_incremental(path, cursor, READER.parse_line, READER.needles, READER.line_format)
    assert fast == read_incremental(path, cursor, READER.parse_line, READER.needles)
    return fast


def test_fixture_counts_every_response_once_with_exact_tokens() -> None:
    results = read_home(SPEC, HOME)
    assert len(results) == 4  # two live sessions, one archived, one in another project
    assert all(r.skipped_count == 0 and r.error is None for _, r in results)
    events = dedup(all_events(results))
    assert summary(events) == EXPECTED
    assert sum(e.total_tokens for e in events.values()) == 20810 + 30650 + 4100 + 32500 + 6572 + 9130 + 1010


def test_branch_copies_keep_their_uuids_and_count_once() -> None:
    original, branch = read(CHATS / f"{S1}.jsonl"), read(CHATS / f"{S2}.jsonl")
    assert [e.dedup_key for e in original.events] == ["qw:a2", "qw:a4", "qw:a6"]
    assert [e.dedup_key for e in branch.events] == ["qw:a2", "qw:a4", "qw:a6", "qw:b1"]
    assert {e.session_id for e in branch.events} == {S2}
    assert len(dedup(original.events + branch.events)) == 4


def test_telemetry_and_usage_free_records_are_not_usage() -> None:
    r = read(CHATS / f"{S1}.jsonl")
    assert len(r.events) == 3 and r.skipped_count == 0  # ui_telemetry, tool_result, a7 without usage


def test_roots_per_platform_and_env(tmp_path: Path) -> None:
    home = Path("/home/u")
    for platform in ("linux", "darwin", "win32"):
        assert spec_roots(SPEC, home, {}, platform=platform) == [home / ".qwen"]
        assert spec_roots(SPEC, home, {"QWEN_RUNTIME_DIR": "/rt"}, platform=platform) == [Path("/rt"), home / ".qwen"]
        assert spec_roots(SPEC, home, {"QWEN_HOME": "/qh"}, platform=platform) == [home / ".qwen", Path("/qh")]
    shutil.copytree(HOME / ".qwen", tmp_path / "runtime")
    moved = dedup(all_events(read_home(SPEC, Path("/nonexistent"), {"QWEN_RUNTIME_DIR": str(tmp_path / "runtime")})))
    assert summary(moved) == EXPECTED


def test_hostile_lines_are_counted_and_skipped_the_rest_read(tmp_path: Path) -> None:
    def line(uuid: str, usage: object, **kw: object) -> bytes:
        rec = {"uuid": uuid, "sessionId": "s", "timestamp": "2026-11-30T10:00:00Z", "type": "assistant",
               "cwd": "/p", "model": "m", "usageMetadata": usage, **kw}  # fmt: skip
        return json.dumps(rec).encode()

    ok = {"promptTokenCount": 10, "candidatesTokenCount": 2, "cachedContentTokenCount": 4, "totalTokenCount": 12}
    poisoned = [
        line("h1", {"promptTokenCount": 10**13, "candidatesTokenCount": 1}),
        line("h2", {"promptTokenCount": "10", "candidatesTokenCount": 1}),
        line("h3", "lots"),
        line("h4", ok, timestamp="yesterday"),
        line("h5", ok, type=["assistant"]),
        line("h6", ok)[:-9],
        line("h7", ok).replace(b'"m"', b'"m\x00"', 1)[:30] + b"\x00\x00" + line("h7", ok)[30:],
    ]
    kept = [line("k1", ok), line("k2", ok, model=7, cwd=["x"], gitBranch=3)]  # wrong optional types keep usage
    f = tmp_path / "s.jsonl"
    f.write_bytes(b"\n".join(poisoned[:4] + kept[:1] + poisoned[4:] + kept[1:]) + b"\n")
    r = read(f)
    assert r.skipped_count == len(poisoned)
    got = [(e.dedup_key, e.model, e.project, e.input_tokens, e.cache_read_tokens, e.output_tokens) for e in r.events]
    assert got == [("qw:k1", "m", "/p", 6, 4, 2), ("qw:k2", "unknown", tmp_path.name, 6, 4, 2)]


def test_a_record_without_uuid_gets_a_stable_fingerprint(tmp_path: Path) -> None:
    rec = {"sessionId": "s", "timestamp": "2026-11-30T10:00:00Z", "type": "assistant", "model": "m",
           "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 2, "totalTokenCount": 12}}  # fmt: skip
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps(rec) + "\n")
    b.write_text(json.dumps({**rec, "sessionId": "t"}) + "\n")
    (ka,), (kb,) = (e.dedup_key for e in read(a).events), (e.dedup_key for e in read(b).events)
    assert ka == kb and ka.startswith("qw:fp:")


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=(CHATS / f"{S2}.jsonl").stat().st_size), max_size=4))
def test_split_anywhere_reads_the_same(tmp_path_factory, cuts: list[int]) -> None:
    src = CHATS / f"{S2}.jsonl"
    data = src.read_bytes()
    f = tmp_path_factory.mktemp("split") / src.name
    f.write_bytes(b"")
    r = read(f)
    events = list(r.events)
    for cut in [*sorted(cuts), len(data)]:
        f.write_bytes(data[:cut])
        r = read(f, r.cursor)
        assert r.skipped_count == 0
        events += r.events
    assert events == read(src).events


def test_generated_home_matches_the_generator_exactly(tmp_path: Path) -> None:
    exp = generate(tmp_path, seed=5, days=5, sessions_per_day=4, turns=4)
    results = read_home(SPEC, tmp_path)
    assert all(r.skipped_count == 0 and r.error is None for _, r in results)
    events = dedup(all_events(results))
    assert len(events) == exp.requests
    assert daily(events.values()) == dict(exp.ours)


def test_read_file_part_kind_is_jsonl() -> None:
    (part,) = SPEC.parts
    assert part.under == "projects" and part.patterns == ("*.jsonl",)
    assert read_part(part, CHATS / f"{S1}.jsonl").events
