"""The Anthropic Admin API's usage report and cost report (an admin key, ``sk-ant-admin…``).

Both cover the **whole organisation**, not one person: every workspace and key, including
usage Tokenworth also reads from local logs (Claude Code on an API key). The Admin API does
not exist for individual accounts (an organisation must be created in the Console first).

Usage: ``GET /v1/organizations/usage_report/messages`` by day, grouped by model;
``uncached_input_tokens``, ``cache_creation.ephemeral_{5m,1h}_input_tokens``,
``cache_read_input_tokens`` and ``output_tokens`` are disjoint. Cost:
``GET /v1/organizations/cost_report`` grouped by description; ``amount`` is a decimal string
in cents ("123.45" = $1.23). Pages: ``has_more`` and ``next_page`` (sent back as ``page``).
Documented at platform.claude.com/docs/en/api/admin (usage_report, cost_report).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker.core.secret import Secret
from tracker.sources.usage_apis.base import (
    BadItemError,
    Buckets,
    UsageApi,
    Window,
    count,
    nested_count,
    read_report,
    text,
    usd_micro,
)
from tracker.sources.usage_apis.http import Fetcher

BASE_URL = "https://api.anthropic.com"


def admin_headers(secret: Secret) -> Mapping[str, str]:
    return {"x-api-key": secret.reveal(), "anthropic-version": "2023-06-01"}


def _usage(r: Mapping[str, Any], day: str, ts_ms: int, out: Buckets) -> None:
    model = text(r, "model") or "(all models)"
    out.add(("day", day, model), day, ts_ms, model,
            input_tokens=count(r, "uncached_input_tokens"),
            cache_creation_tokens=nested_count(r, "cache_creation", "ephemeral_5m_input_tokens")
            + nested_count(r, "cache_creation", "ephemeral_1h_input_tokens"),
            cache_read_tokens=count(r, "cache_read_input_tokens"),
            output_tokens=count(r, "output_tokens"), detail="whole organisation")  # fmt: skip


def _cost(r: Mapping[str, Any], day: str, ts_ms: int, out: Buckets) -> None:
    if text(r, "currency", "USD").upper() != "USD":
        raise BadItemError(f"a cost in {text(r, 'currency')} (only USD is kept)")
    model = text(r, "model") or f"({text(r, 'cost_type') or 'other'})"  # web search, code execution
    out.add(("day", day, model), day, ts_ms, model, cost_micro=usd_micro(r.get("amount"), per_dollar=100),
            detail="whole organisation")  # fmt: skip


def fetch(fetcher: Fetcher, base: str, window: Window, out: Buckets) -> None:
    common = [("starting_at", f"{window.since.isoformat()}T00:00:00Z"), ("bucket_width", "1d"), ("limit", "31")]
    root = base.rstrip("/")
    read_report(fetcher, f"{root}/v1/organizations/usage_report/messages", [*common, ("group_by[]", "model")], out,
                "usage report", start="starting_at", add=_usage)  # fmt: skip
    read_report(fetcher, f"{root}/v1/organizations/cost_report", [*common, ("group_by[]", "description")], out,
                "cost report", start="starting_at", add=_cost)  # fmt: skip


API = UsageApi(
    id="anthropic",
    label="Anthropic Admin API (usage and cost reports)",
    base_url=BASE_URL,
    key_kind="an Anthropic admin key (sk-ant-admin…, from Console ▸ Settings ▸ Admin keys)",
    whole_org=True,
    headers=admin_headers,
    fetch=fetch,
)
