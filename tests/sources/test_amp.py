"""Amp: message usage, the usage ledger only where a message has none (never both), side calls
in the ledger, threads rewritten/truncated in place counted once, hostile documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tests.helpers.reading import all_events, dedup, read_home
from tracker.core.reading import Cursor, ReadResult
from tracker.sources.amp import SPEC, THREADS
from tracker.sources.spec import spec_roots

HOME = FIXTURES / "amp"
THREADS_DIR = HOME / ".local" / "share" / "amp" / "threads"
CUR = "T-5b0c7e1a-2f3d-4c5b-8a9e-0d1c2b3a4f5e"
OLD = "T-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
LEDGER_ONLY = "T-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
SONNET = "claude-sonnet-4-5-20250929"

# key -> (model, input, output, cache write, cache read, credits in micro-USD, ts_ms), by hand from the files
EXPECTED = {
    # the research's message: total input 12368 = 10 fresh + 986 written + 11372 read
    f"amp:{CUR}:1": (SONNET, 10, 178, 986, 11372, 420000, 1796038930652),
    # usage without a timestamp: the thread's created (2026-11-30T10:00:00Z)
    f"amp:{CUR}:3": (SONNET, 4, 950, 1200, 12354, 50000, 1796032800000),
    f"amp:{CUR}:4": ("gpt-5", 2000, 300, 0, 0, 0, 1796083205000),
    # message usage; the ledger's e-1 for the same message adds nothing
    f"amp:{OLD}:1": ("claude-sonnet-4-20250514", 120, 40, 5000, 0, None, 1794474030000),
    # a message without usage: its ledger event e-2, with the ledger's own cache read
    f"amp:{OLD}:3": ("claude-sonnet-4-20250514", 400, 60, 0, 5000, 20000, 1794474070000),
    # e-3, a title call no message stands for
    f"amp:{OLD}:ledger:e-3": ("claude-haiku-4-5", 300, 20, 0, 0, 1000, 1794474100000),
    # message 5; e-4 names no message but repeats its model and counts: the same request
    f"amp:{OLD}:5": ("claude-sonnet-4-20250514", 50, 10, 0, 0, None, 1794474120000),
    # an old thread whose only usage is its ledger
    f"amp:{LEDGER_ONLY}:ledger:e-9": ("claude-opus-4-1", 900, 700, 0, 0, 1200000, 1793520000000),
}


def summary(events: dict) -> dict:
    return {
        k: (
            e.model, e.input_tokens, e.output_tokens, e.cache_creation_tokens,
            e.cache_read_tokens, e.tool_cost_micro, e.ts_ms,
        )
        for k, e in events.items()
    }  # fmt: skip


def parse(data: bytes, name: str = "T-x.json") -> ReadResult:
    r = ReadResult(cursor=Cursor())
    THREADS.parse_document(Path(name), data, r)
    return r


def test_fixture_counts_each_request_once_from_messages_or_the_ledger_never_both() -> None:
    results = read_home(SPEC, HOME)
    assert sorted(p.name for p, _ in results) == sorted(f"{t}.json" for t in (CUR, OLD, LEDGER_ONLY))  # not index.json
    assert all(r.error is None and r.skipped_count == 0 for _, r in results)
    events = all_events(results)
    assert len(events) == len(EXPECTED)  # no copy at all, not even within a file
    assert summary(dedup(events)) == EXPECTED
    old = next(r for p, r in results if p.stem == OLD)
    assert old.ignored == {
        "amp ledger event for a message with its own usage": 1,
        "amp ledger event repeating a message's usage": 1,
    }


def test_amp_data_dir_list_and_roots_per_platform(tmp_path: Path) -> None:
    home = Path("/home/u")
    for platform in ("linux", "darwin", "win32"):
        assert spec_roots(SPEC, home, {}, platform=platform) == [home / ".local/share/amp"]
    assert spec_roots(SPEC, home, {"AMP_DATA_DIR": "/a, /b"}, platform="linux") == [Path("/a"), Path("/b")]
    shutil.copytree(HOME / ".local" / "share" / "amp", tmp_path / "two")
    (tmp_path / "one" / "threads").mkdir(parents=True)
    moved = read_home(SPEC, Path("/nonexistent"), {"AMP_DATA_DIR": f"{tmp_path / 'one'},{tmp_path / 'two'}"})
    assert summary(dedup(all_events(moved))) == EXPECTED


def message(mid: int, inp: int, out: int, read: int) -> dict:
    return {
        "role": "assistant",
        "messageId": mid,
        "usage": {
            "model": SONNET, "inputTokens": inp, "outputTokens": out, "cacheCreationInputTokens": 0,
            "cacheReadInputTokens": read, "timestamp": f"2026-11-30T10:00:{mid:02}Z",
        },
    }  # fmt: skip


edits = st.lists(
    st.one_of(
        st.tuples(st.just("append"), st.integers(0, 900), st.integers(0, 900), st.integers(0, 5000)),
        st.tuples(st.just("truncate"), st.integers(0, 6), st.just(0), st.just(0)),
        st.tuples(st.just("grow"), st.integers(1, 400), st.just(0), st.just(0)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(edits=edits)
def test_any_rewrites_appends_and_truncations_store_each_message_once(edits) -> None:
    """Amp rewrites the thread file whole; a checkpoint restore truncates it. Merged by key as
    the store does, every message ever seen is counted once, at its last (largest) usage."""
    messages: list[dict] = []
    stored: dict = {}
    ever: dict[str, int] = {}
    next_id = 1
    for op, a, b, c in edits:
        if op == "append":
            messages.append(message(next_id, a, b, c))
            ever[f"amp:T-p:{next_id}"] = a + b + c
            next_id += 1
        elif op == "grow" and messages:  # the last reply streams on: its output grows
            last = messages[-1]
            last["usage"]["outputTokens"] += a
            ever[f"amp:T-p:{last['messageId']}"] += a
        else:
            messages = messages[: min(a, len(messages))]
        doc = json.dumps({"id": "T-p", "created": 1796032800000, "messages": messages}).encode()
        stored = dedup([*stored.values(), *parse(doc).events])
    assert {k: e.total_tokens for k, e in stored.items()} == ever


def test_hostile_documents_and_messages() -> None:
    good = (THREADS_DIR / f"{CUR}.json").read_bytes()
    for broken in (good[: len(good) // 2], b"", b"\x00\x00\x00", b"[1, 2"):
        r = parse(broken)
        assert r.error is not None and r.events == []  # a half-written thread: an error, nothing lost
    doc = json.loads(good)
    doc["messages"] += [
        {"role": "assistant", "messageId": 7, "usage": {"model": SONNET, "inputTokens": 1e30, "outputTokens": 1}},
        {"role": "assistant", "messageId": 8, "usage": {"model": SONNET, "inputTokens": "9", "outputTokens": 1}},
        {"role": "assistant", "messageId": 9, "usage": {"inputTokens": 5, "outputTokens": 1, "timestamp": "noon"}},
        {"role": "assistant", "usage": {"inputTokens": 5, "outputTokens": 1}},  # no messageId
        {"role": "assistant", "messageId": 10, "usage": {"model": ["x"], "inputTokens": 5, "outputTokens": 1}},
        "not a message",
        {"role": "assistant", "messageId": 11, "usage": "tokens"},
    ]
    doc["usageLedger"] = {"events": [7, {"id": "z", "tokens": {"input": 1, "output": 1}, "timestamp": "later"}]}
    r = parse(json.dumps(doc).encode())
    assert r.error is None
    assert r.skipped_count == 6  # 7, 8, 9, the one without an id, the ledger's 7 and "later"
    kept = {e.dedup_key.rsplit(":", 1)[1]: e for e in r.events}
    assert set(kept) == {"1", "3", "4", "10"}
    assert kept["10"].model == "unknown"  # a wrongly typed model keeps the request's usage
