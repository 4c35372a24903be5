"""Bill vs logs: per UTC day and model, what a provider reports beside what the local logs say.

Provider figures (``store.provider``: console exports, usage APIs) are never added to the
log totals; here they are set side by side with the logs of the tools that bill through
that provider, with the difference in tokens and in cost. Models are matched across naming
(``claude-sonnet-4-5-20250929`` vs ``claude-sonnet-4-5``) by ``core.model_ids``. Only the days
a provider's figures cover are compared (an export of one week says nothing of the next).

Cursor's requests billed to the user's own provider key (Kind "User API Key") are on that
provider's bill: they join the logs side of its rows (source ``cursor (own key)``) and are left
out of Cursor's own figures (``cursor``), which bill through Cursor's plan and are never set
against a provider. The Claude Code Analytics API's rows are compared with the Claude Code logs
alone, and only when they are the user's own (an actor set on the key): the whole
organisation's rows are listed under their own name, never compared. Its day activity
(sessions, lines, commits, PRs) is listed beside them, as the org dashboard counts it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tracker.analytics.usage_rollup import priced
from tracker.core.model_ids import canonical_model, provider_of
from tracker.core.provider_rows import ProviderRow
from tracker.pricing.catalog import PriceBook, build_price_book
from tracker.pricing.rates import TokenSums, cost
from tracker.services.provider_figures import counted_rows
from tracker.sources.exports.cursor import own_key_day
from tracker.sources.usage_apis.claude_code_analytics import ID as ANALYTICS
from tracker.sources.usage_apis.claude_code_analytics import SCOPE_ORG, activity
from tracker.store.queries import GroupRow, UsageFilter
from tracker.store.store import Store

# Tools that bill through their own plan, not the user's account at the model's provider.
OWN_BILLING = frozenset({"cursor", "copilot"})
MAPPINGS = {
    "anthropic": "Claude models in every local log but Cursor's and Copilot's (they bill through their own plans)",
    "openai": "OpenAI models (GPT, o-series, Codex) in every local log but Cursor's and Copilot's",
    "copilot": "GitHub Copilot's logs; premium requests beside logged model calls (requests, not tokens)",
    ANALYTICS: "Claude Code's local logs only (your rows of the organisation's Claude Code analytics)",
}
ORG_ANALYTICS = f"{ANALYTICS} (whole organisation)"  # never compared: not the user's own rows
ORG_NOTE = (
    "not compared: the whole organisation's Claude Code rows, not yours. To compare yours: "
    f"'tokenworth keys set NAME --provider {ANALYTICS} --actor you@company.com'"
)
OWN_KEY = "cursor (own key)"  # the logs side: Cursor requests billed to the user's provider key
CURSOR_NOTE = (
    "Cursor requests billed to your own provider key (Kind 'User API Key') are on that provider's bill: "
    f"counted above beside its figures, as '{OWN_KEY}'. Cursor's own requests are billed through its plan "
    "and never compared."
)
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
    "Claude Code Analytics costs are Anthropic's estimates (for subscription seats, no money billed).",
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
    compared: bool = True  # False: shown for what it is (the whole organisation's), never set against logs

    @property
    def token_difference(self) -> int:
        return self.bill.tokens - self.logs.tokens

    @property
    def request_difference(self) -> int:
        return self.bill.requests - self.logs.requests

    @property
    def cost_difference(self) -> Decimal:
        return self.bill.cost - self.logs.cost


@dataclass(frozen=True)
class DayActivity:
    """One day of the Claude Code Analytics report: the org dashboard's view of it."""

    day: str
    account: str
    scope: str  # 'you' or 'organisation'
    actors: int
    sessions: int
    lines_added: int
    lines_removed: int
    commits: int
    pull_requests: int


@dataclass
class CursorSplit:
    """Cursor's requests within the compared days: its own (plan) and those on the user's key."""

    own_key: Side = field(default_factory=Side)  # on the provider's bill, counted with its rows
    cursor: Side = field(default_factory=Side)  # billed by Cursor: never compared


@dataclass
class Reconciliation:
    since: date | None
    until: date | None
    rows: list[ReconcileRow]
    mappings: dict[str, str]  # provider → what it is compared with, and which sources were found
    explanations: tuple[str, ...] = EXPLANATIONS
    unpriced: set[str] = field(default_factory=set)
    activity: list[DayActivity] = field(default_factory=list)
    cursor: CursorSplit | None = None  # None: no Cursor requests on the compared days


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
    figures = [r for r in counted_rows(store, since, until) if r.origin != "estimate"]
    if not figures:
        return Reconciliation(since, until, [], {})
    rows: dict[tuple[str, str, str], ReconcileRow] = {}
    covered: dict[str, tuple[str, str]] = {}  # provider → first and last day its figures cover
    days: dict[tuple[str, str], DayActivity] = {}
    whose = [(f, _figure_provider(f, days)) for f in figures]
    for f, provider in whose:
        first, last = covered.get(provider, (f.day, f.day))
        covered[provider] = (min(first, f.day), max(last, f.day))
    first_day = date.fromisoformat(min(a for a, _ in covered.values()))
    last_day = date.fromisoformat(max(b for _, b in covered.values()))
    filt = UsageFilter(start_ms=_utc_ms(first_day), end_ms=_utc_ms(last_day + timedelta(days=1)))
    priced_figures = {f.model for f in figures if f.unit == "tokens"}  # requests are never priced
    models = set(store.usage.models_seen()) | priced_figures
    book = build_price_book(store.prices, models, overrides or {})
    thresholds = {m: r.thresholds for m, r in book.rates.items()}
    groups = store.usage.grouped(filt, "day", offsets=[(2**62, 0)], thresholds=thresholds)
    used = set(priced_figures)
    for f, provider in whose:
        row = _row(rows, f.day, provider, f.model, f.unit)
        row.provider_models.add(f.model)
        row.compared = provider != ORG_ANALYTICS
        _add_figure(row.bill, f, book)
    epoch = date(1970, 1, 1)
    for g in groups:
        day = (epoch + timedelta(days=int(g.key))).isoformat()
        for provider in _providers_of(g.source, g.model):
            if _add_logs(rows, covered, day, provider, g, g.source, book):
                used.add(g.model)
    split = _cursor_own_key(store, filt, thresholds, rows, covered, book, used)
    ordered = sorted(rows.values(), key=lambda r: (r.day, r.provider, r.model))
    mappings = {}
    for provider in sorted(covered):
        if provider == ORG_ANALYTICS:
            mappings[provider] = ORG_NOTE
            continue
        found = sorted({s for r in ordered if r.provider == provider for s in r.sources})
        what = MAPPINGS.get(provider, "local logs of the same models")
        mappings[provider] = f"{what}; found: {', '.join(found) if found else 'no matching local logs'}"
    return Reconciliation(since, until, ordered, mappings, unpriced=set(book.unpriced) & used,
                          activity=sorted(days.values(), key=lambda a: (a.day, a.account)), cursor=split)  # fmt: skip


def _figure_provider(f: ProviderRow, days: dict[tuple[str, str], DayActivity]) -> str:
    """Whose figures these are in the comparison (the analytics' whole-organisation rows are
    their own, never-compared provider); the analytics' day activity is noted in ``days``."""
    if f.provider != ANALYTICS:
        return f.provider
    act = activity(f.detail)
    if act is None:
        return ORG_ANALYTICS  # whose rows is not known: never compared as if they were the user's
    days.setdefault((f.day, f.account), DayActivity(f.day, f.account, *act))  # the same on each of the day's rows
    return ORG_ANALYTICS if act.scope == SCOPE_ORG else ANALYTICS


def _add_logs(
    rows: dict[tuple[str, str, str], ReconcileRow], covered: Mapping[str, tuple[str, str]], day: str, provider: str,
    g: GroupRow, source: str, book: PriceBook,
) -> bool:  # fmt: skip
    """Count a group of logged usage on the logs side of ``provider``'s row (False: that day
    is outside the provider's figures)."""
    span = covered.get(provider)
    if span is None or not span[0] <= day <= span[1]:
        return False
    unit = "requests" if provider == "copilot" else "tokens"
    row = _row(rows, day, provider, g.model, unit)
    row.sources.add(source)
    _add_logged(row.logs, g, book)
    return True


def _add_logged(side: Side, g: GroupRow, book: PriceBook) -> None:
    t = priced(g, book)
    side.input += t.input_tokens
    side.cache_write += t.cache_creation_tokens
    side.cache_read += t.cache_read_tokens
    side.output += t.output_tokens
    side.requests += t.events
    side.cost += t.cost_usd


def _cursor_own_key(
    store: Store, filt: UsageFilter, thresholds: Mapping[str, Any], rows: dict[tuple[str, str, str], ReconcileRow],
    covered: Mapping[str, tuple[str, str]], book: PriceBook, used: set[str],
) -> CursorSplit | None:  # fmt: skip
    """Cursor's requests on the user's own key join the provider's rows; the rest stays Cursor's."""
    sessions = store.usage.grouped(replace(filt, source="cursor"), "session", offsets=[(2**62, 0)],
                                   thresholds=thresholds)  # fmt: skip
    if not sessions:
        return None
    split = CursorSplit()
    for g in sessions:
        day = own_key_day(str(g.key))
        if day is None:
            _add_logged(split.cursor, g, book)
            continue
        _add_logged(split.own_key, g, book)
        owner = provider_of(g.model)
        if owner in ("anthropic", "openai") and _add_logs(rows, covered, day, owner, g, OWN_KEY, book):
            used.add(g.model)
    return split


def _providers_of(source: str, model: str) -> list[str]:
    if source == "copilot":
        return ["copilot"]
    if source in OWN_BILLING:
        return []  # Cursor's requests on the user's own key are counted by ``_cursor_own_key``
    owner = provider_of(model)
    found = [owner] if owner in ("anthropic", "openai") else []
    return [*found, ANALYTICS] if source == "claude-code" else found


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
