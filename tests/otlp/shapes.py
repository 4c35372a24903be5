"""Hand-made OTLP/JSON requests in each tool's record shape (names and types as the tools
send them: Claude Code's numbers as strings, 64-bit integers as decimal strings, hex ids)."""

from __future__ import annotations

from typing import Any

T0_NS = 1_780_300_000_000_000_000  # 2026-06-01T07:46:40Z
T0_MS = T0_NS // 1_000_000


def value(v: object) -> dict[str, Any]:
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    if isinstance(v, list):
        return {"arrayValue": {"values": [value(x) for x in v]}}
    return {"stringValue": str(v)}


def attrs(d: dict[str, object]) -> list[dict[str, Any]]:
    return [{"key": k, "value": value(v)} for k, v in d.items()]


def logs_request(service: str, *records: dict[str, Any], scope: str = "events") -> dict[str, Any]:
    return {
        "resourceLogs": [
            {
                "resource": {"attributes": attrs({"service.name": service, "service.version": "1.0"})},
                "scopeLogs": [{"scope": {"name": scope}, "logRecords": list(records)}],
            }
        ]
    }


def log_record(a: dict[str, object], *, body: str = "", time_ns: int = T0_NS) -> dict[str, Any]:
    rec: dict[str, Any] = {"timeUnixNano": str(time_ns), "attributes": attrs(a)}
    if body:
        rec["body"] = {"stringValue": body}
    return rec


def spans_request(service: str, *spans: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": attrs({"service.name": service})},
                "scopeSpans": [{"scope": {"name": service}, "spans": list(spans)}],
            }
        ]
    }


def span(name: str, a: dict[str, object], *, trace: str = "5b8efff798038103d269b633813fc60c", sid: str = "eee19b7ec3c1b174",
         time_ns: int = T0_NS) -> dict[str, Any]:  # fmt: skip
    return {
        "traceId": trace,
        "spanId": sid,
        "name": name,
        "kind": 3,
        "startTimeUnixNano": str(time_ns - 2_000_000_000),
        "endTimeUnixNano": str(time_ns),
        "attributes": attrs(a),
    }


def claude_api_request(
    request_id: str = "req_011C",
    session: str = "sess-1",
    *,
    service: str = "claude-code",
    time_ns: int = T0_NS,
    **counts: str,
) -> dict[str, Any]:
    a: dict[str, object] = {
        "event.name": "api_request", "event.timestamp": "2026-06-01T07:46:40.000Z", "session.id": session,
        "prompt.id": "p-42", "event.sequence": 17, "model": "claude-sonnet-4-5",
        "input_tokens": "412", "output_tokens": "1180", "cache_read_tokens": "48213",
        "cache_creation_tokens": "2210", "cost_usd": "0.0417", "duration_ms": "8123",
    }  # fmt: skip
    a.update(counts)
    if request_id:
        a["request_id"] = request_id
    return logs_request(
        service,
        log_record(a, body="claude_code.api_request", time_ns=time_ns),
        scope="com.anthropic.claude_code.events",
    )


def codex_completed() -> dict[str, Any]:
    a: dict[str, object] = {
        "event.name": "codex.sse_event", "event.kind": "response.completed", "event.timestamp": "2026-06-01T07:46:40Z",
        "conversation.id": "conv-7", "model": "gpt-5-codex", "input_token_count": 5000, "output_token_count": 900,
        "cached_token_count": 3000, "reasoning_token_count": 300, "tool_token_count": 0,
    }  # fmt: skip
    other = {"event.name": "codex.sse_event", "event.kind": "response.output_text.delta", "conversation.id": "conv-7"}
    return logs_request("codex_cli_rs", log_record(a), log_record(other))


def gemini_response() -> dict[str, Any]:
    a: dict[str, object] = {
        "event.name": "gemini_cli.api_response", "event.timestamp": "2026-06-01T07:46:40.000Z",
        "session.id": "gem-1", "prompt_id": "gem-1########0", "model": "gemini-2.5-pro", "duration_ms": 900,
        "input_token_count": 1000, "output_token_count": 50, "cached_content_token_count": 400,
        "thoughts_token_count": 30, "tool_token_count": 20, "total_token_count": 1100,
    }  # fmt: skip
    semantic = {
        "event.name": "gen_ai.client.inference.operation.details", "gen_ai.usage.input_tokens": 1000,
        "gen_ai.usage.output_tokens": 50, "gen_ai.response.id": "r-1",
    }  # fmt: skip
    return logs_request("gemini-cli", log_record(a), log_record(semantic))


COPILOT_CHAT = {
    "gen_ai.operation.name": "chat", "gen_ai.conversation.id": "cp-sess", "gen_ai.request.model": "auto",
    "gen_ai.response.model": "gpt-5.3-codex", "gen_ai.usage.input_tokens": 18957, "gen_ai.usage.output_tokens": 40,
    "gen_ai.usage.cache_read.input_tokens": 1536, "gen_ai.usage.cache_creation_input_tokens": 0,
    "gen_ai.usage.reasoning_output_tokens": 25, "github.copilot.nano_aiu": 3131555000.0,
}  # fmt: skip


def copilot_spans() -> dict[str, Any]:
    agent = dict(COPILOT_CHAT, **{"gen_ai.operation.name": "invoke_agent"})
    return spans_request(
        "github-copilot",
        span("chat gpt-5.3-codex", COPILOT_CHAT, sid="00f067aa0ba902b7"),
        span("invoke_agent", agent, sid="00f067aa0ba902b8"),
    )


def openclaw_spans() -> dict[str, Any]:
    call = {
        "gen_ai.system": "anthropic", "gen_ai.request.model": "claude-opus-4-5", "gen_ai.operation.name": "chat",
        "openclaw.model_call.observation_unit": "request", "openclaw.session_key": "agent:main:webchat",
        "openclaw.model_call.usage.input_tokens": 120, "openclaw.model_call.usage.output_tokens": 30,
        "openclaw.model_call.usage.cache_read_input_tokens": 1000,
        "openclaw.model_call.usage.cache_creation_input_tokens": 50,
        "gen_ai.usage.input_tokens": 1170, "gen_ai.usage.output_tokens": 30,
        "gen_ai.usage.cache_read.input_tokens": 1000, "gen_ai.usage.cache_creation.input_tokens": 50,
    }  # fmt: skip
    latest = {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-5.4", "gen_ai.operation.name": "chat",
        "gen_ai.usage.input_tokens": 700, "gen_ai.usage.output_tokens": 10,
        "gen_ai.usage.cache_read.input_tokens": 600, "gen_ai.usage.cache_creation.input_tokens": 0,
    }  # fmt: skip
    run = {"gen_ai.usage.input_tokens": 1870, "gen_ai.usage.output_tokens": 40, "openclaw.channel": "webchat"}
    return spans_request(
        "openclaw-gateway",
        span("openclaw.model.call", call, sid="1000000000000001"),
        span("chat gpt-5.4", latest, sid="1000000000000002"),
        span("openclaw.model.usage", run, sid="1000000000000003"),
    )


def generic_spans() -> dict[str, Any]:
    chat = {
        "gen_ai.operation.name": "chat", "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": "anthropic.claude-sonnet-4-5", "gen_ai.usage.input_tokens": 500,
        "gen_ai.usage.cache_read.input_tokens": 100, "gen_ai.usage.cache_write.input_tokens": 50,
        "gen_ai.usage.output_tokens": 20, "gen_ai.conversation.id": "mesh-1",
    }  # fmt: skip
    agent = dict(chat, **{"gen_ai.operation.name": "invoke_agent"})
    return spans_request(
        "meshclaw-agent",
        span("chat anthropic.claude-sonnet-4-5", chat, sid="2000000000000001"),
        span("invoke_agent meshy", agent, sid="2000000000000002"),
    )


def metrics_request(points: int = 3) -> dict[str, Any]:
    dp = [{"asInt": "10", "timeUnixNano": str(T0_NS), "attributes": attrs({"type": "input"})} for _ in range(points)]
    return {
        "resourceMetrics": [
            {
                "resource": {"attributes": attrs({"service.name": "claude-code"})},
                "scopeMetrics": [
                    {
                        "metrics": [
                            {"name": "claude_code.token.usage", "sum": {"dataPoints": dp, "aggregationTemporality": 1}}
                        ]
                    }
                ],
            }
        ]
    }
