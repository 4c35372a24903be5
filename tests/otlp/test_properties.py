"""Whatever the order, the batching and the number of retries, the stored totals are those of
each call once (the real import writer, a real SQLite file)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.otlp import shapes
from tracker.services.otlp_receiver import NO_IDENTITY, receiver_path, split_by_source
from tracker.sources.otlp.decode_json import document_records
from tracker.sources.otlp.read import usage_of
from tracker.store.db import connect
from tracker.store.writer import ImportWriter

REQUESTS = [
    shapes.claude_api_request(), shapes.codex_completed(), shapes.gemini_response(), shapes.copilot_spans(),
    shapes.openclaw_spans(), shapes.generic_spans(), shapes.claude_api_request("req_2", input_tokens="7"),
]  # fmt: skip


def store_batches(batches: list[list[int]]) -> list[tuple[object, ...]]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "t.sqlite3"
        conn = connect(db)
        for batch in batches:
            with ImportWriter(conn) as writer:
                for i in batch:
                    for source, result in split_by_source(usage_of(document_records(REQUESTS[i]))).items():
                        writer.add(receiver_path(source), source, NO_IDENTITY, result, restarted=False)
        conn.close()
        with sqlite3.connect(db) as check:
            return check.execute(
                "SELECT source, COUNT(*), SUM(total_tokens) FROM events GROUP BY source ORDER BY source"
            ).fetchall()


ONCE = store_batches([list(range(len(REQUESTS)))])


@settings(max_examples=15, deadline=None)
@given(st.lists(st.lists(st.integers(0, len(REQUESTS) - 1), max_size=6), max_size=5))
def test_retries_and_batching_never_change_the_totals(extra: list[list[int]]) -> None:
    batches = [*extra, list(range(len(REQUESTS)))[::-1], *extra]  # every call at least once, retries around
    assert store_batches(batches) == ONCE
