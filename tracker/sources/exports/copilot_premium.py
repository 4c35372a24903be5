"""GitHub Copilot's premium-request usage report CSV (billing settings → "Get usage report").

Two documented shapes (docs.github.com, billing reports reference):

- the premium request analytics report: ``Timestamp, User, Model, Requests Used, Exceeds
  Monthly Quota, Total Monthly Quota`` (one row per recorded use);
- the premium requests usage report: ``date, product, sku, model, quantity, unit_type,
  applied_cost_per_quantity, gross_amount, discount_amount, net_amount, username, …``
  (summed by date, model and user; ``net_amount`` is what was billed).

The unit is premium *requests* (a model's multiplier can make one call count 0.33 or 10):
stored as requests, never turned into tokens. Rows are summed per UTC day, user and model
(and quota state or SKU), so a later report replaces a day's figure instead of adding to it;
a day's fractional total is rounded to whole requests, its exact value kept in the detail.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from tracker.core.provider_rows import ProviderRow, bucket_key
from tracker.sources.exports.csv_table import Row, decimal, header_of, open_export
from tracker.sources.exports.format import ExportFormat, ExportRead
from tracker.sources.normalize import timestamp_ok
from tracker.sources.timestamps import iso_to_ms

PROVIDER = "copilot"
NAME = "GitHub Copilot premium-request usage report"
ANALYTICS = ("Timestamp", "User", "Model", "Requests Used")
BILLED = ("date", "model", "quantity")
MAX_REQUESTS = Decimal(10**9)


def recognises(path: Path, head: bytes) -> bool:
    header = header_of(head)
    if header is None:
        return False
    return all(c in header for c in ANALYTICS) or (
        all(c in header for c in BILLED) and ("sku" in header or "product" in header)
    )


def read(path: Path) -> ExportRead:
    out = ExportRead(format=NAME)
    table = open_export(path, out)
    if table is None:
        return out
    header, rows = table
    analytics = all(c in header for c in ANALYTICS)
    out.format = f"{NAME} ({'premium request analytics' if analytics else 'premium requests usage report'})"
    sums: dict[tuple[str, ...], tuple[Decimal, Decimal | None, int | None]] = {}
    other_products = 0
    for row in rows:
        v = row.values
        if not analytics and v.get("product", "copilot").lower() not in ("copilot", ""):
            other_products += 1
            continue
        parsed = _analytics_row(row, out) if analytics else _billed_row(row, out)
        if parsed is None:
            continue
        key, quantity, cost, ts_ms = parsed
        old_q, old_cost, first_ms = sums.get(key, (Decimal(0), None, None))
        total_cost = cost if old_cost is None else (old_cost if cost is None else old_cost + cost)
        first = ts_ms if first_ms is None else min(first_ms, ts_ms or first_ms)
        sums[key] = (old_q + quantity, total_cost, first)
    now = int(time.time() * 1000)
    fractional = False
    for key, (quantity, cost, first_ms) in sums.items():
        day, user, model, state = key
        whole = int(quantity.to_integral_value(ROUND_HALF_EVEN))
        fractional |= whole != quantity
        shown = (f"user {user}" if user else "", state, f"{quantity.normalize():f} premium request(s)")
        detail = " · ".join(p for p in shown if p)
        micro = None if cost is None else int((cost * 1_000_000).to_integral_value())
        figure = ProviderRow(
            PROVIDER, "", "export", bucket_key("premium", *key), day, first_ms,
            model or "unknown", "requests", 0, 0, 0, 0, 0, whole, micro, detail, now,
        )  # fmt: skip
        out.provider_rows.append(figure)
    out.notes.append("premium requests are counted as requests, not tokens")
    if fractional:
        out.notes.append(
            "a day's fractional premium requests (model multipliers) are rounded; the detail has the exact sum"
        )
    if other_products:
        out.notes.append(f"{other_products:,} row(s) of other GitHub products were left out")
    return out


def _requests(text: str, line_no: int, column: str, out: ExportRead) -> Decimal | None:
    q = decimal(text)
    if q is None or not 0 <= q <= MAX_REQUESTS:
        out.skip(line_no, f"{column} {text[:40]!r} is not a number of requests")
        return None
    return q


def _analytics_row(row: Row, out: ExportRead) -> tuple[tuple[str, ...], Decimal, None, int | None] | None:
    v = row.values
    try:
        ts_ms = iso_to_ms(v["Timestamp"].replace("Z", "+00:00"))
        if not timestamp_ok(ts_ms):
            raise ValueError(ts_ms)
    except ValueError:
        out.skip(row.line_no, f"unreadable Timestamp {v['Timestamp'][:40]!r}")
        return None
    q = _requests(v["Requests Used"], row.line_no, "Requests Used", out)
    if q is None:
        return None
    day = datetime.fromtimestamp(ts_ms / 1000, UTC).date().isoformat()
    over = v.get("Exceeds Monthly Quota", "").strip().lower() in ("true", "yes", "1")
    state = "beyond the monthly quota" if over else "within the monthly quota"
    return (day, v["User"], v["Model"], state), q, None, ts_ms


def _billed_row(row: Row, out: ExportRead) -> tuple[tuple[str, ...], Decimal, Decimal | None, None] | None:
    v = row.values
    try:
        day = date.fromisoformat(v["date"][:10]).isoformat()
    except ValueError:
        out.skip(row.line_no, f"unreadable date {v['date'][:40]!r}")
        return None
    q = _requests(v["quantity"], row.line_no, "quantity", out)
    if q is None:
        return None
    net = decimal(v.get("net_amount", ""))
    return (day, v.get("username", ""), v["model"], v.get("sku", "")), q, net, None


FORMAT = ExportFormat(name=NAME, recognises=recognises, read=read)
