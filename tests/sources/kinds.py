"""Tiny sources of each reader kind, for testing the platform behind the contract once.

``DOC_SPEC`` reads ``~/.kinds/docs/*.json`` (and ``.json.zst``): ``{"requests": [{"id", "ts",
"in", "out"}]}``. ``DB_SPEC`` reads ``~/.kinds/db/*.db``: table ``requests`` (generation 1)
or ``requests_v2`` (generation 2, other column names). Both count their reads in
``CALLS`` (in this process), so a test can see that an unchanged file was not read.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tracker.core.reading import ReadResult
from tracker.core.records import UsageEvent
from tracker.sources.document import decode_json
from tracker.sources.normalize import add_usage
from tracker.sources.spec import Kind, Part, Root, SourceSpec
from tracker.sources.timestamps import usage_ts_ms

CALLS: Counter[str] = Counter()
T0 = "2026-06-01T10:00:00Z"


class DocReader:
    def parse_document(self, path: Path, data: bytes, result: ReadResult) -> None:
        CALLS["doc"] += 1
        doc = decode_json(data, result)
        if not isinstance(doc, dict) or not isinstance(doc.get("requests"), list):
            if not result.error:
                result.error = "not a requests document"
            return
        for n, r in enumerate(doc["requests"], 1):
            if not isinstance(r, dict):
                result.skip(n, "not a request")
                continue
            if r.get("unchecked"):  # a reader bug: past the range checks, straight to the store
                ev = UsageEvent("doc-test", f"doc:{r['id']}", "s", "/p", "", "m", 1780000000000, r["in"], 1, 0, 0, 0, 0)
                result.events.append(ev)
                continue
            ts = usage_ts_ms(r.get("ts", T0))
            if ts is None:
                result.skip(n, "unreadable timestamp")
                continue
            add_usage(
                result, n, source="doc-test", key=f"doc:{r.get('id')}", session=path.stem, project="/p",
                model="claude-sonnet-4-5", ts_ms=ts, input=r.get("in"), output=r.get("out"),
                tool_cost_usd=r.get("cost"), subscription=bool(r.get("sub")),
            )  # fmt: skip


class DbReader:
    def read_database(
        self, db: sqlite3.Connection, path: Path, marks: Mapping[str, int], result: ReadResult
    ) -> dict[str, int]:
        CALLS["db"] += 1
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "requests_v2" in tables:
            query, mark = "SELECT rowid, req_id, created, tok_in, tok_out FROM requests_v2 WHERE rowid > ?", "v2"
        elif "requests" in tables:
            query, mark = "SELECT rowid, id, ts, input, output FROM requests WHERE rowid > ?", "v1"
        else:
            return dict(marks)  # nothing here (yet)
        last = marks.get(mark, 0)
        for rowid, rid, ts, tin, tout in db.execute(query + " ORDER BY rowid", (last,)):
            stamp = usage_ts_ms(ts)
            if stamp is None:
                result.skip(rowid, "unreadable timestamp")
            else:
                add_usage(
                    result, rowid, source="db-test", key=f"db:{rid}", session="s", project="/p",
                    model="gpt-5", ts_ms=stamp, input=tin, output=tout,
                )  # fmt: skip
            last = rowid
        return {mark: last}


DOC_SPEC = SourceSpec(
    id="doc-test",
    label="Doc Test",
    roots=(Root("~/.kinds/docs"),),
    parts=(Part("docs", Kind.DOCUMENT, ("*.json", "*.json.zst"), DocReader()),),
    counts="Each request in each document, once per id.",
)
DB_SPEC = SourceSpec(
    id="db-test",
    label="DB Test",
    roots=(Root("~/.kinds/db"),),
    parts=(Part("db", Kind.SQLITE, ("*.db",), DbReader()),),
    counts="Each request row, once per id.",
)
KINDS = {DOC_SPEC.id: DOC_SPEC, DB_SPEC.id: DB_SPEC}


def write_doc_unchecked(path: Path, tokens: int) -> None:
    """A document whose one request ``UncheckedDocReader`` stores without range checks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{{"requests": [{{"id": "{path.stem}", "in": {tokens}, "out": 1, "unchecked": true}}]}}')


def create_db(path: Path, rows: list[tuple[str, int, int]], generation: int = 1) -> sqlite3.Connection:
    """A tool's database in WAL mode with ``rows`` (id, input, output); the tool's own
    connection is returned open, as a running tool keeps it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    if generation == 1:
        conn.execute("CREATE TABLE IF NOT EXISTS requests (id TEXT, ts TEXT, input INTEGER, output INTEGER)")
    else:
        conn.execute("CREATE TABLE IF NOT EXISTS requests_v2 (req_id TEXT, created TEXT, tok_in INT, tok_out INT)")
    insert_rows(conn, rows, generation)
    return conn


def insert_rows(conn: sqlite3.Connection, rows: list[tuple[str, int, int]], generation: int = 1) -> None:
    table = "requests" if generation == 1 else "requests_v2"
    conn.executemany(f"INSERT INTO {table} VALUES (?, '{T0}', ?, ?)", rows)  # noqa: S608 - test constants


def stored(conn: sqlite3.Connection, source: str) -> dict[bytes, tuple[int, int]]:
    return {
        k: (i, o)
        for k, i, o in conn.execute(
            "SELECT dedup_key, input_tokens, output_tokens FROM events WHERE source = ?", (source,)
        )
    }


def run(conn: sqlite3.Connection, home: Path, **kw: Any) -> Any:
    from tracker.services.importer import SourceConfig, run_import

    return run_import(conn, home=home, env={}, config=SourceConfig(), sources=KINDS, **kw)
