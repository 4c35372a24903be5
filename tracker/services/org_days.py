"""The employee's side of the admin dashboards: one row per day in the shape managers see
(Claude Code analytics ``core_metrics`` + ``model_breakdown``, Copilot's user-day record).

Per local day: sessions started, requests, lines added and removed by AI-assisted commits,
those commits, merged pull requests that AI sessions served, tokens by kind and by model,
and cost. Days with nothing are rows too, so the file lines up with a dashboard's calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tracker.analytics.usage_rollup import Totals
from tracker.core.timezones import get_zone, local_day_start_ms
from tracker.services.report import is_merged_pr
from tracker.services.tasks import list_tasks
from tracker.services.usage import UsageQuery, build_usage_report
from tracker.store.store import Store


@dataclass
class OrgDay:
    day: date
    totals: Totals = field(default_factory=Totals)
    models: dict[str, Totals] = field(default_factory=dict)
    sessions: int = 0
    commits: int = 0
    lines_added: int = 0
    lines_removed: int = 0
    pull_requests: int = 0


def _local_day(ms: int, zone: Any) -> date:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).date()


def build_org_days(store: Store, timezone: str, since: date, until: date, overrides: Any) -> list[OrgDay]:
    """Every day of ``since..until`` (local), oldest first."""
    zone = get_zone(timezone)
    days = {since + timedelta(days=i): OrgDay(since + timedelta(days=i)) for i in range((until - since).days + 1)}
    daily = build_usage_report(store, UsageQuery("daily", timezone, since, until), overrides)
    for r in daily.rows:
        if (d := days.get(date.fromisoformat(r.period))) is not None:
            d.totals, d.models = r.totals, r.models
    sessions = build_usage_report(store, UsageQuery("session", timezone, since, until), overrides)
    for r in sessions.rows:  # counted on the day the session's first request in the period was made
        if r.first_ms is not None and (d := days.get(_local_day(r.first_ms, zone))) is not None:
            d.sessions += 1
    lo, hi = local_day_start_ms(since, zone), local_day_start_ms(until + timedelta(days=1), zone)
    for _, _, _, authored, _, added, removed, ai in store.tasks.commits_between(lo, hi):
        if ai and (d := days.get(_local_day(authored, zone))) is not None:
            d.commits += 1
            d.lines_added += added
            d.lines_removed += removed
    for t in list_tasks(store, timezone, overrides, since, until):
        served = t.ai_assisted or t.tokens > 0  # an AI-assisted commit in it, or AI sessions linked to it
        day = days.get(_local_day(t.completed_ms, zone)) if t.completed_ms is not None else None
        if served and is_merged_pr(t) and day is not None:
            day.pull_requests += 1
    return list(days.values())
