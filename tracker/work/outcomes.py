"""One outcome, not two: a tracker task and the merged PR (or the GitHub PR) that did it.

Both rows stay, so each source re-imports into its own row and nothing has to be un-merged
by hand when a key was wrong; the PR points at the ticket (``outcome_of``) and every listing,
count and link treats the pair as one task: the ticket's title and fields, the PR's commits.
The ticket ranks first (Jira, Linear or a CSV key), then a GitHub issue or PR, then git, so
the pointer always leads to a task that stands for itself.
"""

from __future__ import annotations

from tracker.store.changes import Changes
from tracker.store.store import Store
from tracker.store.tasks import LinkableTask
from tracker.work.ticket_keys import KeyIndex

_RANK = {"jira": 0, "linear": 0, "csv": 0, "github": 1}


def _rank(source: str) -> int:
    return _RANK.get(source, 2)


def outcome_of(tasks: list[LinkableTask]) -> dict[int, int | None]:
    """Task id -> the task it is the same outcome as (None: its own)."""
    source = {t[0]: t[7] for t in tasks}
    owner: dict[str, int] = {}
    for t in sorted(tasks, key=lambda t: (_rank(t[7]), t[0])):
        for key in t[9]:
            owner.setdefault(key, t[0])
    index = KeyIndex(owner, (k for t in tasks for k in t[10]))
    direct: dict[int, int | None] = {}
    for t in tasks:
        direct[t[0]] = next(
            (o for k in t[10] if (o := index.get(k)) is not None and _rank(source[o]) < _rank(t[7])),
            None,
        )
    out: dict[int, int | None] = {}
    for task_id in direct:
        top = task_id
        while (up := direct.get(top)) is not None:  # ranks fall at each step, so this ends
            top = up
        out[task_id] = top if top != task_id else None
    return out


def join_outcomes(store: Store) -> Changes:
    """Recompute which tasks are the same outcome; returns the tasks that moved."""
    return store.tasks.set_outcomes(outcome_of(store.tasks.linkable()))
