"""Turning grouped sums into report rows: periods, per-model and per-source splits, cost."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from tracker.pricing.catalog import PriceBook
from tracker.pricing.rates import TokenSums, cost
from tracker.store.queries import GroupRow

Period = Literal["daily", "weekly", "monthly", "session", "project", "hour"]
# How each period groups stored usage (the rest group by local day first).
GROUPING = {"session": "session", "project": "project", "hour": "hour"}
_EPOCH = date(1970, 1, 1)


@dataclass
class Totals:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_tokens: int = 0
    cache_read_tokens: int = 0
    reasoning_tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    unpriced_tokens: int = 0
    events: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_creation_tokens + self.cache_read_tokens

    def add(self, other: Totals) -> None:
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_creation_tokens += other.cache_creation_tokens
        self.cache_read_tokens += other.cache_read_tokens
        self.reasoning_tokens += other.reasoning_tokens
        self.cost_usd += other.cost_usd
        self.unpriced_tokens += other.unpriced_tokens
        self.events += other.events


@dataclass
class UsageRow:
    period: str
    totals: Totals = field(default_factory=Totals)
    models: dict[str, Totals] = field(default_factory=dict)
    sources: dict[str, Totals] = field(default_factory=dict)
    first_ms: int | None = None
    last_ms: int | None = None
    source: str = ""
    session_id: str = ""

    def add(self, model: str, source: str, part: Totals, first_ms: int, last_ms: int) -> None:
        self.totals.add(part)
        self.models.setdefault(model, Totals()).add(part)
        self.sources.setdefault(source, Totals()).add(part)
        self.first_ms = first_ms if self.first_ms is None else min(self.first_ms, first_ms)
        self.last_ms = last_ms if self.last_ms is None else max(self.last_ms, last_ms)


def priced(row: GroupRow, book: PriceBook) -> Totals:
    """The totals of one group, with its exact cost (or its tokens marked unpriced)."""
    t = Totals(
        input_tokens=row.input,
        output_tokens=row.output,
        cache_creation_tokens=row.cache_write_5m + row.cache_write_1h,
        cache_read_tokens=row.cache_read,
        reasoning_tokens=row.reasoning,
        events=row.events,
    )
    rates = book.get(row.model)
    if rates is None:
        t.unpriced_tokens = t.total_tokens
    else:
        sums = TokenSums(row.input, row.output, row.cache_read, row.cache_write_5m, row.cache_write_1h)
        t.cost_usd = cost(rates, row.tier, sums)
    return t


def period_label(day_number: int, period: Period) -> str:
    return label_of(_EPOCH + timedelta(days=day_number), period)


def label_of(day: date, period: Period) -> str:
    """The period ``day`` falls in: ``2026-06-01``, ``2026-W23`` (ISO week) or ``2026-06``."""
    if period == "daily":
        return day.isoformat()
    if period == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def rollup(groups: Iterable[GroupRow], book: PriceBook, period: Period) -> list[UsageRow]:
    """Rows sorted by period (or by session start), each with per-model and per-source splits."""
    rows: dict[str, UsageRow] = {}
    for g in groups:
        if period == "session":
            label = str(g.key)
            row = rows.setdefault(f"{g.source}\0{label}", UsageRow(label, source=g.source, session_id=label))
        elif period in ("project", "hour"):
            label = str(g.key) if period == "project" else f"{int(g.key):02d}"
            row = rows.setdefault(label, UsageRow(label))
        else:
            label = period_label(int(g.key), period)
            row = rows.setdefault(label, UsageRow(label))
        row.add(g.model, g.source, priced(g, book), g.first_ms, g.last_ms)
    if period == "session":
        return sorted(rows.values(), key=lambda r: (r.first_ms or 0, r.period))
    return [rows[k] for k in sorted(rows)]


def grand_total(rows: Iterable[UsageRow]) -> UsageRow:
    total = UsageRow("total")
    for r in rows:
        for model, t in r.models.items():
            total.models.setdefault(model, Totals()).add(t)
        for source, t in r.sources.items():
            total.sources.setdefault(source, Totals()).add(t)
        total.totals.add(r.totals)
    return total


def unpriced_models(rows: Iterable[UsageRow]) -> Mapping[str, int]:
    """Models with tokens but no known price, and how many tokens each has."""
    out: dict[str, int] = {}
    for r in rows:
        for model, t in r.models.items():
            if t.unpriced_tokens:
                out[model] = out.get(model, 0) + t.unpriced_tokens
    return dict(sorted(out.items()))
