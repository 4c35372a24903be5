"""One OpenCode assistant message (or v2 step row) as a usage record: the shared arithmetic.

OpenCode and its forks (the Kilo CLI) store the same message shape in their SQLite
database and in the legacy ``storage/message`` JSON files; both readers decode it here.

Token mapping (OpenCode reports disjoint buckets, Anthropic style, reasoning apart):
``tokens.input`` → input (fresh); ``tokens.cache.read`` → cache read; ``tokens.cache.write``
→ 5-minute cache write (OpenCode does not split TTLs); ``tokens.output`` + ``tokens.reasoning``
→ output (``reasoning_separate``); ``tokens.reasoning`` → reasoning; ``cost`` → the tool's
cost; a cost of 0 from a subscription provider (``github-copilot``) → subscription.

Exact tokens: OpenCode overwrites a message's ``tokens`` with the last step's figures
while each step is its own billed request (anomalyco/opencode issue #21913), so the sum of
the message's ``step-finish`` parts is used whenever it has any; the message figure only
when it has none (old releases).

Dedup key (``Session.fork`` copies every message under new ids with identical data): the
fields a copy keeps and that never change once the message exists — ``time.created``,
provider, model, agent — plus the first finished step's tokens when there is one. The key is
the same for the SQLite row, a v2 ``session_message`` row and a legacy JSON file of the same
message, and stays the same while the message is still growing: OpenCode inserts each
step-finish part before it rewrites the message (``session/processor.ts``), so a message has
tokens only once its first step exists, and later steps only add parts (ids ascending). The
store's "largest copy wins" then keeps the complete step sum once. Two different requests
would need the same millisecond, model, provider, agent and first-step counts to collide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from tracker.core.reading import ReadResult
from tracker.sources.normalize import add_usage

# Providers whose requests the user's plan covers: OpenCode records cost 0 for them.
SUBSCRIPTION_PROVIDERS = frozenset({"github-copilot"})
_BUCKETS = ("input", "output", "reasoning", "read", "write")


class MessageData(msgspec.Struct):
    """The fields of an OpenCode message that usage needs (v1 ``message.data``, v2
    ``session_message.data`` or a legacy JSON file). Typed loosely so that one wrongly
    typed optional field never drops the tokens."""

    id: Any = None
    sessionID: Any = None  # noqa: N815 - OpenCode's own field name
    role: Any = None
    time: Any = None
    modelID: Any = None  # noqa: N815
    providerID: Any = None  # noqa: N815
    model: Any = None  # v2: {id, providerID, variant}
    agent: Any = None
    mode: Any = None
    cost: Any = None
    tokens: Any = None
    path: Any = None


class PartData(msgspec.Struct):
    type: Any = None
    cost: Any = None
    tokens: Any = None


MESSAGE = msgspec.json.Decoder(MessageData)
PART = msgspec.json.Decoder(PartData)


def _get(obj: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(k)
    return obj


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def buckets(tokens: Any) -> tuple[Any, ...] | None:
    """``tokens`` as (input, output, reasoning, cache read, cache write), raw; None if absent."""
    if not isinstance(tokens, dict):
        return None
    return (
        tokens.get("input"), tokens.get("output"), tokens.get("reasoning"),
        _get(tokens, "cache", "read"), _get(tokens, "cache", "write"),
    )  # fmt: skip


def _sum(rows: Sequence[tuple[Any, ...]]) -> tuple[Any, ...]:
    """Bucket-wise sum; a bucket holding a non-number keeps it, so ``add_usage`` rejects it."""
    out: list[Any] = []
    for i in range(len(_BUCKETS)):
        values = [r[i] for r in rows if r[i] is not None]
        bad = [v for v in values if isinstance(v, bool) or not isinstance(v, int | float)]
        out.append(bad[0] if bad else sum(values))
    return tuple(out)


def step_tokens(parts: Sequence[PartData]) -> list[tuple[Any, ...]]:
    """The token buckets of each ``step-finish`` part that carries tokens, in part order."""
    out = []
    for p in parts:
        if p.type == "step-finish":
            b = buckets(p.tokens)
            if b is not None:
                out.append(b)
    return out


def created_ms(value: Any) -> int | float | None:
    """``time.created`` (epoch ms, sometimes fractional) as a number, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return int(value) if isinstance(value, float) and value.is_integer() else value


@dataclass(frozen=True)
class Origin:
    """Where a message was read: the source it counts for and its key tag."""

    source: str  # "opencode" or "kilo"
    tag: str  # key prefix: "oc", "kilo-cli"


def add_message(
    result: ReadResult,
    line_no: int,
    origin: Origin,
    msg: MessageData,
    steps: Sequence[tuple[Any, ...]],
    *,
    session: str,
    project: str,
    fallback_ts: Any = None,
) -> bool:
    """Add one assistant message's usage (``steps``: its step-finish buckets, possibly none)."""
    whole = buckets(msg.tokens)
    if not steps and whole is None:
        result.ignore("assistant message without tokens")
        return False
    figures = _sum(steps) if steps else whole
    assert figures is not None
    if all(isinstance(v, int | float) and not isinstance(v, bool) and v == 0 for v in figures if v is not None):
        result.ignore("assistant message with no tokens (aborted or failed)")
        return False
    created = created_ms(_get(msg.time, "created"))
    if created is None:
        created = created_ms(fallback_ts)
    if created is None:
        result.skip(line_no, "assistant message without a readable time.created")
        return False
    provider = _text(msg.providerID) or _text(_get(msg.model, "providerID"))
    model = _text(msg.modelID) or _text(_get(msg.model, "id"))
    agent = _text(msg.agent) or _text(msg.mode)
    first = "" if not steps else ",".join(repr(v) for v in steps[0])
    key = f"{origin.tag}:{created!r}:{provider}:{model}:{agent}:{first}"
    cost = msg.cost
    if isinstance(cost, bool) or not isinstance(cost, int | float):
        cost = None
    subscription = provider in SUBSCRIPTION_PROVIDERS and cost == 0
    inp, out, reason, read, write = figures
    return add_usage(
        result, line_no, source=origin.source, key=key, session=session,
        project=project or _text(_get(msg.path, "root")) or _text(_get(msg.path, "cwd")),
        model=model, ts_ms=math.floor(created), input=inp, output=out, cache_read=read,
        cache_write_5m=write, reasoning=reason, reasoning_separate=True,
        tool_cost_usd=cost if (cost or subscription) else None, subscription=subscription,
    )  # fmt: skip


def decode_message(raw: object) -> MessageData | None:
    """A message row's JSON, or None when it is not a JSON object."""
    if isinstance(raw, str):
        raw = raw.encode()
    if not isinstance(raw, bytes):
        return None
    try:
        return MESSAGE.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def decode_part(raw: object) -> PartData | None:
    if isinstance(raw, str):
        raw = raw.encode()
    if not isinstance(raw, bytes):
        return None
    try:
        return PART.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def is_assistant(msg: MessageData, row_type: object = None) -> bool:
    return msg.role == "assistant" or row_type == "assistant"
