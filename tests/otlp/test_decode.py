"""OTLP/JSON's own rules, protobuf, and the file exporters' layouts decode to the same records."""

from __future__ import annotations

import base64
import json

import pytest
from google.protobuf.json_format import ParseDict
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.otlp import shapes
from tracker.sources.otlp import decode_proto
from tracker.sources.otlp.decode_json import any_value, document_records, file_records


def test_any_values_unwrap_with_otlp_json_rules() -> None:
    assert any_value({"intValue": "9007199254740993"}) == 9007199254740993  # beyond a double: kept exact
    assert any_value({"intValue": 7}) == 7  # numbers are accepted too
    assert any_value({"doubleValue": "0.5"}) == 0.5
    assert any_value({"arrayValue": {"values": [{"boolValue": True}, {"stringValue": "x"}]}}) == [True, "x"]
    assert any_value({"kvlistValue": {"values": [{"key": "k", "value": {"intValue": "1"}}]}}) == {"k": 1}
    assert any_value({"intValue": "12abc"}) is None
    assert any_value("not an AnyValue") is None


def test_ids_are_hex_and_times_decimal_strings() -> None:
    doc = shapes.spans_request("svc", shapes.span("chat m", {}, trace="ABCDEF00" * 4, sid="0102030405060708"))
    (rec,) = document_records(doc).records
    assert (rec.trace_id, rec.span_id, rec.time_ns) == ("abcdef00" * 4, "0102030405060708", shapes.T0_NS)


def test_log_event_name_falls_back_to_the_event_name_field_then_the_body() -> None:
    doc = shapes.logs_request("s", {"eventName": "from.field", "attributes": []}, {"body": {"stringValue": "b"}})
    assert [r.name for r in document_records(doc).records] == ["from.field", "b"]


def _proto(doc: dict, cls: type) -> bytes:
    """The same request as protobuf (ids converted from OTLP/JSON hex)."""
    text = json.dumps(doc)
    for rs in doc.get("resourceSpans", []):
        for ss in rs["scopeSpans"]:
            for sp in ss["spans"]:
                for key in ("traceId", "spanId"):
                    text = text.replace(sp[key], base64.b64encode(bytes.fromhex(sp[key])).decode())
    return ParseDict(json.loads(text), cls()).SerializeToString()


def test_protobuf_decodes_to_the_same_records_as_json() -> None:
    for doc, cls, signal in (
        (shapes.claude_api_request(), ExportLogsServiceRequest, "logs"),
        (shapes.copilot_spans(), ExportTraceServiceRequest, "traces"),
    ):
        body = _proto(doc, cls)
        assert decode_proto.sniff(body) == signal  # what a POST to / (Gemini CLI) relies on
        assert decode_proto.records(body, signal).records == document_records(doc).records


def test_protobuf_garbage_is_an_error_with_a_reason() -> None:
    with pytest.raises(decode_proto.ProtoError, match="not an OTLP logs protobuf message"):
        decode_proto.records(b"\xff\xff\xff", "logs")


def test_copilot_file_lines_are_sdk_spans_with_plain_attributes() -> None:
    line = {
        "type": "span", "traceId": "aa" * 16, "spanId": "bb" * 8, "name": "chat gpt-5.3-codex", "kind": 2,
        "startTime": [1780299998, 0], "endTime": [1780300000, 500], "attributes": shapes.COPILOT_CHAT,
        "resource": {"attributes": {"service.name": "github-copilot", "service.version": "1.0.61"}},
    }  # fmt: skip
    (rec,) = file_records(json.dumps(line) + "\n").records
    assert (rec.signal, rec.service, rec.time_ns) == ("span", "github-copilot", 1780300000_000000500)
    assert rec.attrs["gen_ai.usage.input_tokens"] == 18957


def test_gemini_outfile_pretty_objects_one_after_another() -> None:
    record = {
        "hrTime": [1780300000, 0], "hrTimeObserved": [1780300000, 1], "resource": {"_rawAttributes": [["service.name", "gemini-cli"]]},
        "instrumentationScope": {"name": "gemini-cli"}, "_body": "API response from gemini-2.5-pro.",
        "attributes": {"event.name": "gemini_cli.api_response", "input_token_count": 10},
    }  # fmt: skip
    text = json.dumps(record, indent=2) + "\n" + json.dumps(record, indent=2) + "\n"
    decoded = file_records(text)
    assert [(r.signal, r.name, r.service, r.line_no) for r in decoded.records] == [
        ("log", "gemini_cli.api_response", "gemini-cli", 1),
        ("log", "gemini_cli.api_response", "gemini-cli", text.count("\n") // 2 + 1),
    ]


def test_a_bad_line_is_a_problem_and_reading_goes_on_and_a_cut_off_end_is_named() -> None:
    good = json.dumps(shapes.claude_api_request())
    decoded = file_records(f"{good}\n{{not json\n{good}\n{good[:40]}")
    assert len(decoded.records) == 2
    assert decoded.problems == [(2, "not JSON (Expecting property name enclosed in double quotes)"),
                                (4, "an incomplete last record (the file may still be being written)")]  # fmt: skip


def test_json_values_that_are_not_requests_are_problems() -> None:
    assert file_records('[1, 2]\n{"hello": 1}\n').problems == [
        (1, "a JSON value that is not an object"),
        (2, "a JSON object that is neither an OTLP request nor an SDK span or log record"),
    ]
