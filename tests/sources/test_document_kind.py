"""The DOCUMENT reader kind: whole files rewritten in place, on real files."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sources.kinds import CALLS, DocReader, run, stored
from tracker.core.records import dedup_digest
from tracker.sources.document import read_document
from tracker.store.db import connect

TOKENS = {f"r{i}": (10 * (i + 1), i + 1) for i in range(12)}  # each request's fixed usage


def write_doc(path: Path, ids: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"requests": [{"id": i, "in": TOKENS[i][0], "out": TOKENS[i][1]} for i in ids]}
    path.write_text(json.dumps(doc))


def doc_path(home: Path, name: str = "task.json") -> Path:
    return home / ".kinds" / "docs" / name


# An operation on the document: rewrite it with these ids (a superset is an append, a
# prefix a truncation such as a checkpoint restore, anything else a rewrite).
ops = st.lists(st.lists(st.sampled_from(sorted(TOKENS)), max_size=8, unique=True), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=ops, coarse_clock=st.booleans())
def test_any_rewrites_appends_and_truncations_store_each_request_once(ops: list[list[str]], coarse_clock: bool) -> None:
    root = Path(tempfile.mkdtemp(prefix="tw-doc-"))
    try:
        home, store = root / "home", connect(root / "tw.sqlite3")
        path = doc_path(home)
        seen: set[str] = set()
        for n, ids in enumerate(ops):
            write_doc(path, ids)
            if coarse_clock:  # a file system with whole-second mtimes: each write still moves it
                os.utime(path, ns=(1, (1_000_000 + n) * 1_000_000_000))
            seen.update(ids)
            run(store, home)
            # Every request ever seen is stored once with its usage; a truncation deletes nothing.
            assert stored(store, "doc-test") == {dedup_digest(f"doc:{i}"): TOKENS[i] for i in seen}
    finally:
        shutil.rmtree(root)


def test_an_unchanged_document_is_not_read_again(tmp_path: Path, home: Path) -> None:
    write_doc(doc_path(home), ["r1", "r2"])
    store = connect(tmp_path / "tw.sqlite3")
    run(store, home)
    before = CALLS["doc"]
    assert run(store, home).sources["doc-test"].files_read == 0
    assert CALLS["doc"] == before


def test_truncated_document_and_corrupt_frame_are_one_error_each(tmp_path: Path, home: Path) -> None:
    import zstandard

    write_doc(doc_path(home, "good.json"), ["r1"])
    whole = json.dumps({"requests": [{"id": "r2", "in": 5, "out": 1}]}).encode()
    doc_path(home, "half.json").write_bytes(whole[: len(whole) // 2])  # the tool is mid-write
    doc_path(home, "cold.json.zst").write_bytes(zstandard.ZstdCompressor().compress(whole))
    frame = zstandard.ZstdCompressor().compress(whole * 20)
    doc_path(home, "bad.json.zst").write_bytes(frame[:6] + b"\xff" * 40 + frame[46:])
    doc_path(home, "cut.json.zst").write_bytes(frame[:-5])
    doc_path(home, "deep.json").write_bytes(b"[" * 5000 + b"]" * 5000)
    store = connect(tmp_path / "tw.sqlite3")
    summary = run(store, home)
    errors = sorted(summary.sources["doc-test"].errors)
    assert len(errors) == 4, errors
    assert "bad.json.zst" in errors[0] and "corrupt zstd" in errors[0]
    assert "cut.json.zst" in errors[1] and "truncated zstd" in errors[1]
    assert "deep.json" in errors[2] and "half.json" in errors[3] and "not valid JSON" in errors[3]
    assert sorted(stored(store, "doc-test").values()) == [(5, 1), (20, 2)]  # cold.json.zst and good.json
    doc_path(home, "half.json").write_bytes(whole)  # finished writing: read, error cleared
    run(store, home)
    assert store.execute("SELECT error FROM files WHERE path LIKE '%half.json'").fetchone() == (None,)


def test_a_document_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    write_doc(path, ["r1", "r2"])
    result = read_document(path, DocReader(), max_bytes=10)
    assert result.error is not None and "too large" in result.error and result.events == []


def test_parallel_workers_read_documents_too(tmp_path: Path, home: Path) -> None:
    for i in range(4):
        write_doc(doc_path(home, f"t{i}.json"), [f"r{i}", f"r{i + 4}"])
    store = connect(tmp_path / "tw.sqlite3")
    run(store, home, workers=2, parallel_min_bytes=0)
    assert len(stored(store, "doc-test")) == 8
