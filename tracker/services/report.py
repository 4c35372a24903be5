"""The report use case: what a manager reads, built once and rendered as PDF, CSV, JSON or
Markdown. Honest: outcomes first, what they cost in AI usage second; every number exact."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from tracker.analytics.usage_rollup import Totals
from tracker.core.settings_schema import WEEKLY_ACTIVE_DAYS
from tracker.core.timezones import get_zone
from tracker.services.chart_series import SlotUsage, usage_by_slot
from tracker.services.context import Context
from tracker.services.dashboard import year_of_days
from tracker.services.tasks import TaskRow
from tracker.services.usage import UsageQuery, build_usage_report, money, totals_json
from tracker.services.work_summary import WorkSummary, build_work_summary
from tracker.sources.registry import SOURCES
from tracker.store.store import Store

Audience = Literal["summary", "detailed"]
PERIODS = ("last-week", "last-month", "quarter", "this-week", "this-month", "last-30-days")  # as cli.report_cmd
TRACKER_SOURCES = frozenset({"jira", "github", "linear", "csv", "git"})


def named_period(name: str, today: date) -> tuple[date, date]:
    """``last-week`` is the previous Monday to Sunday; ``quarter`` the last full calendar quarter."""
    monday = today - timedelta(days=today.weekday())
    if name == "last-week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if name == "this-week":
        return monday, today
    first = today.replace(day=1)
    if name == "last-month":
        end = first - timedelta(days=1)
        return end.replace(day=1), end
    if name == "this-month":
        return first, today
    if name == "last-30-days":
        return today - timedelta(days=29), today
    if name == "quarter":
        q_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = q_start - timedelta(days=1)
        return date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end
    raise ValueError(f"unknown period {name!r}; use one of {', '.join(PERIODS)}")


@dataclass(frozen=True)
class ReportOptions:
    since: date
    until: date
    timezone: str
    audience: Audience = "summary"
    redact: bool = False
    only_flagged: bool = True  # tasks the user marked "include in report"


@dataclass
class Report:
    options: ReportOptions
    generated_at: datetime
    totals: Totals
    work: WorkSummary
    by_tool: dict[str, Totals]
    by_model: dict[str, Totals]
    tasks: list[TaskRow]
    outcomes: list[TaskRow]
    active_days: int
    weeks_in_period: float
    weekly_target: int
    sources: list[str]
    price_source: str
    unpriced: Mapping[str, int]
    redactions: list[str] = field(default_factory=list)
    chart: SlotUsage | None = None  # the period in hours, days or weeks, cut as the app's chart is

    @property
    def period_label(self) -> str:
        o = self.options
        return f"{o.since:%d %b %Y} – {o.until:%d %b %Y}" if o.since != o.until else f"{o.since:%d %b %Y}"

    @property
    def tasks_completed(self) -> int:
        return sum(1 for t in self.tasks if t.status == "done")

    @property
    def hours_saved(self) -> Decimal:
        return sum((t.hours_saved or Decimal(0) for t in self.tasks if t.status == "done"), Decimal(0))

    @property
    def cost_per_task(self) -> Decimal | None:
        return self.totals.cost_usd / self.tasks_completed if self.tasks_completed else None

    @property
    def active_days_per_week(self) -> float:
        return self.active_days / self.weeks_in_period if self.weeks_in_period else 0.0

    def totals_json(self) -> dict[str, Any]:
        return {
            **totals_json(self.totals),
            "tasks_completed": self.tasks_completed,
            "hours_saved": float(self.hours_saved),
            "linked_share": round(self.work.linked_share, 6),
            "cost_per_task_usd": money(self.cost_per_task) if self.cost_per_task is not None else None,
            "active_days": self.active_days,
        }

    def task_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "id": t.id,
                "title": t.title,
                "category": t.category,
                "status": t.status,
                "completed": _day(t.completed_ms, self.options.timezone),
                "ai_assisted": t.ai_assisted,
                "tokens": t.tokens,
                "cost_usd": money(t.cost_usd),
                "hours_saved": float(t.hours_saved) if t.hours_saved is not None else None,
                "impact": t.impact,
                "links": list(t.links),
            }
            for t in self.tasks
        ]

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the report's rows, so two copies can be compared."""
        rows = {
            "period": [str(self.options.since), str(self.options.until)],
            "totals": self.totals_json(),
            "tasks": self.task_rows(),
            "by_model": {m: totals_json(t) for m, t in sorted(self.by_model.items())},
        }
        return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _day(ms: int | None, timezone: str) -> str | None:

    return (
        None if ms is None else datetime.fromtimestamp(ms / 1000, UTC).astimezone(get_zone(timezone)).date().isoformat()
    )


def _value(t: TaskRow) -> tuple[Decimal, int, int]:
    """Most valuable first: hours saved, then a stated impact, then the work put in."""
    return (t.hours_saved or Decimal(0), int(bool(t.impact)), t.tokens)


def build_report(ctx: Context, store: Store, options: ReportOptions) -> Report:
    """Reads only: works on a read-only store."""
    tz = options.timezone
    overrides = ctx.price_overrides()
    usage = build_usage_report(store, UsageQuery("daily", tz, options.since, options.until), overrides)
    work = build_work_summary(store, tz, options.since, options.until, overrides)
    flagged = store.tasks.flagged()
    tasks = [t for t in work.tasks if t.id in flagged or not options.only_flagged]
    days = year_of_days(store, tz, options.until)
    active = sum(1 for d, n in days.items() if options.since <= d <= options.until and n)
    report = Report(
        options=options,
        generated_at=datetime.now(UTC),
        totals=usage.total.totals,
        work=work,
        by_tool=usage.total.sources,
        by_model=usage.total.models,
        tasks=tasks,
        outcomes=[t for t in sorted(tasks, key=_value, reverse=True) if t.status == "done"][:5],
        active_days=active,
        weeks_in_period=((options.until - options.since).days + 1) / 7,
        weekly_target=ctx.settings.value(WEEKLY_ACTIVE_DAYS),
        sources=[s for s in SOURCES if s in usage.total.sources],
        price_source=usage.price_source,
        unpriced=usage.unpriced,
        chart=usage_by_slot(
            store,
            tz,
            options.since,
            options.until,
            overrides,
            days=[(date.fromisoformat(r.period), r) for r in usage.rows],
        ),
    )
    return redact(report) if options.redact else report


def redact(report: Report) -> Report:
    """No project paths, repository names or ticket titles: they stay on the user's machine."""

    def clean(t: TaskRow) -> TaskRow:
        title = f"{t.category.capitalize()} task #{t.id}" if t.source in TRACKER_SOURCES else t.title
        return replace(t, title=title, project="", branch="", external_id=None, links=[], sessions=[])

    report.tasks = [clean(t) for t in report.tasks]
    report.outcomes = [clean(t) for t in report.outcomes]
    report.work.orphans = []
    report.work.tasks = [clean(t) for t in report.work.tasks]
    report.redactions = ["project paths", "repository names and branches", "ticket and commit titles", "links"]
    return report
