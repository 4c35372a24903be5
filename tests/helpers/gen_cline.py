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
