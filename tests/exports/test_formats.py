"""Each export format read from real-format fixtures: exact numbers, bad rows named by line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tracker.core.model_ids import canonical_model, cursor_model
from tracker.services.export_import import sniff
from tracker.sources.exports import anthropic_console, copilot_premium, cursor, openai_usage
from tracker.sources.exports.format import HEAD_BYTES, ExportFormat, ExportRead

FIXTURES = Path(__file__).parent.parent / "fixtures" / "exports"


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def sniffed(name: str) -> ExportFormat | None:
    path = FIXTURES / name
    return sniff(path, path.read_bytes()[:HEAD_BYTES])


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("cursor-2026.csv", cursor.FORMAT),
        ("cursor-2025.csv", cursor.FORMAT),
        ("cursor-oldest.csv", cursor.FORMAT),
        ("anthropic-usage.csv", anthropic_console.USAGE_FORMAT),
        ("anthropic-usage-older.csv", anthropic_console.USAGE_FORMAT),
        ("anthropic-cost.csv", anthropic_console.COST_FORMAT),
        ("completions_usage_2026-11-30_2026-12-01.csv", openai_usage.FORMAT),
        ("completions_usage_2026-10-01_2026-10-31.csv", openai_usage.FORMAT),
        ("copilot-premium-analytics.csv", copilot_premium.FORMAT),
        ("copilot-premium-usage-report.csv", copilot_premium.FORMAT),
        ("unknown.csv", None),
        ("not-an-export.png", None),
    ],
)
def test_each_file_is_recognised_as_its_format(name: str, fmt: ExportFormat | None) -> None:
    assert sniffed(name) is fmt


def test_cursor_2026_headers_total_tokens_decides_the_reading() -> None:
    read = cursor.read(FIXTURES / "cursor-2026.csv")
    assert read.format == "Cursor usage CSV, 2026 headers (with User, Cloud Agent ID)"
    assert read.source == "cursor"
    assert read.rows_read == 6
    got = [
        (e.model, e.ts_ms, e.input_tokens, e.cache_write_5m_tokens, e.cache_read_tokens, e.output_tokens,
         e.tool_cost_micro, e.subscription)
        for e in read.events
    ]  # fmt: skip
    assert got == [
        # The four buckets are disjoint: w/ Cache Write is the cache write, w/o is fresh input.
        ("claude-sonnet-4-5", ms("2026-11-30T10:00:00"), 1000, 1200, 5000, 300, 120_000, True),
        ("gpt-5", ms("2026-11-30T11:15:40.512"), 8263, 0, 66964, 1612, 50_000, False),
        ("claude-sonnet-4-5", ms("2026-12-01T09:01:02.003"), 775, 28342, 105891, 21282, None, True),
        # Total 3600 = w/ + cache read + output: this row counts fresh input inside w/.
        ("claude-opus-4-1", ms("2026-12-01T10:00:00"), 500, 1000, 2000, 100, 200_000, False),
    ]
    assert [e.total_tokens for e in read.events] == [7500, 76839, 156290, 3600]
    # The errored row has no tokens (not stored, said in a note); line 6 fails the checksum.
    assert [(s.line_no, s.reason.split(" (")[0]) for s in read.skipped] == [(6, "failed the Total Tokens check")]
    assert read.notes[0] == "1 row(s) with no tokens (errored or aborted requests) were not stored"
    assert {e.session_id for e in read.events} == {
        "cursor-dev@example.com-2026-11-30",
        "cursor-dev@example.com-2026-12-01",
    }


def test_cursor_2025_headers() -> None:
    read = cursor.read(FIXTURES / "cursor-2025.csv")
    assert read.format == "Cursor usage CSV, 2025 headers (with Kind, Max Mode)"
    got = [
        (e.model, e.input_tokens, e.cache_write_5m_tokens, e.cache_read_tokens, e.output_tokens) for e in read.events
    ]
    # "2,000" with a thousands separator is 2000; Free is a quota kind; gpt-5-high bills as gpt-5.
    assert got == [
        ("claude-sonnet-4", 300, 2000, 12000, 700),
        ("cursor-small", 120, 0, 0, 30),
        ("gpt-5", 900, 0, 1000, 450),
    ]
    assert [e.subscription for e in read.events] == [True, True, False]
    assert [e.tool_cost_micro for e in read.events] == [40_000, None, 10_000]
    assert [s.line_no for s in read.skipped] == [5]
    assert (
        read.skipped[0].reason == "failed the Total Tokens check (Total Tokens 50; the four token columns sum to 100)"
    )


def test_cursor_oldest_headers_cost_to_you_zero_means_covered() -> None:
    read = cursor.read(FIXTURES / "cursor-oldest.csv")
    assert read.format == "Cursor usage CSV, oldest headers (with 'Cost to you')"
    got = [(e.model, e.input_tokens, e.cache_write_5m_tokens, e.cache_read_tokens, e.output_tokens, e.subscription)
           for e in read.events]  # fmt: skip
    assert got == [("claude-3-7-sonnet", 1500, 500, 0, 250, True), ("gpt-4.1", 3000, 0, 1000, 500, False)]
    assert read.skipped_count == 0


def test_cursor_truncated_download_names_the_cut_row() -> None:
    read = cursor.read(FIXTURES / "cursor-truncated.csv")
    assert len(read.events) == 1
    assert [(s.line_no, s.reason) for s in read.skipped] == [(3, "2 of 13 columns (the file may be truncated)")]


def test_cursor_identical_rows_are_separate_requests_and_keys_are_by_content(tmp_path: Path) -> None:
    header = (FIXTURES / "cursor-2025.csv").read_text().splitlines()[0]
    row = "2025-09-15T08:00:00.000Z,Included,claude-4-sonnet,No,10,20,30,40,100,0.01"
    (tmp_path / "a.csv").write_text(f"{header}\n{row}\n{row}\n")
    (tmp_path / "b.csv").write_text(f"{header}\n{row.replace('0.01', 'Included')}\n")
    a, b = cursor.read(tmp_path / "a.csv"), cursor.read(tmp_path / "b.csv")
    assert len({e.dedup_key for e in a.events}) == 2
    assert b.events[0].dedup_key == a.events[0].dedup_key  # a later export's cost wording differs


def test_cursor_bad_cells_are_skipped_with_reasons(tmp_path: Path) -> None:
    header = (FIXTURES / "cursor-2025.csv").read_text().splitlines()[0]
    rows = [
        "yesterday,Included,gpt-5,No,0,1,0,1,2,0",
        "2025-09-15T08:00:00Z,Included,gpt-5,No,0,-1,0,1,0,0",
        "2025-09-15T08:00:00Z,Included,gpt-5,No,0,99999999999,0,1,99999999999,0",
        "2025-09-15T08:00:00Z,Included,gpt-5,No,0,1.5,0,1,2.5,0",
        "1900-01-01T00:00:00Z,Included,gpt-5,No,0,1,0,1,2,0",
    ]
    (tmp_path / "bad.csv").write_text("\n".join([header, *rows]) + "\n")
    read = cursor.read(tmp_path / "bad.csv")
    assert read.events == []
    assert [s.line_no for s in read.skipped] == [2, 3, 4, 5, 6]
    assert read.skipped[0].reason == "unreadable Date 'yesterday'"
    assert read.skipped[1].reason == "a token count that is not a whole number from 0 to 10^10"
    assert read.skipped[4].reason == "unreadable timestamp (outside 2000–2100)"


def test_cursor_file_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    header = (FIXTURES / "cursor-2025.csv").read_bytes().splitlines()[0]
    (tmp_path / "latin1.csv").write_bytes(header + b"\n2025-09-15T08:00:00Z,Inclu\xefded\n")
    read = cursor.read(tmp_path / "latin1.csv")
    assert read.error is not None and "not UTF-8 text" in read.error


def test_anthropic_usage_buckets_are_disjoint_and_keyed() -> None:
    read = anthropic_console.read_usage(FIXTURES / "anthropic-usage.csv")
    got = [(r.day, r.model, r.input_tokens, r.cache_creation_tokens, r.cache_read_tokens, r.output_tokens)
           for r in read.provider_rows]  # fmt: skip
    assert got == [
        ("2026-11-30", "claude-sonnet-4-5-20250929", 18211, 40210, 912334, 20311),
        ("2026-11-30", "claude-sonnet-4-5-20250929", 1000, 2500, 30000, 4000),  # 5m + 1h writes
        ("2026-11-30", "claude-haiku-4-5-20251001", 5000, 0, 0, 800),
        ("2026-12-01", "claude-sonnet-4-5-20250929", 700, 0, 9000, 300),
    ]
    assert {r.provider for r in read.provider_rows} == {"anthropic"}
    assert {r.unit for r in read.provider_rows} == {"tokens"}
    assert len({r.row_key for r in read.provider_rows}) == 4
    assert read.provider_rows[1].detail.endswith("· 2 web searches")
    assert [s.line_no for s in read.skipped] == [6]  # -5 tokens


def test_anthropic_older_usage_columns() -> None:
    read = anthropic_console.read_usage(FIXTURES / "anthropic-usage-older.csv")
    assert read.format == "Anthropic Console usage CSV (older columns, without context_window)"
    (r,) = read.provider_rows
    assert (r.input_tokens, r.cache_creation_tokens, r.cache_read_tokens, r.output_tokens) == (100, 500, 400, 500)


def test_anthropic_cost_rows_carry_cost_only() -> None:
    read = anthropic_console.read_cost(FIXTURES / "anthropic-cost.csv")
    assert [(r.day, r.cost_micro, r.total_tokens) for r in read.provider_rows] == [
        ("2026-11-30", 50_000, 0),
        ("2026-11-30", 300_000, 0),
        ("2026-11-30", 60_000, 0),
    ]
    assert [(s.line_no, s.reason) for s in read.skipped] == [(5, "cost_usd 'n/a' is not an amount in USD")]


def test_openai_input_is_cache_inclusive() -> None:
    read = openai_usage.read(FIXTURES / "completions_usage_2026-11-30_2026-12-01.csv")
    assert read.format == "OpenAI usage export CSV (completions)"
    got = [
        (r.day, r.model, r.input_tokens, r.cache_read_tokens, r.output_tokens, r.requests) for r in read.provider_rows
    ]
    assert got == [
        ("2026-11-30", "gpt-5-2025-08-07", 30000, 90000, 8000, 12),
        ("2026-11-30", "gpt-5-2025-08-07", 4000, 0, 1000, 3),
        ("2026-12-01", "gpt-5-2025-08-07", 4000, 1000, 500, 1),
    ]
    assert [(s.line_no, s.reason) for s in read.skipped] == [
        (4, "input_cached_tokens larger than input_tokens, which includes them")
    ]


def test_openai_empty_export_is_recognised_with_a_note() -> None:
    read = openai_usage.read(FIXTURES / "completions_usage_2026-10-01_2026-10-31.csv")
    assert read.provider_rows == [] and read.error is None
    assert read.notes == ["the export has only its time columns: OpenAI found no usage in its range"]


def test_copilot_analytics_requests_never_tokens() -> None:
    read = copilot_premium.read(FIXTURES / "copilot-premium-analytics.csv")
    got = [(r.day, r.model, r.unit, r.requests, r.total_tokens) for r in read.provider_rows]
    assert got == [
        ("2026-11-30", "Claude Sonnet 4.5", "requests", 2, 0),
        ("2026-11-30", "GPT-5.1", "requests", 1, 0),
        ("2026-11-30", "Claude Opus 4.5", "requests", 10, 0),
        ("2026-11-30", "Claude Haiku 4.5", "requests", 1, 0),  # 0.33 + 0.33, rounded
    ]
    assert read.provider_rows[3].detail == "user octo-dev · within the monthly quota · 0.66 premium request(s)"
    assert read.provider_rows[2].detail == "user octo-dev · beyond the monthly quota · 10 premium request(s)"
    assert [(s.line_no, s.reason) for s in read.skipped] == [(8, "Requests Used 'lots' is not a number of requests")]


def test_copilot_usage_report_keeps_net_amount_and_leaves_other_products_out() -> None:
    read = copilot_premium.read(FIXTURES / "copilot-premium-usage-report.csv")
    got = [(r.model, r.requests, r.cost_micro) for r in read.provider_rows]
    assert got == [("Claude Sonnet 4.5", 42, 0), ("Claude Opus 4.5", 30, 800_000)]
    assert "1 row(s) of other GitHub products were left out" in read.notes


@pytest.mark.parametrize(
    ("slug", "model"),
    [
        ("claude-4.5-sonnet-thinking", "claude-sonnet-4-5"),
        ("claude-4-sonnet", "claude-sonnet-4"),
        ("claude-4.1-opus", "claude-opus-4-1"),
        ("claude-4.5-opus-high-thinking", "claude-opus-4-5"),
        ("claude-3.5-sonnet", "claude-3-5-sonnet"),
        ("gpt-5-high", "gpt-5"),
        ("gpt-5-codex", "gpt-5-codex"),
        ("o3", "o3"),
        ("gemini-2.5-pro", "gemini-2.5-pro"),
        ("auto", "auto"),
        ("composer-1", "composer-1"),
    ],
)
def test_cursor_slugs_map_to_priceable_ids(slug: str, model: str) -> None:
    assert cursor_model(slug) == model


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("anthropic/claude-opus-4.1", "claude-opus-4-1"),
        ("claude-3-7-sonnet-latest", "claude-3-7-sonnet"),
        ("gpt-5-2025-08-07", "gpt-5"),
        ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5"),
    ],
)
def test_provider_names_match_across_dates_and_prefixes(name: str, model: str) -> None:
    assert canonical_model(name) == model


def test_mapped_cursor_models_have_catalog_prices() -> None:
    from tracker.pricing.catalog import _lookup  # the real catalog, no cache

    for slug in ("claude-4.5-sonnet-thinking", "claude-4.1-opus", "gpt-5-high", "claude-3.5-sonnet"):
        assert _lookup(cursor_model(slug)) is not None, slug


PROVIDER_CSVS = [
    (anthropic_console.read_usage, "anthropic-usage.csv", anthropic_console.USAGE_NAME),
    (anthropic_console.read_cost, "anthropic-cost.csv", anthropic_console.COST_NAME),
    (openai_usage.read, "completions_usage_2026-11-30_2026-12-01.csv", openai_usage.NAME),
    (copilot_premium.read, "copilot-premium-analytics.csv", copilot_premium.NAME),
    (copilot_premium.read, "copilot-premium-usage-report.csv", copilot_premium.NAME),
]


@pytest.mark.parametrize(("read", "fixture", "name"), PROVIDER_CSVS)
def test_provider_csv_that_is_not_utf8_is_an_error_named_after_its_format(
    tmp_path: Path, read: Callable[[Path], ExportRead], fixture: str, name: str
) -> None:
    header = (FIXTURES / fixture).read_bytes().splitlines()[0]
    (tmp_path / fixture).write_bytes(header + b"\n2026-11-30,Inclu\xefded\n")
    got = read(tmp_path / fixture)
    assert got.error == f"{name}: not UTF-8 text (byte {len(header) + 17:,} cannot be decoded)"
    assert got.rows_read == 0 and got.provider_rows == []


@pytest.mark.parametrize(("read", "fixture", "name"), PROVIDER_CSVS)
def test_provider_csv_truncated_row_is_counted_and_skipped(
    tmp_path: Path, read: Callable[[Path], ExportRead], fixture: str, name: str
) -> None:
    header, first = (FIXTURES / fixture).read_text().splitlines()[:2]
    cut = first.split(",")[0] + ",x"  # two of the row's cells: the rest of the download is missing
    (tmp_path / fixture).write_text(f"{header}\n{first}\n{cut}\n")
    got = read(tmp_path / fixture)
    assert got.error is None and got.rows_read == 2 and len(got.provider_rows) == 1
    columns = len(header.split(","))
    assert [(s.line_no, s.reason) for s in got.skipped] == [(3, f"2 of {columns} columns (the file may be truncated)")]


@pytest.mark.parametrize(
    ("read", "fixture", "summed"),
    [
        (anthropic_console.read_usage, "anthropic-usage.csv", (36422, 80420, 1824668, 40622, 0, None)),
        (anthropic_console.read_cost, "anthropic-cost.csv", (0, 0, 0, 0, 0, 100_000)),
        (openai_usage.read, "completions_usage_2026-11-30_2026-12-01.csv", (60000, 0, 180000, 16000, 24, None)),
    ],
)
def test_a_bucket_listed_twice_is_one_row_that_adds_up(
    tmp_path: Path, read: Callable[[Path], ExportRead], fixture: str, summed: tuple[int | None, ...]
) -> None:
    header, first = (FIXTURES / fixture).read_text().splitlines()[:2]
    (tmp_path / fixture).write_text(f"{header}\n{first}\n{first}\n")
    got = read(tmp_path / fixture)
    assert got.rows_read == 2 and got.skipped == []
    (r,) = got.provider_rows
    assert (
        r.input_tokens,
        r.cache_creation_tokens,
        r.cache_read_tokens,
        r.output_tokens,
        r.requests,
        r.cost_micro,
    ) == summed
