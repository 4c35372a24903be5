"""Linking sessions to the tasks they served: by repository, branch and time window.

Automatic links carry a confidence; a manual link or unlink is kept in the same table with
``manual = 1`` and always wins, so re-imports and re-linking never undo the user's choice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tracker.store.changes import Changes
from tracker.store.store import Store

BEFORE_MS = 2 * 3_600_000  # a session may start a little before the first commit of its task
AFTER_MS = 48 * 3_600_000  # ... and the work may be committed or merged up to two days later
MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class SessionSpan:
    source: str
    session_id: str
    project: str
    branch: str
    first_ms: int
    last_ms: int


def _under(project: str, repo: str) -> bool:
    return project == repo or project.startswith(repo.rstrip("/") + "/")


def confidence(span: SessionSpan, repo: str, branch: str, times: list[int]) -> float:
    """0 when the session cannot have served the task; else 0.5 to 1."""
    if not repo or not _under(span.project, repo):
        return 0.0
    gaps = [
        max(span.first_ms - t, t - span.last_ms, 0)
        for t in times
        if span.first_ms - BEFORE_MS <= t <= span.last_ms + AFTER_MS
    ]
    if not gaps:
        return 0.0
    score = 0.5 + 0.2 * (1 - min(gaps) / AFTER_MS)
    if branch and span.branch and branch == span.branch:
        score += 0.3
    return round(min(score, 1.0), 3)


def session_spans(store: Store) -> list[SessionSpan]:
    return [SessionSpan(*row) for row in store.usage.session_spans()]


def auto_link(store: Store) -> Changes:
    """Recompute automatic links; returns what changed (``links``: how many moved)."""
    by_repo: dict[str, list[tuple[int, str, list[int]]]] = defaultdict(list)
    for task_id, repo, branch, times in store.tasks.linkable():
        by_repo[repo].append((task_id, branch, times))
    links = []
    for span in session_spans(store):
        for repo, repo_tasks in by_repo.items():
            if not _under(span.project, repo):
                continue
            for task_id, branch, times in repo_tasks:
                c = confidence(span, repo, branch, times)
                if c >= MIN_CONFIDENCE:
                    links.append((span.source, span.session_id, task_id, c))
    return store.links.replace_automatic(links)
