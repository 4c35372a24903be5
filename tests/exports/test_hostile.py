"""Bad input never raises and never stores more than the good rows: every prefix of every
fixture (a download cut anywhere), and hostile cells in every column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.services.export_import import sniff
from tracker.sources.exports.format import HEAD_BYTES
from tracker.sources.exports.formats import FORMATS

FIXTURES = Path(__file__).parent.parent / "fixtures" / "exports"
READABLE = sorted(p.name for p in FIXTURES.glob("*.csv") if p.name != "unknown.csv")


def figures(path: Path) -> tuple[int, int]:
    fmt = sniff(path, path.read_bytes()[:HEAD_BYTES])
    if fmt is None:
        return (0, 0)
    read = fmt.read(path)
    return (len(read.events), len(read.provider_rows))


@pytest.mark.parametrize("name", READABLE)
def test_every_prefix_reads_without_raising_and_never_more(name: str, tmp_path: Path) -> None:
    data = (FIXTURES / name).read_bytes()
    full = figures(FIXTURES / name)
    cut = tmp_path / name
    step = max(len(data) // 150, 1)  # ~150 cuts per file keep this fast; every line end is among them
    offsets = sorted({*range(0, len(data), step), *(i for i, b in enumerate(data) if b == 0x0A)})
    for n in offsets:
        cut.write_bytes(data[:n])
        events, rows = figures(cut)
        assert events <= full[0] and rows <= full[1], n


CELLS = st.one_of(
    st.sampled_from(["", "-", "1e999999999", "NaN", "-1", "99999999999", "1.5", "Included", "$0.01", "\x00", '"']),
    st.text(max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_hostile_cells_are_skipped_or_read_never_raised(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    name = data.draw(st.sampled_from(READABLE))
    rows = list(csv.reader(io.StringIO((FIXTURES / name).read_text(encoding="utf-8-sig"))))
    if len(rows) < 2:
        return
    header, row = rows[0], list(data.draw(st.sampled_from(rows[1:])))
    column = data.draw(st.integers(min_value=0, max_value=len(row) - 1))
    row[column] = data.draw(CELLS)
    out = io.StringIO()
    csv.writer(out).writerows([header, row])
    path = tmp_path_factory.mktemp("hostile") / name
    path.write_text(out.getvalue(), encoding="utf-8")
    fmt = sniff(path, path.read_bytes()[:HEAD_BYTES])
    assert fmt in FORMATS
    read = fmt.read(path)
    assert read.error is None
    assert len(read.events) + len(read.provider_rows) + read.skipped_count <= 1
    for e in read.events:
        assert min(e.input_tokens, e.output_tokens, e.cache_read_tokens, e.cache_write_5m_tokens) >= 0
