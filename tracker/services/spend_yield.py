"""What the period's spend became: productive, reverted, in progress, abandoned or not linked.

- productive: sessions' share linked to done outcomes that stand;
- reverted: linked to outcomes whose commits were reverted;
- in progress: linked to tasks not done yet;
- abandoned: not linked, on a feature branch that never produced a task and has been quiet for
  ``ABANDONED_AFTER_MS`` (its work never landed);
- not work: not linked, and marked not work in the link inbox (experiments, play);
- not linked: everything else (work on main not committed yet, sessions outside repositories).
The six add up to the period's spend exactly (tokens split with ``split_integer``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from decimal import Decimal

from tracker.analytics.task_metrics import SessionKey, split_integer
from tracker.work.linking import MAIN, SessionSpan, TaskSpan, session_line, under

ABANDONED_AFTER_MS = 14 * 24 * 3_600_000
KINDS = ("productive", "reverted", "in progress", "abandoned", "not work", "not linked")
# What a report calls each kind (the JSON keeps the kinds).
LABELS = {"productive": "Productive: outcomes that stand", "reverted": "Reverted: outcomes undone later",
          "in progress": "In progress: tasks not done yet", "abandoned": "Abandoned: branches that never landed",
          "not work": "Marked not work", "not linked": "No task linked"}  # fmt: skip


@dataclass
class SpendYield:
    tokens: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    cost_usd: dict[str, Decimal] = field(default_factory=lambda: {k: Decimal(0) for k in KINDS})

    def add(self, kind: str, tokens: int, cost: Decimal) -> None:
        self.tokens[kind] += tokens
        self.cost_usd[kind] += cost

    @property
    def total_tokens(self) -> int:
        return sum(self.tokens.values())

    @property
    def total_cost(self) -> Decimal:
        return sum(self.cost_usd.values(), Decimal(0))


def abandoned(span: SessionSpan, lines: Mapping[str, Mapping[str, list[TaskSpan]]], now_ms: int) -> bool:
    line = session_line(span.branch)
    if line is None or line == MAIN or now_ms - span.last_ms < ABANDONED_AFTER_MS:
        return False
    repos = [repo for repo in lines if under(span.project, repo)]
    return not any(line in lines[repo] for repo in repos)


def spend_yield(
    usage: Mapping[SessionKey, tuple[int, Decimal]],
    links: Iterable[tuple[str, str, int, float]],
    kind_of: Mapping[int, str],
    spans: Mapping[SessionKey, SessionSpan],
    lines: Mapping[str, Mapping[str, list[TaskSpan]]],
    now_ms: int,
    not_work: Set[SessionKey] = frozenset(),
) -> SpendYield:
    """``usage``: the period's tokens and cost per session; ``links``: (source, session, task,
    share); ``kind_of``: task id -> productive | reverted | in progress; ``not_work``: the
    sessions marked not work (a link wins over the mark)."""
    by_session: dict[SessionKey, list[tuple[int, float]]] = defaultdict(list)
    for source, session_id, task_id, share in links:
        if task_id in kind_of:
            by_session[(source, session_id)].append((task_id, share))
    out = SpendYield()
    for key, (tokens, cost) in usage.items():
        targets = sorted(by_session.get(key, []))
        if not targets:
            span = spans.get(key)
            kind = "not work" if key in not_work else "abandoned" if span and abandoned(span, lines, now_ms) else None
            out.add(kind or "not linked", tokens, cost)
            continue
        weights = [w for _, w in targets] if sum(w for _, w in targets) > 0 else [1.0] * len(targets)
        total = sum((Decimal(str(w)) for w in weights), Decimal(0))
        for (task_id, _), w, part in zip(targets, weights, split_integer(tokens, weights), strict=True):
            out.add(kind_of[task_id], part, cost * Decimal(str(w)) / total)
    return out
