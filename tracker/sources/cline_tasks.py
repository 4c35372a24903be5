"""Cline-family task files: ``tasks/<task id>/ui_messages.json`` (Cline, Roo Code, Kilo Code).

The extension rewrites ``ui_messages.json`` in place; each model request is one element
``{ts, type: "say", say: "api_req_started", text: "<JSON ClineApiReqInfo>"}`` with
``tokensIn``, ``tokensOut``, ``cacheReads``, ``cacheWrites``, ``cost`` (cline/cline
``apps/vscode/src/shared/ExtensionMessage.ts``; Roo adds ``apiProtocol``). The element is
written when the request starts and filled in when it ends, so a file read mid-request holds
a placeholder without numbers: ignored, and counted when the numbers arrive.

Token mapping: ``tokensOut`` → output (reasoning is already inside it); ``cacheReads`` →
cache read; ``cacheWrites`` → 5-minute cache write; ``cost`` → the tool's cost.
``tokensIn`` means different things by extension and version:

- Roo Code ≥ 3.29.5 and Kilo Code ≥ 4.119 store the whole prompt, cache included, for every
  provider (Roo ``Task.ts`` writes ``costResult.totalInputTokens``; RooCodeInc/Roo-Code PR
  #8954, released 2025-11-01, in Kilo from 2025-11-12). Before that, ``anthropic``-protocol
  requests stored the fresh remainder and ``openai`` ones the provider's total. The record
  has no version, so: ``tokensIn`` below the cached tokens is the remainder; an anthropic
  request dated before the change is the remainder; anything else includes the cache.
- Cline keeps the buckets disjoint (its SDK path subtracts the cache, ``sdk/message-
  translator.ts``), except providers that pass OpenAI ``prompt_tokens`` (cache included)
  through: ``OPENAI_STYLE_PROVIDERS``.

Model: the message's ``modelInfo.modelId`` (Cline), the request's ``modelId``, the task's
``task_metadata.json`` ``model_usage`` entry in force at the request, else the last
``<model>`` tag of ``api_conversation_history.json`` (Roo, Kilo). Project: ``history_item.json``
``workspace`` (Roo, Kilo), Cline's ``state/taskHistory.json`` ``cwdOnTaskInitialization``,
else the ``Current Workspace Directory (…)`` line of the conversation.

Key: ``<tag>:<task id>:<ts>`` — ``ts`` is the webview's list key and survives the in-place
rewrite, so a task copied to a second editor's folder counts once, and a truncated file
(checkpoint restore) only stops adding rows: what was stored stays stored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import ReadResult
from tracker.sources.normalize import add_usage, token_count

# Classic Cline providers that report the OpenAI prompt (cache included) as tokensIn
# (research part 1 §c, from Cline's provider handlers).
OPENAI_STYLE_PROVIDERS = frozenset(
    {"openai", "litellm", "doubao", "fireworks", "hicap", "lmstudio", "qwen", "xai", "zai"}
)
# From these dates Roo Code / Kilo Code store cache-inclusive tokensIn for every provider.
WHOLE_PROMPT_SINCE_MS = {
    "roo": int(datetime(2025, 11, 1, tzinfo=UTC).timestamp() * 1000),
    "kilo": int(datetime(2025, 11, 12, tzinfo=UTC).timestamp() * 1000),
}
_WORKSPACE = re.compile(rb"Current Workspace Directory \(([^)\n]{1,1000})\)")


class _Element(msgspec.Struct):
    ts: Any = None
    type: Any = None
    say: Any = None
    text: msgspec.Raw = msgspec.Raw(b"null")  # decoded for requests only: other rows hold conversation
    modelInfo: Any = None  # noqa: N815 - Cline's own field name


class _ApiReq(msgspec.Struct):
    tokensIn: Any = None  # noqa: N815 - Cline's own field names
    tokensOut: Any = None  # noqa: N815
    cacheWrites: Any = None  # noqa: N815
    cacheReads: Any = None  # noqa: N815
    cost: Any = None
    apiProtocol: Any = None  # noqa: N815
    modelId: Any = None  # noqa: N815
    providerId: Any = None  # noqa: N815


class _ModelUse(msgspec.Struct):
    ts: Any = None
    model_id: Any = None
    model_provider_id: Any = None


class _Metadata(msgspec.Struct):
    model_usage: list[_ModelUse] | None = None


class _HistoryItem(msgspec.Struct):
    workspace: Any = None


class _ClineTask(msgspec.Struct):
    id: Any = None
    cwdOnTaskInitialization: Any = None  # noqa: N815


_LIST = msgspec.json.Decoder(list[msgspec.Raw])
_ELEMENT = msgspec.json.Decoder(_Element)
_TEXT = msgspec.json.Decoder(str)
_API_REQ = msgspec.json.Decoder(_ApiReq)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _decode(data: bytes | None, type_: Any) -> Any:
    if data is None:
        return None
    try:
        return msgspec.json.decode(data, type=type_)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


@dataclass
class _Task:
    """What the files beside ``ui_messages.json`` say about the task, read when first needed."""

    folder: Path
    _models: list[_ModelUse] | None = None
    _conversation: bytes | None = None

    def model_usage(self) -> list[_ModelUse]:
        if self._models is None:
            meta = _decode(_read(self.folder / "task_metadata.json"), _Metadata)
            uses = [u for u in (meta.model_usage or []) if isinstance(u.ts, int | float)] if meta else []
            self._models = sorted(uses, key=lambda u: u.ts)
        return self._models

    def model_at(self, ts: float) -> _ModelUse | None:
        uses = self.model_usage()
        before = [u for u in uses if u.ts <= ts]
        return before[-1] if before else (uses[0] if uses else None)

    def conversation(self) -> bytes:
        if self._conversation is None:
            self._conversation = _read(self.folder / "api_conversation_history.json") or b""
        return self._conversation

    def conversation_model(self) -> str:
        data = self.conversation()
        start = data.rfind(b"<model>")
        end = data.find(b"</model>", start)
        if start < 0 or end < 0 or end - start > 200:
            return ""
        return data[start + 7 : end].decode("utf-8", "replace").strip()

    def conversation_workspace(self) -> str:
        m = _WORKSPACE.search(self.conversation())
        return m.group(1).decode("utf-8", "replace").replace("\\\\", "\\") if m else ""


class TaskMessages:
    """``ui_messages.json``: DOCUMENT reader for one extension of the Cline family."""

    def __init__(self, source: str, tag: str, vendor: str) -> None:
        self.source, self.tag, self.vendor = source, tag, vendor
        # Cline's task list per file, by (size, mtime): read once, not once per task.
        self._history: dict[Path, tuple[tuple[int, int], dict[str, str]]] = {}

    def parse_document(self, path: Path, data: bytes, result: ReadResult) -> None:
        try:
            items = _LIST.decode(data)
        except (msgspec.DecodeError, msgspec.ValidationError):
            result.error = "not a JSON array of messages (half written? it is read again when it changes)"
            return
        task = _Task(path.parent)
        task_id = path.parent.name
        project: str | None = None
        for n, raw in enumerate(items, 1):
            result.lines_read += 1
            try:
                el = _ELEMENT.decode(raw)
            except (msgspec.DecodeError, msgspec.ValidationError):
                result.skip(n, "message that is not a JSON object")
                continue
            if el.say != "api_req_started":
                continue
            if project is None:
                project = self._project(path, task)
            self._request(result, n, el, task, task_id, project)

    def _request(self, result: ReadResult, n: int, el: _Element, task: _Task, task_id: str, project: str) -> None:
        ts = el.ts
        if isinstance(ts, bool) or not isinstance(ts, int | float) or not math.isfinite(ts):
            result.skip(n, "request without a numeric ts")
            return
        try:
            req = _API_REQ.decode(_TEXT.decode(el.text))
        except (msgspec.DecodeError, msgspec.ValidationError):
            req = None
        if req is None:
            result.skip(n, "request whose text is not a JSON object")
            return
        raw = (req.tokensIn, req.tokensOut, req.cacheReads, req.cacheWrites)
        counts = [token_count(v) for v in raw]
        if all(c == 0 for c in counts):
            result.ignore("request without numbers yet (placeholder or cancelled before any)")
            return
        use = task.model_at(ts) if self.vendor == "cline" else None
        model = (
            _text(el.modelInfo.get("modelId") if isinstance(el.modelInfo, dict) else None)
            or _text(req.modelId)
            or (_text(use.model_id) if use else "")
            or (task.conversation_model() if self.vendor != "cline" else "")
        )
        provider = (
            _text(el.modelInfo.get("providerId") if isinstance(el.modelInfo, dict) else None)
            or _text(req.providerId)
            or (_text(use.model_provider_id) if use else "")
        )
        includes = self._input_includes_cache(counts, req, ts, provider)
        cost = req.cost if isinstance(req.cost, int | float) and not isinstance(req.cost, bool) else None
        add_usage(
            result, n, source=self.source, key=f"{self.tag}:{task_id}:{math.floor(ts)}", session=task_id,
            project=project, model=model, ts_ms=math.floor(ts), input=req.tokensIn, output=req.tokensOut,
            cache_read=req.cacheReads, cache_write_5m=req.cacheWrites,
            input_includes_cache_read=includes, input_includes_cache_write=includes,
            tool_cost_usd=cost if cost else None,
        )  # fmt: skip

    def _input_includes_cache(self, counts: list[int | None], req: _ApiReq, ts: float, provider: str) -> bool:
        if self.vendor == "cline":
            return provider.lower() in OPENAI_STYLE_PROVIDERS
        tokens_in, _, read, write = counts
        if tokens_in is None or read is None or write is None or tokens_in < read + write:
            return False  # the fresh remainder (or unusable: add_usage rejects it)
        return not (req.apiProtocol == "anthropic" and ts < WHOLE_PROMPT_SINCE_MS[self.vendor])

    def _project(self, path: Path, task: _Task) -> str:
        item = _decode(_read(path.parent / "history_item.json"), _HistoryItem)
        if item is not None and _text(item.workspace):
            return _text(item.workspace)
        if self.vendor == "cline" and len(path.parents) >= 3:
            cwd = self._cline_history(path.parents[2] / "state" / "taskHistory.json").get(path.parent.name)
            if cwd:
                return cwd
        return task.conversation_workspace()

    def _cline_history(self, file: Path) -> dict[str, str]:
        try:
            st = file.stat()
        except OSError:
            return {}
        stamp = (st.st_size, st.st_mtime_ns)
        cached = self._history.get(file)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        tasks = _decode(_read(file), list[_ClineTask]) or []
        found = {str(t.id): t.cwdOnTaskInitialization for t in tasks if isinstance(t.cwdOnTaskInitialization, str)}
        self._history[file] = (stamp, found)
        return found
