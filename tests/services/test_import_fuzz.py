"""Fuzzing the import path: hostile lines never change what the valid lines store, never raise."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.services.importer import SourceConfig, run_import
from tracker.store.db import connect

TS = "2026-06-02T12:00:00Z"


def cc(i: int, extra: dict[str, object] | None = None, usage: object = None, ts: object = TS) -> bytes:
    line: dict[str, object] = {
        "type": "assistant", "timestamp": ts, "sessionId": "s", "requestId": f"r{i}", "cwd": "/p",
        "message": {"id": f"m{i}", "model": "claude-sonnet-4-5",
                    "usage": usage if usage is not None else {"input_tokens": 10 + i, "output_tokens": i,
                                                              "cache_read_input_tokens": 3 * i}},
    }  # fmt: skip
    line.update(extra or {})
    return json.dumps(line).encode()


def cx(total_in: int, total_out: int, ts: object = TS) -> bytes:
    usage = {"input_tokens": total_in, "cached_input_tokens": total_in // 3, "output_tokens": total_out}
    payload = {"type": "token_count", "info": {"total_token_usage": usage}}
    return json.dumps({"timestamp": ts, "type": "event_msg", "payload": payload}).encode()


# Valid lines, a mistyped optional field included (its usage must count: F16).
VALID_CC = [cc(i) for i in range(30)] + [
    cc(100, {"gitBranch": 5}),
    cc(101, {"cwd": {"x": 1}}),
    cc(102, {"sessionId": 42}),
    cc(103, usage={"input_tokens": 7, "cache_creation": [1]}),
]
DEEP = b"[" * 5000 + b"]" * 5000
BIG = json.dumps({"type": "user", "message": {"content": "x" * (5 << 20)}}).encode()  # a 5 MB line
HOSTILE = [
    cc(900, usage={"input_tokens": 5 * 10**18}),
    cc(901, usage={"input_tokens": 10**30}),
    cc(902, usage={"input_tokens": -5}),
    cc(903, usage={"input_tokens": 1.5}),
    cc(904, usage={"input_tokens": "100"}),
    cc(905, usage={"input_tokens": True}),
    cc(906, usage=[1, 2]),
    cc(907, {"type": 5}),
    cc(908, {"message": "text"}),
    cc(909, ts="0001-01-01T00:00:00+14:00"),
    cc(910, ts="2150-01-01T00:00:00Z"),
    cc(911, ts="yesterday"),
    cc(912, ts=12345),
    cc(913, {"message": {"id": "m913", "usage": {"input_tokens": DEEP.decode()}}}),
    b'{"type":"assistant","message":{"id":"m914","usage":{"input_tokens":' + DEEP + b"}}}",
    DEEP,
    b"\x00\x00\x00",
    b'{"type":"assistant","cwd":"\xff\xfe","message":{"id":"m915","usage":{"input_tokens":9}}}',
    b"\xff\xfe\x00garbage",
    b'{"type":"assistant","message":{"id":',
    b"[]",
    b"null",
    BIG,
]
HOSTILE_CX = [
    cx(9 * 10**18, 9 * 10**18),
    cx(10**30, 1),
    cx(5, 5, ts="0001-01-01T00:00:00+14:00"),
    DEEP,
    b'{"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":"lots"}}}',
]

lines = st.lists(
    st.tuples(st.sampled_from(range(len(VALID_CC))), st.integers(0, 3)), max_size=25, unique_by=lambda x: x[0]
)
hostile = st.lists(st.tuples(st.sampled_from(range(len(HOSTILE))), st.integers(0, 3), st.integers(0, 30)), max_size=8)
hostile_cx = st.lists(st.tuples(st.sampled_from(range(len(HOSTILE_CX))), st.integers(0, 6)), max_size=4)


def stored(home: Path, root: Path) -> list[tuple[object, ...]]:
    conn = connect(root / "tw.sqlite3")
    run_import(conn, home=home, env={}, config=SourceConfig(), workers=1)
    return conn.execute(
        "SELECT source, dedup_key, session_id, project, git_branch, model, ts_ms, input_tokens, output_tokens,"
        " cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, reasoning_tokens FROM events ORDER BY 2"
    ).fetchall()


def write(home: Path, files: list[list[bytes]], codex: list[bytes]) -> None:
    for n, content in enumerate(files):
        path = home / ".claude" / "projects" / "p" / f"f{n}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(line + b"\n" for line in content))
    path = home / ".codex" / "sessions" / "rollout-x.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(line + b"\n" for line in codex))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(valid=lines, bad=hostile, bad_cx=hostile_cx, steps=st.integers(1, 6))
def test_hostile_lines_never_change_what_valid_lines_store(
    valid: list[tuple[int, int]], bad: list[tuple[int, int, int]], bad_cx: list[tuple[int, int]], steps: int
) -> None:
    clean_files: list[list[bytes]] = [[] for _ in range(4)]
    for i, f in valid:
        clean_files[f].append(VALID_CC[i])
    mixed_files = [list(c) for c in clean_files]
    for i, f, at in bad:
        mixed_files[f].insert(min(at, len(mixed_files[f])), HOSTILE[i])
    clean_cx = [cx(100 * k, 10 * k) for k in range(1, steps + 1)]
    mixed_cx = list(clean_cx)
    for i, at in bad_cx:
        mixed_cx.insert(min(at, len(mixed_cx)), HOSTILE_CX[i])
    root = Path(tempfile.mkdtemp(prefix="tw-fuzz-"))
    try:
        write(root / "clean", clean_files, clean_cx)
        write(root / "mixed", mixed_files, mixed_cx)
        expected = stored(root / "clean", root / "a")
        assert stored(root / "mixed", root / "b") == expected
        assert len(expected) == len(valid) + steps
    finally:
        shutil.rmtree(root)
