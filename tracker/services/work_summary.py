"""Tokens set against the work they produced, for a period: what the dashboard's work
section and the reports show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tracker.analytics.task_metrics import task_usage
from tracker.analytics.usage_rollup import label_of
from tracker.analytics.value_figures import Spend, ValueFigures, has_linked_spend, value_figures
from tracker.core.timezones import get_zone
from tracker.services.tasks import TaskRow, list_tasks
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.store.store import Store

HEAVY_SESSIONS = 8


@dataclass(frozen=True)
class Orphan:
    """A session with usage but no task: spend with no recorded outcome."""

    source: str
    session_id: str
    project: str
    tokens: int
    cost_usd: Decimal
    first_ms: int | None


@dataclass
class WorkSummary:
    """The period's tasks, each with its linked spend *in the period*, and the value figures.

    A task's ``tokens``/``cost_usd`` here are its share of its sessions' usage inside the
    period, so the tasks' spend adds up to the linked spend exactly.
    """

    tasks: list[TaskRow]
    total_tokens: int
    total_cost: Decimal
    timezone: str = "UTC"
    weeks: list[tuple[str, int, int, Decimal]] = field(default_factory=list)  # week, tokens, tasks, cost
    orphans: list[Orphan] = field(default_factory=list)
    not_work: Spend = field(default_factory=Spend)  # marked not work in the link inbox, linked to no task

    @property
    def done(self) -> list[TaskRow]:
        return [t for t in self.tasks if t.status == "done"]

    @property
    def figures(self) -> ValueFigures:
        return value_figures(self.done, Spend(self.total_tokens, self.total_cost), self.not_work)

    @property
    def linked_share(self) -> float:
        return self.figures.linked_share

    @property
    def hours_saved(self) -> Decimal:
        return self.figures.hours_saved

    def top_by_spend(self, n: int = 5) -> list[TaskRow]:
        """Tasks with linked spend, the most expensive first."""
        spent = [t for t in self.tasks if has_linked_spend(t)]
        return sorted(spent, key=lambda t: (-t.cost_usd, -t.tokens, t.id))[:n]

    def cost_per_outcome_by_week(self) -> list[tuple[str, Decimal | None]]:
        """Per week of the period: the cost per outcome of the tasks completed that week."""
        zone = get_zone(self.timezone)
        by_week: dict[str, list[TaskRow]] = {}
        for t in self.done:
            if t.completed_ms is not None:
                by_week.setdefault(_week(t.completed_ms, zone), []).append(t)
        return [(w, value_figures(by_week.get(w, []), Spend(tok, cost)).cost_per_outcome)
                for w, tok, _, cost in self.weeks]  # fmt: skip

    # The work charts' name from before cost per outcome; the same figure.
    cost_per_task_by_week = cost_per_outcome_by_week


def _week(ms: int, zone: Any) -> str:
    return label_of(datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).date(), "weekly")


def build_work_summary(
    store: Store,
    timezone: str,
    since: date,
    until: date,
    overrides: Any,
    orphans_limit: int | None = HEAVY_SESSIONS,
    helpers: Sequence[Store] = (),
    weekly_usage: Sequence[tuple[str, int, Decimal]] | None = None,
    device: str | None = None,
) -> WorkSummary:
    """The period's tasks and usage; ``orphans_limit`` heaviest sessions with no task (all: None).
    ``device``: one machine's usage (``UsageQuery.device``), so a task's spend is what it cost there."""
    zone = get_zone(timezone)
    tasks = list_tasks(store, timezone, overrides, since, until)
    if weekly_usage is None:  # callers that already hold the period's usage pass it in
        weekly = build_usage_report(
            store, UsageQuery("weekly", timezone, since, until, device=device), overrides, helpers
        )
        weekly_usage = [(r.period, r.totals.total_tokens, r.totals.cost_usd) for r in weekly.rows]
    sessions = build_usage_report(
        store, UsageQuery("session", timezone, since, until, device=device), overrides, helpers
    )
    total_tokens = sum(t for _, t, _ in weekly_usage)
    total_cost = sum((c for _, _, c in weekly_usage), Decimal(0))
    every = store.links.active()
    linked = {(s, i) for s, i, _, _ in every}
    # Each task's share of its sessions' usage *in this period* (a session's split over all its tasks).
    in_period = {(r.source, r.session_id): (r.totals.total_tokens, r.totals.cost_usd) for r in sessions.rows}
    shares = task_usage([link for link in every if (link[0], link[1]) in in_period], in_period)
    tasks = [replace(t, tokens=u.tokens, cost_usd=u.cost_usd, sessions=sorted(u.sessions))
             if (u := shares.get(t.id)) is not None else replace(t, tokens=0, cost_usd=Decimal(0), sessions=[])
             for t in tasks]  # fmt: skip
    not_work = store.links.not_work()  # marked in the link inbox: not an orphan, not linked either
    done_by_week: dict[str, int] = {}
    for t in tasks:
        if t.status == "done" and t.completed_ms is not None:
            wk = _week(t.completed_ms, zone)
            done_by_week[wk] = done_by_week.get(wk, 0) + 1
    weeks = {w: (t, c) for w, t, c in weekly_usage}
    zero = (0, Decimal(0))
    rows = [(w, weeks.get(w, zero)[0], done_by_week.get(w, 0), weeks.get(w, zero)[1])
            for w in sorted(set(weeks) | set(done_by_week))]  # fmt: skip
    orphans = [
        Orphan(r.source, r.session_id, sessions.session_info.get((r.source, r.session_id), ("", ""))[0],
               r.totals.total_tokens, r.totals.cost_usd, r.first_ms)
        for r in sessions.rows
        if (r.source, r.session_id) not in linked and (r.source, r.session_id) not in not_work
    ]  # fmt: skip
    orphans.sort(key=lambda o: (-o.tokens, o.session_id))
    # As ``services.tasks.not_work_spend``: a link (to any task) wins over the mark.
    marked = [r.totals for r in sessions.rows if (r.source, r.session_id) in not_work - linked]
    return WorkSummary(
        tasks=tasks,
        total_tokens=total_tokens,
        total_cost=total_cost,
        timezone=timezone,
        weeks=rows,
        orphans=orphans[:orphans_limit],
        not_work=Spend(sum(t.total_tokens for t in marked), sum((t.cost_usd for t in marked), Decimal(0))),
    )


def period_figures(store: Store, timezone: str, since: date, until: date, overrides: Any) -> ValueFigures:
    """The value figures of ``since..until`` (the tray's summary, the CLI)."""
    return build_work_summary(store, timezone, since, until, overrides, orphans_limit=0).figures


def weeks_of_days(days: Sequence[tuple[date, Any]]) -> list[tuple[str, int, Decimal]]:
    """Per ISO week, the tokens and cost of daily rows (``(day, UsageRow | None)``)."""
    out: dict[str, tuple[int, Decimal]] = {}
    for day, row in days:
        label = label_of(day, "weekly")
        t, c = out.get(label, (0, Decimal(0)))
        if row is not None:
            t, c = t + row.totals.total_tokens, c + row.totals.cost_usd
        out[label] = (t, c)
    return [(w, t, c) for w, (t, c) in sorted(out.items()) if t]
