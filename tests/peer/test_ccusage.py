"""Accounting checked against a peer: ccusage must report the same tokens on the same logs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, usage_json
from tests.helpers.ccusage import ccusage_binary, run_ccusage
from tests.helpers.loggen import generate

ZONES = [
    "UTC",
    "America/Los_Angeles",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
]
Key = tuple[str, str]
Counts = tuple[int, int, int, int]


def peer_rows(doc: dict[str, Any], section: str) -> dict[Key, Counts]:
    out: dict[Key, Counts] = {}
    for row in doc[section]:
        for m in row["modelBreakdowns"]:
            out[(row["period"], m["modelName"])] = (
                m["inputTokens"],
                m["outputTokens"],
                m["cacheCreationTokens"],
                m["cacheReadTokens"],
            )
    return out


def our_rows(doc: dict[str, Any]) -> dict[Key, Counts]:
    out: dict[Key, Counts] = {}
    for row in doc["rows"]:
        for name, m in row["models"].items():
            out[(row["period"], name)] = (
                m["input_tokens"],
                m["output_tokens"],
                m["cache_creation_tokens"],
                m["cache_read_tokens"],
            )
    return out


@pytest.fixture(scope="module")
def peer() -> Path:
    return ccusage_binary()


@pytest.mark.parametrize("zone", ZONES)
def test_daily_tokens_per_model_equal_ccusage(peer: Path, cli: CliRunner, home: Path, zone: str) -> None:
    expected = generate(home, seed=7, days=9, sessions_per_day=3, turns=5)
    theirs = json.loads(run_ccusage(peer, home, "daily", "--json", "--offline", "--timezone", zone))
    ours = usage_json(cli, "daily", "--timezone", zone)
    assert our_rows(ours) == peer_rows(theirs, "daily")
    assert ours["totals"]["total_tokens"] == theirs["totals"]["totalTokens"] == expected.total_tokens()


def test_monthly_tokens_per_model_equal_ccusage(peer: Path, cli: CliRunner, home: Path) -> None:
    generate(home, seed=11, days=8, sessions_per_day=2, turns=4)
    theirs = json.loads(run_ccusage(peer, home, "monthly", "--json", "--offline", "--timezone", "Asia/Tokyo"))
    ours = usage_json(cli, "monthly", "--timezone", "Asia/Tokyo")
    assert our_rows(ours) == peer_rows(theirs, "monthly")
