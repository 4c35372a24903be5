"""Amp (Sourcegraph): ``~/.local/share/amp/threads/**/T-<uuid>.json`` (``AMP_DATA_DIR``, a
comma-separated list, replaces ``~/.local/share/amp``).

One JSON document per thread, rewritten in place as the thread grows: ``id`` (``T-…``),
``created`` (epoch ms), ``messages[]`` with ``role`` and an integer ``messageId``; assistant
messages carry ``usage`` = ``{model, inputTokens, outputTokens, cacheCreationInputTokens,
cacheReadInputTokens, totalInputTokens, credits, timestamp}``. Older threads also keep a
``usageLedger.events[]`` (``{id, timestamp, model, credits, tokens: {input, output, total},
toMessageId}``) that bills the same requests again and may cover only some of them. Amp is
closed source; the layout is the one ccusage and tokscale read (research part 1 §f1).

Tokens are Anthropic's shape (disjoint): ``inputTokens`` fresh, cache writes and reads
apart (``totalInputTokens`` = the three), output includes any thinking. ``credits`` is Amp's
charge for the request in dollars (Amp shows credit balances in $): the tool's cost.

**Message usage, never the ledger as well.** Each assistant message with usage is one
request, key ``amp:<thread id>:<messageId>``. A ledger event naming a message
(``toMessageId``) is read only when that message has no usage of its own, under the
message's key, so a request is never counted from both. A ledger event naming no message
(a title or other side call) is its own request, key ``amp:<thread id>:ledger:<event id>``,
unless it repeats a message's usage (same model, input and output: tokscale's match), which
then counts it. A message usage without a timestamp is dated
at the thread's ``created``. Amp records no project path; the project is left empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import ReadResult
from tracker.sources.normalize import add_usage
from tracker.sources.spec import Kind, Part, Root, SourceSpec
from tracker.sources.sqlite_rows import text, timestamp_ms

NAME = "amp"
SPLIT = ("inputTokens", "outputTokens", "cacheCreationInputTokens", "cacheReadInputTokens")


class _Message(msgspec.Struct):
    role: Any = None
    messageId: Any = None  # noqa: N815 - the file's own field name
    usage: Any = None


class _Ledger(msgspec.Struct):
    events: Any = None


class _Thread(msgspec.Struct):
    id: Any = None
    created: Any = None
    messages: msgspec.Raw = msgspec.field(default_factory=lambda: msgspec.Raw(b"[]"))
    usageLedger: Any = None  # noqa: N815


_THREAD = msgspec.json.Decoder(_Thread)
_RAW_LIST = msgspec.json.Decoder(list[msgspec.Raw])
_MESSAGE = msgspec.json.Decoder(_Message)


def _message_id(value: object) -> str:
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    return text(value)


def _messages(raw: msgspec.Raw) -> list[_Message | None]:
    """Each message's role, id and usage; its content (prompts, replies) is never decoded.
    None for an entry that is not a message object."""
    try:
        items = _RAW_LIST.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return []  # ``messages`` is not a list: no message usage
    out: list[_Message | None] = []
    for item in items:
        try:
            out.append(_MESSAGE.decode(item))
        except (msgspec.DecodeError, msgspec.ValidationError):
            out.append(None)
    return out


class ThreadReader:
    """``DocumentReader`` for ``T-*.json``."""

    def parse_document(self, path: Path, data: bytes, result: ReadResult) -> None:
        try:
            thread = _THREAD.decode(data)
        except (msgspec.DecodeError, msgspec.ValidationError):
            result.error = "not a JSON Amp thread (truncated or corrupt)"
            return
        thread_id = text(thread.id) or path.stem
        created = timestamp_ms(thread.created)
        counted: dict[str, Fingerprint] = {}  # messageId -> its usage's fingerprint
        for line, msg in enumerate(_messages(thread.messages), 1):
            if msg is None or msg.role != "assistant" or not isinstance(msg.usage, dict):
                continue
            usage: dict[str, Any] = msg.usage
            if not any(k in usage for k in SPLIT):
                result.ignore("amp message usage without a token split")
                continue
            mid = _message_id(msg.messageId)
            if not mid:
                result.skip(line, "Amp assistant message without a messageId")
                continue
            ts = created if usage.get("timestamp") is None else timestamp_ms(usage["timestamp"])
            if ts is None:
                result.skip(line, "Amp message usage with an unreadable timestamp")
                continue
            counted[mid] = _fingerprint(usage.get("model"), usage.get("inputTokens"), usage.get("outputTokens"))
            add_usage(
                result, line, source=NAME, key=f"amp:{thread_id}:{mid}", session=thread_id, project="",
                model=text(usage.get("model")), ts_ms=ts,
                input=usage.get("inputTokens"), output=usage.get("outputTokens"),
                cache_write_5m=usage.get("cacheCreationInputTokens"),
                cache_read=usage.get("cacheReadInputTokens"), tool_cost_usd=usage.get("credits"),
            )  # fmt: skip
        ledger = thread.usageLedger
        events = ledger.get("events") if isinstance(ledger, dict) else None
        if isinstance(events, list):
            _ledger(events, thread_id, counted, result)


Fingerprint = tuple[str, object, object]  # model, input, output


def _fingerprint(model: object, inp: object, out: object) -> Fingerprint:
    return (text(model), inp, out)


def _ledger(events: list[Any], thread_id: str, counted: dict[str, Fingerprint], result: ReadResult) -> None:
    """Ledger events for requests no message usage counts (see the module docstring)."""
    unclaimed = list(counted.values())  # message usages a ledger event without a target may repeat
    for n, event in enumerate(events, 1):
        if not isinstance(event, dict):
            result.skip(n, "Amp ledger event that is not an object")
            continue
        tokens = event.get("tokens")
        if not isinstance(tokens, dict):
            result.skip(n, "Amp ledger event without tokens")
            continue
        target = _message_id(event.get("toMessageId"))
        if target in counted:
            result.ignore("amp ledger event for a message with its own usage")
            continue
        if not target:
            twin = _fingerprint(event.get("model"), tokens.get("input"), tokens.get("output"))
            if twin in unclaimed:
                unclaimed.remove(twin)
                result.ignore("amp ledger event repeating a message's usage")
                continue
        ts = timestamp_ms(event.get("timestamp"))
        if ts is None:
            result.skip(n, "Amp ledger event with an unreadable timestamp")
            continue
        key = f"amp:{thread_id}:{target}" if target else f"amp:{thread_id}:ledger:{_message_id(event.get('id')) or n}"
        add_usage(
            result, n, source=NAME, key=key, session=thread_id, project="", model=text(event.get("model")),
            ts_ms=ts, input=tokens.get("input"), output=tokens.get("output"),
            cache_write_5m=tokens.get("cacheCreationInputTokens"), cache_read=tokens.get("cacheReadInputTokens"),
            tool_cost_usd=event.get("credits"),
        )  # fmt: skip


THREADS = ThreadReader()

SPEC = SourceSpec(
    id=NAME,
    label="Amp",
    roots=(Root("~/.local/share/amp", env="AMP_DATA_DIR", env_list=True),),
    parts=(Part("threads", Kind.DOCUMENT, ("T-*.json",), THREADS, under="threads"),),
    counts="Each assistant message's usage in Amp's thread files (the usage ledger only for a "
    "message without usage, never both), cache reads and writes apart; credits as Amp's cost.",
)
