"""The session transcript format of pi, which OpenClaw's agent runtime also writes.

One record format, wherever it is stored: pi's and OpenClaw's JSONL transcripts, OpenClaw's
``transcript_events`` rows and its zstd cold archives. Every line is an entry with a
``type``; assistant ``message`` entries carry ``message.usage`` (pi-mono
``packages/ai/src/types.ts`` ``Usage``; ``packages/coding-agent/docs/session.md``).

Token mapping (pi-ai providers, ``packages/ai/src/providers/*.ts``):

- ``usage.input`` is fresh input (Anthropic/Bedrock copy it, OpenAI providers subtract the
  cached tokens), ``cacheRead``/``cacheWrite`` are separate: disjoint, so
  input + output + cacheRead + cacheWrite = ``totalTokens``.
- Except older ``google`` / ``google-vertex`` records, whose ``input`` is
  ``promptTokenCount`` and so *includes* ``cacheRead``: recognised by the four parts adding
  up to more than ``totalTokens``, and the cached part is subtracted.
- ``cacheWrite`` is stored as a 5-minute cache write: pi's default retention (the 1-hour
  opt-in, ``PI_CACHE_RETENTION=long``, is not recorded in the transcript).
- ``output`` includes reasoning; ``usage.reasoning`` (newer builds) is the informational part.
- ``usage.cost.total`` is the tool's list-price estimate (kept when above 0); a 0 from an
  OAuth/subscription provider marks the request as subscription-covered.
- ``childUsage`` / ``aggregateUsage`` roll-ups are never read: the child sessions count.

Identity: forks (``/fork``, ``createBranchedSession``), OpenClaw compaction successors,
``.reset``/``.deleted`` archives, doctor import archives and the SQLite copy all repeat an
entry verbatim under another session, and pi regenerates entry ids when it migrates a v1
file in place. So the key is the provider's ``responseId`` when present, else the
request's own immutable facts: its timestamp (ms) and its four token counts — never the
session or file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import ReadResult
from tracker.sources.jsonl import LineFormat, decode_line
from tracker.sources.normalize import add_usage, token_count
from tracker.sources.timestamps import iso_to_ms

KNOWN_TYPES = frozenset(
    {
        "session", "message", "model_change", "thinking_level_change", "compaction", "branch_summary",
        "custom", "custom_message", "label", "session_info", "title",
    }
)  # fmt: skip
# Lines the parser needs contain one of these (usage, model changes, the session header).
NEEDLES: tuple[bytes, ...] = (b'"usage"', b'"model_change"', b'"model-snapshot"', b'"type":"session"')

# Transcript-only rows OpenClaw writes as assistant messages: no model was called
# (tokscale ``openclaw.rs OPENCLAW_TRANSCRIPT_ONLY_MODELS``).
ARTIFACT_APIS = frozenset({"openclaw-transcript"})
ARTIFACT_MODELS = frozenset({"delivery-mirror", "gateway-injected"})
# OpenClaw driving Codex app-server keeps only the turn's last response here; the Codex
# rollout under ``codex-home`` holds every call of the turn, so this copy is dropped.
CODEX_MIRROR_PREFIX = "codex-app-server:"
# Providers whose input count includes the cached tokens in older pi-ai builds.
SUBSET_CACHE_PROVIDERS = frozenset({"google", "google-vertex"})
# OAuth providers billed by a plan: a cost of 0 from them is a subscription, not "unknown".
SUBSCRIPTION_PROVIDERS = frozenset({"github-copilot", "openai-codex", "google-gemini-cli", "google-antigravity"})


class Usage(msgspec.Struct):
    # Loosely typed on purpose: add_usage range-checks every count and skips bad ones.
    input: Any = None
    output: Any = None
    cacheRead: Any = None  # noqa: N815 - the transcript's own field names
    cacheWrite: Any = None  # noqa: N815
    totalTokens: Any = None  # noqa: N815
    reasoning: Any = None
    cost: Any = None


class Message(msgspec.Struct):
    role: Any = None
    api: Any = None
    provider: Any = None
    model: Any = None
    modelId: Any = None  # noqa: N815
    timestamp: Any = None
    responseId: Any = None  # noqa: N815
    idempotencyKey: Any = None  # noqa: N815
    usage: Usage | None = None


class Entry(msgspec.Struct):
    type: str | None = None
    id: Any = None
    timestamp: Any = None
    cwd: Any = None
    provider: Any = None
    modelId: Any = None  # noqa: N815
    customType: Any = None  # noqa: N815
    data: msgspec.Raw = msgspec.Raw()  # only decoded for OpenClaw's model snapshots
    message: Message | None = None


class _Snapshot(msgspec.Struct):
    provider: Any = None
    modelId: Any = None  # noqa: N815
    model: Any = None


DECODER = msgspec.json.Decoder(Entry)
_SNAPSHOT = msgspec.json.Decoder(_Snapshot)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _ms(value: object) -> int | None:
    """A transcript timestamp (Unix ms number or ISO text) as UTC ms, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if value == value and abs(value) < 1e15 else None  # NaN and absurd values
    if isinstance(value, str) and value:
        try:
            return iso_to_ms(value)
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class TranscriptFormat:
    """The record format as read for one source: its id and the tag its keys carry.

    The parser context (a dict kept in the cursor) holds ``session``/``project`` (from the
    header, else the file's fallbacks) and the ``model``/``provider`` last announced.
    """

    source: str
    tag: str

    def handle(self, rec: Entry, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
        kind = rec.type
        if kind == "session":
            if _text(rec.id):
                context["session"] = rec.id
            if _text(rec.cwd):
                context["project"] = rec.cwd
        elif kind == "model_change":
            self._note_model(context, rec.modelId, rec.provider)
        elif kind == "custom" and rec.customType == "model-snapshot" and len(rec.data):
            try:
                snap = _SNAPSHOT.decode(rec.data)
            except (msgspec.DecodeError, msgspec.ValidationError):
                return  # a snapshot we cannot read only loses a model-name fallback
            self._note_model(context, snap.modelId or snap.model, snap.provider)
        elif kind == "message" and rec.message is not None:
            self._message(rec, rec.message, line_no, context, result)

    @staticmethod
    def _note_model(context: dict[str, Any], model: object, provider: object) -> None:
        if _text(model):
            context["model"] = model
        if _text(provider):
            context["provider"] = provider

    def _message(self, rec: Entry, msg: Message, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
        if msg.role != "assistant" or msg.usage is None:
            return
        model = _text(msg.model) or _text(msg.modelId) or _text(context.get("model"))
        provider = _text(msg.provider) or _text(context.get("provider"))
        if msg.api in ARTIFACT_APIS or (provider == "openclaw" and model in ARTIFACT_MODELS):
            result.ignore("transcript artifact (no model call)")
            return
        if _text(msg.idempotencyKey).startswith(CODEX_MIRROR_PREFIX):
            result.ignore("Codex harness mirror (the Codex rollout holds the turn)")
            return
        u = msg.usage
        counts = [token_count(v) for v in (u.input, u.output, u.cacheRead, u.cacheWrite)]
        if all(c == 0 for c in counts):
            total = token_count(u.totalTokens)
            if total:
                result.skip(line_no, "usage with only totalTokens (no input/output split)")
            else:
                result.ignore("assistant message without tokens")
            return
        ts_ms = _ms(msg.timestamp)
        if ts_ms is None:
            ts_ms = _ms(rec.timestamp)
        if ts_ms is None:
            ts_ms = context.get("row_ts")
        if not isinstance(ts_ms, int):
            result.skip(line_no, "assistant usage without a readable timestamp")
            return
        inp, out, read, write = counts
        total = token_count(u.totalTokens)
        subset = bool(
            provider in SUBSET_CACHE_PROVIDERS
            and None not in counts
            and total
            and read
            and inp is not None
            and inp >= read
            and sum(c or 0 for c in counts) > total
        )
        cost = u.cost.get("total") if isinstance(u.cost, dict) else None
        tool_cost = cost if isinstance(cost, int | float) and not isinstance(cost, bool) and cost > 0 else None
        subscription = cost == 0 and provider in SUBSCRIPTION_PROVIDERS
        response = _text(msg.responseId)
        key = f"{self.tag}:r:{response}" if response else f"{self.tag}:{ts_ms}:{inp}:{out}:{read}:{write}"
        add_usage(
            result,
            line_no,
            source=self.source,
            key=key,
            session=_text(context.get("session")) or _text(context.get("fallback_session")),
            project=_text(context.get("project")) or _text(context.get("fallback_project")),
            model=model,
            ts_ms=ts_ms,
            input=u.input,
            output=u.output,
            cache_read=u.cacheRead,
            cache_write_5m=u.cacheWrite,
            reasoning=u.reasoning,
            input_includes_cache_read=subset,
            tool_cost_usd=tool_cost,
            subscription=subscription,
        )

    def line_format(self) -> LineFormat[Entry]:
        return LineFormat(DECODER, KNOWN_TYPES, self.handle)

    def parse_record(self, data: bytes, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
        """One record (a line of an archive, a database row's JSON) through the same path."""
        rec = decode_line(DECODER, data, line_no, result, KNOWN_TYPES)
        if rec is not None:
            self.handle(rec, line_no, context, result)


def session_from_name(name: str) -> str:
    """The session id in a transcript file name: the stem before ``.jsonl``, without a
    Telegram ``-topic-<id>`` suffix or a doctor import archive's ``<sessionKey>.`` prefix."""
    stem = name.split(".jsonl", 1)[0] or name
    if ".jsonl.imported-" in name:
        stem = stem.rsplit(".", 1)[-1]
    return stem.split("-topic-", 1)[0] or stem


def agent_of(path: Path) -> str:
    """OpenClaw's agent id for a file below ``agents/<agentId>/``, else ""."""
    parts = path.parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "agents":
            return parts[i + 1]
    return ""
