"""The receiver on a real 127.0.0.1 port, fed by the OpenTelemetry SDK's own OTLP/HTTP
exporters (protobuf) and by hand-made requests in each tool's shape (JSON); events land in a
real SQLite store."""

from __future__ import annotations

import gzip
import http.client
import json
import socket
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.otlp import shapes
from tracker.core.paths import DataPaths
from tracker.services.context import Context
from tracker.services.otlp_receiver import OtlpReceiver, receiver_for, receiver_token, start_if_enabled


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    return DataPaths(tmp_path / "data").ensure()


def start(paths: DataPaths, **kw: Any) -> OtlpReceiver:
    return OtlpReceiver(paths.database, receiver_token(paths), port=0, flush_s=0.05, **kw).start()


@pytest.fixture
def receiver(paths: DataPaths) -> Iterator[OtlpReceiver]:
    r = start(paths)
    yield r
    r.stop()


def post(
    r: OtlpReceiver, path: str, body: bytes, kind: str = "application/json", token: str | None = None, **headers: str
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", r.port, timeout=30)
    try:
        sent = {"Content-Type": kind, "X-Tokenworth-Token": r.token if token is None else token, **headers}
        conn.request("POST", path, body=body, headers={k.replace("_", "-"): v for k, v in sent.items()})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def post_json(r: OtlpReceiver, path: str, doc: dict[str, Any]) -> tuple[int, bytes]:
    return post(r, path, json.dumps(doc).encode())


def stored(database: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            """SELECT source, model, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens
               FROM events ORDER BY id"""
        ).fetchall()


def test_the_sdk_exporters_deliver_logs_and_spans_in_protobuf(receiver: OtlpReceiver, paths: DataPaths) -> None:
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    headers = {"X-Tokenworth-Token": receiver.token}
    logs = LoggerProvider(resource=Resource.create({"service.name": "claude-code"}))
    logs.add_log_record_processor(
        SimpleLogRecordProcessor(OTLPLogExporter(endpoint=f"{receiver.endpoint}/v1/logs", headers=headers))
    )
    logs.get_logger("com.anthropic.claude_code.events").emit(
        timestamp=shapes.T0_NS,
        body="claude_code.api_request",
        attributes={
            "event.name": "api_request", "session.id": "s-sdk", "request_id": "req_sdk", "model": "claude-opus-4-5",
            "input_tokens": "10", "output_tokens": "20", "cache_read_tokens": "300", "cache_creation_tokens": "40",
            "cost_usd": "0.01",
        },
    )  # fmt: skip
    logs.shutdown()
    traces = TracerProvider(resource=Resource.create({"service.name": "github-copilot"}))
    exporter = OTLPSpanExporter(
        endpoint=f"{receiver.endpoint}/v1/traces", headers=headers, compression=Compression.Gzip
    )
    traces.add_span_processor(SimpleSpanProcessor(exporter))
    with traces.get_tracer("copilot").start_as_current_span("chat gpt-5.3-codex", attributes=shapes.COPILOT_CHAT):
        pass
    traces.shutdown()
    assert stored(paths.database) == [
        ("claude-code", "claude-opus-4-5", 10, 20, 300, 40),
        ("copilot", "gpt-5.3-codex", 17421, 40, 1536, 0),
    ]
    assert receiver.stats.rejected == 0


def test_each_tool_shape_as_json(receiver: OtlpReceiver, paths: DataPaths) -> None:
    for path, doc in (
        ("/v1/logs", shapes.claude_api_request()),
        ("/v1/logs", shapes.codex_completed()),
        ("/", shapes.gemini_response()),  # Gemini CLI posts every signal to the endpoint as given
        ("/v1/traces", shapes.copilot_spans()),
        ("/v1/traces/", shapes.openclaw_spans()),
        ("/v1/traces", shapes.generic_spans()),
        ("/v1/metrics", shapes.metrics_request()),
    ):
        assert post_json(receiver, path, doc) == (200, b"{}"), path
    assert stored(paths.database) == [
        ("claude-code", "claude-sonnet-4-5", 412, 1180, 48213, 2210),
        ("codex", "gpt-5-codex", 2000, 900, 3000, 0),
        ("gemini", "gemini-2.5-pro", 620, 80, 400, 0),
        ("copilot", "gpt-5.3-codex", 17421, 40, 1536, 0),
        ("openclaw", "claude-opus-4-5", 120, 30, 1000, 50),
        ("openclaw", "gpt-5.4", 100, 10, 600, 0),
        ("otel", "anthropic.claude-sonnet-4-5", 350, 20, 100, 50),
    ]
    assert receiver.stats.metric_points == 3
    with sqlite3.connect(paths.database) as db:
        files = dict(db.execute("SELECT path, events FROM files ORDER BY path").fetchall())
    assert files["otlp-receiver:openclaw"] == 2 and files["otlp-receiver:claude-code"] == 1


def test_protobuf_to_the_root_path_is_sniffed(receiver: OtlpReceiver, paths: DataPaths) -> None:
    from google.protobuf.json_format import ParseDict
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

    body = ParseDict(shapes.gemini_response(), ExportLogsServiceRequest()).SerializeToString()
    assert post(receiver, "/", body, "application/x-protobuf") == (200, b"")
    assert stored(paths.database) == [("gemini", "gemini-2.5-pro", 620, 80, 400, 0)]


def test_an_exporter_retry_is_stored_once(receiver: OtlpReceiver, paths: DataPaths) -> None:
    body = gzip.compress(json.dumps(shapes.claude_api_request()).encode())
    for _ in range(3):  # the exporter timed out waiting, and sent the batch again
        assert post(receiver, "/v1/logs", body, Content_Encoding="gzip")[0] == 200
    assert len(stored(paths.database)) == 1
    assert receiver.stats.events == 3


def test_the_token_is_required(receiver: OtlpReceiver, paths: DataPaths) -> None:
    body = json.dumps(shapes.claude_api_request()).encode()
    status, reason = post(receiver, "/v1/logs", body, token="wrong")  # noqa: S106 - a wrong token on purpose
    assert status == 401 and b"X-Tokenworth-Token" in reason
    assert post(receiver, "/v1/logs", body, token="")[0] == 401
    assert stored(paths.database) == []
    assert post(receiver, "/v1/logs", body, token="", Authorization=f"Bearer {receiver.token}")[0] == 200
    assert len(stored(paths.database)) == 1
    # Made once, private, and the same on the next start.
    token_file = paths.root / "otlp-token"
    assert token_file.stat().st_mode & 0o777 == 0o600
    assert receiver_token(paths) == receiver.token


def test_oversized_and_bad_bodies_are_refused_with_a_reason(paths: DataPaths) -> None:
    r = start(paths, max_body=4096)
    try:
        assert post(r, "/v1/logs", b" " * 5000)[0] == 413
        bomb = gzip.compress(b" " * (4096 * 9))  # small on the wire, inflates past 8 x the limit
        assert len(bomb) < 4096
        status, reason = post(r, "/v1/logs", bomb, Content_Encoding="gzip")
        assert status == 413 and b"inflates" in reason
        status, reason = post(r, "/v1/logs", b"{not json")
        assert status == 400 and reason.startswith(b"body is not JSON")
        status, reason = post(r, "/v1/logs", b"\xff\xff\xff", "application/x-protobuf")
        assert status == 400 and b"not an OTLP logs protobuf message" in reason
        assert post(r, "/v1/logs", b"not gzip", Content_Encoding="gzip")[0] == 400
        assert post(r, "/v1/logs", b"{}", "text/plain")[0] == 415
        assert post(r, "/v2/anything", b"{}")[0] == 404
        assert r.stats.rejected == 7
    finally:
        r.stop()
    assert stored(paths.database) == []


def _own_addresses() -> set[str]:
    """This machine's other IPv4 addresses: its name's, its outward one (a UDP connect sends
    nothing) and, on Linux, another loopback address."""
    found = {ip for *_, (ip, *_) in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere
            found.add(s.getsockname()[0])
        except OSError:
            pass  # no route at all: no outward address
    if sys.platform.startswith("linux"):
        found.add("127.0.0.2")
    return found - {"127.0.0.1", "0.0.0.0"}  # noqa: S104 - an address to leave out, not to bind


def test_it_listens_on_loopback_only(receiver: OtlpReceiver) -> None:
    assert receiver._server.server_address[0] == "127.0.0.1"
    others = _own_addresses()
    assert others or not sys.platform.startswith("linux")
    for ip in others:  # another address of this machine is refused
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((ip, receiver.port), timeout=5).close()


def test_a_busy_store_asks_the_exporter_to_retry_and_the_retry_counts_once(paths: DataPaths) -> None:
    r = start(paths, reply_wait_s=0.2)
    body = json.dumps(shapes.claude_api_request()).encode()
    blocker = sqlite3.connect(paths.database)
    try:
        blocker.execute("BEGIN EXCLUSIVE")  # a long import holds the write lock
        status, _ = post(r, "/v1/logs", body)
        assert status == 503
        blocker.rollback()
        assert post(r, "/v1/logs", body)[0] == 200  # the exporter's retry
    finally:
        blocker.close()
        r.stop()
    assert len(stored(paths.database)) == 1


def test_the_app_starts_it_only_when_turned_on(ctx: Context) -> None:
    assert start_if_enabled(ctx) is None  # off by default
    ctx.settings.set("otlp.enabled", "true")
    with socket.socket() as s:  # a port free now (the setting takes 1024 and up, not "any")
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    ctx.settings.set("otlp.port", str(free))
    r = start_if_enabled(ctx)
    assert r is not None
    try:
        assert r.port == free
        assert post_json(r, "/v1/traces", shapes.generic_spans())[0] == 200
    finally:
        r.stop()
    assert stored(ctx.paths.database) == [("otel", "anthropic.claude-sonnet-4-5", 350, 20, 100, 50)]


@pytest.mark.expect_log_warnings
def test_a_taken_port_leaves_the_app_running_without_it(ctx: Context) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        ctx.settings.set("otlp.enabled", "true")
        ctx.settings.set("otlp.port", str(s.getsockname()[1]))
        assert start_if_enabled(ctx) is None


def test_a_source_turned_off_in_settings_is_not_stored(ctx: Context) -> None:
    ctx.settings.set("sources.otel.enabled", "false")
    r = receiver_for(ctx, port=0).start()
    try:
        assert post_json(r, "/v1/traces", shapes.generic_spans())[0] == 200
        assert post_json(r, "/v1/traces", shapes.copilot_spans())[0] == 200
    finally:
        r.stop()
    assert [row[0] for row in stored(ctx.paths.database)] == ["copilot"]
