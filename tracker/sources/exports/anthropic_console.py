"""The Anthropic Console's usage CSV and cost CSV (Console → Usage / Cost → Export).

Usage: one row per day (or finer bucket), model, API key, workspace and usage type, with
disjoint token columns (``usage_input_tokens_no_cache``, the two cache-write columns, cache
read, output). Older exports lack ``context_window``, ``inference_geo`` and ``speed``; columns
are found by name. The cost CSV's columns are not documented: it is recognised by a day
column, a model column and a USD amount column (``cost_usd``, ``cost``, ``amount``…), and
every other column identifies the row (assumed, stated in the format's notes).

These are provider figures (``store.provider``), shown beside the logs, never added to them.
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from tracker.core.provider_rows import ProviderRow, bucket_key
from tracker.sources.exports.csv_table import count, decimal, header_of, open_export, summed
from tracker.sources.exports.format import ExportFormat, ExportRead
from tracker.sources.normalize import MAX_COST_MICRO, timestamp_ok
from tracker.sources.timestamps import iso_to_ms

PROVIDER = "anthropic"
USAGE_NAME = "Anthropic Console usage CSV"
COST_NAME = "Anthropic Console cost CSV"
DAY, MODEL = "usage_date_utc", "model_version"
TOKEN_COLUMNS = {
    "input": "usage_input_tokens_no_cache",
    "write_5m": "usage_input_tokens_cache_write_5m",
    "write_1h": "usage_input_tokens_cache_write_1h",
    "read": "usage_input_tokens_cache_read",
    "output": "usage_output_tokens",
}
USAGE_REQUIRED = (DAY, MODEL, TOKEN_COLUMNS["input"], TOKEN_COLUMNS["output"])
# What identifies a bucket (the rest are its measures).
USAGE_KEYS = ("api_key", "workspace", "usage_type", "context_window", "inference_geo", "speed")
COST_DAYS = ("usage_date_utc", "date", "day")
COST_MODELS = ("model_version", "model")
COST_AMOUNTS = ("cost_usd", "amount_usd", "total_cost_usd", "cost", "amount", "total_cost")


def bucket_day(text: str) -> tuple[str, int | None] | None:
    """``(YYYY-MM-DD, start ms or None)`` of a Console bucket ("2026-03-22" or a finer
    "2026-03-22 14:05" / ISO instant); None when unreadable."""
    day = text[:10]
    try:
        date.fromisoformat(day)
    except ValueError:
        return None
    if len(text.strip()) <= 10:
        return day, None
    try:
        ts_ms = iso_to_ms(text.strip().replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (day, ts_ms) if timestamp_ok(ts_ms) else None


def recognises_usage(path: Path, head: bytes) -> bool:
    header = header_of(head)
    return header is not None and all(c in header for c in USAGE_REQUIRED)


def _first(header: list[str], names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in header), None)


def recognises_cost(path: Path, head: bytes) -> bool:
    header = header_of(head)
    if header is None or recognises_usage(path, head):
        return False
    day, model, amount = _first(header, COST_DAYS), _first(header, COST_MODELS), _first(header, COST_AMOUNTS)
    # "usage_date_utc" or a workspace column is what makes a day/model/cost table Anthropic's.
    anthropic = "usage_date_utc" in header or "workspace" in header or b"claude" in head.lower()
    return day is not None and model is not None and amount is not None and anthropic


def _detail(values: dict[str, str], keys: tuple[str, ...]) -> str:
    return " · ".join(f"{k} {values[k]}" for k in keys if values.get(k))


def read_usage(path: Path) -> ExportRead:
    out = ExportRead(format=USAGE_NAME)
    table = open_export(path, out)
    if table is None:
        return out
    header, rows = table
    if "context_window" not in header:
        out.format = f"{USAGE_NAME} (older columns, without context_window)"
    now = int(time.time() * 1000)
    made: list[ProviderRow] = []
    for row in rows:
        v = row.values
        when = bucket_day(v[DAY])
        if when is None:
            out.skip(row.line_no, f"unreadable {DAY} {v[DAY][:40]!r}")
            continue
        n = {k: count(v.get(c, "")) for k, c in TOKEN_COLUMNS.items()}
        if any(x is None for x in n.values()):
            out.skip(row.line_no, "a token count that is not a whole number from 0 to 10^10")
            continue
        t = {k: x or 0 for k, x in n.items()}
        searches = count(v.get("web_search_count", "")) or 0
        key = bucket_key("usage", v[DAY], v[MODEL], *(v.get(k, "") for k in USAGE_KEYS))
        detail = _detail(v, USAGE_KEYS) + (f" · {searches:,} web searches" if searches else "")
        made.append(ProviderRow(
            PROVIDER, "", "export", key, when[0], when[1], v[MODEL] or "unknown", "tokens",
            t["input"], t["write_5m"] + t["write_1h"], t["read"], t["output"], 0, 0, None, detail, now,
        ))  # fmt: skip
    out.provider_rows = summed(made)
    return out


def read_cost(path: Path) -> ExportRead:
    out = ExportRead(format=COST_NAME)
    table = open_export(path, out)
    if table is None:
        return out
    header, rows = table
    day_col, model_col = _first(header, COST_DAYS), _first(header, COST_MODELS)
    amount_col = _first(header, COST_AMOUNTS)
    if day_col is None or model_col is None or amount_col is None:
        out.error = f"{COST_NAME}: no day, model or cost column"
        return out
    cents = "cent" in amount_col
    keys = tuple(c for c in header if c not in (day_col, model_col, amount_col))
    now = int(time.time() * 1000)
    made: list[ProviderRow] = []
    for row in rows:
        v = row.values
        when = bucket_day(v[day_col])
        amount = decimal(v[amount_col])
        if when is None:
            out.skip(row.line_no, f"unreadable {day_col} {v[day_col][:40]!r}")
            continue
        micro = None if amount is None else (amount / 100 if cents else amount) * Decimal(1_000_000)
        if micro is None or not -MAX_COST_MICRO <= micro <= MAX_COST_MICRO:
            out.skip(row.line_no, f"{amount_col} {v[amount_col][:40]!r} is not an amount in USD")
            continue
        key = bucket_key("cost", v[day_col], v[model_col], *(v[k] for k in keys))
        made.append(ProviderRow(
            PROVIDER, "", "export", key, when[0], when[1], v[model_col] or "unknown", "tokens",
            0, 0, 0, 0, 0, 0, int(micro.to_integral_value()), _detail(v, keys), now,
        ))  # fmt: skip
    out.provider_rows = summed(made)
    out.notes.append(f"cost read from column {amount_col!r} as {'cents' if cents else 'USD'}")
    return out


USAGE_FORMAT = ExportFormat(
    name=USAGE_NAME,
    recognises=recognises_usage,
    read=read_usage,
)
COST_FORMAT = ExportFormat(name=COST_NAME, recognises=recognises_cost, read=read_cost)
