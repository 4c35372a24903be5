"""Generated Qwen Code homes in the tool's own on-disk format, with the traps it sets.

Record shapes follow QwenLM/qwen-code ``packages/core/src/services/chatRecordingService.ts``
(``ChatRecord``) and ``sessionService.ts`` (``forkSession``: ``/branch`` copies the active
records with the same ``uuid`` under a new ``sessionId`` and ``forkedFrom``; archiving moves
a transcript to ``chats/archive/``). Counts follow the Gemini API (``promptTokenCount``
includes ``cachedContentTokenCount``; ``totalTokenCount`` = prompt + candidates + thoughts).

``ours`` is added up in the token contract; ``peer`` as ccusage 20.0.24 reports it: input
with the cache still inside, output without thoughts, branch copies counted again, and
archived sessions not read (``adapter/qwen/paths.rs`` reads ``projects/<p>/chats/<f>.jsonl``
only).
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.helpers.gen_gemini import Expected, _iso

MODELS = ("qwen3-coder-plus", "qwen3-coder-flash", "qwen3-max")


def usage(rng: random.Random) -> dict[str, int]:
    prompt = rng.randint(1_000, 120_000)
    cached = rng.choice([0, rng.randint(0, prompt)])
    cand = rng.randint(1, 4_000)
    thoughts = rng.choice([0, 0, rng.randint(1, 3_000)])
    return {"promptTokenCount": prompt, "candidatesTokenCount": cand, "thoughtsTokenCount": thoughts,
            "cachedContentTokenCount": cached, "totalTokenCount": prompt + cand + thoughts}  # fmt: skip


def _count(exp: Expected, day: str, model: str, u: dict[str, int], peer_times: int) -> None:
    o = exp.ours[(day, model)]
    o[0] += u["promptTokenCount"] - u["cachedContentTokenCount"]
    o[1] += u["candidatesTokenCount"] + u["thoughtsTokenCount"]
    o[2] += u["cachedContentTokenCount"]
    o[3] += u["thoughtsTokenCount"]
    exp.requests += 1
    if peer_times:
        p = exp.peer[(day, model)]
        p[0] += u["promptTokenCount"] * peer_times
        p[1] += u["candidatesTokenCount"] * peer_times
        p[3] += u["cachedContentTokenCount"] * peer_times


class Chat:
    def __init__(self, rng: random.Random, sid: str, cwd: str, t: datetime) -> None:
        self.rng, self.sid, self.cwd, self.t = rng, sid, cwd, t
        self.records: list[dict[str, Any]] = []
        self.usage_records: list[tuple[str, str, dict[str, int]]] = []  # (day, model, usage)

    def rec(self, typ: str, **kw: Any) -> dict[str, Any]:
        parent = self.records[-1]["uuid"] if self.records else None
        r = {"uuid": str(uuid.UUID(int=self.rng.getrandbits(128))), "parentUuid": parent, "sessionId": self.sid,
             "timestamp": _iso(self.t), "type": typ, "cwd": self.cwd, "version": "0.9.1", "gitBranch": "main", **kw}  # fmt: skip
        self.records.append(r)
        return r

    def turn(self) -> None:
        rng = self.rng
        self.t += timedelta(seconds=rng.randint(30, 600))
        self.rec("user", message={"role": "user", "parts": [{"text": "add tests"}]})
        for _ in range(rng.randint(1, 3)):
            self.t += timedelta(seconds=rng.randint(1, 40))
            model, u = rng.choice(MODELS), usage(rng)
            extra = {"isSidechain": True, "agentId": "a1"} if rng.random() < 0.1 else {}
            self.rec(
                "assistant", model=model, usageMetadata=u, message={"role": "model", "parts": [{"text": "ok"}]}, **extra
            )
            self.usage_records.append((self.t.strftime("%Y-%m-%d"), model, u))
            self.rec("tool_result", message={"role": "user", "parts": [{"functionResponse": {"name": "x"}}]})
        if rng.random() < 0.3:
            self.rec("system", subtype="ui_telemetry", systemPayload={"uiEvent": {"input_token_count": 5}})

    def text(self) -> str:
        return "".join(json.dumps(r) + "\n" for r in self.records)


def generate(home: Path, seed: int, days: int = 6, sessions_per_day: int = 3, turns: int = 4) -> Expected:
    """A home with plain, branched (/branch) and archived sessions in two projects."""
    rng = random.Random(seed)
    exp = Expected()
    projects = ["/home/dev/shop", "/home/dev/my-api"]
    base = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    for d in range(days):
        for s in range(sessions_per_day):
            cwd = rng.choice(projects)
            chats = home / ".qwen" / "projects" / cwd.replace("/", "-") / "chats"
            chats.mkdir(parents=True, exist_ok=True)
            sid = str(uuid.UUID(int=rng.getrandbits(128)))
            chat = Chat(rng, sid, cwd, base + timedelta(days=d, hours=2 * s))
            for _ in range(turns):
                chat.turn()
            style = rng.choice(["plain", "plain", "branch", "archived"])
            copies = {"plain": 1, "branch": 2, "archived": 0}[style]
            for day, model, u in chat.usage_records:
                _count(exp, day, model, u, copies)
            if style == "archived":
                (chats / "archive").mkdir(exist_ok=True)
                (chats / "archive" / f"{sid}.jsonl").write_text(chat.text())
                continue
            (chats / f"{sid}.jsonl").write_text(chat.text())
            if style == "branch":
                bid = str(uuid.UUID(int=rng.getrandbits(128)))
                fork = Chat(rng, bid, cwd, chat.t)
                fork.records = [
                    {**r, "sessionId": bid, "forkedFrom": {"sessionId": sid, "messageUuid": r["uuid"]}}
                    for r in chat.records
                ]
                fork.turn()  # the branch goes on with calls of its own
                for day, model, u in fork.usage_records:
                    _count(exp, day, model, u, 1)
                (chats / f"{bid}.jsonl").write_text(fork.text())
    return exp
