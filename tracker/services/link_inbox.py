"""The link inbox: the period's sessions that no task explains, grouped by day, project and
branch, each with ranked suggestions, and what to do with them (link, new task, not work).

A session is *unlinked* when it has usage in the period, no link in force and the user did not
mark it "not work". Marking it takes it out of the unlinked figure and into the not-work one
(``services.tasks.not_work_spend``); linking it later wins over the mark.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

from tracker.analytics.task_metrics import SessionKey
from tracker.core.settings_schema import SHOW_SESSION_TITLES
from tracker.core.tasks import NewTask
from tracker.core.timezones import get_zone
from tracker.services.context import Context
from tracker.services.tasks import suggestions
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.sources.session_titles import TITLED, session_title
from tracker.store.changes import Changes
from tracker.store.store import Store
from tracker.store.tasks import LinkableTask
from tracker.work.linking import outcome_ids, under
from tracker.work.suggestions import Suggestion

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
WINDOW_MS = 3 * DAY_MS  # a task done more than this after a session is not suggested for it
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class TaskSuggestion:
    task_id: int
    title: str
    confidence: float
    reason: str


@dataclass(frozen=True)
class InboxSession:
    source: str
    session_id: str
    project: str
    branch: str
    first_ms: int
    last_ms: int
    tokens: int
    cost_usd: Decimal
    suggestions: tuple[TaskSuggestion, ...] = ()

    @property
    def key(self) -> SessionKey:
        return (self.source, self.session_id)


@dataclass(frozen=True)
class InboxGroup:
    day: date
    project: str
    branch: str
    sessions: tuple[InboxSession, ...]

    @property
    def tokens(self) -> int:
        return sum(s.tokens for s in self.sessions)

    @property
    def cost_usd(self) -> Decimal:
        return sum((s.cost_usd for s in self.sessions), Decimal(0))


@dataclass
class Inbox:
    """``groups``: newest day first; ``not_work``: the sessions marked not work, as one list."""

    groups: list[InboxGroup] = field(default_factory=list)
    not_work: list[InboxSession] = field(default_factory=list)

    @property
    def sessions(self) -> list[InboxSession]:
        return [s for g in self.groups for s in g.sessions]

    @property
    def unlinked_tokens(self) -> int:
        return sum(s.tokens for s in self.sessions)

    @property
    def unlinked_cost(self) -> Decimal:
        return sum((s.cost_usd for s in self.sessions), Decimal(0))

    @property
    def not_work_tokens(self) -> int:
        return sum(s.tokens for s in self.not_work)

    @property
    def not_work_cost(self) -> Decimal:
        return sum((s.cost_usd for s in self.not_work), Decimal(0))


def build_inbox(
    ctx: Context,
    store: Store,
    since: date,
    until: date,
    now_ms: int,
    only: Collection[SessionKey] | None = None,
) -> Inbox:
    """The period's unlinked sessions (only those in ``only`` when given: a list elsewhere in
    the app opens the inbox filtered to its sessions), grouped, with ranked suggestions."""
    timezone = ctx.timezone()
    zone = get_zone(timezone)
    report = build_usage_report(store, UsageQuery("session", timezone, since, until), ctx.price_overrides())
    linked = {(s, i) for s, i, _, _ in store.links.active()}
    marked = store.links.not_work()
    wanted = None if only is None else set(only)
    tasks = store.tasks.linkable()
    titles = {row[0]: row[1] for row in store.tasks.listing()}
    tracker: dict[SessionKey, list[Suggestion]] = {}
    for s in suggestions(ctx, store, now_ms):
        tracker.setdefault((s.source, s.session_id), []).append(s)
    groups: dict[tuple[date, str, str], list[InboxSession]] = {}
    inbox = Inbox()
    for r in report.rows:
        key = (r.source, r.session_id)
        if key in linked or (wanted is not None and key not in wanted) or not r.totals.total_tokens:
            continue
        project, branch = report.session_info.get(key, ("", ""))
        first = r.first_ms or 0
        session = InboxSession(r.source, r.session_id, project, branch, first, r.last_ms or first,
                               r.totals.total_tokens, r.totals.cost_usd)  # fmt: skip
        if key in marked:
            inbox.not_work.append(session)
            continue
        ranked = [TaskSuggestion(s.task_id, titles.get(s.task_id, f"task {s.task_id}"), s.confidence, s.reason)
                  for s in tracker.get(key, [])]  # fmt: skip
        ranked += _by_place_and_time(session, tasks, titles)
        session = InboxSession(**{**session.__dict__, "suggestions": _best(ranked)})
        day = datetime.fromtimestamp(first / 1000, UTC).astimezone(zone).date()
        groups.setdefault((day, project, branch), []).append(session)
    for (day, project, branch), sessions in sorted(groups.items(), key=lambda kv: (-kv[0][0].toordinal(), kv[0][1:])):
        sessions.sort(key=lambda s: (-s.tokens, s.session_id))
        inbox.groups.append(InboxGroup(day, project, branch, tuple(sessions)))
    inbox.not_work.sort(key=lambda s: (-s.first_ms, s.session_id))
    return inbox


def _by_place_and_time(
    session: InboxSession, tasks: Iterable[LinkableTask], titles: dict[int, str]
) -> list[TaskSuggestion]:
    """Tasks of the session's repository or folder: done soon after it (on its branch: more
    likely) or still open. Weak evidence, so only suggested; accepting one is a manual link."""
    tasks = list(tasks)
    stands_for = outcome_ids(tasks)
    out = []
    for t in tasks:
        task_id, place, branch, status, _created, completed = t[0], t[1], t[2], t[3], t[4], t[5]
        if not under(session.project, place):
            continue
        same_branch = bool(branch) and branch == session.branch
        if status == "done" and completed is not None:
            after = completed - session.last_ms
            if completed < session.first_ms - HOUR_MS or after > WINDOW_MS:
                continue
            confidence = 0.45 + (0.3 if same_branch else 0.0) - 0.05 * max(after, 0) / DAY_MS
            when = "hours" if after < DAY_MS else "days"
            reason = f"{'same branch' if same_branch else 'same repository'}, done {_ago(after, when)}"
        elif status == "open":
            confidence = 0.35 + (0.3 if same_branch else 0.0)
            reason = f"open task {'on this branch' if same_branch else 'in this repository'}"
        else:
            continue
        outcome = stands_for.get(task_id, task_id)
        out.append(TaskSuggestion(outcome, titles.get(outcome, f"task {outcome}"), round(confidence, 3), reason))
    return out


def _ago(ms: int, unit: str) -> str:
    if ms <= 0:
        return "during it"
    n = max(round(ms / (HOUR_MS if unit == "hours" else DAY_MS)), 1)
    return f"{n} {unit[:-1] if n == 1 else unit} after"


def _best(ranked: list[TaskSuggestion]) -> tuple[TaskSuggestion, ...]:
    """One per task (its best reason), best first."""
    best: dict[int, TaskSuggestion] = {}
    for s in ranked:
        if s.task_id not in best or s.confidence > best[s.task_id].confidence:
            best[s.task_id] = s
    return tuple(sorted(best.values(), key=lambda s: (-s.confidence, s.task_id))[:MAX_SUGGESTIONS])


def session_titles(ctx: Context, store: Store, keys: Iterable[SessionKey]) -> dict[SessionKey, str]:
    """Each session's own title, read from the tool's file now (never stored); nothing when
    ``privacy.show_session_titles`` is off."""
    if not ctx.settings.value(SHOW_SESSION_TITLES):
        return {}
    files: dict[str, list[Path]] = {}
    out = {}
    for source, session_id in keys:
        if source not in TITLED:
            continue
        if source not in files:
            files[source] = [Path(p) for p in store.files.paths(source)]
        if title := session_title(source, session_id, files[source]):
            out[(source, session_id)] = title
    return out


def accept(store: Store, sessions: Iterable[SessionKey], task_id: int) -> Changes:
    """Link sessions to a task by hand (a suggestion accepted): it wins over automatic links."""
    changes = Changes()
    for source, session_id in sessions:
        changes |= store.links.set_manual(source, session_id, task_id, linked=True)
    return changes


def new_task_from(store: Store, title: str, sessions: Collection[InboxSession], now_ms: int) -> int:
    """A done task for these sessions, done when the last of them ended (so it counts in that
    day's period), linked to them by hand; returns its id."""
    projects = {s.project for s in sessions}
    done_ms = min(max((s.last_ms for s in sessions), default=now_ms), now_ms)
    task = NewTask(title.strip(), project=projects.pop() if len(projects) == 1 else "", done_ms=done_ms)
    task_id = store.tasks.add(task, now_ms)
    accept(store, [s.key for s in sessions], task_id)
    return task_id


def default_title(sessions: Collection[InboxSession]) -> str:
    """What a new task from these sessions is called until the user says otherwise."""
    projects = sorted({PurePath(s.project).name for s in sessions if s.project})
    branches = sorted({s.branch for s in sessions if s.branch and s.branch not in ("main", "master")})
    where = ", ".join(projects) or "no project"
    return f"Work in {where}" + (f" ({', '.join(branches)})" if branches else "")


def mark_not_work(store: Store, sessions: Iterable[SessionKey], now_ms: int, *, not_work: bool = True) -> Changes:
    """Sessions that were not work (experiments, play): out of the unlinked figure, into the
    not-work one; ``not_work=False`` puts them back in the inbox."""
    return store.links.set_not_work(sessions, now_ms, not_work=not_work)


def unlinked_keys(rows: Iterable[Any]) -> frozenset[SessionKey]:
    """The keys of a list of sessions shown elsewhere (anything with ``source`` and ``session_id``)."""
    return frozenset((r.source, r.session_id) for r in rows)
