"""What the tools themselves say about the usage, beside Tokenworth's own pricing.

- *Tool's estimate*: the cost a tool wrote next to a request (OpenCode, OpenClaw/pi, Goose,
  Amp, Cline). Tokenworth's priced cost stays the figure; the estimate is shown beside it,
  together with Tokenworth's price for the same requests, where the two differ.
- *Covered by a subscription*: requests the tool says a plan paid for (a cost of 0 from a
  subscription provider), and every request of a tool whose cost is only API-equivalent
  (Copilot bills premium requests, not tokens). Their priced cost is what the same tokens
  would cost through the API, not money billed per token.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tracker.analytics.usage_rollup import Period, UsageRow, period_label, priced
from tracker.core.compact_numbers import exact_usd
from tracker.pricing.catalog import PriceBook
from tracker.sources.registry import SOURCES
from tracker.store.queries import ToolCostRow

MICRO_USD = Decimal("0.000001")
DIFFERS_BY = Decimal("0.005")  # half a cent: estimates that round to the same cents agree

API_EQUIVALENT = "API-equivalent"
RowKey = tuple[str, str]  # (source for session rows else "", the row's period label)


def api_equivalent(source: str) -> bool:
    """The tool's cost is what its tokens would cost through the API (its plan bills requests)."""
    spec = SOURCES.get(source)
    return spec is not None and spec.api_equivalent_cost


@dataclass
class ToolSpend:
    """One row's (or one tool's) figures beside the priced cost."""

    tool_cost_micro: int = 0  # the tools' own estimates, added up
    tool_requests: int = 0  # requests a tool priced itself
    tool_priced_cost: Decimal = Decimal(0)  # Tokenworth's price for those same requests
    subscription_requests: int = 0
    subscription_tokens: int = 0
    subscription_cost: Decimal = Decimal(0)  # Tokenworth's price for them: API-equivalent
    api_equivalent_cost: Decimal = Decimal(0)  # the part from API-equivalent tools (Copilot)
    api_equivalent_tools: set[str] = field(default_factory=set)

    def add(self, other: ToolSpend) -> None:
        self.tool_cost_micro += other.tool_cost_micro
        self.tool_requests += other.tool_requests
        self.tool_priced_cost += other.tool_priced_cost
        self.subscription_requests += other.subscription_requests
        self.subscription_tokens += other.subscription_tokens
        self.subscription_cost += other.subscription_cost
        self.api_equivalent_cost += other.api_equivalent_cost
        self.api_equivalent_tools |= other.api_equivalent_tools

    @property
    def tool_cost_usd(self) -> Decimal | None:
        """The tools' estimate; None when no request had one."""
        return Decimal(self.tool_cost_micro) * MICRO_USD if self.tool_requests else None

    @property
    def estimate_differs(self) -> bool:
        est = self.tool_cost_usd
        return est is not None and abs(est - self.tool_priced_cost) >= DIFFERS_BY


def row_key(row: UsageRow) -> RowKey:
    return (row.source, row.period)


def _label(key: int | str, period: Period) -> str:
    """The row label ``analytics.usage_rollup.rollup`` gives a group key."""
    if period in ("session", "project"):
        return str(key)
    if period == "hour":
        return f"{int(key):02d}"
    return period_label(int(key), period)


def tool_spend(
    groups: Iterable[ToolCostRow], rows: Iterable[UsageRow], book: PriceBook, period: Period
) -> dict[RowKey, dict[str, ToolSpend]]:
    """Per report row and tool: the tool's estimate and the subscription-covered spend."""
    out: dict[RowKey, dict[str, ToolSpend]] = {}
    for g in groups:
        source = g.group.source
        key = (source if period == "session" else "", _label(g.group.key, period))
        part = ToolSpend()
        t = priced(g.group, book)
        if g.tool_priced:
            part.tool_cost_micro, part.tool_requests, part.tool_priced_cost = g.tool_cost_micro, t.events, t.cost_usd
        if g.subscription and not api_equivalent(source):  # those are counted whole below
            part.subscription_requests, part.subscription_tokens, part.subscription_cost = (
                t.events, t.total_tokens, t.cost_usd
            )  # fmt: skip
        out.setdefault(key, {}).setdefault(source, ToolSpend()).add(part)
    for row in rows:  # every request of an API-equivalent tool is covered by its plan
        for source, totals in row.sources.items():
            if api_equivalent(source):
                s = out.setdefault(row_key(row), {}).setdefault(source, ToolSpend())
                s.subscription_requests += totals.events
                s.subscription_tokens += totals.total_tokens
                s.subscription_cost += totals.cost_usd
                s.api_equivalent_cost += totals.cost_usd
                s.api_equivalent_tools.add(source)
    return out


def summed(parts: Iterable[ToolSpend]) -> ToolSpend:
    total = ToolSpend()
    for p in parts:
        total.add(p)
    return total


def by_source(spend: Mapping[RowKey, Mapping[str, ToolSpend]]) -> dict[str, ToolSpend]:
    """The whole report's figures per tool."""
    out: dict[str, ToolSpend] = {}
    for per_source in spend.values():
        for source, s in per_source.items():
            out.setdefault(source, ToolSpend()).add(s)
    return out


def _money(value: Decimal) -> float:
    return float(value.quantize(MICRO_USD))


def spend_json(s: ToolSpend | None) -> dict[str, Any]:
    """The JSON keys beside a row's ``cost_usd`` (additive: the rest of the row is unchanged)."""
    s = s or ToolSpend()
    est = s.tool_cost_usd
    return {
        "tool_cost_usd": None if est is None else _money(est),
        "tool_cost_requests": s.tool_requests,
        "subscription_requests": s.subscription_requests,
        "subscription_cost_usd": _money(s.subscription_cost),
    }


def estimate_note(s: ToolSpend) -> str | None:
    """``tool's estimate $X for N requests (priced here $Y)``, only where the two differ."""
    est = s.tool_cost_usd
    if est is None or not s.estimate_differs:
        return None
    n = s.tool_requests
    return (f"tool's estimate {exact_usd(est)} for the {n:,} request{'s' if n != 1 else ''} it priced "
            f"(priced here {exact_usd(s.tool_priced_cost)})")  # fmt: skip


def subscription_note(s: ToolSpend) -> str | None:
    """``$Y of it covered by a subscription — not billed per token``, when any was."""
    if not s.subscription_requests:
        return None
    api = ""
    if s.api_equivalent_tools:
        names = ", ".join(sorted(SOURCES[t].label for t in s.api_equivalent_tools))
        api = f" ({names}: {API_EQUIVALENT} cost, its plan bills requests)"
    return f"{exact_usd(s.subscription_cost)} of it covered by a subscription — not billed per token{api}"
