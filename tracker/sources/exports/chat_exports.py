"""ChatGPT and Claude.ai data exports (the emailed ZIP, or its ``conversations.json``).

Neither keeps token counts, so tokens are estimated from the text (``chat_estimate``) and
stored as provider figures of origin 'estimate': apart from exact usage, never in its totals.
Conversations are decoded one at a time, so one malformed conversation is skipped with its
position and the rest are read; titles and text are never kept.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from tracker.sources.exports.chat_estimate import METHOD, Conversation, Message, estimate
from tracker.sources.exports.format import HEAD_BYTES, ExportFormat, ExportRead
from tracker.sources.normalize import timestamp_ok

MEMBER = "conversations.json"


# --- ChatGPT ----------------------------------------------------------------------------------
class _Author(msgspec.Struct):
    role: str = ""


class _Meta(msgspec.Struct):
    model_slug: str | None = None


class _Content(msgspec.Struct):
    content_type: str = "text"
    parts: list[Any] = msgspec.field(default_factory=list)
    text: str | None = None
    thoughts: list[Any] = msgspec.field(default_factory=list)


class _GptMessage(msgspec.Struct):
    author: _Author = msgspec.field(default_factory=_Author)
    create_time: float | None = None
    content: _Content | None = None
    metadata: _Meta | None = None


class _Node(msgspec.Struct):
    message: _GptMessage | None = None
    parent: str | None = None


class _GptConversation(msgspec.Struct):
    mapping: dict[str, _Node]
    id: str | None = None
    conversation_id: str | None = None
    create_time: float | None = None
    default_model_slug: str | None = None


def _gpt_text(c: _Content | None) -> str:
    if c is None:
        return ""
    pieces = [p for p in c.parts if isinstance(p, str)]
    if c.text:
        pieces.append(c.text)
    for t in c.thoughts:  # only the visible summary of hidden reasoning is exported
        if isinstance(t, dict):
            pieces.extend(str(t[k]) for k in ("summary", "content") if isinstance(t.get(k), str))
    return "\n".join(pieces)


def _seconds_ms(value: float | None) -> int | None:
    if value is None:
        return None
    ms = int(value * 1000)
    return ms if timestamp_ok(ms) else None


def _chatgpt(raw: bytes, position: int) -> Conversation:
    c = msgspec.json.decode(raw, type=_GptConversation)
    conv_id = c.conversation_id or c.id or f"#{position}"
    conv = Conversation(conv_id, _seconds_ms(c.create_time), default_model=c.default_model_slug or "")
    for node_id, node in c.mapping.items():
        m = node.message
        if m is None:  # the root and other empty nodes: nothing was said there
            conv.messages.append(Message(node_id, node.parent, "", "", None))
            continue
        model = (m.metadata.model_slug if m.metadata else None) or ""
        conv.messages.append(
            Message(node_id, node.parent, m.author.role, _gpt_text(m.content), _seconds_ms(m.create_time), model)
        )
    return conv


# --- Claude.ai --------------------------------------------------------------------------------
class _Attachment(msgspec.Struct):
    extracted_content: str | None = None


class _ClaudeMessage(msgspec.Struct):
    uuid: str
    sender: str = ""
    text: str | None = None
    content: list[Any] = msgspec.field(default_factory=list)
    created_at: str | None = None
    attachments: list[_Attachment] = msgspec.field(default_factory=list)
    parent_message_uuid: str | None = None


class _ClaudeConversation(msgspec.Struct):
    uuid: str
    chat_messages: list[_ClaudeMessage]
    created_at: str | None = None


def _claude_text(m: _ClaudeMessage) -> str:
    pieces: list[str] = []
    for item in m.content:
        if not isinstance(item, dict):
            continue
        for key in ("text", "thinking"):
            if isinstance(item.get(key), str):
                pieces.append(item[key])
        if item.get("type") == "tool_use" and item.get("input") is not None:
            pieces.append(msgspec.json.encode(item["input"]).decode())
        if item.get("type") == "tool_result":
            pieces.extend(str(x.get("text", "")) for x in item.get("content") or [] if isinstance(x, dict))
    if not pieces and m.text:
        pieces.append(m.text)
    pieces.extend(a.extracted_content for a in m.attachments if a.extracted_content)
    return "\n".join(pieces)


def _iso_ms(value: str | None) -> int | None:
    if not value:
        return None
    try:
        ms = int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return None
    return ms if timestamp_ok(ms) else None


def _claude(raw: bytes, position: int) -> Conversation:
    c = msgspec.json.decode(raw, type=_ClaudeConversation)
    conv = Conversation(c.uuid, _iso_ms(c.created_at))
    previous: str | None = None
    for m in c.chat_messages:
        # Newer exports name each message's parent (branches); older ones are one linear thread.
        parent = m.parent_message_uuid if m.parent_message_uuid is not None else previous
        role = "assistant" if m.sender == "assistant" else "user"
        conv.messages.append(Message(m.uuid, parent, role, _claude_text(m), _iso_ms(m.created_at)))
        previous = m.uuid
    return conv


# --- the formats ------------------------------------------------------------------------------
def _document(path: Path) -> bytes:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            name = next((n for n in z.namelist() if n.rsplit("/", 1)[-1] == MEMBER), None)
            if name is None:
                raise ValueError(f"the ZIP holds no {MEMBER}")
            return z.read(name)
    return path.read_bytes()


def _head(path: Path, head: bytes) -> bytes:
    """The first bytes of the conversations document (inside the ZIP when it is one)."""
    if not head.startswith(b"PK"):
        return head
    try:
        with zipfile.ZipFile(path) as z:
            name = next((n for n in z.namelist() if n.rsplit("/", 1)[-1] == MEMBER), None)
            if name is None:
                return b""
            with z.open(name) as f:
                return f.read(HEAD_BYTES)
    except (OSError, zipfile.BadZipFile):
        return b""


def _recogniser(*markers: bytes) -> Callable[[Path, bytes], bool]:
    def recognises(path: Path, head: bytes) -> bool:
        doc = _head(path, head).lstrip()
        return doc.startswith(b"[") and all(m in doc for m in markers)

    return recognises


def _reader(
    name: str, provider: str, unknown_model: str, parse: Callable[[bytes, int], Conversation]
) -> Callable[[Path], ExportRead]:
    def read(path: Path) -> ExportRead:
        out = ExportRead(format=name)
        try:
            items = msgspec.json.decode(_document(path), type=list[msgspec.Raw])
        except (OSError, ValueError, zipfile.BadZipFile, msgspec.DecodeError) as exc:
            out.error = f"{path}: not a readable {name} ({exc})"
            return out

        def conversations() -> Iterator[Conversation]:
            for i, raw in enumerate(items, 1):
                try:
                    yield parse(bytes(raw), i)
                except (msgspec.DecodeError, ValueError) as exc:
                    out.skip(i, f"conversation {i}: {exc}")

        out.provider_rows, replies = estimate(provider, conversations(), int(time.time() * 1000), unknown_model)
        out.rows_read = len(items)
        out.notes.append(f"{replies:,} replies in {len(items):,} conversations; tokens {METHOD}")
        return out

    return read


CHATGPT = ExportFormat(
    name="ChatGPT data export",
    recognises=_recogniser(b'"mapping"'),
    read=_reader("ChatGPT data export", "chatgpt", "chatgpt (model not in export)", _chatgpt),
)
CLAUDE_AI = ExportFormat(
    name="Claude.ai data export",
    recognises=_recogniser(b'"chat_messages"'),
    read=_reader("Claude.ai data export", "claude-ai", "claude (model not in export)", _claude),
)
