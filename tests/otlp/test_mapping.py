"""Each tool's OTLP record shape becomes exactly the usage it reports, once."""

from __future__ import annotations

from typing import Any

from tests.otlp import shapes
from tracker.core.reading import ReadResult
from tracker.sources.otlp.decode_json import document_records
from tracker.sources.otlp.mapping import METRICS_IGNORED, match_kind
from tracker.sources.otlp.read import usage_of


def read(doc: dict[str, Any]) -> ReadResult:
    return usage_of(document_records(doc))


def tokens(r: ReadResult) -> list[tuple[object, ...]]:
    return [
        (e.source, e.model, e.input_tokens, e.output_tokens, e.cache_read_tokens, e.cache_write_5m_tokens,
         e.reasoning_tokens)
        for e in r.events
    ]  # fmt: skip


def test_claude_code_api_request_with_string_numbers_is_disjoint_usage() -> None:
    r = read(shapes.claude_api_request())
    assert tokens(r) == [("claude-code", "claude-sonnet-4-5", 412, 1180, 48213, 2210, 0)]
    e = r.events[0]
    assert e.dedup_key == "cc-otlp:sess-1:req_011C"
    assert (e.session_id, e.ts_ms, e.tool_cost_micro) == ("sess-1", shapes.T0_MS, 41700)


def test_claude_code_without_request_id_is_keyed_by_prompt_and_sequence() -> None:
    r = read(shapes.claude_api_request(request_id=""))
    assert r.events[0].dedup_key == "cc-otlp:sess-1:p-42:17"


def test_codex_completed_response_subtracts_cached_input() -> None:
    r = read(shapes.codex_completed())
    # 5000 input of which 3000 cached; 900 output of which 300 reasoning. The delta event is not usage.
    assert tokens(r) == [("codex", "gpt-5-codex", 2000, 900, 3000, 0, 300)]
    assert r.events[0].session_id == "conv-7"


def test_gemini_api_response_is_read_as_gemini_usage_and_its_semantic_copy_is_not_counted() -> None:
    r = read(shapes.gemini_response())
    # prompt 1000 (400 cached) + tool 20 → 620 fresh; output 50 + thoughts 30.
    assert tokens(r) == [("gemini", "gemini-2.5-pro", 620, 80, 400, 0, 30)]


def test_copilot_chat_span_counts_and_the_agent_summary_does_not() -> None:
    r = read(shapes.copilot_spans())
    assert tokens(r) == [("copilot", "gpt-5.3-codex", 18957 - 1536, 40, 1536, 0, 25)]
    assert r.events[0].dedup_key == "cp-otlp:5b8efff798038103d269b633813fc60c:00f067aa0ba902b7"
    assert r.events[0].session_id == "cp-sess"


def test_openclaw_model_calls_count_and_the_run_level_span_does_not() -> None:
    r = read(shapes.openclaw_spans())
    assert tokens(r) == [
        ("openclaw", "claude-opus-4-5", 120, 30, 1000, 50, 0),  # its own disjoint counts
        ("openclaw", "gpt-5.4", 100, 10, 600, 0, 0),  # semconv: 700 includes the 600 read
    ]
    assert r.events[0].session_id == "agent:main:webchat"


def test_generic_gen_ai_spans_count_as_otel_with_cache_inside_input() -> None:
    r = read(shapes.generic_spans())
    assert tokens(r) == [("otel", "anthropic.claude-sonnet-4-5", 350, 20, 100, 50, 0)]
    assert r.events[0].dedup_key.startswith("otel:meshclaw-agent:")


def test_input_smaller_than_its_cache_is_taken_as_excluding_it() -> None:
    doc = shapes.spans_request(
        "some-agent",
        shapes.span("chat m", {"gen_ai.usage.input_tokens": 10, "gen_ai.usage.cache_read.input_tokens": 90,
                               "gen_ai.usage.output_tokens": 5}),
    )  # fmt: skip
    assert tokens(read(doc)) == [("otel", "unknown", 10, 5, 90, 0, 0)]


def test_known_tools_spans_are_not_counted_again_as_generic() -> None:
    doc = shapes.spans_request(
        "claude-code", shapes.span("claude_code.llm_request", {"gen_ai.usage.input_tokens": 5, "input_tokens": 5})
    )
    assert read(doc).events == []


def test_metric_points_are_never_usage() -> None:
    r = read(shapes.metrics_request(points=3))
    assert r.events == []
    assert r.ignored == {METRICS_IGNORED: 3}


def test_each_tool_key_says_how_it_is_matched_to_local_logs() -> None:
    cc = read(shapes.claude_api_request()).events[0].dedup_key
    cowork = read(shapes.claude_api_request(service="cowork")).events[0]
    assert (cc, cowork.source, cowork.dedup_key) == (
        "cc-otlp:sess-1:req_011C",
        "claude-code",
        "cowork-otlp:sess-1:req_011C",
    )
    kinds = [
        match_kind(e.dedup_key)
        for make in (shapes.codex_completed, shapes.gemini_response, shapes.copilot_spans, shapes.generic_spans)
        for e in read(make()).events
    ]
    assert (match_kind(cc), match_kind(cowork.dedup_key), kinds) == ("session", "never", ["counts"] * 3 + [None])
    assert match_kind("cc:msg_01:req_01") is None  # a transcript's own event


def test_hostile_numbers_are_skipped_with_a_reason() -> None:
    for bad in ("-5", "1e400", "twelve", "99999999999999999999999"):
        r = read(shapes.claude_api_request(input_tokens=bad))
        assert r.events == [] and r.skipped_count == 1, bad
        assert "token count" in r.skipped[0].reason


def test_the_same_request_read_twice_gives_the_same_keys() -> None:
    for make in (shapes.claude_api_request, shapes.codex_completed, shapes.gemini_response, shapes.generic_spans):
        assert [e.dedup_key for e in read(make()).events] == [e.dedup_key for e in read(make()).events]
