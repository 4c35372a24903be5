"""Drill-down: what a click on the dashboard narrows the Sessions page to.

A bar (an hour, a day or a week), a calendar day, a model, a tool or a project becomes a
``Drill``; ``drilled_sessions`` reads the sessions it covers with exactly the tokens and cost
the dashboard showed for it (a model's drill counts only that model's part of each session).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from tracker.analytics.buckets import Slot
from tracker.analytics.usage_rollup import Totals, UsageRow, grand_total
from tracker.core.timezones import get_zone
from tracker.services.usage import UsageQuery, UsageReport, build_usage_report
from tracker.store.store import Store

SessionKey = tuple[str, str]  # (source, session id)


@dataclass(frozen=True)
class Drill:
    """A narrowing of the sessions of ``since..until`` (local days, inclusive)."""

    label: str  # the chip: "Day: 2026-11-30", "Model: Sonnet 4.5"
    since: date
    until: date
    start_ms: int | None = None  # an hour's window (UTC ms, end exclusive)
    end_ms: int | None = None
    source: str | None = None
    project: str | None = None
    models: frozenset[str] | None = None  # model ids (a display name can cover dated releases)
    device: str | None = None  # one machine's sessions (``UsageQuery.device``)

    def query(self, timezone: str) -> UsageQuery:
        return UsageQuery(
            "session", timezone, self.since, self.until, self.source, self.project,
            start_ms=self.start_ms, end_ms=self.end_ms, device=self.device,
        )  # fmt: skip


def day_drill(day: date) -> Drill:
    return Drill(f"Day: {day.isoformat()}", day, day)


def slot_drill(slot: Slot, timezone: str) -> Drill:
    """One bar of the dashboard's chart: an hour, a day or a (cut) week."""
    if slot.hour is None:
        if slot.first == slot.last:
            return day_drill(slot.first)
        return Drill(f"Week: {slot.first.isoformat()} – {slot.last.isoformat()}", slot.first, slot.last)
    zone = get_zone(timezone)
    start = datetime(slot.first.year, slot.first.month, slot.first.day, slot.hour, tzinfo=zone)
    end = start + timedelta(hours=1)  # wall-clock arithmetic; a DST hour still ends at hour + 1
    label = f"Hour: {slot.first.isoformat()} {slot.hour:02d}:00–{(slot.hour + 1) % 24:02d}:00"
    return Drill(label, slot.first, slot.first, int(start.timestamp() * 1000), int(end.timestamp() * 1000))


def model_drill(name: str, ids: Iterable[str], since: date, until: date) -> Drill:
    return Drill(f"Model: {name}", since, until, models=frozenset(ids))


def tool_drill(name: str, source: str, since: date, until: date) -> Drill:
    return Drill(f"Tool: {name}", since, until, source=source)


def project_drill(project: str, since: date, until: date) -> Drill:
    return Drill(f"Project: {project or '(no folder)'}", since, until, project=project)


def only_models(row: UsageRow, models: frozenset[str]) -> UsageRow | None:
    """``row`` cut to ``models`` (its totals are those models' parts); None if it used none."""
    parts = {m: t for m, t in row.models.items() if m in models}
    if not parts:
        return None
    totals = Totals()
    for t in parts.values():
        totals.add(t)
    return replace(row, totals=totals, models=parts, sources={row.source: totals})


def drilled_sessions(
    store: Store, drill: Drill, timezone: str, overrides: Mapping[str, Mapping[str, Any]]
) -> UsageReport:
    """The sessions ``drill`` covers, their tokens and cost restricted to it."""
    report = build_usage_report(store, drill.query(timezone), overrides)
    if drill.models is None:
        return report
    rows = [cut for r in report.rows if (cut := only_models(r, drill.models)) is not None]
    return replace(report, rows=rows, total=grand_total(rows))


def session_tasks(store: Store, keys: Iterable[SessionKey] | None = None) -> dict[SessionKey, list[tuple[int, str]]]:
    """The tasks each session is linked to, ``(task id, title)``, the biggest share first."""
    wanted = None if keys is None else set(keys)
    titles = {row[0]: row[1] for row in store.tasks.listing()}
    links: dict[SessionKey, list[tuple[float, int]]] = {}
    for source, session_id, task_id, share in store.links.active():
        key = (source, session_id)
        if task_id in titles and (wanted is None or key in wanted):
            links.setdefault(key, []).append((share, task_id))
    return {k: [(t, titles[t]) for _, t in sorted(v, key=lambda p: (-p[0], p[1]))] for k, v in links.items()}
