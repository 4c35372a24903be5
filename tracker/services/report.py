"""The report use case: what a manager reads, built once and rendered as PDF, CSV, JSON or
Markdown. Honest: outcomes first, what they cost in AI usage second; headlines compact, every
exact number in the tables and the appendix. The value figures come from ``analytics.value_figures``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from tracker.analytics.usage_rollup import Totals, UsageRow, label_of
from tracker.analytics.value_figures import Spend, ValueFigures, value_figures
from tracker.core.compact_numbers import compact_tokens, exact_usd
from tracker.core.display_names import day_range_label, model_name
from tracker.core.settings_schema import REPORT_AUTHOR, REPORT_ROLE, REPORT_TEAM, WEEKLY_ACTIVE_DAYS
from tracker.core.timezones import get_zone
from tracker.services.chart_series import SlotUsage, usage_by_slot
from tracker.services.context import Context
from tracker.services.dashboard import year_of_days
from tracker.services.outside_totals import OutsideFigure, outside_totals
from tracker.services.report_headline import Headline, figures_json, headline, narrative
from tracker.services.spend_yield import SpendYield
from tracker.services.tasks import TaskRow, period_yield, yield_json
from tracker.services.tool_spend import (
    API_EQUIVALENT,
    ToolSpend,
    api_equivalent,
    estimate_note,
    spend_json,
    subscription_note,
)
from tracker.services.usage import UsageQuery, build_usage_report, money, totals_json
from tracker.services.work_summary import WorkSummary, build_work_summary
from tracker.sources.registry import SOURCES
from tracker.store.store import Store

Audience = Literal["summary", "detailed"]
PERIODS = ("last-week", "last-month", "quarter", "this-week", "this-month", "last-30-days")  # as cli.report_cmd
# What people read for each period (the export dialog); the CLI takes the names.
PERIOD_LABELS = {"last-week": "Last week", "last-month": "Last month", "quarter": "Last quarter",
                 "this-week": "This week", "this-month": "This month", "last-30-days": "Last 30 days"}  # fmt: skip
TRACKER_SOURCES = frozenset({"jira", "github", "linear", "csv", "git"})


def period_named(since: date, until: date, today: date) -> str | None:
    """The name of the period ``since..until`` is, if any (a dashboard's range in the export dialog)."""
    return next((name for name in PERIODS if named_period(name, today) == (since, until)), None)


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
    compare: bool = True  # figures of the previous period of the same length, for the deltas
    # Say what the totals would be with the chat-export estimates in (a separate, marked line:
    # never mixed into the exact figures).
    include_estimates: bool = False
    # One machine's usage (``UsageQuery.device``: a device id, "" for this machine's own; None:
    # every machine's) and its name as the report says it ("laptop", "this machine (ws)").
    device: str | None = None
    device_name: str = ""


@dataclass(frozen=True)
class Author:
    name: str = ""
    team: str = ""
    role: str = ""

    def line(self) -> str:
        return " · ".join(p for p in (self.name, self.role, self.team) if p)


@dataclass(frozen=True)
class Previous:
    """The period of the same length just before, for "Δ vs previous period"."""

    since: date
    until: date
    figures: ValueFigures
    active_days: int

    @property
    def label(self) -> str:
        return day_range_label(self.since, self.until)


@dataclass(frozen=True)
class TaskSessions:
    """Detailed reports: the sessions a task's linked spend comes from."""

    task_id: int
    title: str
    sessions: list[tuple[str, str, str | None, int, Decimal]]  # tool, session id, first day, tokens, cost


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
    author: Author = field(default_factory=Author)
    previous: Previous | None = None
    by_project: dict[str, Totals] = field(default_factory=dict)  # detailed only
    by_day: list[tuple[date, Totals]] = field(default_factory=list)  # detailed only
    task_sessions: list[TaskSessions] = field(default_factory=list)  # detailed only
    tool_labels: dict[str, str] = field(default_factory=dict)
    # What the tools said beside the priced cost (``services.tool_spend``): all, and per tool.
    tool_spend: ToolSpend = field(default_factory=ToolSpend)
    tool_by_source: dict[str, ToolSpend] = field(default_factory=dict)
    spend_yield: SpendYield = field(default_factory=SpendYield)  # what the period's spend became
    # Stored but not in the totals: providers' own figures and chat-export estimates.
    outside: list[OutsideFigure] = field(default_factory=list)

    @property
    def period_label(self) -> str:
        o = self.options
        return f"{o.since:%d %b %Y} – {o.until:%d %b %Y}" if o.since != o.until else f"{o.since:%d %b %Y}"

    @property
    def device_line(self) -> str | None:
        """Which machine's usage the figures are (None: every machine's)."""
        o = self.options
        if o.device is None:
            return None
        return f"Usage of {o.device_name or 'one device'} only; the other devices' usage is not in these figures"

    def device_json(self) -> dict[str, Any]:
        """``{"id": None, "name": "all devices"}``, or the one device ("this": this machine)."""
        o = self.options
        if o.device is None:
            return {"id": None, "name": "all devices"}
        return {"id": o.device or "this", "name": o.device_name}

    @property
    def figures(self) -> ValueFigures:
        """The value figures (``analytics.value_figures``) over the tasks this report lists."""
        done = [t for t in self.tasks if t.status == "done"]
        return value_figures(done, Spend(self.totals.total_tokens, self.totals.cost_usd), self.work.not_work)

    @property
    def tasks_completed(self) -> int:
        return self.figures.tasks_completed

    @property
    def hours_saved(self) -> Decimal:
        return self.figures.hours_saved

    @property
    def cost_per_outcome(self) -> Decimal | None:
        return self.figures.cost_per_outcome

    @property
    def active_days_per_week(self) -> float:
        return self.active_days / self.weeks_in_period if self.weeks_in_period else 0.0

    def tool_name(self, source: str) -> str:
        return self.tool_labels.get(source, source)

    def tool_row_name(self, source: str) -> str:
        """A tool's name in the spend tables; its cost labelled when only API-equivalent."""
        name = self.tool_name(source)
        return f"{name} ({API_EQUIVALENT} cost)" if api_equivalent(source) else name

    def models_by_name(self) -> list[tuple[str, Totals]]:
        """Spend per model as people read it: ids with one friendly name (a dated and an undated
        id of one model) are one row, the most expensive first."""
        named: dict[str, Totals] = {}
        for model, totals in self.by_model.items():
            named.setdefault(model_name(model), Totals()).add(totals)
        return sorted(named.items(), key=lambda kv: (-kv[1].cost_usd, -kv[1].total_tokens, kv[0]))

    def spend_notes(self) -> list[str]:
        """Beside the spend tables: how much a subscription covered, and each tool's own
        estimate where it differs from the priced cost (which stays the figure)."""
        notes = []
        if (covered := subscription_note(self.tool_spend)) is not None:
            notes.append(f"AI spend {exact_usd(self.totals.cost_usd)}: {covered}.")
        for source, s in sorted(self.tool_by_source.items()):
            if (estimate := estimate_note(s)) is not None:
                notes.append(f"{self.tool_name(source)}: {estimate}.")
        notes.extend(f"{o.note()}." for o in self.outside)
        if (line := self.with_estimates()) is not None:
            notes.append(line)
        return notes

    def with_estimates(self) -> str | None:
        """With ``include_estimates``: the exact total and the estimates side by side, summed as
        an estimate (None when not asked for, or there are none)."""
        estimated = sum(o.tokens for o in self.outside if o.estimated)
        if not self.options.include_estimates or not estimated:
            return None
        exact = self.totals.total_tokens
        return (
            f"Including the chat-app estimates: ≈ {compact_tokens(exact + estimated)} tokens in all "
            f"({exact:,} exact + ≈ {estimated:,} estimated); the figures above stay exact."
        )

    def headline(self) -> list[Headline]:
        """Outcomes first (tasks, hours saved, linked share, cost per outcome), then what they cost."""
        p = self.previous.figures if self.previous else None
        target = f" (target {self.weekly_target})" if self.weekly_target else ""
        return headline(self.figures, p, f"{self.active_days_per_week:.1f}", f"{self.active_days} active days", target)

    def narrative(self) -> str:
        """A short paragraph from the figures, by a template."""
        days = (self.options.until - self.options.since).days + 1
        prev = (self.previous.figures, self.previous.label) if self.previous else None
        return narrative(self.figures, days, prev)

    def totals_json(self) -> dict[str, Any]:
        f = self.figures
        return {
            **totals_json(self.totals),
            **spend_json(self.tool_spend),
            **figures_json(f),
            "active_days": self.active_days,
        }

    def yield_json(self) -> dict[str, Any]:
        return yield_json(self.spend_yield)

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
            **({"device": self.options.device} if self.options.device is not None else {}),
            "totals": self.totals_json(),
            "tasks": self.task_rows(),
            "by_model": {m: totals_json(t) for m, t in sorted(self.by_model.items())},
        }
        return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _day(ms: int | None, timezone: str) -> str | None:

    return (
        None if ms is None else datetime.fromtimestamp(ms / 1000, UTC).astimezone(get_zone(timezone)).date().isoformat()
    )


def is_merged_pr(t: TaskRow) -> bool:
    """A pull request merged into the repository (git merge or squash with its number, or a
    GitHub export's merged PR)."""
    if t.status != "done" or not t.external_id:
        return False
    return (t.source == "git" and "#pr" in t.external_id) or t.source == "github"


def is_valuable(t: TaskRow) -> bool:
    """An outcome worth naming: a stated impact, hours saved, or a merged pull request."""
    return t.status == "done" and (bool(t.impact.strip()) or bool(t.hours_saved) or is_merged_pr(t))


def _value(t: TaskRow) -> tuple[Decimal, Decimal, int, int]:
    """Most valuable first: hours saved, then linked spend; ties by tokens, then oldest id."""
    return (-(t.hours_saved or Decimal(0)), -t.cost_usd, -t.tokens, t.id)


def most_valuable(tasks: list[TaskRow], n: int = 5) -> list[TaskRow]:
    return sorted((t for t in tasks if is_valuable(t)), key=_value)[:n]


def _flagged(tasks: list[TaskRow], flagged: frozenset[int] | set[int], only: bool) -> list[TaskRow]:
    return [t for t in tasks if t.id in flagged or not only]


def _previous(
    store: Store, options: ReportOptions, overrides: Any, flagged: frozenset[int] | set[int], days: dict[date, int]
) -> Previous:
    length = options.until - options.since
    until = options.since - timedelta(days=1)
    since = until - length
    work = build_work_summary(store, options.timezone, since, until, overrides, orphans_limit=0, device=options.device)
    done = [t for t in _flagged(work.tasks, flagged, options.only_flagged) if t.status == "done"]
    figures = value_figures(done, Spend(work.total_tokens, work.total_cost), work.not_work)
    return Previous(since, until, figures, sum(1 for d, n in days.items() if since <= d <= until and n))


def _task_sessions(tasks: list[TaskRow], sessions: dict[tuple[str, str], UsageRow], tz: str) -> list[TaskSessions]:
    out = []
    for t in tasks:
        rows = [(src, sid, _day(r.first_ms, tz) if (r := sessions.get((src, sid))) else None,
                 r.totals.total_tokens if r else 0, r.totals.cost_usd if r else Decimal(0))
                for src, sid in t.sessions]  # fmt: skip
        if rows:
            out.append(TaskSessions(t.id, t.title, rows))
    return out


def build_report(ctx: Context, store: Store, options: ReportOptions) -> Report:
    """Reads only: works on a read-only store."""
    tz, device = options.timezone, options.device
    overrides = ctx.price_overrides()
    usage = build_usage_report(
        store, UsageQuery("daily", tz, options.since, options.until, device=device), overrides, tool_costs=True
    )
    weekly = [(label_of(date.fromisoformat(r.period), "weekly"), r) for r in usage.rows]
    weeks: dict[str, tuple[int, Decimal]] = {}
    for w, r in weekly:
        tok, cost = weeks.get(w, (0, Decimal(0)))
        weeks[w] = (tok + r.totals.total_tokens, cost + r.totals.cost_usd)
    work = build_work_summary(store, tz, options.since, options.until, overrides,
                              weekly_usage=[(w, t, c) for w, (t, c) in sorted(weeks.items())],
                              device=device)  # fmt: skip
    flagged = store.tasks.flagged()
    tasks = _flagged(work.tasks, flagged, options.only_flagged)
    days = year_of_days(store, tz, options.until, device)
    active = sum(1 for d, n in days.items() if options.since <= d <= options.until and n)
    settings = ctx.settings
    generated = datetime.now(UTC)
    report = Report(
        # Bills and usage APIs are the account's, on every machine: never set beside one device.
        outside=outside_totals(store, options.since, options.until) if device is None else [],
        options=options,
        generated_at=generated,
        totals=usage.total.totals,
        work=work,
        by_tool=usage.total.sources,
        by_model=usage.total.models,
        tasks=tasks,
        outcomes=most_valuable(tasks),
        active_days=active,
        weeks_in_period=((options.until - options.since).days + 1) / 7,
        weekly_target=settings.value(WEEKLY_ACTIVE_DAYS),
        sources=[SOURCES[s].label if s in SOURCES else s for s in sorted(usage.total.sources)],
        price_source=usage.price_source,
        unpriced=usage.unpriced,
        author=Author(settings.value(REPORT_AUTHOR), settings.value(REPORT_TEAM), settings.value(REPORT_ROLE)),
        tool_labels={s: SOURCES[s].label for s in usage.total.sources if s in SOURCES},
        chart=usage_by_slot(
            store,
            tz,
            options.since,
            options.until,
            overrides,
            days=[(date.fromisoformat(r.period), r) for r in usage.rows],
            device=device,
        ),
        tool_spend=usage.row_tool_spend(usage.total),
        tool_by_source=usage.source_tool_spend(),
        spend_yield=period_yield(
            store, tz, overrides, options.since, options.until, int(generated.timestamp() * 1000), device
        ),
    )
    if options.compare:
        report.previous = _previous(store, options, overrides, flagged, days)
    if options.audience == "detailed":
        projects = build_usage_report(
            store, UsageQuery("project", tz, options.since, options.until, device=device), overrides
        )
        report.by_project = {r.period: r.totals for r in projects.rows}
        report.by_day = [(date.fromisoformat(r.period), r.totals) for r in usage.rows]
        wanted = frozenset(sid for t in tasks for _, sid in t.sessions)
        if wanted:
            q = UsageQuery("session", tz, options.since, options.until, sessions=wanted, device=device)
            rows = {(r.source, r.session_id): r for r in build_usage_report(store, q, overrides).rows}
            report.task_sessions = _task_sessions(tasks, rows, tz)
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
    # Projects by number, in the order of their spend; sessions without their task's title.
    ranked = sorted(report.by_project.items(), key=lambda kv: (-kv[1].cost_usd, -kv[1].total_tokens, kv[0]))
    report.by_project = {f"Project {i}": v for i, (_, v) in enumerate(ranked, 1)}
    titles = {t.id: t.title for t in report.tasks}
    report.task_sessions = [replace(ts, title=titles.get(ts.task_id, "")) for ts in report.task_sessions]
    report.redactions = ["project paths", "repository names and branches", "ticket and commit titles", "links"]
    return report
