"""Suggested sessions for tracker tasks that have no repository (a Jira ticket, a Linear issue).

A ticket's work happens while it is in progress (created → done) in the folders the user maps to
its tracker project (``work.tracker_projects``). Sessions there and then are *suggested*, with a
confidence, never linked on their own: time and place alone are weak evidence. Accepting one
is a manual link, so it always wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tracker.store.tasks import LinkableTask
from tracker.work.linking import SessionSpan, under
from tracker.work.ticket_keys import project_of

TRACKERS = ("jira", "linear", "github", "csv")


@dataclass(frozen=True)
class Suggestion:
    source: str
    session_id: str
    task_id: int
    confidence: float
    reason: str


def folders_for(task: LinkableTask, mapping: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The folders mapped to the task's tracker project (``PROJ`` of ``PROJ-12``) or its tracker."""
    wanted = [project_of(k).upper() for k in task[9] if project_of(k)] + [task[7]]
    by_name = {name.upper(): folders for name, folders in mapping.items()}
    out: list[str] = []
    for name in wanted:
        out += [str(Path(f).expanduser()).rstrip("/") for f in by_name.get(name.upper(), ())]
    return tuple(dict.fromkeys(out))


def for_tracker_tasks(
    tasks: Iterable[LinkableTask],
    spans: Iterable[SessionSpan],
    mapping: Mapping[str, tuple[str, ...]],
    linked: Mapping[tuple[str, str], int],
    now_ms: int,
) -> list[Suggestion]:
    """Sessions in a mapped folder while a repository-less tracker task was in progress, best first.

    ``linked``: how many tasks each session is already linked to (a linked session ranks lower)."""
    sessions = list(spans)
    rows = [t for t in tasks if t[7] in TRACKERS and not t[1] and t[6] is None]
    periods = {t[0]: (t[4], t[5] if t[5] is not None else now_ms) for t in rows}
    places = {t[0]: folders_for(t, mapping) for t in rows}
    out = []
    for t in rows:
        folders, (lo, hi) = places[t[0]], periods[t[0]]
        if not folders or hi < lo:
            continue
        for s in sessions:
            if not any(under(s.project, f) for f in folders):
                continue
            inside = min(s.last_ms, hi) - max(s.first_ms, lo) + 1
            if inside <= 0:
                continue
            share = inside / (s.last_ms - s.first_ms + 1)
            # Other tickets in progress in the same place at that time make each one less likely.
            rivals = sum(
                1 for other, (a, b) in periods.items() if other != t[0] and places[other] == folders
                and a <= s.last_ms and b >= s.first_ms
            )  # fmt: skip
            penalty = 0.05 * min(rivals, 4) + (0.15 if linked.get((s.source, s.session_id)) else 0)
            confidence = max(0.3 + 0.3 * share - penalty, 0.05)
            reason = f"in {Path(s.project).name} while {t[9][0] if t[9] else 'the task'} was in progress"
            out.append(Suggestion(s.source, s.session_id, t[0], round(confidence, 3), reason))
    return sorted(out, key=lambda x: (-x.confidence, x.task_id, x.source, x.session_id))
