"""Generated Gemini CLI homes in the tool's own on-disk format, with the traps it sets.

Layout and record shapes follow google-gemini/gemini-cli
``packages/core/src/services/chatRecordingService.ts`` (file names, re-appended messages,
``$set``/``$rewindTo`` lines, the ``.json`` → ``.jsonl`` resume migration, subagent folders)
and ``packages/core/src/config/projectRegistry.ts`` (``projects.json``, ``.project_root``).

Each response's counts are random but consistent with the Gemini API
(``total = input + output + thoughts + tool``, ``cached`` inside ``input``), and the
expected numbers are added up as they are written: ``ours`` in the token contract,
``peer`` as ccusage 20.0.24 reports them (output without thoughts; a resumed legacy
session's messages counted once per file).
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

MODELS = ("gemini-2.5-pro", "gemini-2.5-flash", "gemini-3-flash-preview")
Key = tuple[str, str]  # (UTC day, model)


@dataclass
class Expected:
    # (day, model) -> [fresh input, output incl. thoughts, cache read, thoughts]
    ours: dict[Key, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    # (day, model) -> [input, output, cache creation, cache read] as ccusage reports them
    peer: dict[Key, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    requests: int = 0
    twin_requests: int = 0  # responses ccusage counts twice


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def tokens(rng: random.Random) -> dict[str, int]:
    prompt = rng.randint(2_000, 90_000)
    cached = rng.choice([0, rng.randint(0, prompt)])
    out = rng.randint(1, 3_000)
    thoughts = rng.choice([0, rng.randint(1, 2_000)])
    tool = rng.choice([0, 0, 0, rng.randint(1, 400)])
    return {"input": prompt, "output": out, "cached": cached, "thoughts": thoughts, "tool": tool,
            "total": prompt + out + thoughts + tool}  # fmt: skip


def count(exp: Expected, day: str, model: str, t: dict[str, int], peer_times: int = 1) -> None:
    fresh = t["input"] - t["cached"] + t["tool"]
    o = exp.ours[(day, model)]
    o[0] += fresh
    o[1] += t["output"] + t["thoughts"]
    o[2] += t["cached"]
    o[3] += t["thoughts"]
    p = exp.peer[(day, model)]
    p[0] += fresh * peer_times
    p[1] += t["output"] * peer_times
    p[3] += t["cached"] * peer_times
    exp.requests += 1
    exp.twin_requests += peer_times - 1


class Session:
    """One conversation: its metadata and the message records it appends."""

    def __init__(self, rng: random.Random, start: datetime, kind: str = "main") -> None:
        self.rng, self.t, self.kind = rng, start, kind
        self.id = str(uuid.UUID(int=rng.getrandbits(128)))
        self.start = _iso(start)
        self.lines: list[dict[str, Any]] = []
        self.messages: dict[str, dict[str, Any]] = {}  # last copy of each message, in order

    def meta(self) -> dict[str, Any]:
        return {"sessionId": self.id, "projectHash": "9b1d" + "0" * 60, "startTime": self.start,
                "lastUpdated": self.start, "kind": self.kind}  # fmt: skip

    def push(self, msg: dict[str, Any]) -> None:
        self.lines.append(dict(msg))
        self.messages[msg["id"]] = dict(msg)

    def turn(self, exp: Expected, peer_times: int = 1) -> str:
        """A user prompt and one model response, re-appended as gemini-cli does."""
        rng = self.rng
        self.t += timedelta(seconds=rng.randint(20, 400))
        user = {"id": str(uuid.UUID(int=rng.getrandbits(128))), "timestamp": _iso(self.t), "type": "user",
                "content": [{"text": "please fix the failing test"}]}  # fmt: skip
        self.push(user)
        self.lines.append({"$set": {"lastUpdated": _iso(self.t)}})
        self.t += timedelta(seconds=rng.randint(2, 60))
        model = rng.choice(MODELS)
        gid = str(uuid.UUID(int=rng.getrandbits(128)))
        call = {"id": "c1", "name": "read_file", "args": {"path": "a.py"}, "status": "executing",
                "timestamp": _iso(self.t)}  # fmt: skip
        msg = {"id": gid, "timestamp": _iso(self.t), "type": "gemini", "content": "", "model": model,
               "thoughts": [], "toolCalls": [call]}  # fmt: skip
        self.push(msg)  # before its tokens arrive
        t = tokens(rng)
        self.push({**msg, "tokens": t})  # recordMessageTokens re-appends
        if rng.random() < 0.5:  # recordToolCalls re-appends with the call finished
            self.push({**msg, "tokens": t, "toolCalls": [{**call, "status": "success"}]})
        count(exp, self.t.strftime("%Y-%m-%d"), model, t, peer_times)
        if rng.random() < 0.2:  # updateMessagesFromHistory: a copy of every message
            self.lines.append({"$set": {"messages": list(self.messages.values()), "lastUpdated": _iso(self.t)}})
        if rng.random() < 0.15:  # a rewind (known or unknown id) never un-bills a response
            self.lines.append({"$rewindTo": rng.choice([user["id"], "no-such-message"])})
        return gid

    def jsonl(self) -> str:
        return "".join(json.dumps(x) + "\n" for x in [self.meta(), *self.lines])

    def legacy_json(self) -> str:
        return json.dumps({**self.meta(), "messages": list(self.messages.values())}, indent=2)

    def file_name(self, ext: str) -> str:
        return f"session-{self.start[:16].replace(':', '-')}-{self.id[:8]}.{ext}"


def project_folder(gemini: Path, root: str, slug: str, *, legacy_hash: bool = False) -> Path:
    """A project's tmp folder, registered the way the current release does (or by hash)."""
    registry = gemini / "projects.json"
    data = json.loads(registry.read_text()) if registry.exists() else {"projects": {}}
    data["projects"][root] = slug
    gemini.mkdir(parents=True, exist_ok=True)
    registry.write_text(json.dumps(data, indent=2))
    if legacy_hash:
        return gemini / "tmp" / hashlib.sha256(root.encode()).hexdigest()
    folder = gemini / "tmp" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".project_root").write_text(root)
    return folder


def generate(home: Path, seed: int, days: int = 6, sessions_per_day: int = 3, turns: int = 4) -> Expected:
    """A home with current, legacy, resumed-legacy (twin) and subagent sessions."""
    rng = random.Random(seed)
    exp = Expected()
    gemini = home / ".gemini"
    folders = [
        project_folder(gemini, "/home/dev/shop", "shop"),
        project_folder(gemini, "/home/dev/api", "api"),
        project_folder(gemini, "/home/dev/old-tool", "old-tool", legacy_hash=True),
    ]
    base = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    for d in range(days):
        for s in range(sessions_per_day):
            chats = rng.choice(folders) / "chats"
            chats.mkdir(parents=True, exist_ok=True)
            sess = Session(rng, base + timedelta(days=d, hours=2 * s))
            style = rng.choice(["jsonl", "jsonl", "legacy", "twin", "subagent"])
            if style == "legacy":
                for _ in range(turns):
                    sess.turn(exp)
                (chats / sess.file_name("json")).write_text(sess.legacy_json())
            elif style == "twin":  # a legacy session resumed: its messages copied into .jsonl
                for _ in range(turns):
                    sess.turn(exp, peer_times=2)
                (chats / sess.file_name("json")).write_text(sess.legacy_json())
                old = list(sess.messages.values())
                sess.lines = [dict(m) for m in old] + [{"$set": {"sessionId": sess.id}}]
                for _ in range(2):
                    sess.turn(exp)
                (chats / sess.file_name("jsonl")).write_text(sess.jsonl())
            else:
                for _ in range(turns):
                    sess.turn(exp)
                (chats / sess.file_name("jsonl")).write_text(sess.jsonl())
                if style == "subagent":
                    sub = Session(rng, sess.t, kind="subagent")
                    for _ in range(2):
                        sub.turn(exp)
                    (chats / sess.id).mkdir()
                    (chats / sess.id / f"{sub.id}.jsonl").write_text(sub.jsonl())
    return exp
