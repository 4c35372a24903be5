"""Every registered tool end to end: its data where the tool writes it, the real CLI in a subprocess.

Each source's HOME comes from ``tests.helpers.source_fixtures`` (the fixture tree or the builder
its reader-level tests use), so the numbers below are the reader tests' expectations added up
per UTC day and model: what ``tokenworth usage daily --json`` must print after ``tokenworth import``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner
from tests.helpers.source_fixtures import install_source_fixture
from tracker.sources.registry import SOURCES

# Sources with local logs to find; the others (OTLP senders, exports) have no fixture folder here.
LOCAL = [sid for sid, spec in SOURCES.items() if spec.roots]

Day = tuple[str, str]  # (UTC day, model)
# (input, output incl. reasoning, cache write, cache read, reasoning, total)
Tokens = tuple[int, int, int, int, int, int]

EXPECTED: dict[str, dict[Day, Tokens]] = {
    "claude-code": {  # tests/cli/test_cli.py: 33,203 in all
        ("2026-06-01", "claude-sonnet-4-5-20250929"): (8, 480, 1500, 31200, 0, 33188),
        ("2026-06-02", "claude-opus-4-1-20250805"): (10, 5, 0, 0, 0, 15),
    },
    "codex": {  # cached input taken out of input; reasoning inside output
        ("2026-06-01", "gpt-5-codex"): (4000, 900, 0, 8000, 300, 12900),
        ("2026-06-01", "gpt-5.1-codex-max"): (6000, 600, 0, 12000, 400, 18600),
    },
    "openclaw": {  # tests/sources/test_openclaw.py EXPECTED: A6; A10 (cold archive); A1+A3+A7+A8; A5+A5B …
        ("2026-11-28", "claude-sonnet-4-5"): (5, 6, 8, 7, 0, 26),
        ("2026-11-29", "claude-sonnet-4-5"): (40, 50, 70, 60, 0, 220),
        ("2026-11-30", "claude-haiku-4-5"): (1, 2, 4, 3, 0, 10),
        ("2026-11-30", "claude-opus-4-5"): (300, 400, 0, 2000, 0, 2700),
        ("2026-11-30", "claude-sonnet-4-5"): (176, 788, 282, 4110, 0, 5356),
        ("2026-11-30", "gemini-2.5-pro"): (4000, 800, 0, 6000, 0, 10800),
        ("2026-11-30", "gpt-5.2"): (700, 900, 0, 0, 300, 1600),
    },
    "pi": {  # tests/sources/test_pi.py: P1 on the 30th; P2; ABORTED+WITH_ID; G1 (cache taken out), G2; COPILOT
        ("2026-11-30", "claude-sonnet-4-5"): (120, 340, 600, 5000, 0, 6060),
        ("2026-12-01", "claude-opus-4-5"): (80, 90, 0, 7000, 0, 7170),
        ("2026-12-01", "claude-sonnet-4-5"): (910, 32, 0, 4000, 0, 4942),
        ("2026-12-01", "gemini-2.5-flash"): (3000, 300, 0, 6000, 0, 9300),
        ("2026-12-01", "gemini-2.5-pro"): (3000, 300, 0, 6000, 0, 9300),
        ("2026-12-01", "gpt-5.2"): (400, 50, 0, 0, 0, 450),
    },
    "gemini": {  # tests/sources/test_gemini.py EXPECTED: g-b1+g-b2; g-b3; g-2+g-s1; g-1
        ("2026-11-28", "gemini-2.5-pro"): (5000, 370, 0, 6000, 20, 11370),
        ("2026-11-29", "gemini-3-flash-preview"): (1000, 500, 0, 9000, 100, 10500),
        ("2026-11-30", "gemini-2.5-flash"): (21150, 650, 0, 4000, 50, 25800),
        ("2026-11-30", "gemini-2.5-pro"): (1820, 600, 0, 11020, 388, 13440),
    },
    "qwen": {  # tests/sources/test_qwen.py EXPECTED: d1; c1+c2 (archived); a6; a2+a4+b1 (branch copies once)
        ("2026-11-28", "qwen3-coder-plus"): (1000, 10, 0, 0, 0, 1010),
        ("2026-11-29", "qwen3-max"): (2508, 330, 0, 12864, 30, 15702),
        ("2026-11-30", "qwen3-coder-flash"): (4000, 100, 0, 0, 0, 4100),
        ("2026-11-30", "qwen3-coder-plus"): (9500, 1460, 0, 73000, 250, 83960),
    },
    "opencode": {  # tests/sources/test_opencode.py EXPECTED_DB and the legacy-only OLD (step sums)
        ("2025-10-09", "claude-sonnet-4-5"): (110, 22, 100, 100, 0, 332),
        ("2025-11-30", "claude-sonnet-4-5"): (1710, 247, 2700, 59500, 0, 64157),
        ("2025-11-30", "claude-sonnet-4.5"): (200, 20, 0, 1000, 0, 1220),
        ("2025-11-30", "gpt-5"): (300, 50, 0, 5, 10, 355),
        ("2025-11-30", "gpt-5.1-codex"): (100, 80, 0, 0, 30, 180),
    },
    "cline": {  # tests/sources/test_cline_family.py CLINE_EXPECTED
        ("2025-11-30", "claude-sonnet-4-5"): (12, 488, 14210, 0, 0, 14710),
        ("2025-11-30", "deepseek-chat"): (305, 33, 0, 0, 0, 338),
        ("2025-11-30", "gpt-4.1"): (1700, 210, 0, 14100, 0, 16010),
    },
    "roo": {  # test_roo_cache_rules_by_date_and_protocol: after Roo's change the cache is inside input
        ("2025-10-01", "claude-sonnet-4-5"): (2212, 738, 14210, 14200, 0, 31360),
        ("2025-11-05", "claude-sonnet-4-5"): (600, 10, 0, 400, 0, 1010),
        ("2025-12-01", "claude-sonnet-4-5"): (12, 60, 14210, 0, 0, 14282),
    },
    "kilo": {  # test_kilo_changed_eleven_days_later: on Nov 5 still the remainder
        ("2025-10-01", "claude-sonnet-4-5"): (2212, 738, 14210, 14200, 0, 31360),
        ("2025-11-05", "claude-sonnet-4-5"): (1000, 10, 0, 400, 0, 1410),
        ("2025-12-01", "claude-sonnet-4-5"): (12, 60, 14210, 0, 0, 14282),
    },
    "copilot": {  # tests/sources/test_copilot.py EXPECTED: both caches out of input
        ("2026-11-30", "claude-opus-4.5"): (200, 50, 1000, 0, 0, 1250),
        ("2026-11-30", "claude-sonnet-4.5"): (369, 100, 2974, 18000, 0, 21443),
        ("2026-11-30", "gpt-5.1"): (1000, 800, 0, 4000, 300, 5800),
        ("2026-12-01", "gpt-5-mini"): (10, 5, 0, 0, 0, 15),
    },
    "goose": {  # tests/sources/test_goose.py EXPECTED: accumulated columns, thoughts added to output
        ("2026-11-30", "claude-sonnet-4-5"): (889020, 23435, 0, 0, 0, 912455),
        ("2026-11-30", "gemini-2.5-pro"): (10000, 2500, 0, 0, 500, 12500),
        ("2026-12-01", "gpt-5.1"): (300, 40, 0, 0, 0, 340),
        ("2026-12-01", "unknown"): (100, 10, 0, 0, 0, 110),
    },
    "zed": {  # tests/sources/test_zed.py EXPECTED: cumulative usage, one record per thread
        ("2026-11-01", "claude-opus-4-1"): (60, 20, 0, 500, 0, 580),
        ("2026-11-12", "claude-3-7-sonnet"): (3000, 450, 0, 7000, 0, 10450),
        ("2026-11-30", "claude-sonnet-4-5"): (5400, 2210, 2100, 96000, 0, 105710),
        ("2026-11-30", "gpt-5.1"): (800, 90, 0, 0, 0, 890),
    },
    "amp": {  # tests/sources/test_amp.py EXPECTED: message usage, or the ledger, never both
        ("2026-11-01", "claude-opus-4-1"): (900, 700, 0, 0, 0, 1600),
        ("2026-11-12", "claude-haiku-4-5"): (300, 20, 0, 0, 0, 320),
        ("2026-11-12", "claude-sonnet-4-20250514"): (570, 110, 5000, 5000, 0, 10680),
        ("2026-11-30", "claude-sonnet-4-5-20250929"): (14, 1128, 2186, 23726, 0, 27054),
        ("2026-12-01", "gpt-5"): (2000, 300, 0, 0, 0, 2300),
    },
}
# Fixtures that hold hostile rows on purpose: the import says so (exit 1) and reads the rest.
SKIPPED = {"opencode": 3, "cline": 5}


def per_day_model(doc: dict[str, Any]) -> dict[Day, Tokens]:
    return {
        (row["period"], model): (
            m["input_tokens"], m["output_tokens"], m["cache_creation_tokens"],
            m["cache_read_tokens"], m["reasoning_tokens"], m["total_tokens"],
        )
        for row in doc["rows"]
        for model, m in row["models"].items()
    }  # fmt: skip


def daily(cli: CliRunner, source: str, *flags: str) -> dict[str, Any]:
    proc = cli("usage", "daily", "--json", "--timezone", "UTC", "--source", source, *flags)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_every_registered_source_has_expected_numbers() -> None:
    assert list(EXPECTED) == LOCAL


@pytest.mark.parametrize("source", LOCAL)
def test_import_then_daily_usage_is_exact_and_a_second_import_changes_nothing(
    cli: CliRunner, home: Path, source: str
) -> None:
    install_source_fixture(source, home)
    proc = cli("import", "--json", check_rc=1 if source in SKIPPED else 0)
    summary = json.loads(proc.stdout)
    assert [k for k in summary if k not in ("git", "bundles")] == list(SOURCES)  # keyed by the contract ids
    assert {
        k: s["skipped_lines"] for k, s in summary.items() if k not in ("git", "bundles") and s["skipped_lines"]
    } == ({source: SKIPPED[source]} if source in SKIPPED else {})
    first = daily(cli, source, "--no-import")
    assert per_day_model(first) == EXPECTED[source]
    assert set(first["totals"]["sources"]) == {source}
    for row in first["rows"]:
        assert row["total_tokens"] == (
            row["input_tokens"] + row["output_tokens"] + row["cache_creation_tokens"] + row["cache_read_tokens"]
        )
    again = daily(cli, source)  # imports again first
    assert again == first


def test_sources_lists_all_fourteen_tools_with_what_was_found(cli: CliRunner, home: Path) -> None:
    for source in LOCAL:
        install_source_fixture(source, home)
    cli("import", check_rc=1)  # the hostile rows of opencode and cline
    listed = json.loads(cli("sources", "--json", check_rc=0).stdout)
    assert [s["name"] for s in listed] == list(SOURCES)
    assert [s["label"] for s in listed] == [s.label for s in SOURCES.values()]
    listed = [s for s in listed if s["name"] in LOCAL]
    for s in listed:
        assert s["found"] and s["events"] > 0, s["name"]
        assert set(s["found"]) <= set(s["roots"])
    text = cli("sources", check_rc=0).stdout.splitlines()
    for spec, status in zip((SOURCES[s] for s in LOCAL), listed, strict=True):
        at = text.index(f"{spec.label} [{spec.id}] — on")
        assert text[at + 1 : at + 1 + len(status["found"])] == [f"  found: {f}" for f in status["found"]]
    every = json.loads(cli("usage", "daily", "--json", "--timezone", "UTC", "--no-import").stdout)
    assert set(every["totals"]["sources"]) == set(LOCAL)
    assert every["totals"]["total_tokens"] == sum(t[5] for days in EXPECTED.values() for t in days.values())


def test_sources_says_where_it_looked_when_nothing_is_there(cli: CliRunner, home: Path) -> None:
    listed = json.loads(cli("sources", "--json", check_rc=0).stdout)
    assert [s["name"] for s in listed] == list(SOURCES)
    text = cli("sources", check_rc=0).stdout.splitlines()
    for s in listed:
        at = text.index(f"{s['label']} [{s['name']}] — on")
        if s["name"] not in LOCAL:
            assert text[at + 1] == (
                "  no log folder: its usage comes from 'tokenworth import FILE' or the OTLP receiver ('tokenworth receive')"
            )
            continue
        assert s["found"] == [] and s["roots"], s["name"]
        assert text[at + 1] == f"  no logs found under {', '.join(s['roots'])}"
        assert all(r.startswith(str(home)) for r in s["roots"])  # looked in this HOME, nowhere else


def readme_rows() -> dict[str, str]:
    """The README's "What is read" table: the row naming each ``[`id`]``."""
    text = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = text.split("### What is read\n", 1)[1].split("\n### ", 1)[0]
    return {
        line.split("[`", 1)[1].split("`]", 1)[0]: line
        for line in section.splitlines()
        if line.startswith("| ") and "[`" in line
    }


def test_readme_has_a_row_for_every_registered_source() -> None:
    """A new source cannot be left out of the README: its label, id, what counts, env vars."""
    rows = readme_rows()
    assert list(rows) == list(SOURCES)
    for spec in SOURCES.values():
        row = rows[spec.id]
        assert row.startswith(f"| {spec.label} [`{spec.id}`] |")
        assert f"| {spec.counts} |" in row  # SPEC.counts, word for word
        for var in spec.all_env_vars():
            assert f"`{var}`" in row, (spec.id, var)
    intro = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8").split("\n\n", 2)[1]
    assert all(spec.label.split()[0] in intro for spec in SOURCES.values())


def test_the_reading_line_counts_only_tools_with_a_log_folder(ctx, home: Path) -> None:
    from tracker.services.sources_status import reading_line

    install_source_fixture("codex", home)
    line = reading_line(ctx)
    assert line.startswith("Reading Codex CLI (~/.codex/sessions)")
    # the tools with no log folder (Cursor's exports, OTLP senders) are never "not found"
    assert line.endswith(f" · {len(LOCAL) - 1} other tools not found (see Sources)")
