"""Reading the CSV files providers export: header by name, rows with their line numbers.

Exports grow columns over time, so columns are found by name, never by position. A row
shorter than the header is what a truncated download leaves: it is reported, not guessed.
A bucket an export lists twice is one figure: its rows add up (``summed``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tracker.core.provider_rows import ProviderRow
from tracker.sources.exports.format import ExportRead
from tracker.sources.normalize import MAX_COST_MICRO, MAX_TOKENS

MAX_FILE_BYTES = 512 << 20  # a provider's export is megabytes; anything this big is not one


def header_of(head: bytes) -> list[str] | None:
    """The column names of the CSV whose first bytes are ``head``, or None when it is not CSV text."""
    text = head.decode("utf-8-sig", errors="replace")
    first = text.splitlines()[0] if text else ""
    if not first or "\x00" in first:
        return None
    try:
        row = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return None
    names = [c.strip() for c in row]
    return names if len(names) >= 2 else None


def has_columns(head: bytes, *names: str) -> bool:
    header = header_of(head)
    return header is not None and all(n in header for n in names)


@dataclass(frozen=True)
class Row:
    line_no: int  # the row's first physical line (1 is the header)
    values: dict[str, str]


class TableError(Exception):
    """The file cannot be read as a CSV at all (its message is for the user)."""


def read_table(path: Path) -> tuple[list[str], Iterator[Row | tuple[int, str]]]:
    """The header and the rows of ``path``; a row that cannot be used is ``(line_no, reason)``.

    Raises ``TableError`` for a file that is not UTF-8 CSV text or is empty.
    """
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TableError(f"the file is {size:,} bytes: too large for an export")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(f"not UTF-8 text (byte {exc.start:,} cannot be decoded)") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [c.strip() for c in next(reader)]
    except StopIteration:
        raise TableError("the file is empty") from None
    except csv.Error as exc:
        raise TableError(f"the header row is not CSV ({exc})") from None
    return header, _rows(reader, header)


def open_export(path: Path, out: ExportRead) -> tuple[list[str], Iterator[Row]] | None:
    """The header and the usable rows of the export at ``path``, read into ``out``: every row
    counts in ``out.rows_read`` and one that cannot be used is skipped there with its reason.

    None, with ``out.error`` set (after the format's name), when the file cannot be read as
    CSV at all.
    """
    try:
        header, rows = read_table(path)
    except (TableError, OSError) as exc:
        out.error = f"{out.format}: {exc}"
        return None
    return header, _usable(rows, out)


def _usable(rows: Iterator[Row | tuple[int, str]], out: ExportRead) -> Iterator[Row]:
    for row in rows:
        out.rows_read += 1
        if isinstance(row, Row):
            yield row
        else:
            out.skip(*row)


def summed(rows: Iterable[ProviderRow]) -> list[ProviderRow]:
    """``rows`` with those of one bucket (the same ``row_key``) added up, in first-seen order."""
    buckets: dict[bytes, ProviderRow] = {}
    for row in rows:
        old = buckets.get(row.row_key)
        buckets[row.row_key] = row if old is None else _plus(old, row)
    return list(buckets.values())


def _plus(a: ProviderRow, b: ProviderRow) -> ProviderRow:
    cost = None if a.cost_micro is None and b.cost_micro is None else (a.cost_micro or 0) + (b.cost_micro or 0)
    return a._replace(
        input_tokens=a.input_tokens + b.input_tokens,
        cache_creation_tokens=a.cache_creation_tokens + b.cache_creation_tokens,
        cache_read_tokens=a.cache_read_tokens + b.cache_read_tokens,
        output_tokens=a.output_tokens + b.output_tokens,
        reasoning_tokens=a.reasoning_tokens + b.reasoning_tokens,
        requests=a.requests + b.requests,
        cost_micro=cost,
    )


def _rows(reader: csv.Reader, header: list[str]) -> Iterator[Row | tuple[int, str]]:  # type: ignore[name-defined] # csv.Reader is typeshed's name for the reader type
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield (start, f"not CSV ({exc}; the file may be truncated)")
            return
        line_no, start = start, reader.line_num + 1
        if not values or all(not v.strip() for v in values):
            continue  # blank lines (an editor's trailing newline) are not rows
        if len(values) < len(header):
            yield (line_no, f"{len(values)} of {len(header)} columns (the file may be truncated)")
            continue
        if len(values) > len(header):
            yield (line_no, f"{len(values)} columns where the header has {len(header)}")
            continue
        yield Row(line_no, dict(zip(header, (v.strip() for v in values), strict=True)))


def count(text: str) -> int | None:
    """A token or request count as exports write it ("1204", "1,204", "", "1204.0"); None when
    it is not a whole number from 0 to 10^10."""
    cleaned = text.replace(",", "").replace("_", "").strip()
    if not cleaned or cleaned == "-":
        return 0
    value = _number(cleaned)
    if value is None or value != value.to_integral_value() or not 0 <= value <= MAX_TOKENS:
        return None
    return int(value)


MAX_DIGITS = 15  # above 10^15 a cell holds no count or amount an export can have


def _number(text: str) -> Decimal | None:
    """``text`` as a finite Decimal of sane size; None otherwise (arithmetic on "1e999999999"
    would overflow Decimal's context)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or (value and value.adjusted() > MAX_DIGITS):
        return None
    return value


def decimal(text: str) -> Decimal | None:
    """A number ("0.33", "1,204.5", "$0.12"); None when the cell holds none (or a word)."""
    cleaned = text.replace(",", "").replace("$", "").replace("USD", "").strip()
    if not cleaned:
        return None
    return _number(cleaned)


def usd_micro(text: str) -> int | None:
    """A USD amount as micro-dollars; None for a word ("Included", "Free"), empty or out of range."""
    value = decimal(text)
    if value is None or not 0 <= value * 1_000_000 <= MAX_COST_MICRO:
        return None
    return int((value * 1_000_000).to_integral_value())
