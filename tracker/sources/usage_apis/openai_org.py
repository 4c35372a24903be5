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

from tracker.core.secret import Secret
from tracker.sources.usage_apis.base import (
    BadItemError,
    Buckets,
    UsageApi,
    Window,
    count,
    day_of,
    objects,
    paged,
    text,
    usd_micro,
)  # fmt: skip
from tracker.sources.usage_apis.http import ApiError, Fetcher

BASE_URL = "https://api.openai.com"


def _headers(secret: Secret) -> Mapping[str, str]:
    return {"Authorization": f"Bearer {secret.reveal()}"}


def _next(common: list[tuple[str, str]]) -> Any:
    def after(page: Any) -> list[tuple[str, str]] | None:
        token = page.get("next_page") if isinstance(page, Mapping) else None
        if page.get("has_more") is True and isinstance(token, str) and token:
            return [*common, ("page", token)]
        return None

    return after


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


def _read(fetcher: Fetcher, url: str, params: list[tuple[str, str]], out: Buckets, what: str) -> None:
    add = _usage if what == "usage" else _cost
    for page in paged(fetcher, url, params, _next(params)):
        for bucket in objects(page, "data", what):
            try:
                day, ts_ms = day_of(bucket.get("start_time"))
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


def fetch(fetcher: Fetcher, base: str, window: Window, out: Buckets) -> None:
    start = int(datetime.combine(window.since, time(), UTC).timestamp())
    common = [("start_time", str(start)), ("bucket_width", "1d"), ("limit", "31")]
    root = base.rstrip("/")
    _read(fetcher, f"{root}/v1/organization/usage/completions", [*common, ("group_by[]", "model")], out, "usage")
    _read(fetcher, f"{root}/v1/organization/costs", [*common, ("group_by[]", "line_item")], out, "costs")


API = UsageApi(
    id="openai",
    label="OpenAI organization usage and costs",
    base_url=BASE_URL,
    key_kind="an OpenAI admin key (sk-admin-…, from the organization's Admin keys page)",
    whole_org=True,
    headers=_headers,
    fetch=fetch,
)
