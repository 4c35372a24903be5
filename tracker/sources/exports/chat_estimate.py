"""Tokens estimated from a chat app's exported text (ChatGPT, Claude.ai keep no counts).

Method, stated wherever an estimate is shown (``METHOD``): each assistant reply is one request;
its output is the reply's own text, its input the whole conversation above it on its branch
(the app sends the history again with every turn), plus OpenAI's chat framing of 3 tokens a
message and 3 a reply. Every generated reply counts, regenerations included: each was computed.
OpenAI models are counted with their own encoding (``o200k_base`` for GPT-4o and later,
``cl100k_base`` before); Claude has no public tokenizer, so ``cl100k_base`` stands in for it.

What an export cannot show, so the estimate leaves it out (it is low, not high): hidden system
prompts and memory, tool and file payloads that are not in the text, hidden reasoning (ChatGPT
keeps only a summary) and prompt caching. Only counts leave this module: the text is dropped.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache

from tracker.core.provider_rows import ProviderRow, bucket_key

METHOD = (
    "estimated from the exported text: output = the reply, input = the conversation above it "
    "(re-sent every turn) + 3 tokens of framing a message; OpenAI models with their own encoding, "
    "Claude with cl100k_base as a stand-in (Claude's tokenizer is not public); hidden system "
    "prompts, files, tool payloads and hidden reasoning are not in exports, so it is a lower bound"
)
FRAMING_PER_MESSAGE = 3  # OpenAI cookbook, num_tokens_from_messages
FRAMING_PER_REPLY = 3

# ChatGPT's model slugs that predate o200k_base (everything newer uses it).
_CL100K = re.compile(r"^(gpt-4(?!o|\.|-5|-1)|gpt-3\.5|text-davinci|gpt-4-turbo|gpt-4-32k)")


@cache
def _encoder(name: str) -> Callable[[str], list[int]]:
    with warnings.catch_warnings():
        # bpe-openai 0.1.4 loads its bundled tables with importlib.resources' deprecated open_binary
        warnings.filterwarnings("ignore", category=DeprecationWarning, message="open_binary is deprecated")
        import bpe_openai  # lazy: ~0.1 s and large tables, needed only for chat exports

        encode = bpe_openai.get_encoding(name).encode_ordinary
        encode("warm")  # the tables load on first use: inside this filter
    return encode  # type: ignore[no-any-return]  # untyped package


def encoding_for(model: str) -> str:
    """The encoding that counts ``model``'s tokens (or stands in for them)."""
    m = model.lower()
    if m.startswith("claude") or not m:
        return "cl100k_base"
    return "cl100k_base" if _CL100K.match(m) else "o200k_base"


def count(text: str, encoding: str) -> int:
    return len(_encoder(encoding)(text)) if text else 0


@dataclass(frozen=True)
class Message:
    """One message of a conversation, as the estimate needs it (its text is dropped after)."""

    id: str
    parent: str | None  # the message above it on its branch (None at the top)
    role: str  # 'user', 'assistant', 'system' or 'tool'; '' for an empty node (a tree's root)
    text: str
    ts_ms: int | None
    model: str = ""  # the assistant's model, when the export says


@dataclass
class Conversation:
    id: str
    ts_ms: int | None  # when it started (stands in for a message without a time)
    messages: list[Message] = field(default_factory=list)
    default_model: str = ""


@dataclass
class _Bucket:
    ts_ms: int
    input: int = 0
    output: int = 0
    replies: int = 0


def estimate(
    provider: str, conversations: Iterable[Conversation], imported_ms: int, unknown_model: str
) -> tuple[list[ProviderRow], int]:
    """Provider rows of origin 'estimate', one per conversation, day and model, and the number
    of assistant replies counted. ``unknown_model`` names a reply whose model the export omits."""
    rows: list[ProviderRow] = []
    replies = 0
    for conv in conversations:
        buckets: dict[tuple[str, str], _Bucket] = {}
        context: dict[str, int] = {}  # message id -> tokens of the branch down to and including it
        by_id = {m.id: m for m in conv.messages}
        first_model = next((m.model for m in conv.messages if m.role == "assistant" and m.model), "")
        enc = encoding_for(conv.default_model or first_model or unknown_model)  # one per conversation
        for m in _parents_first(conv.messages, by_id):
            model = m.model or conv.default_model or unknown_model
            above = context.get(m.parent, 0) if m.parent else 0
            own = count(m.text, enc) + (FRAMING_PER_MESSAGE if m.role else 0)  # an empty node frames nothing
            context[m.id] = above + own
            if m.role != "assistant":
                continue
            ts = m.ts_ms if m.ts_ms is not None else conv.ts_ms
            if ts is None:
                continue  # no time anywhere: a bucket needs a day
            day = datetime.fromtimestamp(ts / 1000, UTC).date().isoformat()
            b = buckets.setdefault((day, model), _Bucket(ts))
            b.ts_ms = min(b.ts_ms, ts)
            b.input += above + FRAMING_PER_REPLY
            b.output += own - FRAMING_PER_MESSAGE
            b.replies += 1
            replies += 1
        for (day, model), b in sorted(buckets.items()):
            rows.append(
                ProviderRow(
                    provider=provider, account="", origin="estimate",
                    row_key=bucket_key(provider, conv.id, day, model), day=day, ts_ms=b.ts_ms, model=model,
                    unit="tokens", input_tokens=b.input, cache_creation_tokens=0, cache_read_tokens=0,
                    output_tokens=b.output, reasoning_tokens=0, requests=b.replies, cost_micro=None,
                    detail=f"estimated ({encoding_for(model)})", imported_ms=imported_ms,
                )
            )  # fmt: skip
    return rows, replies


def _parents_first(messages: list[Message], by_id: dict[str, Message]) -> list[Message]:
    """Messages ordered so each comes after the one above it (exports list them in any order).
    A message whose parent is missing, or which sits in a loop of parents, starts its branch."""
    done: set[str] = set()
    order: list[Message] = []
    for start in messages:
        chain: list[Message] = []
        seen: set[str] = set()
        m: Message | None = start
        while m is not None and m.id not in done and m.id not in seen:
            seen.add(m.id)
            chain.append(m)
            m = by_id.get(m.parent) if m.parent else None
        for item in reversed(chain):
            if item.parent is not None and item.parent not in done:
                item = replace(item, parent=None)
            done.add(item.id)
            order.append(item)
    return order
