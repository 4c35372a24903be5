"""Per day x model token rows, ours and ccusage's, for the pi-format sources' peer tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from tests.helpers.gen_pi_transcript import Call
from tracker.core.records import UsageEvent

Key = tuple[str, str]  # (day, model)
Counts = tuple[int, int, int, int]  # input, output, cache write, cache read


def day(ts_ms: int) -> str:
    return datetime.fromtimestamp(ts_ms / 1000, UTC).strftime("%Y-%m-%d")


def add(rows: dict[Key, Counts], k: Key, c: Counts, sign: int = 1) -> None:
    old = rows.get(k, (0, 0, 0, 0))
    new = tuple(a + sign * b for a, b in zip(old, c, strict=True))
    if any(new):
        rows[k] = new  # type: ignore[assignment]  # four ints, as Counts says
    else:
        rows.pop(k, None)


def ours(events: Iterable[UsageEvent]) -> dict[Key, Counts]:
    rows: dict[Key, Counts] = {}
    for e in events:
        add(rows, (day(e.ts_ms), e.model),
            (e.input_tokens, e.output_tokens, e.cache_creation_tokens, e.cache_read_tokens))  # fmt: skip
    return rows


def raw(c: Call) -> Counts:
    """A call's counts as the transcript spells them (what ccusage takes as is)."""
    return c.input, c.output, c.cache_write, c.cache_read


def peer(doc: dict[str, Any], prefix: str) -> dict[Key, Counts]:
    rows: dict[Key, Counts] = {}
    for row in doc["daily"]:
        for m in row["modelBreakdowns"]:
            name = m["modelName"].removeprefix(prefix)
            add(rows, (row["date"], name),
                (m["inputTokens"], m["outputTokens"], m["cacheCreationTokens"], m["cacheReadTokens"]))  # fmt: skip
    return rows
