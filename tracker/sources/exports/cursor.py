"""Cursor's dashboard usage CSV (cursor.com → Settings → Usage → Export): exact tokens per request.

Cursor keeps no token counts on disk, so this export is its only exact source. Its header
has grown over time; columns are found by name. Generations seen (peers' fixtures and
Tokenworth's research, ``docs/`` of tokscale and others):

- oldest: ``Date, Model, Input (w/ Cache Write), Input (w/o Cache Write), Cache Read,
  Output Tokens, Total Tokens, Cost, Cost to you``;
- 2025: ``Date, Kind, Model, Max Mode, …, Total Tokens, Cost``;
- 2026: ``Date, User, Cloud Agent ID, Automation ID, Kind, Model, Max Mode, …, Cost``.

The four token columns are disjoint buckets: ``Input (w/ Cache Write)`` is the cache-write
count, ``Input (w/o Cache Write)`` fresh input (checked on Cursor's own rows: their sum with
cache read and output is ``Total Tokens``). ``Total Tokens`` decides each row's reading: the
disjoint sum first, else "w/ includes w/o" (w/ - w/o written to cache); a row that matches
neither is listed and not stored. ``Kind`` says how the request was covered (Included, Free,
"Errored, No Charge" …: plan quota or no charge), not a price; ``Cost`` may be a number or a
word ("Included", "Free"). ``Kind`` "User API Key" means the request went to the user's own
provider key (Anthropic, OpenAI …): it is on that provider's bill, not Cursor's. Such requests
are stored in sessions named ``cursor-own-key-…-<UTC day>`` so that reconciliation can set them
against the provider's figures and leave them out of Cursor's own.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tracker.core.model_ids import cursor_model
from tracker.core.reading import DocumentCursor, ReadResult
from tracker.sources.exports.csv_table import Row, TableError, count, has_columns, read_table, usd_micro
from tracker.sources.exports.format import ExportFormat, ExportRead
from tracker.sources.normalize import add_usage
from tracker.sources.spec import SourceSpec
from tracker.sources.timestamps import iso_to_ms

SOURCE = "cursor"
NAME = "Cursor usage CSV"
CACHE_WRITE, FRESH, CACHE_READ, OUTPUT, TOTAL = (
    "Input (w/ Cache Write)", "Input (w/o Cache Write)", "Cache Read", "Output Tokens", "Total Tokens",
)  # fmt: skip
REQUIRED = ("Date", "Model", CACHE_WRITE, FRESH, CACHE_READ, OUTPUT, TOTAL)
# Kinds that mean the plan's quota covered the request, or nothing was charged at all.
COVERED_KINDS = frozenset({"included", "free", "errored, no charge", "aborted, not charged", "errored"})
CHECKSUM = "failed the Total Tokens check"
OWN_KEY_KIND = "user api key"  # billed to the user's own provider key, not by Cursor
OWN_KEY_SESSION = "cursor-own-key-"

SPEC = SourceSpec(
    id=SOURCE,
    label="Cursor",
    roots=(),
    parts=(),
    counts=(
        "from exports: Cursor's dashboard usage CSV (Settings → Usage → Export), given to "
        "'tokenworth import FILE'; exact tokens per request (Cursor keeps none on disk)"
    ),
    api_equivalent_cost=True,  # Cursor bills a plan; per-token cost is what the API would charge
)


def generation(header: list[str]) -> str:
    if "Cost to you" in header:
        return "oldest headers (with 'Cost to you')"
    if "User" in header or "Cloud Agent ID" in header:
        return "2026 headers (with User, Cloud Agent ID)"
    if "Kind" in header:
        return "2025 headers (with Kind, Max Mode)"
    return "headers of an unknown generation"


def recognises(path: Path, head: bytes) -> bool:
    return has_columns(head, *REQUIRED)


def read(path: Path) -> ExportRead:
    out = ExportRead(format=NAME, source=SOURCE)
    try:
        header, rows = read_table(path)
    except (TableError, OSError) as exc:
        out.error = f"{NAME}: {exc}"
        return out
    out.format = f"{NAME}, {generation(header)}"
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        out.error = f"{out.format}: no column {', '.join(repr(c) for c in missing)}"
        return out
    scratch = ReadResult(cursor=DocumentCursor())
    seen: Counter[str] = Counter()  # identical rows in one file are separate requests
    empty = covered = own_key = 0
    for row in rows:
        out.rows_read += 1
        if not isinstance(row, Row):
            out.skip(*row)
            continue
        outcome = _add_row(row, scratch, seen, out)
        empty += outcome == "empty"
        covered += outcome == "covered"
        own_key += outcome == "own key"
    out.events = scratch.events
    if empty:
        out.notes.append(f"{empty:,} row(s) with no tokens (errored or aborted requests) were not stored")
    if covered:
        out.notes.append(
            f"{covered:,} request(s) were covered by the plan (Kind Included, Free or no charge): "
            "their cost is what the API would charge, not money spent"
        )
    if own_key:
        out.notes.append(
            f"{own_key:,} request(s) were billed to your own provider key (Kind User API Key), not by Cursor: "
            "'tokenworth reconcile' sets them against your Anthropic/OpenAI figures"
        )
    return out


def own_key_day(session: str) -> str | None:
    """The UTC day of a session of requests billed to the user's own key (None: not one)."""
    if not session.startswith(OWN_KEY_SESSION):
        return None
    day = session[-10:]
    return day if len(day) == 10 and day[4] == day[7] == "-" else None


def _add_row(row: Row, scratch: ReadResult, seen: Counter[str], out: ExportRead) -> str:
    v = row.values
    try:
        ts_ms = iso_to_ms(v["Date"].replace("Z", "+00:00"))
    except ValueError:
        out.skip(row.line_no, f"unreadable Date {v['Date'][:40]!r}")
        return "skipped"
    numbers = [count(v[c]) for c in (CACHE_WRITE, FRESH, CACHE_READ, OUTPUT, TOTAL)]
    if None in numbers:
        out.skip(row.line_no, "a token count that is not a whole number from 0 to 10^10")
        return "skipped"
    w, fresh, read_, output, total = (n or 0 for n in numbers)
    if total == w + fresh + read_ + output:
        cache_write = w
    elif w >= fresh and total == w + read_ + output:
        cache_write = w - fresh  # an export that counts fresh input inside "w/ Cache Write"
    else:
        out.skip(
            row.line_no,
            f"{CHECKSUM} (Total Tokens {total:,}; the four token columns sum to {w + fresh + read_ + output:,})",
        )
        return "skipped"
    if total == 0:
        return "empty"
    kind = v.get("Kind", "").strip()
    covered = kind.lower() in COVERED_KINDS
    own_key = kind.lower() == OWN_KEY_KIND
    cost = usd_micro(v.get("Cost", ""))
    if "Cost to you" in v and usd_micro(v["Cost to you"]) == 0 and (cost or 0) > 0:
        covered = True  # the oldest export says what was charged beside what it was worth
    user = v.get("User", "")
    model = cursor_model(v["Model"])
    identity = "|".join(
        (v["Date"], user, v.get("Cloud Agent ID", ""), v.get("Automation ID", ""), v["Model"],
         v.get("Max Mode", ""), str(w), str(fresh), str(read_), str(output))
    )  # fmt: skip
    seen[identity] += 1
    day = v["Date"][:10]
    session = f"cursor-{user}-{day}" if user else f"cursor-{day}"
    if own_key:  # its UTC day, as the providers' bills date it
        utc_day = datetime.fromtimestamp(ts_ms / 1000, UTC).date().isoformat()
        session = f"{OWN_KEY_SESSION}{user}-{utc_day}" if user else f"{OWN_KEY_SESSION}{utc_day}"
    ok = add_usage(
        scratch,
        row.line_no,
        source=SOURCE,
        key=f"cursor:{identity}#{seen[identity]}",
        session=session,
        project="",
        model=model,
        ts_ms=ts_ms,
        input=fresh,
        output=output,
        cache_read=read_,
        cache_write_5m=cache_write,
        tool_cost_usd=None if cost is None else cost / 1_000_000,
        subscription=covered,
    )
    if not ok:
        out.skip(row.line_no, scratch.skipped.pop().reason if scratch.skipped else "unusable row")
        return "skipped"
    return "covered" if covered else "own key" if own_key else "stored"


FORMAT = ExportFormat(name=NAME, recognises=recognises, read=read)
