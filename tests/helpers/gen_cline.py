"""Cline-family task folders (Cline, Roo Code, Kilo Code) in the extensions' real format.

``ui_messages.json`` is an array of ``ClineMessage`` (cline/cline
``apps/vscode/src/shared/ExtensionMessage.ts``: ``ts``, ``type``, ``say``, ``text``,
``modelInfo``); a request's ``text`` is a JSON ``ClineApiReqInfo`` (``tokensIn``,
``tokensOut``, ``cacheWrites``, ``cacheReads``, ``cost``, Roo's ``apiProtocol``,
RooCodeInc/Roo-Code ``packages/types/src/message.ts``). ``task_metadata.json`` follows Cline's
``ContextTrackerTypes.ts`` (``model_usage``), ``history_item.json`` Roo's
``packages/types/src/history.ts``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tracker.sources import cline, kilo, roo_code


def user_dir(home: Path, editor: str = "Code") -> Path:
    return home / ".config" / editor / "User"


def task_dir(home: Path, extension: str, task_id: str, editor: str = "Code") -> Path:
    return user_dir(home, editor) / "globalStorage" / extension / "tasks" / task_id


def say(ts: int, kind: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"ts": ts, "type": "say", "say": kind, "text": text, **extra}


def request(ts: int, model_info: dict[str, str] | None = None, **info: Any) -> dict[str, Any]:
    """An ``api_req_started`` row; no token fields = the placeholder written at request start."""
    body = {"request": "<task>\nrefactor utils\n</task>", **info}
    el = say(ts, "api_req_started", json.dumps(body))
    if model_info is not None:
        el["modelInfo"] = model_info
    return el


def write_task(folder: Path, messages: list[Any], **files: Any) -> Path:
    """``ui_messages.json`` plus any sibling files (``task_metadata``, ``history_item``, …)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, str) else json.dumps(content)
        (folder / f"{name}.json").write_text(data)
    ui = folder / "ui_messages.json"
    ui.write_text(json.dumps(messages))
    return ui


def conversation(workspace: str, model: str) -> list[dict[str, Any]]:
    """``api_conversation_history.json`` with Roo's environment details block."""
    details = (
        f"<environment_details>\n# Current Workspace Directory ({workspace}) Files\nsrc/\n"
        f"<slug>code</slug><name>Code</name><model>{model}</model>\n</environment_details>"
    )
    return [
        {"role": "user", "content": [{"type": "text", "text": "<task>hi</task>"}, {"type": "text", "text": details}]}
    ]


OCT_1, NOV_5, DEC_1 = 1759276800000, 1762300800000, 1764547200000  # 2025, UTC


CLINE_TASK = "1764493200000"


def cline_task(home: Path, editor: str = "Code") -> Path:
    folder = task_dir(home, cline.EXTENSION_ID, CLINE_TASK, editor)
    history = [{"id": CLINE_TASK, "ts": 1764493200000, "task": "refactor", "cwdOnTaskInitialization": "/home/u/cl"}]
    (folder.parents[1] / "state").mkdir(parents=True, exist_ok=True)
    (folder.parents[1] / "state" / "taskHistory.json").write_text(json.dumps(history))
    t = 1764493200000
    messages = [
        say(t, "text", "Refactor utils.py"),
        request(  # Anthropic: disjoint buckets
            t + 500, {"modelId": "claude-sonnet-4-5", "providerId": "anthropic", "mode": "act"},
            tokensIn=12, tokensOut=488, cacheWrites=14210, cacheReads=0, cost=0.06068,
        ),
        request(  # an OpenAI-style provider: tokensIn holds the cached tokens too
            t + 30000, {"modelId": "gpt-4.1", "providerId": "openai", "mode": "act"},
            tokensIn=15800, tokensOut=210, cacheWrites=0, cacheReads=14100, cost=0.0093,
        ),
        request(t + 40000, tokensIn=300, tokensOut=30, cacheReads=0, cacheWrites=0),  # model from metadata
        request(t + 50000, tokensIn=5, tokensOut=3, cancelReason="user_cancelled", cost=0),  # billed anyway
        request(t + 60000),  # placeholder: still streaming
        {"ts": "soon", "type": "say", "say": "api_req_started", "text": "{}"},  # wrong type
        say(t + 70000, "api_req_started", '{"tokensIn": 4'),  # truncated request JSON
        request(t + 80000, tokensIn=-5, tokensOut=1),  # hostile number
        request(t + 90000, tokensIn=10**12, tokensOut=1),  # hostile number
        "not an object",
    ]  # fmt: skip
    metadata = {
        "files_in_context": [],
        "model_usage": [
            {"ts": t, "model_id": "claude-sonnet-4-5", "model_provider_id": "anthropic", "mode": "act"},
            {"ts": t + 35000, "model_id": "deepseek-chat", "model_provider_id": "deepseek", "mode": "act"},
        ],
        "environment_history": [],
    }
    return write_task(folder, messages, task_metadata=metadata)


def roo_like(home: Path, extension: str) -> Path:
    folder = task_dir(home, extension, "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0")
    messages = [
        say(OCT_1, "text", "Build the parser"),
        request(OCT_1 + 1000, apiProtocol="anthropic", tokensIn=12, tokensOut=488, cacheWrites=14210, cacheReads=0),
        request(OCT_1 + 2000, apiProtocol="anthropic", tokensIn=500, tokensOut=40, cacheWrites=0, cacheReads=100),
        request(OCT_1 + 3000, apiProtocol="openai", tokensIn=15800, tokensOut=210, cacheWrites=0, cacheReads=14100),
        request(NOV_5, apiProtocol="anthropic", tokensIn=1000, tokensOut=10, cacheWrites=0, cacheReads=400),
        request(
            DEC_1, apiProtocol="anthropic", tokensIn=14222, tokensOut=60, cacheWrites=14210, cacheReads=0, cost=0.05
        ),
    ]
    history = {"id": folder.name, "number": 1, "ts": OCT_1, "task": "Build the parser", "tokensIn": 0, "tokensOut": 0,
               "totalCost": 0, "workspace": "/home/u/roo"}  # fmt: skip
    return write_task(
        folder, messages, history_item=history,
        api_conversation_history=conversation("/home/u/elsewhere", "claude-sonnet-4-5"),
    )  # fmt: skip


def build_cline(home: Path) -> None:
    """Cline's task (VS Code) with the reader test's requests."""
    cline_task(home)


def build_roo(home: Path) -> None:
    """A Roo Code task across its cache-rule changes."""
    roo_like(home, roo_code.EXTENSION_ID)


def build_kilo(home: Path) -> None:
    """The same task under Kilo Code, whose rule changed eleven days later."""
    roo_like(home, kilo.EXTENSION_ID)
