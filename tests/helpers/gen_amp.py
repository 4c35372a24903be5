"""Amp thread files (``threads/T-<uuid>.json``) for the peer test, with what each reader reports.

Current threads carry usage on assistant messages (a few without a ``timestamp``); older
threads also keep a ``usageLedger`` whose events bill messages with usage (same numbers),
messages without usage (the event's own cache counts) and title calls naming no message.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

MODELS = ["claude-sonnet-4-5-20250929", "claude-opus-4-1", "gpt-5"]
Row = list[int]  # input, output, cache creation, cache read


@dataclass
class Expected:
    ours: dict[tuple[str, str], Row] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    peer: dict[tuple[str, str], Row] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    untimed: int = 0  # message usages without a timestamp (ccusage drops them)
    ledger_cache: int = 0  # ledger events with their own cache counts (ccusage joins 0 instead)


def _add(table: dict[tuple[str, str], Row], key: tuple[str, str], row: tuple[int, int, int, int]) -> None:
    for i, v in enumerate(row):
        table[key][i] += v


def generate(home: Path, seed: int, threads: int = 12) -> Expected:
    rng = random.Random(seed)
    exp = Expected()
    folder = home / ".local" / "share" / "amp" / "threads"
    folder.mkdir(parents=True, exist_ok=True)
    for t in range(threads):
        day = f"2026-11-{10 + t % 9:02}"
        created = int(datetime.fromisoformat(f"{day}T08:00:00+00:00").timestamp() * 1000)  # Amp writes epoch ms
        ledger = rng.random() < 0.4
        messages: list[dict] = []
        events: list[dict] = []
        for mid in range(1, 2 * rng.randint(2, 6), 2):
            model = rng.choice(MODELS)
            row = (rng.randint(1, 5000), rng.randint(1, 3000), rng.randint(0, 4000), rng.randint(0, 90000))
            stamp = f"{day}T{9 + mid // 2:02}:{rng.randint(0, 59):02}:00Z"
            messages.append({"role": "user", "messageId": mid - 1, "content": [{"type": "text", "text": "…"}]})
            usage = {
                "model": model, "inputTokens": row[0], "outputTokens": row[1], "cacheCreationInputTokens": row[2],
                "cacheReadInputTokens": row[3], "totalInputTokens": row[0] + row[2] + row[3], "credits": 0.01,
            }  # fmt: skip
            has_usage = not ledger or rng.random() < 0.6
            untimed = not ledger and rng.random() < 0.2
            if not untimed:
                usage["timestamp"] = stamp
            messages.append({"role": "assistant", "messageId": mid, **({"usage": usage} if has_usage else {})})
            _add(exp.ours, (day, model), row)  # an untimed usage is dated at the thread's created: same day
            if not ledger:
                if untimed:
                    exp.untimed += 1
                else:
                    _add(exp.peer, (day, model), row)
                continue
            tokens: dict = {"input": row[0], "output": row[1], "total": row[0] + row[1]}
            if not has_usage:
                tokens |= {"cacheCreationInputTokens": row[2], "cacheReadInputTokens": row[3]}
                exp.ledger_cache += 1 if row[2] or row[3] else 0
            events.append({"id": f"e-{mid}", "timestamp": stamp, "model": model, "credits": 0.01,
                           "tokens": tokens, "toMessageId": mid})  # fmt: skip
            _add(exp.peer, (day, model), row if has_usage else (row[0], row[1], 0, 0))
        doc: dict = {"v": 3, "id": f"T-{uuid.UUID(int=rng.getrandbits(128))}", "created": created, "messages": messages}
        if ledger:
            title = (rng.randint(100, 900), rng.randint(5, 40), 0, 0)
            events.append({"id": "e-title", "timestamp": f"{day}T08:00:05Z", "model": "claude-haiku-4-5",
                           "credits": 0.001, "tokens": {"input": title[0], "output": title[1]}})  # fmt: skip
            _add(exp.ours, (day, "claude-haiku-4-5"), title)
            _add(exp.peer, (day, "claude-haiku-4-5"), title)
            doc["usageLedger"] = {"events": events}
        (folder / f"{doc['id']}.json").write_text(json.dumps(doc))
    return exp
