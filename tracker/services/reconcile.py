"""Bill vs logs: per UTC day and model, what a provider reports beside what the local logs say.

Provider figures (``store.provider``: console exports, usage APIs) are never added to the
log totals; here they are set side by side with the logs of the tools that bill through
that provider, with the difference in tokens and in cost. Models are matched across naming
(``claude-sonnet-4-5-20250929`` vs ``claude-sonnet-4-5``) by ``core.model_ids``. Only the days
a provider's figures cover are compared (an export of one week says nothing of the next).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tracker.analytics.usage_rollup import priced
from tracker.core.model_ids import canonical_model, provider_of
from tracker.core.provider_rows import ProviderRow
from tracker.pricing.catalog import PriceBook, build_price_book
from tracker.pricing.rates import TokenSums, cost
from tracker.store.queries import UsageFilter
from tracker.store.store import Store

# Tools that bill through their own plan, not the user's account at the model's provider.
OWN_BILLING = frozenset({"cursor", "copilot"})
MAPPINGS = {
    "anthropic": "Claude models in every local log but Cursor's and Copilot's (they bill through their own plans)",
    "openai": "OpenAI models (GPT, o-series, Codex) in every local log but Cursor's and Copilot's",
    "copilot": "GitHub Copilot's logs; premium requests beside logged model calls (requests, not tokens)",
}
EXPLANATIONS = (
    "The bill shows more than the logs: usage on another machine, in scripts, notebooks or apps that "
    "keep no log, or other keys of the same organisation or workspace.",
    "The logs show more than the bill: those requests ran on a subscription (Claude Pro/Max, a ChatGPT "
    "plan; claude.ai and ChatGPT usage is on no API bill either) or through another provider (Bedrock, "
    "Vertex, OpenRouter, a company gateway).",
    "Costs differ where tokens match: the logs are priced at list prices with cache writes at the "
    "5-minute rate; batch (half price), priority or long-context rates and discounts change the bill. "
    "A bill without a cost column is priced the same way (marked 'list').",
    "Days are UTC days, as the consoles date them.",
)


@dataclass
class Side:
    input: int = 0
    cache_write: int = 0
    cache_read: int = 0
    output: int = 0
    requests: int = 0
    cost: Decimal = Decimal(0)
    cost_known: bool = False  # the provider said this cost (else it is priced at list prices)

    @property
    def tokens(self) -> int:
        return self.input + self.cache_write + self.cache_read + self.output


@dataclass
class ReconcileRow:
    day: str
    provider: str
    model: str  # canonical (matched) name
    unit: str  # 'tokens' or 'requests'
    bill: Side = field(default_factory=Side)
    logs: Side = field(default_factory=Side)
    sources: set[str] = field(default_factory=set)  # local sources counted on the logs side
    provider_models: set[str] = field(default_factory=set)  # the provider's own spellings

    @property
    def token_difference(self) -> int:
        return self.bill.tokens - self.logs.tokens

    @property
    def request_difference(self) -> int:
        return self.bill.requests - self.logs.requests

    @property
    def cost_difference(self) -> Decimal:
        return self.bill.cost - self.logs.cost


@dataclass
class Reconciliation:
    since: date | None
    until: date | None
    rows: list[ReconcileRow]
    mappings: dict[str, str]  # provider → what it is compared with, and which sources were found
    explanations: tuple[str, ...] = EXPLANATIONS
    unpriced: set[str] = field(default_factory=set)


def _utc_ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def reconcile(
    store: Store,
    since: date | None = None,
    until: date | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Reconciliation:
    """Provider figures and matching logs per UTC day, provider and model, within since..until."""
    # A bill or an API's figures; estimates from chat exports are no bill (reports list them apart).
    figures = [r for r in store.provider.rows(since, until) if r.origin != "estimate"]
    rows: dict[tuple[str, str, str], ReconcileRow] = {}
    covered: dict[str, tuple[str, str]] = {}  # provider → first and last day its figures cover
    for f in figures:
        first, last = covered.get(f.provider, (f.day, f.day))
        covered[f.provider] = (min(first, f.day), max(last, f.day))
    if not figures:
        return Reconciliation(since, until, [], {})
    first_day = date.fromisoformat(min(a for a, _ in covered.values()))
    last_day = date.fromisoformat(max(b for _, b in covered.values()))
    filt = UsageFilter(start_ms=_utc_ms(first_day), end_ms=_utc_ms(last_day + timedelta(days=1)))
    priced_figures = {f.model for f in figures if f.unit == "tokens"}  # requests are never priced
    models = set(store.usage.models_seen()) | priced_figures
    book = build_price_book(store.prices, models, overrides or {})
    thresholds = {m: r.thresholds for m, r in book.rates.items()}
    groups = store.usage.grouped(filt, "day", offsets=[(2**62, 0)], thresholds=thresholds)
    used = set(priced_figures)
    for f in figures:
        row = _row(rows, f.day, f.provider, f.model, f.unit)
        row.provider_models.add(f.model)
        _add_figure(row.bill, f, book)
    epoch = date(1970, 1, 1)
    for g in groups:
        day = (epoch + timedelta(days=int(g.key))).isoformat()
        for provider in _providers_of(g.source, g.model):
            span = covered.get(provider)
            if span is None or not span[0] <= day <= span[1]:
                continue
            unit = "requests" if provider == "copilot" else "tokens"
            row = _row(rows, day, provider, g.model, unit)
            row.sources.add(g.source)
            used.add(g.model)
            t = priced(g, book)
            logs = row.logs
            logs.input += t.input_tokens
            logs.cache_write += t.cache_creation_tokens
            logs.cache_read += t.cache_read_tokens
            logs.output += t.output_tokens
            logs.requests += t.events
            logs.cost += t.cost_usd
    ordered = sorted(rows.values(), key=lambda r: (r.day, r.provider, r.model))
    mappings = {}
    for provider in sorted(covered):
        found = sorted({s for r in ordered if r.provider == provider for s in r.sources})
        what = MAPPINGS.get(provider, "local logs of the same models")
        mappings[provider] = f"{what}; found: {', '.join(found) if found else 'no matching local logs'}"
    return Reconciliation(since, until, ordered, mappings, unpriced=set(book.unpriced) & used)


def _providers_of(source: str, model: str) -> list[str]:
    if source == "copilot":
        return ["copilot"]
    if source in OWN_BILLING:
        return []
    owner = provider_of(model)
    return [owner] if owner in ("anthropic", "openai") else []


def _row(
    rows: dict[tuple[str, str, str], ReconcileRow], day: str, provider: str, model: str, unit: str
) -> ReconcileRow:
    key = (day, provider, canonical_model(model))
    row = rows.get(key)
    if row is None:
        row = rows[key] = ReconcileRow(day, provider, key[2], unit)
    return row


def _add_figure(side: Side, f: ProviderRow, book: PriceBook) -> None:
    side.input += f.input_tokens
    side.cache_write += f.cache_creation_tokens
    side.cache_read += f.cache_read_tokens
    side.output += f.output_tokens
    side.requests += f.requests
    if f.cost_micro is not None:
        if not side.cost_known:  # a reported cost replaces the list-price estimate
            side.cost, side.cost_known = Decimal(0), True
        side.cost += Decimal(f.cost_micro) / 1_000_000
    elif not side.cost_known and f.unit == "tokens":
        rates = book.get(f.model)
        if rates is not None:
            sums = TokenSums(f.input_tokens, f.output_tokens, f.cache_read_tokens, f.cache_creation_tokens, 0)
            side.cost += cost(rates, 0, sums)
