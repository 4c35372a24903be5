"""A LiteLLM proxy's spend API with your own key (the gateway companies put before models).

``GET {base}/key/info`` names the key's ``user_id``; ``GET {base}/user/daily/activity`` with
``start_date``, ``end_date``, ``user_id`` (non-admins must pass their own), ``page`` and
``page_size`` answers ``{results: [{date, metrics, breakdown: {models: {name: {metrics}}}}],
metadata: {page, total_pages, has_more}}`` (docs.litellm.ai/docs/proxy/cost_tracking,
``SpendAnalyticsPaginatedResponse``). ``spend`` is USD as the proxy prices it.

Assumed (not stated by the docs): ``prompt_tokens`` includes the cache reads and writes, as
OpenAI-style usage does; they are taken out of input here (never below 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker.sources.usage_apis.base import (
    BadItemError,
    Buckets,
    UsageApi,
    Window,
    bearer,
    count,
    objects,
    text,
    usd_micro,
)
from tracker.sources.usage_apis.http import Fetcher

PAGE_SIZE = 100


def _metrics(m: Any, day: str, model: str, out: Buckets) -> None:
    if not isinstance(m, Mapping):
        raise BadItemError(f"{model}: metrics is not an object")
    read, write = count(m, "cache_read_input_tokens"), count(m, "cache_creation_input_tokens")
    out.add(("day", day, model), day, None, model, input_tokens=max(0, count(m, "prompt_tokens") - read - write),
            cache_creation_tokens=write, cache_read_tokens=read, output_tokens=count(m, "completion_tokens"),
            requests=count(m, "api_requests"), cost_micro=usd_micro(m.get("spend")))  # fmt: skip


def _day(item: Mapping[str, Any], out: Buckets) -> None:
    if "__bad__" in item:
        raise BadItemError("a result is not an object")
    day = text(item, "date")[:10]
    if len(day) != 10 or not day.replace("-", "").isdigit():
        raise BadItemError(f"date is not YYYY-MM-DD ({day!r})")
    breakdown = item.get("breakdown")
    models = breakdown.get("models") if isinstance(breakdown, Mapping) else None
    if isinstance(models, Mapping) and models:
        for name, entry in models.items():
            try:
                _metrics(entry.get("metrics") if isinstance(entry, Mapping) else None, day, str(name)[:200], out)
            except BadItemError as exc:
                out.skip(f"daily activity {day}", str(exc))
    else:
        _metrics(item.get("metrics"), day, "(all models)", out)


def _user_id(fetcher: Fetcher, root: str) -> str | None:
    info = fetcher.get_json(f"{root}/key/info")
    inner = info.get("info") if isinstance(info, Mapping) else None
    user = inner.get("user_id") if isinstance(inner, Mapping) else None
    return user if isinstance(user, str) and user else None


def fetch(fetcher: Fetcher, base: str, window: Window, out: Buckets) -> None:
    root = base.rstrip("/")
    common = [("start_date", window.since.isoformat()), ("end_date", window.today.isoformat()),
              ("page_size", str(PAGE_SIZE))]  # fmt: skip
    user = _user_id(fetcher, root)
    if user:
        common.append(("user_id", user))
    page_no, seen_last = 1, False
    while not seen_last:
        page = fetcher.get_json(f"{root}/user/daily/activity", [*common, ("page", str(page_no))])
        for item in objects(page, "results", "daily activity"):
            try:
                _day(item, out)
            except BadItemError as exc:
                out.skip("daily activity", str(exc))
        meta = page.get("metadata") if isinstance(page, Mapping) else None
        more = isinstance(meta, Mapping) and meta.get("has_more") is True
        total = meta.get("total_pages") if isinstance(meta, Mapping) else None
        page_no += 1
        seen_last = not more or (isinstance(total, int) and page_no > total) or page_no > fetcher.policy.max_pages


API = UsageApi(
    id="litellm",
    label="LiteLLM proxy spend",
    base_url=None,
    key_kind="your own LiteLLM virtual key (sk-…) and the proxy's address (--base-url)",
    whole_org=False,
    headers=bearer,
    fetch=fetch,
)
