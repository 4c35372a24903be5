"""One day's sessions on a time axis (ActivityWatch's timeline): each session a bar from its
first to its last request of that day, in a lane of its tool, with the tasks it served.

Sessions of one tool that overlap take separate lanes (first fit, by start), so no bar hides
another; the lanes of a tool sit together, tools in the registry's order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tracker.core.timezones import get_zone, local_day_start_ms
from tracker.services.drill_down import day_drill, drilled_sessions, session_tasks
from tracker.store.store import Store

HOUR_MS = 3_600_000
MIN_BAR_H = 5 / 60  # a one-request session is drawn five minutes wide, so it can be seen and hovered


@dataclass(frozen=True)
class TimelineBar:
    source: str
    session_id: str
    project: str
    branch: str
    first_ms: int  # its first and last request of the day (UTC ms)
    last_ms: int
    start_h: float  # hours since the day's local midnight
    end_h: float
    tokens: int
    cost_usd: Decimal
    tasks: tuple[str, ...]  # titles of the linked tasks, the biggest share first
    task_ids: tuple[int, ...]
    lane: int = 0


@dataclass(frozen=True)
class DayTimeline:
    day: date
    timezone: str
    bars: list[TimelineBar]
    lanes: list[str] = field(default_factory=list)  # the tool (source id) of each lane, top first
    hours: float = 24.0  # the day's length (23 or 25 on a DST change)

    @property
    def tokens(self) -> int:
        return sum(b.tokens for b in self.bars)

    @property
    def cost_usd(self) -> Decimal:
        return sum((b.cost_usd for b in self.bars), Decimal(0))


def pack_lanes(spans: Sequence[tuple[str, float, float]], order: Sequence[str]) -> tuple[list[int], list[str]]:
    """Lanes for ``(tool, start, end)`` spans: each tool's spans first fit into its own lanes.
    Returns each span's lane and the tool of each lane (tools in ``order``, unknown ones after)."""
    rank = {s: i for i, s in enumerate(order)}
    tools = sorted({t for t, _, _ in spans}, key=lambda t: (rank.get(t, len(rank)), t))
    lanes: list[str] = []
    out = [0] * len(spans)
    for tool in tools:
        ends: list[float] = []  # the end of the last span in each of this tool's lanes
        first = len(lanes)
        for i in sorted((i for i, s in enumerate(spans) if s[0] == tool), key=lambda i: (spans[i][1], spans[i][2])):
            _, start, end = spans[i]
            lane = next((k for k, e in enumerate(ends) if e <= start), None)
            if lane is None:
                ends.append(end)
                lane = len(ends) - 1
                lanes.append(tool)
            else:
                ends[lane] = end
            out[i] = first + lane
    return out, lanes


def build_day_timeline(
    store: Store,
    timezone: str,
    day: date,
    overrides: Mapping[str, Mapping[str, Any]],
    order: Sequence[str] = (),
    device: str | None = None,
) -> DayTimeline:
    """``day``'s sessions (local to ``timezone``) as bars; ``order``: the tools' lane order;
    ``device``: one machine's (``UsageQuery.device``)."""
    zone = get_zone(timezone)
    midnight = local_day_start_ms(day, zone)
    hours = (local_day_start_ms(day + timedelta(days=1), zone) - midnight) / HOUR_MS
    report = drilled_sessions(store, replace(day_drill(day), device=device), timezone, overrides)
    rows = [r for r in report.rows if r.first_ms is not None and r.last_ms is not None]
    tasks = session_tasks(store, [(r.source, r.session_id) for r in rows])
    spans = []
    for r in rows:
        start = max(0.0, ((r.first_ms or 0) - midnight) / HOUR_MS)
        end = min(hours, max(((r.last_ms or 0) - midnight) / HOUR_MS, start + MIN_BAR_H))
        spans.append((r.source, start, end))
    lane_of, lanes = pack_lanes(spans, order)
    bars = []
    for r, (_, start, end), lane in zip(rows, spans, lane_of, strict=True):
        project, branch = report.session_info.get((r.source, r.session_id), ("", ""))
        linked = tasks.get((r.source, r.session_id), [])
        bar = TimelineBar(
            r.source, r.session_id, project, branch, r.first_ms or 0, r.last_ms or 0, start, end,
            r.totals.total_tokens, r.totals.cost_usd, tuple(t for _, t in linked), tuple(i for i, _ in linked), lane,
        )  # fmt: skip
        bars.append(bar)
    bars.sort(key=lambda b: (b.lane, b.start_h))
    return DayTimeline(day, timezone, bars, lanes, hours)
