"""What is stored but kept out of the usage totals, said beside them in every report and view.

Two kinds: figures a provider reports (a console's bill, a usage API, Copilot's premium
requests), which overlap what the local logs already counted and are set against them by
``tokenworth reconcile``; and tokens *estimated* from chat apps' exported text (ChatGPT,
Claude.ai), which are not exact and are never mixed with exact numbers. Provider days are the
provider's own (UTC) days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tracker.core.compact_numbers import compact_tokens, exact_usd
from tracker.core.provider_rows import ProviderRow
from tracker.services.provider_figures import counted_rows
from tracker.store.store import Store

PROVIDER_NAMES = {
    "anthropic": "Anthropic", "openai": "OpenAI", "openrouter": "OpenRouter", "litellm": "LiteLLM proxy",
    "copilot": "GitHub Copilot", "chatgpt": "ChatGPT", "claude-ai": "Claude.ai",
    "claude-code-analytics": "Claude Code Analytics",
}  # fmt: skip
ESTIMATED_COST = frozenset({"claude-code-analytics"})  # providers whose cost is an estimate, not a bill
ORIGINS = {"export": "export", "api": "usage API", "estimate": "estimated from the exported text"}


@dataclass(frozen=True)
class OutsideFigure:
    """One provider's figures of one origin and unit over the period."""

    provider: str
    origin: str  # 'export', 'api' or 'estimate'
    unit: str  # 'tokens' or 'requests'
    tokens: int
    requests: int
    cost_usd: Decimal | None  # the provider's own cost, when it gave one
    days: int

    @property
    def name(self) -> str:
        return PROVIDER_NAMES.get(self.provider, self.provider)

    @property
    def estimated(self) -> bool:
        return self.origin == "estimate"

    def note(self) -> str:
        """One line for a report: what it is, how much, and why it is not in the totals."""
        if self.estimated:
            return (
                f"{self.name} ({ORIGINS['estimate']}, not in these totals): ≈ {compact_tokens(self.tokens)} tokens "
                f"in {self.requests:,} replies — an estimate, never added to exact usage"
            )
        # The analytics report's amounts are Anthropic's estimates (nothing is billed for a seat).
        billed = "estimated" if self.provider in ESTIMATED_COST else "billed"
        cost = f", {exact_usd(self.cost_usd)} {billed}" if self.cost_usd is not None else ""
        if self.unit == "requests":
            amount = f"{self.requests:,} premium requests{cost}"
        else:
            amount = f"{compact_tokens(self.tokens)} tokens{cost}"
        return (
            f"{self.name} ({ORIGINS.get(self.origin, self.origin)}, not added to these totals: the logs count "
            f"their own side): {amount} over {self.days} day(s); 'tokenworth reconcile' sets them side by side"
        )

    def short(self) -> str:
        """A few words for the dashboard's reading line."""
        if self.estimated:
            return f"{self.name} ≈ {compact_tokens(self.tokens)} tokens (estimated)"
        if self.unit == "requests":
            return f"{self.name} {self.requests:,} premium requests ({ORIGINS.get(self.origin, self.origin)})"
        return f"{self.name} {compact_tokens(self.tokens)} tokens ({ORIGINS.get(self.origin, self.origin)})"

    def as_json(self) -> dict[str, object]:
        return {
            "provider": self.provider, "origin": self.origin, "unit": self.unit, "estimated": self.estimated,
            "tokens": self.tokens, "requests": self.requests, "days": self.days,
            "cost_usd": None if self.cost_usd is None else float(self.cost_usd),
        }  # fmt: skip


def summarise(rows: Sequence[ProviderRow]) -> list[OutsideFigure]:
    groups: dict[tuple[str, str, str], list[ProviderRow]] = {}
    for r in rows:
        groups.setdefault((r.provider, r.origin, r.unit), []).append(r)
    out = []
    for (provider, origin, unit), members in sorted(groups.items()):
        costs = [r.cost_micro for r in members if r.cost_micro is not None]
        out.append(
            OutsideFigure(
                provider, origin, unit,
                tokens=sum(r.total_tokens for r in members), requests=sum(r.requests for r in members),
                cost_usd=Decimal(sum(costs)) / 1_000_000 if costs else None, days=len({r.day for r in members}),
            )
        )  # fmt: skip
    return out


def outside_line(figures: Sequence[OutsideFigure]) -> str:
    """ "Not in these totals: …" for the dashboard ('' when there is nothing)."""
    return "Not in these totals: " + "; ".join(f.short() for f in figures) + "." if figures else ""


def outside_totals(store: Store, since: date | None, until: date | None) -> list[OutsideFigure]:
    """The period's provider figures and estimates (none stored: an empty list)."""
    return summarise(counted_rows(store, since, until))
