"""OTLP files as ``tokenworth import FILE`` formats: recognised from their first bytes, read
through the format's ``read`` into an ``ExportRead``."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.otlp import shapes
from tracker.sources.exports.format import HEAD_BYTES, ExportFormat, ExportRead
from tracker.sources.exports.formats import FORMATS
from tracker.sources.exports.otlp_file import make_formats

OTLP_FORMATS = make_formats()


def recognised(path: Path, formats: tuple[ExportFormat, ...] = FORMATS) -> ExportFormat | None:
    head = path.read_bytes()[:HEAD_BYTES]
    return next((f for f in formats if f.recognises(path, head)), None)


def write_lines(path: Path, *docs: object) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    return path


def test_otlp_file_exporter_lines_are_recognised_and_read(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "traces.jsonl", shapes.generic_spans(), shapes.generic_spans(), shapes.metrics_request(2)
    )
    fmt = recognised(path)
    assert fmt is not None and fmt.name == "OTLP JSON lines (file exporter)"
    read = fmt.read(path)
    assert isinstance(read, ExportRead) and read.error is None
    # The same span twice (a collector that wrote a retried batch again) is one key.
    assert len({e.dedup_key for e in read.events}) == 1 and len(read.events) == 2
    assert (read.source, read.rows_read) == ("otel", 4)
    assert read.events[0].input_tokens == 350
    assert any("metric data points" in n and n.startswith("2 ") for n in read.notes)


def test_each_tool_shape_in_one_file(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "all.jsonl", shapes.claude_api_request(), shapes.codex_completed(), shapes.gemini_response(),
        shapes.copilot_spans(), shapes.openclaw_spans(),
    )  # fmt: skip
    read = OTLP_FORMATS[0].read(path)
    assert [e.source for e in read.events] == ["claude-code", "codex", "gemini", "copilot", "openclaw", "openclaw"]
    assert read.source is None  # several tools: each event names its own
    assert sum(e.total_tokens for e in read.events) == (
        (412 + 1180 + 48213 + 2210) + (2000 + 900 + 3000) + (620 + 80 + 400) + (17421 + 40 + 1536)
        + (120 + 30 + 1000 + 50) + (100 + 10 + 600)
    )  # fmt: skip


def test_copilot_file_exporter_is_recognised_and_read(tmp_path: Path) -> None:
    line = {
        "type": "span", "traceId": "aa" * 16, "spanId": "bb" * 8, "name": "chat gpt-5.3-codex",
        "endTime": [1780300000, 0], "attributes": shapes.COPILOT_CHAT,
        "resource": {"attributes": {"service.name": "github-copilot"}},
    }  # fmt: skip
    log_line = {"type": "log", "attributes": {"event.name": "copilot_chat.agent.turn", "gen_ai.usage.input_tokens": 5}}
    path = write_lines(tmp_path / "copilot-otel.jsonl", line, log_line)
    fmt = recognised(path, FORMATS)
    assert fmt is not None and fmt.name == "GitHub Copilot OTel file"
    read = fmt.read(path)
    assert [(e.source, e.input_tokens, e.cache_read_tokens, e.output_tokens) for e in read.events] == [
        ("copilot", 17421, 1536, 40)
    ]
    assert read.events[0].dedup_key == f"cp-otlp:{'aa' * 16}:{'bb' * 8}"  # as when received over OTLP


def test_gemini_outfile_is_recognised_and_read(tmp_path: Path) -> None:
    rec = {
        "hrTime": [1780300000, 0], "resource": {"attributes": {"service.name": "gemini-cli"}}, "_body": "API response",
        "attributes": {
            "event.name": "gemini_cli.api_response", "session.id": "g", "model": "gemini-2.5-flash",
            "input_token_count": 100, "output_token_count": 7, "cached_content_token_count": 0,
            "thoughts_token_count": 0, "tool_token_count": 0, "total_token_count": 107,
        },
    }  # fmt: skip
    path = tmp_path / "telemetry.log"
    path.write_text(json.dumps(rec, indent=2) + "\n" + json.dumps({**rec, "hrTime": [1780300001, 0]}, indent=2) + "\n")
    fmt = recognised(path, FORMATS)
    assert fmt is not None and fmt.name == "Gemini CLI telemetry file"
    read = fmt.read(path)
    assert [(e.source, e.ts_ms, e.input_tokens, e.output_tokens) for e in read.events] == [
        ("gemini", 1780300000000, 100, 7),
        ("gemini", 1780300001000, 100, 7),
    ]


def test_through_formats_a_tool_whose_logs_are_on_this_machine_is_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its calls are matched to the log events when stored (tests/otlp/test_dedup.py), not dropped here.
    home = tmp_path / "home"
    (home / ".claude" / "projects").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    path = write_lines(tmp_path / "cc.jsonl", shapes.claude_api_request())
    fmt = recognised(path)
    assert fmt is not None
    read = fmt.read(path)
    assert [(e.source, e.input_tokens) for e in read.events] == [("claude-code", 412)] and read.error is None
    assert read.notes == []


def test_files_that_are_not_otlp_are_not_recognised_or_say_why(tmp_path: Path) -> None:
    csv = tmp_path / "usage.csv"
    csv.write_text("Date,Model,Tokens\n")
    assert recognised(csv) is None
    zipped = tmp_path / "x.jsonl"
    zipped.write_bytes(gzip.compress(b"{}"))
    assert recognised(zipped) is None
    binary = tmp_path / "bin.jsonl"
    binary.write_bytes(b'{"resourceSpans": \xff\xfe')
    assert OTLP_FORMATS[0].read(binary).error == "bin.jsonl: not UTF-8 text, so not an OTLP JSON file"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    assert OTLP_FORMATS[0].read(empty).error == "empty.jsonl: no OpenTelemetry records in it (the file is empty)"


def test_a_bad_line_is_skipped_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(shapes.generic_spans()) + "\n{oops\n" + json.dumps(shapes.claude_api_request("r2")))
    read = OTLP_FORMATS[0].read(path)
    assert len(read.events) == 2
    assert [(s.line_no, s.reason[:8]) for s in read.skipped] == [(2, "not JSON")]
    assert read.skipped_count == 1
