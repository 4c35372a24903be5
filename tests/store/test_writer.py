"""The writer keeps the largest copy of every event and a rollup equal to a rebuild from them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.core.reading import Cursor, ReadResult
from tracker.core.records import UsageEvent
from tracker.store.db import connect
from tracker.store.import_state import FileIdentity
from tracker.store.rollup import BUCKET_MS, refresh_rollup
from tracker.store.staging import pack, write_stage
from tracker.store.staging import staged as strip_staged
from tracker.store.writer import ImportWriter, StagedFile

T0 = 1_780_000_200_000  # a quarter-hour boundary

events = st.builds(
    lambda key, ts, tokens, model, project: UsageEvent(
        "claude-code", f"k{key}", f"s{key % 3}", project, "main", model, T0 + ts, *tokens, 0, 0, 0, 0
    ),
    key=st.integers(0, 9),  # few keys: copies of one request in many files
    ts=st.integers(-BUCKET_MS, 3 * BUCKET_MS),  # a copy may land in another bucket
    tokens=st.tuples(st.integers(0, 300_000), st.integers(0, 50)),
    model=st.sampled_from(["claude-sonnet-4-5", "claude-opus-4-1"]),
    project=st.sampled_from(["/a", "/b"]),
)
files = st.lists(st.tuples(st.lists(events, max_size=8), st.booleans()), max_size=8)


def rollups(conn: sqlite3.Connection) -> tuple[list[tuple[object, ...]], ...]:
    return tuple(
        sorted(conn.execute(f"SELECT * FROM {t}").fetchall())  # noqa: S608 - constants only
        for t in ("usage_rollup", "usage_rollup_project")
    )


def models(conn: sqlite3.Connection) -> set[str]:
    return {m for (m,) in conn.execute("SELECT model FROM models")}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(imports=st.lists(files, min_size=1, max_size=3), batch=st.integers(1, 20), staged=st.booleans())
def test_rollup_after_any_writes_equals_a_rebuild(tmp_path: Path, imports: list, batch: int, staged: bool) -> None:
    """Written file by file, or staged by a worker a few files at a time and merged."""
    db = tmp_path / "w.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    conn = connect(db)
    largest: dict[str, int] = {}
    for n, run in enumerate(imports):
        with ImportWriter(conn, batch_events=batch) as w:
            results = [
                (
                    f"/f{n}-{i}",
                    FileIdentity(1, i, 1, 1, 0, ""),
                    pack(ReadResult(Cursor(), events=list(evs))),
                    restarted,
                )
                for i, (evs, restarted) in enumerate(run)
            ]
            if staged:
                # Batches of a few files, merged a few batches per transaction.
                per_batch, per_merge = batch % 4 + 1, batch % 3 + 1
                stages = []
                for k, start in enumerate(range(0, len(results), per_batch)):
                    chunk = results[start : start + per_batch]
                    stage = tmp_path / f"stage-{n}-{k}.sqlite3"
                    stage.unlink(missing_ok=True)
                    write_stage(stage, [("claude-code", r) for _, _, r, _ in chunk])
                    stages.append(
                        (stage, [StagedFile(p, "claude-code", ident, strip_staged(r), rs) for p, ident, r, rs in chunk])
                    )
                for start in range(0, len(stages), per_merge):
                    w.add_staged(stages[start : start + per_merge])
            else:
                for path, ident, result, restarted in results:
                    w.add(path, "claude-code", ident, result, restarted=restarted)
            for evs, _ in run:
                for e in evs:
                    largest[e.dedup_key] = max(largest.get(e.dedup_key, -1), e.total_tokens)
    stored = dict(conn.execute("SELECT dedup_key, total_tokens FROM events"))
    assert sorted(stored.values()) == sorted(largest.values())  # one row per key, its largest copy
    incremental, seen = rollups(conn), models(conn)
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM usage_rollup")
        conn.execute("DELETE FROM usage_rollup_project")
        conn.execute("DELETE FROM models")
        refresh_rollup(conn, range((T0 - BUCKET_MS) // BUCKET_MS, (T0 + 4 * BUCKET_MS) // BUCKET_MS))
    assert incremental == rollups(conn)
    # Every model with usage is listed (one whose copy was replaced may stay: it only means
    # its price is looked up).
    assert seen >= models(conn)


def test_larger_copies_moving_two_events_out_of_one_bucket(tmp_path: Path) -> None:
    """Both copies leave the same bucket in one batch: the bucket is marked once, not a failure."""
    conn = connect(tmp_path / "w.sqlite3")

    def write(path: str, ts: int, out: int) -> None:
        evs = [UsageEvent("codex", f"k{i}", "s", "/a", "", "gpt-5", ts + i, 1, out, 0, 0, 0, 0) for i in range(2)]
        with ImportWriter(conn) as w:
            w.add(
                path, "codex", FileIdentity(1, 1, 1, 1, 0, ""), pack(ReadResult(Cursor(), events=evs)), restarted=False
            )

    write("/a", T0, 1)
    write("/b", T0 + BUCKET_MS, 5)
    assert conn.execute("SELECT bucket, output_tokens, events FROM usage_rollup").fetchall() == [
        ((T0 + BUCKET_MS) // BUCKET_MS, 10, 2)
    ]
