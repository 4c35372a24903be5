"""Task use cases shared by the CLI and the app: git import, linking, listing with usage."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from tracker.analytics.task_metrics import SessionKey, task_usage
from tracker.core.errors import UsageError
from tracker.core.settings_schema import GIT_EMAILS, GIT_ENABLED, GIT_FOLDERS, TRACKER_PROJECTS
from tracker.core.timezones import get_zone, local_day_start_ms
from tracker.services.context import Context
from tracker.services.spend_yield import SpendYield, spend_yield
from tracker.services.usage import UsageQuery, build_usage_report, money
from tracker.store.changes import Changes
from tracker.store.store import Store
from tracker.store.tasks import TaskListRow
from tracker.work.git_log import repo_root
from tracker.work.git_tasks import RepoImport, import_repo
from tracker.work.linking import auto_link, repo_lines, session_spans
from tracker.work.outcomes import join_outcomes
from tracker.work.reverts import mark_reverted
from tracker.work.suggestions import Suggestion, for_tracker_tasks
from tracker.work.trackers import guess_format, parse_file

# What a task's spend became (``TaskRow.spend``; the period's split: ``services/spend_yield.py``).
PRODUCTIVE, REVERTED, IN_PROGRESS = "productive", "reverted", "in progress"


def git_repositories(ctx: Context, store: Store) -> list[Path]:
    """Repositories the sessions worked in, and the folders the user added."""
    candidates = [Path(p) for p in store.usage.projects()]
    candidates += [Path(p).expanduser() for p in ctx.settings.value(GIT_FOLDERS)]
    roots = {root for folder in candidates if (root := repo_root(folder)) is not None}
    return sorted(roots)


def import_git(ctx: Context, store: Store) -> list[RepoImport]:
    """New commits of every known repository as tasks, then links recomputed."""
    if not ctx.settings.value(GIT_ENABLED):
        return []
    emails = ctx.settings.value(GIT_EMAILS)
    results = [import_repo(store, repo, emails) for repo in git_repositories(ctx, store)]
    relink(store)
    return results


def relink(store: Store) -> Changes:
    """After any task import: which tasks are one outcome, which are reverted, then the links."""
    return join_outcomes(store) | mark_reverted(store) | auto_link(store)


@dataclass
class TaskRow:
    id: int
    title: str
    status: str
    completed_ms: int | None
    source: str
    external_id: str | None
    category: str
    impact: str
    hours_saved: Decimal | None
    links: list[str]
    project: str
    branch: str
    ai_assisted: bool = False
    files_changed: int = 0
    lines_added: int = 0
    lines_removed: int = 0
    sessions: list[SessionKey] = field(default_factory=list)
    tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    include_in_report: bool = True
    reverted_ms: int | None = None  # when its commits were reverted
    members: list[int] = field(default_factory=list)  # tasks that are this same outcome (its PRs)
    created_ms: int = 0

    @property
    def reverted(self) -> bool:
        return self.reverted_ms is not None

    @property
    def spend(self) -> str:
        """What its tokens became: productive, reverted or (not done yet) in progress."""
        return REVERTED if self.reverted else PRODUCTIVE if self.status == "done" else IN_PROGRESS


def list_tasks(
    store: Store,
    timezone: str,
    overrides: Any,
    since: date | None = None,
    until: date | None = None,
    device: str | None = None,
) -> list[TaskRow]:
    """Outcomes completed in ``since..until`` (all tasks when no range), with their usage
    (on one ``device`` only, when given: ``UsageQuery.device``).

    A task that is the same outcome as another (a PR and its ticket) is folded into it: one
    row, with both tasks' commits and sessions."""
    zone = get_zone(timezone)
    tasks = _outcomes(store.tasks.listing())
    if since or until:
        lo = local_day_start_ms(since, zone) if since else 0
        hi = local_day_start_ms(until + timedelta(days=1), zone) if until else 2**62
        tasks = [t for t in tasks if t.completed_ms is not None and lo <= t.completed_ms < hi]
    outcome = {m: t.id for t in tasks for m in (t.id, *t.members)}
    every = [(s, i, outcome.get(t, t), w) for s, i, t, w in store.links.active()]
    listed = {t.id for t in tasks}
    wanted = frozenset(session_id for _, session_id, task_id, _ in every if task_id in listed)
    # All links of those sessions, not only to listed tasks: a session's split stays the same.
    links = _merged([link for link in every if link[1] in wanted])
    per_session = {}
    if wanted:  # usage of just the sessions these tasks are linked to
        query = UsageQuery("session", timezone, sessions=wanted, device=device)
        report = build_usage_report(store, query, overrides)
        per_session = {(r.source, r.session_id): (r.totals.total_tokens, r.totals.cost_usd) for r in report.rows}
    usage = task_usage(links, per_session)
    for task in tasks:
        if (u := usage.get(task.id)) is not None:
            task.sessions, task.tokens, task.cost_usd = sorted(u.sessions), u.tokens, u.cost_usd
    return tasks


def _outcomes(rows: list[TaskListRow]) -> list[TaskRow]:
    """One row per outcome: the ticket's fields, its PRs' commits, done when the ticket is
    (else when its last PR merged), reverted when what stands for it was."""
    tasks = {r[0]: _task_row(r) for r in rows}
    undone: dict[int, list[int | None]] = {}
    for r in rows:
        primary = tasks.get(r[17]) if r[17] is not None else None
        if primary is None:
            continue
        member = tasks.pop(r[0])
        primary.members.append(member.id)
        primary.ai_assisted |= member.ai_assisted
        primary.files_changed += member.files_changed
        primary.lines_added += member.lines_added
        primary.lines_removed += member.lines_removed
        primary.project, primary.branch = primary.project or member.project, primary.branch or member.branch
        if primary.status != "done" and member.status == "done":  # the ticket is still open; its PR merged
            primary.completed_ms = max(primary.completed_ms or 0, member.completed_ms or 0) or None
        undone.setdefault(primary.id, []).append(member.reverted_ms)
    for task_id, times in undone.items():
        task = tasks[task_id]
        if task.status != "done" and task.completed_ms is not None:
            task.status = "done"
        if task.reverted_ms is None and None not in times:  # every PR of the ticket was reverted
            task.reverted_ms = max(t for t in times if t is not None)
    return sorted(tasks.values(), key=lambda t: (t.completed_ms or t.created_ms, t.id))


def _task_row(r: TaskListRow) -> TaskRow:
    return TaskRow(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], Decimal(r[8]) if r[8] else None, json.loads(r[9]),
        r[10], r[11], bool(r[13]), r[14], r[15], r[16], include_in_report=bool(r[12]), reverted_ms=r[18],
        created_ms=r[19],
    )  # fmt: skip


def _merged(links: list[tuple[str, str, int, float]]) -> list[tuple[str, str, int, float]]:
    """Links of one session to one outcome (through the ticket and its PR) as one, shares added."""
    shares: dict[tuple[str, str, int], float] = {}
    for source, session_id, task_id, share in links:
        shares[(source, session_id, task_id)] = shares.get((source, session_id, task_id), 0.0) + share
    return [(s, i, t, w) for (s, i, t), w in shares.items()]


def task_json(task: TaskRow, timezone: str) -> dict[str, Any]:
    completed = (
        datetime.fromtimestamp(task.completed_ms / 1000, UTC)
        .astimezone(get_zone(timezone))
        .isoformat(timespec="seconds")
        if task.completed_ms
        else None
    )
    return {
        "id": task.id,
        "title": task.title,
        "status": task.status,
        "completed_at": completed,
        "source": task.source,
        "external_id": task.external_id,
        "ai_assisted": task.ai_assisted,
        "sessions": [session_id for _, session_id in task.sessions],
        "tokens": task.tokens,
        "cost_usd": money(task.cost_usd),
        "category": task.category,
        "impact": task.impact,
        "hours_saved": float(task.hours_saved) if task.hours_saved is not None else None,
        "links": task.links,
        "project": task.project,
        "branch": task.branch,
        "files_changed": task.files_changed,
        "lines_added": task.lines_added,
        "lines_removed": task.lines_removed,
        "spend": task.spend,
        "reverted": task.reverted,
        "same_outcome_as": task.members,
    }


@dataclass
class FileImport:
    format: str
    new: int = 0
    updated: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)


def import_task_file(
    ctx: Context, store: Store, path: Path, fmt: str | None, mapping: dict[str, str] | None, now_ms: int
) -> FileImport:
    """Tasks from a tracker export; re-importing updates the same tasks, never duplicates."""
    chosen = fmt or guess_format(path)
    parsed = parse_file(path, chosen, mapping, now_ms)
    result = FileImport(chosen, bad_rows=parsed.bad_rows)
    result.new, result.updated = store.tasks.import_all(parsed.tasks)
    relink(store)  # a ticket key may now join a PR, or name a session's branch
    return result


def link_session(store: Store, session_id: str, task_id: int, *, linked: bool) -> Changes:
    """Link (or unlink) every tool's session with this id to a task, by hand; UsageError when
    the task or the session is unknown."""
    if not store.tasks.exists(task_id):
        raise UsageError(f"no task {task_id}")
    sources = store.usage.session_sources(session_id)
    if not sources:
        raise UsageError(f"no session {session_id!r}; 'tokenworth usage session' lists them")
    changes = Changes()
    for source in sources:
        changes |= store.links.set_manual(source, session_id, task_id, linked=linked)
    return changes


def suggestions(ctx: Context, store: Store, now_ms: int, task_id: int | None = None) -> list[Suggestion]:
    """Sessions suggested for tracker tasks without a repository (for ``task_id`` only, when
    given), best first; a session already linked to that task is not suggested again."""
    tasks = store.tasks.linkable()
    if task_id is not None:
        tasks = [t for t in tasks if t[0] == task_id]
    states = store.links.states()
    count: dict[tuple[str, str], int] = {}
    decided = set()
    for source, session_id, linked_task, _confidence, manual, removed in states:
        if not removed:
            count[(source, session_id)] = count.get((source, session_id), 0) + 1
        if manual or not removed:
            decided.add((source, session_id, linked_task))
    found = for_tracker_tasks(tasks, session_spans(store), ctx.settings.value(TRACKER_PROJECTS), count, now_ms)
    return [s for s in found if (s.source, s.session_id, s.task_id) not in decided]


def session_hints(ctx: Context, store: Store, task_id: int, now_ms: int) -> dict[SessionKey, tuple[str, float]]:
    """Per session, why it is (or may be) linked to the task: ("by hand" | "automatic" |
    "suggested", confidence), for the manual picker to show and rank."""
    members = {task_id, *(t[0] for t in store.tasks.linkable() if t[6] == task_id)}
    hints: dict[SessionKey, tuple[str, float]] = {}
    for s in suggestions(ctx, store, now_ms, task_id):
        hints[(s.source, s.session_id)] = ("suggested", s.confidence)
    for source, session_id, linked_task, confidence, manual, removed in store.links.states():
        if linked_task in members and not removed:
            hints[(source, session_id)] = ("by hand" if manual else "automatic", confidence)
    return hints


def period_yield(
    store: Store,
    timezone: str,
    overrides: Any,
    since: date | None,
    until: date | None,
    now_ms: int,
    device: str | None = None,
) -> SpendYield:
    """The period's spend (sessions' usage inside it, of one ``device`` when given) split into
    productive / reverted / in progress / abandoned / not work / not linked; the parts add up
    to the period's total."""
    tasks = list_tasks(store, timezone, overrides)
    kind_of = {m: t.spend for t in tasks for m in (t.id, *t.members)}
    report = build_usage_report(store, UsageQuery("session", timezone, since, until, device=device), overrides)
    usage = {(r.source, r.session_id): (r.totals.total_tokens, r.totals.cost_usd) for r in report.rows}
    spans = {(s.source, s.session_id): s for s in session_spans(store)}
    lines = repo_lines(store.tasks.linkable())
    return spend_yield(usage, store.links.active(), kind_of, spans, lines, now_ms, store.links.not_work())


def yield_json(y: SpendYield) -> dict[str, Any]:
    return {kind: {"tokens": y.tokens[kind], "cost_usd": money(y.cost_usd[kind])} for kind in y.tokens}


def done_when(day: date | None, at: time | None, timezone: str, now_ms: int) -> int:
    """When work logged after the fact was done: ``day`` (today when only ``at`` is given) at
    ``at``, else at noon (safely inside the day in ``timezone``), never later than now.
    UsageError for a time in the future."""
    zone = get_zone(timezone)
    now = datetime.fromtimestamp(now_ms / 1000, UTC).astimezone(zone)
    when = datetime.combine(day or now.date(), at or time(12), tzinfo=zone)
    ms = int(when.timestamp() * 1000)
    if ms > now_ms and (at is not None or (day or now.date()) > now.date()):
        raise UsageError(f"{when.isoformat(timespec='minutes')} is in the future; log work once it is done")
    return min(ms, now_ms)


@dataclass(frozen=True)
class NotWorkSpend:
    """Spend the user marked "not work" in the link inbox (experiments, play)."""

    sessions: int
    tokens: int
    cost_usd: Decimal


def not_work_spend(store: Store, timezone: str, overrides: Any, since: date | None, until: date | None) -> NotWorkSpend:
    """The period's usage of sessions marked not work and linked to no task since (a link
    wins over the mark): what the value figures and the report show as "marked not work",
    out of "not linked to any outcome"."""
    marked = store.links.not_work() - {(s, i) for s, i, _, _ in store.links.active()}
    if not marked:
        return NotWorkSpend(0, 0, Decimal(0))
    query = UsageQuery("session", timezone, since, until, sessions=frozenset(i for _, i in marked))
    rows = [r for r in build_usage_report(store, query, overrides).rows if (r.source, r.session_id) in marked]
    return NotWorkSpend(
        len(rows), sum(r.totals.total_tokens for r in rows), sum((r.totals.cost_usd for r in rows), Decimal(0))
    )
