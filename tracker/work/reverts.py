"""Reverted work: a task whose commits were all undone by ``git revert`` is *reverted*.

A revert that was itself reverted no longer counts, so a reverted task comes back.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from tracker.store.changes import Changes
from tracker.store.store import Store

REVERTS = re.compile(r"This reverts commit ([0-9a-f]{7,40})", re.IGNORECASE)


def reverted_targets(message: str) -> list[str]:
    """The commits a revert commit's message says it undid."""
    return REVERTS.findall(message)


def effective(reverts: list[tuple[str, str, str, int]]) -> dict[tuple[str, str], int]:
    """(repo, sha) of every commit undone by a revert that still stands -> when."""
    by_target: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for repo, sha, target, when in reverts:
        by_target[(repo, target)].append((sha, when))

    @cache
    def undone(repo: str, sha: str, depth: int = 0) -> int | None:
        standing = [w for r, w in by_target.get((repo, sha), []) if depth > 50 or undone(repo, r, depth + 1) is None]
        return max(standing) if standing else None

    out: dict[tuple[str, str], int] = {}
    for repo, target in by_target:
        if (undone_ms := undone(repo, target)) is not None:
            out[(repo, target)] = undone_ms
    return out


def mark_reverted(store: Store) -> Changes:
    """Recompute which tasks are reverted (every commit undone); returns the tasks that changed."""
    undone = effective(store.tasks.reverts())
    commits = store.tasks.commits_by_task()
    state: dict[int, int | None] = {}
    for task_id, shas in commits.items():
        times = [undone.get((repo, sha)) for repo, sha in shas]
        state[task_id] = max(t for t in times if t is not None) if times and None not in times else None
    return store.tasks.set_reverted(state)
