"""OpenRouter's activity API: ``GET /api/v1/activity`` (your own account, a management key).

One item per UTC day, model and endpoint for the last 30 completed days: ``prompt_tokens``,
``completion_tokens`` (reasoning included), ``reasoning_tokens``, ``requests`` and ``usage``
(USD of OpenRouter credits; BYOK spend, paid to the upstream provider, is not in it). No cache
split and no pages: a first sync asks once for the whole window, later syncs ask day by day
(``date=YYYY-MM-DD``) for the days completed since. openrouter.ai/docs/api/api-reference/analytics.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
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

BASE_URL = "https://openrouter.ai/api/v1"
WINDOW_DAYS = 30


def _add(item: Mapping[str, Any], out: Buckets, since: str) -> None:
    if "__bad__" in item:
        raise BadItemError("an item is not an object")
    day = text(item, "date")
    if len(day) != 10 or day[4] != "-" or day[7] != "-" or not day.replace("-", "").isdigit():
        raise BadItemError(f"date is not YYYY-MM-DD ({day[:20]!r})")
    if day < since:
        return  # already final in the store
    model = text(item, "model") or "(unknown model)"
    out.add(("day", day, model), day, None, model, input_tokens=count(item, "prompt_tokens"),
            output_tokens=count(item, "completion_tokens"), reasoning_tokens=count(item, "reasoning_tokens"),
            requests=count(item, "requests"), cost_micro=usd_micro(item.get("usage")))  # fmt: skip


def fetch(fetcher: Fetcher, base: str, window: Window, out: Buckets) -> None:
    url = f"{base.rstrip('/')}/activity"
    last = window.today - timedelta(days=1)  # only completed days are reported
    if window.since > last:
        return
    if window.since <= window.today - timedelta(days=WINDOW_DAYS):
        asks: list[list[tuple[str, str]]] = [[]]
    else:
        days = (last - window.since).days + 1
        asks = [[("date", (window.since + timedelta(days=n)).isoformat())] for n in range(days)]
    for params in asks:
        for item in objects(fetcher.get_json(url, params), "data", "activity"):
            try:
                _add(item, out, window.since.isoformat())
            except BadItemError as exc:
                out.skip("activity", str(exc))


API = UsageApi(
    id="openrouter",
    label="OpenRouter activity",
    base_url=BASE_URL,
    key_kind="an OpenRouter management key (openrouter.ai ▸ Settings ▸ Management keys; your own account)",
    whole_org=False,
    headers=bearer,
    fetch=fetch,
)
