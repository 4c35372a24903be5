"""The OpenAI organization usage and costs APIs (an admin key, ``sk-admin-…``, org owner).

Both cover the **whole organisation**: every project, user and key, including usage Tokenworth
also reads from local logs (Codex on an API key). Usage: ``GET
/v1/organization/usage/completions`` by day, grouped by model; ``input_tokens`` includes the
cached ``input_cached_tokens`` (stored apart here). Costs: ``GET /v1/organization/costs`` by
day, grouped by ``line_item`` ("<model>, input"), ``amount.value`` in dollars. Pages:
``has_more`` and ``next_page`` (sent back as ``page``). Only the completions usage family is
read (embeddings, images and audio have other counts).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any

from tracker.sources.usage_apis.base import (
    BadItemError,
    Buckets,
    UsageApi,
    Window,
    bearer,
    count,
    read_report,
    text,
    usd_micro,
)
from tracker.sources.usage_apis.http import Fetcher

BASE_URL = "https://api.openai.com"


def _usage(r: Mapping[str, Any], day: str, ts_ms: int, out: Buckets) -> None:
    model = text(r, "model") or "(all models)"
    prompt, cached = count(r, "input_tokens"), count(r, "input_cached_tokens")
    if cached > prompt:
        raise BadItemError(f"input_cached_tokens {cached} is more than input_tokens {prompt}")
    out.add(("day", day, model), day, ts_ms, model, input_tokens=prompt - cached, cache_read_tokens=cached,
            output_tokens=count(r, "output_tokens"), requests=count(r, "num_model_requests"),
            detail="whole organisation")  # fmt: skip


def _cost(r: Mapping[str, Any], day: str, ts_ms: int, out: Buckets) -> None:
    amount = r.get("amount")
    if not isinstance(amount, Mapping):
        raise BadItemError("amount is not an object")
    if str(amount.get("currency", "usd")).lower() != "usd":
        raise BadItemError(f"a cost in {str(amount.get('currency'))[:10]} (only USD is kept)")
    line = text(r, "line_item")
    model = line.split(",", 1)[0].strip() or "(all models)"  # "gpt-4o-2024-08-06, input"
    out.add(("day", day, model), day, ts_ms, model, cost_micro=usd_micro(amount.get("value")),
            detail="whole organisation")  # fmt: skip


def fetch(fetcher: Fetcher, base: str, window: Window, out: Buckets) -> None:
    start = int(datetime.combine(window.since, time(), UTC).timestamp())
    common = [("start_time", str(start)), ("bucket_width", "1d"), ("limit", "31")]
    root = base.rstrip("/")
    read_report(fetcher, f"{root}/v1/organization/usage/completions", [*common, ("group_by[]", "model")], out,
                "usage", start="start_time", add=_usage)  # fmt: skip
    read_report(fetcher, f"{root}/v1/organization/costs", [*common, ("group_by[]", "line_item")], out,
                "costs", start="start_time", add=_cost)  # fmt: skip


API = UsageApi(
    id="openai",
    label="OpenAI organization usage and costs",
    base_url=BASE_URL,
    key_kind="an OpenAI admin key (sk-admin-…, from the organization's Admin keys page)",
    whole_org=True,
    headers=bearer,
    fetch=fetch,
)
