"""What every usage-API client shares: the window to ask for, the rows it hands back, and the
checks every number from the network passes before it becomes a ``ProviderRow``.

A client never writes to the store: ``services.api_sync`` does, in one transaction per account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tracker.core.provider_rows import ProviderRow, bucket_key
from tracker.core.secret import Secret
from tracker.sources.normalize import MAX_TOKENS, token_count
from tracker.sources.usage_apis.http import ApiError, Fetcher

MAX_COST_MICRO = 10**15  # a billion dollars in one day's bucket: anything above is corrupt


class BadItemError(ValueError):
    """One item of an answer is unusable: skipped with this reason, the rest kept."""


@dataclass(frozen=True)
class Window:
    """Ask for ``since`` (the first UTC day not yet final) up to now; ``actor``: whose rows
    to keep, for an API that reports per person (None: the whole organisation's)."""

    since: date
    now: datetime
    actor: str | None = None

    @property
    def today(self) -> date:
        return self.now.astimezone(UTC).date()


@dataclass
class Fetched:
    rows: list[ProviderRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UsageApi:
    """One provider's usage API (a line of ``registry.USAGE_APIS``)."""

    id: str
    label: str
    base_url: str | None  # None: the user gives one (a company's LiteLLM proxy)
    key_kind: str  # which key it needs, in words
    whole_org: bool  # True: the figures are the whole organisation's, not this person's
    headers: Callable[[Secret], Mapping[str, str]]
    fetch: Callable[[Fetcher, str, Window, Buckets], None]
    # An API that reports per person: what ``keys set --actor`` takes, in words (None: it does not).
    actor_hint: str | None = None


def bearer(secret: Secret) -> Mapping[str, str]:
    """The ``Authorization: Bearer`` header most APIs take their key in."""
    return {"Authorization": f"Bearer {secret.reveal()}"}


def count(item: Mapping[str, Any], name: str) -> int:
    value = token_count(item.get(name))
    if value is None:
        raise BadItemError(f"{name} is not a count ({repr(item.get(name))[:40]})")
    return value


def nested_count(item: Mapping[str, Any], outer: str, name: str) -> int:
    inner = item.get(outer)
    if inner is None:
        return 0
    if not isinstance(inner, Mapping):
        raise BadItemError(f"{outer} is not an object")
    return count(inner, name)


def usd_micro(value: object, per_dollar: int = 1) -> int | None:
    """An amount in dollars (``per_dollar=1``) or cents (100) as micro-dollars; None if absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadItemError(f"the amount is not a number ({str(value)[:40]!r})")
    try:
        amount = Decimal(str(value)) * 1_000_000 / per_dollar
    except InvalidOperation:
        raise BadItemError(f"the amount is not a number ({str(value)[:40]!r})") from None
    if not amount.is_finite() or abs(amount) > MAX_COST_MICRO:
        raise BadItemError(f"the amount is out of range ({str(value)[:40]!r})")
    return int(amount.to_integral_value())


def text(item: Mapping[str, Any], name: str, default: str = "") -> str:
    value = item.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise BadItemError(f"{name} is not text")
    return value[:200]


def objects(page: Any, name: str, where: str) -> Iterator[Mapping[str, Any]]:
    """The list ``page[name]``; a page without it is an error (a drifted or error envelope
    must never read as a quiet zero)."""
    if not isinstance(page, Mapping) or not isinstance(page.get(name), list):
        raise ApiError(f"{where}: the answer has no '{name}' list (not the documented shape)")
    for item in page[name]:
        if isinstance(item, Mapping):
            yield item
        else:
            yield {"__bad__": item}


def day_of(value: object) -> tuple[str, int]:
    """An RFC 3339 time or a unix time (s) as (UTC day, ms)."""
    if isinstance(value, bool):
        raise BadItemError("the bucket's time is not a time")
    try:
        if isinstance(value, int | float):
            when = datetime.fromtimestamp(value, UTC)
        elif isinstance(value, str):
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
            when = when.replace(tzinfo=when.tzinfo or UTC).astimezone(UTC)
        else:
            raise BadItemError("the bucket's time is not a time")
    except (ValueError, OverflowError, OSError):
        raise BadItemError(f"the bucket's time is not a time ({str(value)[:40]!r})") from None
    if not 2000 <= when.year < 2100:
        raise BadItemError(f"the bucket's time is out of range ({str(value)[:40]!r})")
    return when.date().isoformat(), int(when.timestamp() * 1000)


class Buckets:
    """Rows of one account being built; items with the same key are summed into one row."""

    def __init__(self, provider: str, account: str, imported_ms: int) -> None:
        self.provider = provider
        self.account = account
        self.imported_ms = imported_ms
        self._rows: dict[bytes, ProviderRow] = {}
        self.skipped: list[str] = []

    def add(
        self,
        key: tuple[object, ...],
        day: str,
        ts_ms: int | None,
        model: str,
        *,
        input_tokens: int = 0,
        cache_creation_tokens: int = 0,
        cache_read_tokens: int = 0,
        output_tokens: int = 0,
        reasoning_tokens: int = 0,
        requests: int = 0,
        cost_micro: int | None = None,
        detail: str = "",
    ) -> None:
        row_key = bucket_key(*key)
        old = self._rows.get(row_key)
        if old is not None:
            input_tokens += old.input_tokens
            cache_creation_tokens += old.cache_creation_tokens
            cache_read_tokens += old.cache_read_tokens
            output_tokens += old.output_tokens
            reasoning_tokens += old.reasoning_tokens
            requests += old.requests
            if old.cost_micro is not None:
                cost_micro = old.cost_micro + (cost_micro or 0)
        totals = (input_tokens, cache_creation_tokens, cache_read_tokens, output_tokens, reasoning_tokens, requests)
        if max(totals) > MAX_TOKENS * 1000:
            raise BadItemError("the bucket's counts are out of range")
        self._rows[row_key] = ProviderRow(
            self.provider, self.account, "api", row_key, day, ts_ms, model, "tokens", input_tokens,
            cache_creation_tokens, cache_read_tokens, output_tokens, reasoning_tokens, requests, cost_micro,
            detail, self.imported_ms,
        )  # fmt: skip

    def skip(self, where: str, reason: str) -> None:
        self.skipped.append(f"{where}: {reason}")

    def rows(self) -> list[ProviderRow]:
        return sorted(self._rows.values(), key=lambda r: (r.day, r.model, r.detail))


def paged(
    fetcher: Fetcher,
    url: str,
    params: list[tuple[str, str]],
    next_params: Callable[[Any], list[tuple[str, str]] | None],
) -> Iterator[Any]:
    """Each page of a paginated answer; ``next_params(page)`` says how to ask for the next
    (None: that was the last). A page token seen twice stops the loop with an error."""
    seen: set[tuple[tuple[str, str], ...]] = set()
    while True:
        page = fetcher.get_json(url, params)
        yield page
        more = next_params(page)
        if more is None:
            return
        params = more
        marker = tuple(more)
        if marker in seen or len(seen) >= fetcher.policy.max_pages:
            raise ApiError(f"{url}: the pages do not end (the same page was asked for twice)")
        seen.add(marker)


def next_page(common: list[tuple[str, str]]) -> Callable[[Any], list[tuple[str, str]] | None]:
    """``paged``'s ``next_params`` for answers that say ``has_more`` and give a ``next_page``
    token, sent back as ``page`` beside the ``common`` parameters (Anthropic's and OpenAI's
    admin APIs)."""

    def after(page: Any) -> list[tuple[str, str]] | None:
        token = page.get("next_page") if isinstance(page, Mapping) else None
        if page.get("has_more") is True and isinstance(token, str) and token:
            return [*common, ("page", token)]
        return None

    return after


AddResult = Callable[[Mapping[str, Any], str, int, Buckets], None]


def read_report(
    fetcher: Fetcher, url: str, params: list[tuple[str, str]], out: Buckets, what: str, *, start: str, add: AddResult
) -> None:
    """An admin API's report of time buckets (Anthropic's and OpenAI's usage and cost reports):
    pages (``next_page``) of ``data`` buckets, each with its time in ``start`` and a
    ``results`` list; each result goes to ``add(result, day, ts_ms, out)``. A bad bucket or
    result is skipped with its reason (named by ``what``), the rest kept."""
    for page in paged(fetcher, url, params, next_page(params)):
        for bucket in objects(page, "data", what):
            try:
                day, ts_ms = day_of(bucket.get(start))
                results = list(objects(bucket, "results", what))
            except (BadItemError, ApiError) as exc:  # one bad bucket is skipped, the rest kept
                out.skip(what, str(exc))
                continue
            for result in results:
                try:
                    if "__bad__" in result:
                        raise BadItemError("a result is not an object")
                    add(result, day, ts_ms, out)
                except BadItemError as exc:
                    out.skip(f"{what} {day}", str(exc))
