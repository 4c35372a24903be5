"""The OpenAI platform's usage export CSV (platform.openai.com/usage → Export).

One file per endpoint family (``completions_usage_<from>_<to>.csv``, embeddings …). Columns
begin ``start_time, end_time, start_time_iso, end_time_iso`` (an export with no usage has only
these), then the grouping columns (project, user, key, model, batch …) and the measures.
``input_tokens`` includes cached input: the fresh part is ``input_tokens -
input_cached_tokens``. Several rows can share a time bucket (one per grouping value); each is
its own provider figure. The full column order is not documented: columns are found by name,
and every column that is not a measure identifies the row.
"""

from __future__ import annotations

import time
from pathlib import Path

from tracker.core.provider_rows import ProviderRow, bucket_key
from tracker.sources.exports.csv_table import Row, count, has_columns, open_export, summed
from tracker.sources.exports.format import ExportFormat, ExportRead
from tracker.sources.normalize import timestamp_ok
from tracker.sources.timestamps import iso_to_ms

PROVIDER = "openai"
NAME = "OpenAI usage export CSV"
TIME_COLUMNS = ("start_time", "end_time", "start_time_iso", "end_time_iso")
MEASURES = frozenset(
    {"num_model_requests", "input_tokens", "output_tokens", "input_cached_tokens", "input_uncached_tokens",
     "input_audio_tokens", "output_audio_tokens", "input_text_tokens", "output_text_tokens",
     "input_cached_text_tokens", "input_image_tokens", "input_cached_image_tokens", "input_cached_audio_tokens",
     "reasoning_tokens", "output_reasoning_tokens"}
)  # fmt: skip
SHOWN = ("project_id", "user_id", "api_key_id", "batch", "service_tier")


def recognises(path: Path, head: bytes) -> bool:
    return has_columns(head, *TIME_COLUMNS)


def read(path: Path) -> ExportRead:
    out = ExportRead(format=NAME)
    table = open_export(path, out)
    if table is None:
        return out
    header, rows = table
    family = path.name.split("_usage", 1)[0] if "_usage" in path.name else "usage"
    out.format = f"{NAME} ({family})"
    keys = tuple(c for c in header if c not in MEASURES)
    now = int(time.time() * 1000)
    made = (_row(row, keys, family, now, out) for row in rows)
    out.provider_rows = summed(r for r in made if r is not None)
    if len(header) == len(TIME_COLUMNS):
        out.notes.append("the export has only its time columns: OpenAI found no usage in its range")
    return out


def _row(row: Row, keys: tuple[str, ...], family: str, now: int, out: ExportRead) -> ProviderRow | None:
    v = row.values
    try:
        start_ms = iso_to_ms(v["start_time_iso"]) if v["start_time_iso"] else int(v["start_time"]) * 1000
    except ValueError:
        start_ms = -1
    if not timestamp_ok(start_ms):
        out.skip(row.line_no, f"unreadable start_time {v['start_time'][:40]!r}")
        return None
    n = {c: count(v.get(c, "")) for c in ("input_tokens", "input_cached_tokens", "output_tokens", "num_model_requests")}
    if any(x is None for x in n.values()):
        out.skip(row.line_no, "a token or request count that is not a whole number from 0 to 10^10")
        return None
    inp, cached, output, requests = (n[c] or 0 for c in n)
    if cached > inp:
        out.skip(row.line_no, "input_cached_tokens larger than input_tokens, which includes them")
        return None
    reasoning = count(v.get("output_reasoning_tokens", v.get("reasoning_tokens", ""))) or 0
    from datetime import UTC, datetime

    day = datetime.fromtimestamp(start_ms / 1000, UTC).date().isoformat()
    detail = " · ".join(f"{k} {v[k]}" for k in SHOWN if v.get(k))
    return ProviderRow(
        PROVIDER, "", "export", bucket_key(family, *(v[k] for k in keys)), day, start_ms,
        v.get("model", "") or "unknown", "tokens", inp - cached, 0, cached, output, min(reasoning, output),
        requests, None, detail, now,
    )  # fmt: skip


FORMAT = ExportFormat(name=NAME, recognises=recognises, read=read)
