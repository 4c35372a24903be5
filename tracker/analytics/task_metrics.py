"""Tokens and cost per task: each session's usage is split over the tasks it served, by
weight, so that nothing is counted twice and nothing is lost."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

SessionKey = tuple[str, str]


@dataclass
class TaskUsage:
    tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    sessions: list[SessionKey] = field(default_factory=list)


def split_integer(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights``; the parts add up to ``total`` exactly."""
    if not weights:
        return []
    w = sum(weights)
    if w <= 0:
        weights, w = [1.0] * len(weights), float(len(weights))
    raw = [total * x / w for x in weights]
    parts = [int(r) for r in raw]
    left = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def task_usage(
    links: Iterable[tuple[str, str, int, float]], sessions: Mapping[SessionKey, tuple[int, Decimal]]
) -> dict[int, TaskUsage]:
    """Per task id: its share of the tokens and cost of every session linked to it."""
    by_session: dict[SessionKey, list[tuple[int, float]]] = defaultdict(list)
    for source, session_id, task_id, weight in links:
        by_session[(source, session_id)].append((task_id, weight))
    out: dict[int, TaskUsage] = defaultdict(TaskUsage)
    for key, targets in by_session.items():
        targets.sort()
        tokens, cost = sessions.get(key, (0, Decimal(0)))
        weights = [w for _, w in targets]
        total_w = sum((Decimal(str(w)) for w in weights), Decimal(0)) or Decimal(len(weights))
        for (task_id, w), part in zip(targets, split_integer(tokens, weights), strict=True):
            usage = out[task_id]
            usage.tokens += part
            usage.cost_usd += cost * Decimal(str(w)) / total_w
            usage.sessions.append(key)
    return dict(out)


def linked_share(task_tokens: Iterable[int], all_tokens: int) -> float:
    """The share of all tokens that went to some task."""
    return sum(task_tokens) / all_tokens if all_tokens else 0.0
