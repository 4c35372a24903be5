"""Task use cases shared by the CLI and the app: git import, linking, listing with usage."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from tracker.analytics.task_metrics import SessionKey, task_usage
from tracker.core.errors import UsageError
from tracker.core.settings_schema import GIT_EMAILS, GIT_ENABLED, GIT_FOLDERS
from tracker.core.timezones import get_zone, local_day_start_ms
from tracker.services.context import Context
from tracker.services.usage import UsageQuery, build_usage_report, money
from tracker.store.changes import Changes
from tracker.store.store import Store
from tracker.work.git_log import repo_root
from tracker.work.git_tasks import RepoImport, import_repo
from tracker.work.linking import auto_link
from tracker.work.trackers import guess_format, parse_file


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
    auto_link(store)
    return results


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


def list_tasks(
    store: Store,
    timezone: str,
    overrides: Any,
    since: date | None = None,
    until: date | None = None,
) -> list[TaskRow]:
    """Tasks completed in ``since..until`` (all tasks when no range), with their usage."""
    zone = get_zone(timezone)
    completed = None
    if since or until:
        lo = local_day_start_ms(since, zone) if since else 0
        hi = local_day_start_ms(until + timedelta(days=1), zone) if until else 2**62
        completed = (lo, hi)
    rows = store.tasks.listing(completed)
    every = store.links.active()
    listed = {r[0] for r in rows}
    wanted = frozenset(session_id for _, session_id, task_id, _ in every if task_id in listed)
    # All links of those sessions, not only to listed tasks: a session's split stays the same.
    links = [link for link in every if link[1] in wanted]
    per_session = {}
    if wanted:  # usage of just the sessions these tasks are linked to
        query = UsageQuery("session", timezone, sessions=wanted)
        report = build_usage_report(store, query, overrides)
        per_session = {(r.source, r.session_id): (r.totals.total_tokens, r.totals.cost_usd) for r in report.rows}
    usage = task_usage(links, per_session)
    out = []
    for r in rows:
        task = TaskRow(
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], Decimal(r[8]) if r[8] else None, json.loads(r[9]),
            r[10], r[11], bool(r[13]), r[14], r[15], r[16], include_in_report=bool(r[12]),
        )  # fmt: skip
        if (u := usage.get(task.id)) is not None:
            task.sessions, task.tokens, task.cost_usd = sorted(u.sessions), u.tokens, u.cost_usd
        out.append(task)
    return out


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
