"""The same call via a tool's own log and via OTLP counts once, whichever arrives first; calls
only OTLP has (Cowork, a deleted log, another machine) count. Real parts: a Claude Code
transcript in a tmp HOME read by the importer, the receiver on 127.0.0.1 fed by real OTLP/HTTP
requests (the SDK's protobuf exporter and OTLP/JSON), the OTLP file import through the CLI,
and the totals from ``tokenworth usage --json``."""

from __future__ import annotations

import http.client
import json
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, usage_json
from tests.otlp import shapes
from tracker.core.paths import DataPaths
from tracker.services.importer import SourceConfig, run_import
from tracker.services.otlp_dedup import settle_events
from tracker.services.otlp_receiver import NO_IDENTITY, OtlpReceiver, receiver_token
from tracker.sources.otlp.decode_json import document_records
from tracker.sources.otlp.read import usage_of
from tracker.store.db import connect
from tracker.store.otlp_events import CHECKED, WINDOW_MS, counts
from tracker.store.rollup import ensure_rollup
from tracker.store.writer import ImportWriter

SESSION = "5f1c2f8e-0000-4000-8000-00000000000a"
MODEL = "claude-sonnet-4-5-20250929"
MINUTE_NS = 60 * 1_000_000_000
# Two calls (req_A, req_B) with the same counts, 20 minutes apart, and one other (req_C).
A = {"input_tokens": "5", "output_tokens": "600", "cache_read_tokens": "16200", "cache_creation_tokens": "300"}
C = {"input_tokens": "7", "output_tokens": "90", "cache_read_tokens": "1000", "cache_creation_tokens": "0"}


@pytest.fixture
def paths(data_dir: Path) -> DataPaths:
    return DataPaths(data_dir).ensure()


@pytest.fixture
def receiver(paths: DataPaths) -> Iterator[OtlpReceiver]:
    r = OtlpReceiver(paths.database, receiver_token(paths), port=0, flush_s=0.05).start()
    yield r
    r.stop()


def iso(time_ns: int) -> str:
    return datetime.fromtimestamp(time_ns / 1e9, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def line(msg: str, request: str, time_ns: int, c: dict[str, str], session: str = SESSION) -> str:
    usage = {
        "input_tokens": int(c["input_tokens"]), "output_tokens": int(c["output_tokens"]),
        "cache_read_input_tokens": int(c["cache_read_tokens"]),
        "cache_creation_input_tokens": int(c["cache_creation_tokens"]),
    }  # fmt: skip
    return json.dumps({
        "type": "assistant", "sessionId": session, "requestId": request, "cwd": "/home/dev/shop",
        "gitBranch": "main", "timestamp": iso(time_ns),
        "message": {"id": msg, "role": "assistant", "model": MODEL, "content": [], "usage": usage},
    })  # fmt: skip


def write_transcript(home: Path, *lines: str) -> None:
    folder = home / ".claude" / "projects" / "-home-dev-shop"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{SESSION}.jsonl").open("a") as f:
        f.write("".join(f"{x}\n" for x in lines))


def import_logs(paths: DataPaths, home: Path) -> None:
    conn = connect(paths.database)
    try:
        run_import(conn, home=home, env={}, config=SourceConfig())
    finally:
        conn.close()


def otlp(request: str, time_ns: int, c: dict[str, str], session: str = SESSION, **kw: Any) -> dict[str, Any]:
    return shapes.claude_api_request(request, session, time_ns=time_ns, model=MODEL, **c, **kw)


def post_json(r: OtlpReceiver, doc: dict[str, Any]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", r.port, timeout=30)
    try:
        body = json.dumps(doc).encode()
        conn.request(
            "POST", "/v1/logs", body=body, headers={"Content-Type": "application/json", "X-Tokenworth-Token": r.token}
        )
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def post_protobuf(r: OtlpReceiver, *calls: tuple[str, int, dict[str, str]]) -> None:
    """The calls as Claude Code's exporter sends them: the OpenTelemetry SDK's OTLP/HTTP protobuf exporter."""
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
    from opentelemetry.sdk.resources import Resource

    logs = LoggerProvider(resource=Resource.create({"service.name": "claude-code"}))
    exporter = OTLPLogExporter(endpoint=f"{r.endpoint}/v1/logs", headers={"X-Tokenworth-Token": r.token})
    logs.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    for request, time_ns, c in calls:
        logs.get_logger("com.anthropic.claude_code.events").emit(
            timestamp=time_ns, body="claude_code.api_request",
            attributes={"event.name": "api_request", "session.id": SESSION, "request_id": request, "model": MODEL, **c},
        )  # fmt: skip
    logs.shutdown()


def events(paths: DataPaths) -> list[tuple[str, str, int, int]]:
    """(source, key kind, output tokens, ts_ms) of every stored event, in time order."""
    with sqlite3.connect(paths.database) as db:
        rows = db.execute(
            """SELECT e.source, CASE WHEN o.otlp_key IS NULL THEN 'log' ELSE 'otlp' END, e.output_tokens, e.ts_ms
               FROM events e LEFT JOIN otlp_events o ON o.otlp_key = e.dedup_key ORDER BY e.ts_ms, e.id"""
        ).fetchall()
    return [tuple(r) for r in rows]


def assert_rollup_is_the_events(paths: DataPaths) -> None:
    sums = "SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_5m_tokens)"
    with sqlite3.connect(paths.database) as db:
        from_events = db.execute(f"SELECT COUNT(*), {sums} FROM events").fetchone()  # noqa: S608 - constants
        for table in ("usage_rollup", "usage_rollup_project"):
            rolled = db.execute(f"SELECT SUM(events), {sums} FROM {table}").fetchone()  # noqa: S608 - constants
            assert rolled == from_events, table


def totals(cli: CliRunner) -> dict[str, int]:
    t = usage_json(cli, "daily", "--no-import", "--since", "2026-05-01", "--until", "2026-07-01")["totals"]
    return {k: t[k] for k in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")}


T0 = shapes.T0_NS
LOG_LAG = 2_000_000_000  # the transcript line is written 2 s before the request's OTLP record


def test_logs_first_then_otlp_json_counts_once_and_so_do_retries(
    home: Path, paths: DataPaths, receiver: OtlpReceiver, cli: CliRunner
) -> None:
    write_transcript(home, line("msg_A", "req_A", T0 - LOG_LAG, A))
    import_logs(paths, home)
    assert post_json(receiver, otlp("req_A", T0, A)) == 200
    assert post_json(receiver, otlp("req_A", T0, A)) == 200  # the exporter's retry
    assert events(paths) == [("claude-code", "log", 600, (T0 - LOG_LAG) // 1_000_000)]
    assert receiver.stats.in_logs == 2
    assert_rollup_is_the_events(paths)
    assert totals(cli) == {
        "input_tokens": 5,
        "output_tokens": 600,
        "cache_read_tokens": 16200,
        "cache_creation_tokens": 300,
    }


def test_otlp_protobuf_first_then_the_log_replaces_it(
    home: Path, paths: DataPaths, receiver: OtlpReceiver, cli: CliRunner
) -> None:
    post_protobuf(receiver, ("req_A", T0, A))
    assert events(paths) == [("claude-code", "otlp", 600, T0 // 1_000_000)]
    assert_rollup_is_the_events(paths)
    write_transcript(home, line("msg_A", "req_A", T0 - LOG_LAG, A))
    import_logs(paths, home)
    assert events(paths) == [("claude-code", "log", 600, (T0 - LOG_LAG) // 1_000_000)]
    assert_rollup_is_the_events(paths)
    post_protobuf(receiver, ("req_A", T0, A))  # a late retry of the replaced record
    assert events(paths) == [("claude-code", "log", 600, (T0 - LOG_LAG) // 1_000_000)]
    with sqlite3.connect(paths.database) as db:
        assert counts(db) == (0, 1)
    assert totals(cli)["output_tokens"] == 600


@pytest.mark.parametrize("logs_first", [True, False])
def test_equal_calls_stay_apart_and_calls_without_a_log_line_count(
    logs_first: bool, home: Path, paths: DataPaths, receiver: OtlpReceiver, cli: CliRunner
) -> None:
    """A and B: equal counts, one session, 20 minutes apart, each in the log and over OTLP.
    D: equal counts too, 3 minutes after A, over OTLP only (its log line was lost). C: OTLP
    only. Cowork: the same session and counts as A, from Claude desktop: never taken for A."""
    b_ns, d_ns = T0 + 20 * MINUTE_NS, T0 + 3 * MINUTE_NS
    transcript = (line("msg_A", "req_A", T0 - LOG_LAG, A), line("msg_B", "req_B", b_ns - LOG_LAG, A))
    if logs_first:
        write_transcript(home, *transcript)
        import_logs(paths, home)
    post_protobuf(receiver, ("req_A", T0, A), ("req_D", d_ns, A), ("req_B", b_ns, A))
    assert post_json(receiver, otlp("req_C", T0 + MINUTE_NS, C)) == 200
    assert post_json(receiver, otlp("req_A", T0, A, service="cowork")) == 200
    if not logs_first:
        write_transcript(home, *transcript)
        import_logs(paths, home)
    ms = 1_000_000
    assert events(paths) == [
        ("claude-code", "log", 600, (T0 - LOG_LAG) // ms),  # A
        ("claude-code", "otlp", 600, T0 // ms),  # Cowork's
        ("claude-code", "otlp", 90, (T0 + MINUTE_NS) // ms),  # C
        ("claude-code", "otlp", 600, d_ns // ms),  # D
        ("claude-code", "log", 600, (b_ns - LOG_LAG) // ms),  # B
    ]
    with sqlite3.connect(paths.database) as db:
        assert counts(db) == (3, 2)  # Cowork, C, D counted from OTLP; A and B from the logs
    assert_rollup_is_the_events(paths)
    assert totals(cli) == {
        "input_tokens": 4 * 5 + 7, "output_tokens": 4 * 600 + 90,
        "cache_read_tokens": 4 * 16200 + 1000, "cache_creation_tokens": 4 * 300,
    }  # fmt: skip


def test_a_call_outside_the_window_or_in_another_session_is_another_call(
    home: Path, paths: DataPaths, receiver: OtlpReceiver
) -> None:
    write_transcript(home, line("msg_A", "req_A", T0, A))
    import_logs(paths, home)
    late = T0 + WINDOW_MS * 1_000_000 + 1_000_000
    assert post_json(receiver, otlp("req_X", late, A)) == 200
    assert post_json(receiver, otlp("req_Y", T0, A, session="another-machine's-session")) == 200
    assert [kind for _, kind, _, _ in events(paths)] == ["log", "otlp", "otlp"]


def test_an_otlp_file_import_is_matched_like_the_receiver(home: Path, paths: DataPaths, cli: CliRunner) -> None:
    write_transcript(home, line("msg_A", "req_A", T0 - LOG_LAG, A))
    cli("usage", "daily", "--json", check_rc=0)  # the log import
    file = home / "claude-otlp.jsonl"
    file.write_text(json.dumps(otlp("req_A", T0, A)) + "\n" + json.dumps(otlp("req_C", T0, C)) + "\n")
    first = cli("import", str(file), check_rc=0).stdout
    again = cli("import", str(file), check_rc=0).stdout  # again: still once
    assert "2 usage record(s) for claude-code (1 new)" in first  # req_A is in the logs
    assert "2 usage record(s) for claude-code (0 new)" in again
    assert [(kind, out) for _, kind, out, _ in events(paths)] == [("log", 600), ("otlp", 90)]
    assert totals(cli)["output_tokens"] == 690
    assert_rollup_is_the_events(paths)


def test_a_log_import_with_no_otlp_events_writes_nothing_for_them(home: Path, paths: DataPaths) -> None:
    write_transcript(home, line("msg_A", "req_A", T0, A))
    import_logs(paths, home)
    with sqlite3.connect(paths.database) as db:
        assert db.execute("SELECT COUNT(*) FROM otlp_events").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM meta WHERE key = ?", (CHECKED,)).fetchone()[0] == 0


@pytest.mark.parametrize("first_import", [True, False])
def test_otlp_before_a_parallel_first_import_is_replaced_by_its_log(
    first_import: bool, home: Path, paths: DataPaths, receiver: OtlpReceiver
) -> None:
    """The bulk first import (rollup left pending) and the staged parallel import both end in the check."""
    assert post_json(receiver, otlp("req_A", T0, A)) == 200
    write_transcript(home, line("msg_A", "req_A", T0 - LOG_LAG, A))
    other = home / ".claude" / "projects" / "-home-dev-other"
    other.mkdir(parents=True)
    (other / "s2.jsonl").write_text(line("msg_C", "req_C", T0, C, session="s2") + "\n")
    conn = connect(paths.database)
    try:
        run_import(
            conn, home=home, env={}, config=SourceConfig(), workers=2, parallel_min_bytes=0, mp_context="fork",
            first_import=first_import,
        )  # fmt: skip
        ensure_rollup(conn)
    finally:
        conn.close()
    assert [(kind, out) for _, kind, out, _ in events(paths)] == [("log", 600), ("log", 90)]
    assert_rollup_is_the_events(paths)


def test_settle_outside_a_transaction_keeps_the_rollup_exact(home: Path, paths: DataPaths) -> None:
    """When the writer committed before the check (a large batch), the check runs on its own."""
    write_transcript(home, line("msg_A", "req_A", T0 - LOG_LAG, A))
    import_logs(paths, home)
    read = usage_of(document_records(otlp("req_A", T0, A)))
    conn = connect(paths.database)
    try:
        with ImportWriter(conn) as writer:
            writer.add("otlp-test", "claude-code", NO_IDENTITY, read, restarted=False)
        assert_rollup_is_the_events(paths)  # the OTLP event is in, counted twice for now
        assert len(events(paths)) == 2
        assert settle_events(conn, read.events) == 1
        assert not conn.in_transaction
    finally:
        conn.close()
    assert [kind for _, kind, _, _ in events(paths)] == ["log"]
    assert_rollup_is_the_events(paths)


def test_a_log_read_while_the_reply_streamed_is_matched_once_it_is_complete(
    home: Path, paths: DataPaths, receiver: OtlpReceiver
) -> None:
    """The transcript is read mid-reply (a smaller copy of the call), the OTLP record of the
    finished call arrives, then the reply's last line: the log's row grows in place and the
    OTLP event goes (it is recent, so compared again though the log row is not new)."""
    now = (time.time_ns() // MINUTE_NS - 30) * MINUTE_NS  # half an hour ago
    write_transcript(home, line("msg_S", "req_S", now - LOG_LAG, {**A, "output_tokens": "4"}))
    import_logs(paths, home)
    assert post_json(receiver, otlp("req_S", now, A)) == 200
    assert [(kind, out) for _, kind, out, _ in events(paths)] == [("log", 4), ("otlp", 600)]
    write_transcript(home, line("msg_S", "req_S", now - LOG_LAG // 2, A))
    import_logs(paths, home)
    assert [(kind, out) for _, kind, out, _ in events(paths)] == [("log", 600)]
    assert_rollup_is_the_events(paths)


def test_the_model_spelling_does_not_keep_a_call_apart(home: Path, paths: DataPaths, receiver: OtlpReceiver) -> None:
    write_transcript(home, line("msg_A", "req_A", T0 - LOG_LAG, A))
    import_logs(paths, home)
    alias = shapes.claude_api_request("req_A", SESSION, time_ns=T0, **{**A, "model": "claude-sonnet-4-5"})
    assert post_json(receiver, alias) == 200
    assert [kind for _, kind, _, _ in events(paths)] == ["log"]
