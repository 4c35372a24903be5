"""Each tool's per-call OTLP record as a usage event, in the token contract.

Only one record per model call is counted, never an aggregate beside it:

- Claude Code: the ``api_request`` log event (``claude_code.api_request``); its counts are
  Anthropic's, disjoint (input excludes cache reads and writes). Its cache writes are not split
  by TTL, so they are stored as 5-minute writes.
- Codex: the ``codex.sse_event`` log with ``event.kind = response.completed``; OpenAI's counts
  (input includes ``cached_token_count``, reasoning is part of output).
- Gemini CLI: the ``gemini_cli.api_response`` log, the Gemini API's usage metadata (read as the
  Gemini reader reads it, ``sources.gemini_usage``). Its ``gen_ai.client.inference.operation
  .details`` copy of the same response is not counted.
- GitHub Copilot: ``chat`` spans; ``invoke_agent`` spans (sums of their chat spans), inference
  logs and agent-turn logs repeat the same calls and are not counted.
- OpenClaw (``diagnostics-otel``): per-call ``openclaw.model.call`` spans (or, with the latest
  GenAI conventions, ``chat <model>`` spans of an ``openclaw`` service); the run-level
  ``openclaw.model.usage`` span is a sum and is not counted. Its own
  ``openclaw.model_call.usage.*`` counts are disjoint and read first; its ``gen_ai.usage
  .input_tokens`` is the whole prompt (OpenClaw's diagnostics-otel source:
  ``promptTokens = input + cacheRead + cacheWrite``).
- Any other sender: spans carrying ``gen_ai.usage.*`` count under ``otel``, with the GenAI
  semantic conventions' rule that input includes cache reads and writes (checked per record).

Metrics (``claude_code.token.usage``, ``gen_ai.client.token.usage`` …) are never stored:
they are aggregates of the same calls, without per-call identity, in delta or cumulative
temporality; adding them to the events double counts and storing them alone would need
per-series state that a restart loses. Their points are counted as ignored.

Keys: Claude Code's OTLP record carries ``session.id``, ``prompt.id``, ``event.sequence``
and, in newer versions, ``request_id`` — but not the message id that the transcript's key
(``cc:<message id>:<request id>``) is built from, so no key can match the log's. Other keys
come from the record's own ids (trace and span ids, request ids) or, where it has none, a
hash of its content, so an exporter's retry (the same record again) is stored once. Whether
an OTLP event is a call the tool's own logs hold too is decided per call in the store
(``store.otlp_events``: equal counts within a time window, for Claude Code in the same session),
by the kind ``match_kind`` reads from its key. Claude desktop's Cowork sends the same
``api_request`` records (``service.name`` "cowork"); they count under Claude Code, keyed apart
(``cowork-otlp:``), and are never matched to the CLI's logs by that rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Literal

from tracker.core.reading import ReadResult
from tracker.sources.gemini_usage import add_gemini_usage
from tracker.sources.normalize import add_usage
from tracker.sources.otlp.records import Record
from tracker.sources.timestamps import iso_to_ms

CLAUDE, CODEX, GEMINI, COPILOT, OPENCLAW, GENERIC = "claude-code", "codex", "gemini", "copilot", "openclaw", "otel"
TOOLS = (CLAUDE, CODEX, GEMINI, COPILOT, OPENCLAW)
LABELS = {
    CLAUDE: "Claude Code", CODEX: "Codex", GEMINI: "Gemini CLI", COPILOT: "GitHub Copilot",
    OPENCLAW: "OpenClaw", GENERIC: "OpenTelemetry (gen_ai)",
}  # fmt: skip
METRICS_IGNORED = "metric data points (aggregates of the same calls; never added to them)"
# Operations whose spans sum other spans' usage, or use no model at all.
NOT_CALLS = frozenset({"invoke_agent", "create_agent", "execute_tool", "invoke_workflow"})

CACHE_READ = ("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens")
CACHE_WRITE = (
    "gen_ai.usage.cache_write.input_tokens", "gen_ai.usage.cache_creation.input_tokens",
    "gen_ai.usage.cache_creation_input_tokens", "gen_ai.usage.cache_write_input_tokens",
)  # fmt: skip
REASONING = (
    "gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_output_tokens", "gen_ai.usage.reasoning_tokens",
)  # fmt: skip
INPUT = ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
OUTPUT = ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
MODEL = ("gen_ai.response.model", "gen_ai.request.model")
CONVERSATION = ("gen_ai.conversation.id", "copilot_chat.session_id", "copilot_chat.chat_session_id", "session.id")


def number(value: object) -> object:
    """A count as sent (tools send ints, floats or decimal strings); anything else is passed
    on as it is, for ``add_usage`` to skip with its reason. Absent is 0."""
    if value is None:
        return 0
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit() and len(text) < 20:
            return int(text)
        try:
            return float(text)
        except ValueError:
            return value
    return value


def _first(attrs: Mapping[str, object], names: Iterable[str]) -> object:
    for name in names:
        if attrs.get(name) is not None:
            return attrs[name]
    return None


def _text(attrs: Mapping[str, object], *names: str) -> str:
    value = _first(attrs, names)
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _usd(value: object) -> object:
    converted = number(value)
    return converted if isinstance(converted, int | float) and not isinstance(converted, bool) else None


def fingerprint(prefix: str, *parts: object) -> str:
    return f"{prefix}:" + hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def _ts_ms(rec: Record) -> int:
    if rec.time_ns > 0:
        return rec.time_ns // 1_000_000
    stamp = rec.attrs.get("event.timestamp")
    if isinstance(stamp, str):
        try:
            return iso_to_ms(stamp)
        except ValueError:
            return 0
    return 0


def _span_key(prefix: str, rec: Record) -> str:
    if rec.trace_id and rec.span_id:
        return f"{prefix}:{rec.trace_id}:{rec.span_id}"
    return fingerprint(prefix, rec.name, rec.time_ns, sorted(rec.attrs.items(), key=lambda kv: kv[0]))


def tool_of(rec: Record) -> str | None:
    """Which source a record's usage counts under (None: it is not a per-call usage record)."""
    service = rec.service.lower()
    attrs = rec.attrs
    if rec.signal == "log":
        if rec.name in ("api_request", "claude_code.api_request") or rec.body == "claude_code.api_request":
            return CLAUDE
        if rec.name == "codex.sse_event" and attrs.get("event.kind") == "response.completed":
            return CODEX
        if rec.name == "gemini_cli.api_response":
            return GEMINI
        return None
    op = attrs.get("gen_ai.operation.name")
    if service.startswith("openclaw") or rec.name.startswith("openclaw."):
        if rec.name == "openclaw.model.call" or (
            op not in NOT_CALLS and rec.name.startswith(("chat ", "text_completion ", "generate_content "))
        ):
            return OPENCLAW if attrs.get("openclaw.model_call.observation_unit") != "turn" else None
        return None
    if "copilot" in service or any(k.startswith(("github.copilot.", "copilot_chat.")) for k in attrs):
        return COPILOT if (op == "chat" or rec.name.startswith("chat")) and op not in NOT_CALLS else None
    if service.startswith(("claude", "codex", "gemini")):
        return None  # those tools' per-call records are their log events, read above
    if op in NOT_CALLS or _first(attrs, INPUT + OUTPUT) is None:
        return None
    return GENERIC


def map_records(records: Iterable[Record], result: ReadResult, *, off: Collection[str] = ()) -> None:
    """Add every per-call usage record to ``result``; others are counted as ignored.

    ``off``: source ids the user turned off (``sources.<id>.enabled``).
    """
    for rec in records:
        tool = tool_of(rec)
        if tool is None:
            continue
        if tool in off:
            result.ignore(f"{LABELS[tool]} OTLP records (the source is turned off)")
            continue
        result.lines_read += 1
        MAPPERS[tool](rec, result)


MatchKind = Literal["session", "counts", "never"]
# Each key prefix of a tool that may have local logs, and how its events are matched to them:
# "session" (Claude Code: ``session.id`` is the transcript's ``sessionId``), "counts" (equal
# counts in a time window: no id of the other tools' records is verified to be in their logs;
# Codex's ``conversation.id`` is its thread id, Copilot's and OpenClaw's spans carry trace and
# response ids their local stores do not keep), "never" (Claude desktop's Cowork).
_MATCH_KINDS: tuple[tuple[str, MatchKind], ...] = (
    ("cc-otlp:", "session"), ("cowork-otlp:", "never"), ("cx-otlp:", "counts"),
    ("gm-otlp:", "counts"), ("cp-otlp:", "counts"), ("oc-otlp:", "counts"),
)  # fmt: skip
_PREFIXES = tuple(p for p, _ in _MATCH_KINDS)


def match_kind(key: str) -> MatchKind | None:
    """How an event with this dedup key may be matched to its tool's log events; None when it
    is not an OTLP event of a tool with logs (a generic ``otel`` sender's, or a log event)."""
    if not key.startswith(_PREFIXES):
        return None
    return next(kind for prefix, kind in _MATCH_KINDS if key.startswith(prefix))


def add_metric_points(result: ReadResult, points: int) -> None:
    if points:
        result.ignored[METRICS_IGNORED] = result.ignored.get(METRICS_IGNORED, 0) + points


def _claude(rec: Record, result: ReadResult) -> None:
    a = rec.attrs
    session = _text(a, "session.id")
    request = _text(a, "request_id", "request.id")
    counts = tuple(
        number(a.get(k)) for k in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")
    )
    prefix = "cowork-otlp" if "cowork" in rec.service.lower() else "cc-otlp"  # Claude desktop's Cowork
    if request:
        key = f"{prefix}:{session}:{request}"
    elif a.get("event.sequence") is not None:
        key = f"{prefix}:{session}:{_text(a, 'prompt.id')}:{_text(a, 'event.sequence')}"
    else:
        key = fingerprint(prefix, session, rec.time_ns, _text(a, "model"), counts)
    add_usage(
        result, rec.line_no, source=CLAUDE, key=key, session=session, project="", model=_text(a, "model"),
        ts_ms=_ts_ms(rec), input=counts[0], output=counts[1], cache_read=counts[2], cache_write_5m=counts[3],
        tool_cost_usd=_usd(a.get("cost_usd")),
    )  # fmt: skip


def _codex(rec: Record, result: ReadResult) -> None:
    a = rec.attrs
    session = _text(a, "conversation.id", "conversation_id", "session.id")
    names = ("input_token_count", "output_token_count", "cached_token_count", "reasoning_token_count")
    inp, out, read, reason = (number(a.get(k)) for k in names)
    key = fingerprint("cx-otlp", session, rec.time_ns, _text(a, "event.timestamp"), inp, out, read, reason)
    add_usage(
        result, rec.line_no, source=CODEX, key=key, session=session, project="", model=_text(a, "model", "slug"),
        ts_ms=_ts_ms(rec), input=inp, output=out, cache_read=read, reasoning=reason, input_includes_cache_read=True,
    )  # fmt: skip


def _gemini(rec: Record, result: ReadResult) -> None:
    a = rec.attrs
    session = _text(a, "session.id")
    names = ("input", "output", "cached", "thoughts", "tool", "total")
    fields = (
        "input_token_count", "output_token_count", "cached_content_token_count",
        "thoughts_token_count", "tool_token_count", "total_token_count",
    )  # fmt: skip
    usage = {n: number(a.get(f)) for n, f in zip(names, fields, strict=True)}
    key = fingerprint("gm-otlp", session, _text(a, "prompt_id"), _text(a, "event.timestamp"), rec.time_ns, usage)
    add_gemini_usage(
        result, rec.line_no, usage, source=GEMINI, key=key, session=session, project="",
        model=_text(a, "model"), ts_ms=_ts_ms(rec),
    )  # fmt: skip


def _semconv(rec: Record, result: ReadResult, source: str, prefix: str, session: str, model: str) -> None:
    """A span in the GenAI conventions' terms: input SHOULD include cache reads and writes;
    a record whose input is smaller than them did not include them (both shapes are seen)."""
    a = rec.attrs
    inp, out = number(_first(a, INPUT)), number(_first(a, OUTPUT))
    read, write = number(_first(a, CACHE_READ)), number(_first(a, CACHE_WRITE))
    reason = number(_first(a, REASONING))
    with_read = with_write = False
    if isinstance(inp, int) and isinstance(read, int) and isinstance(write, int):
        with_read = inp >= read
        with_write = with_read and inp >= read + write
    add_usage(
        result, rec.line_no, source=source, key=_span_key(prefix, rec), session=session, project="", model=model,
        ts_ms=_ts_ms(rec), input=inp, output=out, cache_read=read, cache_write_5m=write, reasoning=reason,
        input_includes_cache_read=with_read, input_includes_cache_write=with_write,
    )  # fmt: skip


def _copilot(rec: Record, result: ReadResult) -> None:
    model = _text(rec.attrs, *MODEL) or rec.name.removeprefix("chat ").strip()
    _semconv(rec, result, COPILOT, "cp-otlp", _text(rec.attrs, *CONVERSATION), model)


def _openclaw(rec: Record, result: ReadResult) -> None:
    a = rec.attrs
    session = _text(a, "openclaw.session_key", "openclaw.sessionKey", "gen_ai.conversation.id", "session.id")
    model = _text(a, "gen_ai.response.model", "gen_ai.request.model", "openclaw.model")
    own = "openclaw.model_call.usage."
    if a.get(own + "input_tokens") is not None or a.get(own + "output_tokens") is not None:
        add_usage(
            result, rec.line_no, source=OPENCLAW, key=_span_key("oc-otlp", rec), session=session, project="",
            model=model, ts_ms=_ts_ms(rec), input=number(a.get(own + "input_tokens")),
            output=number(a.get(own + "output_tokens")), cache_read=number(a.get(own + "cache_read_input_tokens")),
            cache_write_5m=number(a.get(own + "cache_creation_input_tokens")),
            reasoning=number(a.get(own + "reasoning_output_tokens")),
        )  # fmt: skip
        return
    _semconv(rec, result, OPENCLAW, "oc-otlp", session, model)


def _generic(rec: Record, result: ReadResult) -> None:
    prefix = f"otel:{rec.service}" if rec.service else "otel"
    _semconv(rec, result, GENERIC, prefix, _text(rec.attrs, *CONVERSATION), _text(rec.attrs, *MODEL))


MAPPERS: dict[str, Callable[[Record, ReadResult], None]] = {
    CLAUDE: _claude, CODEX: _codex, GEMINI: _gemini, COPILOT: _copilot, OPENCLAW: _openclaw, GENERIC: _generic,
}  # fmt: skip
