"""Peer parity through the full CLI: ``tokenworth usage daily --json`` against ``ccusage <source>
daily --json --offline`` on the same generated HOME.

The reader-level peer tests check each rule in ccusage 20.0.24 (research/peer-ccusage-20.md);
here the real commands meet on one home. Ours must equal the generator's exact reading and
ccusage's must equal the generator's reading under ccusage's documented rules, so the two
differ by exactly those rules (a peer fix or a regression of ours both show up).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner
from tests.helpers import gen_gemini, gen_qwen
from tests.helpers.ccusage import ccusage_binary, run_ccusage
from tests.helpers.reading import ccusage_daily

Key = tuple[str, str]


@pytest.fixture(scope="module")
def peer() -> Path:
    return ccusage_binary()


def ours(cli: CliRunner, source: str) -> dict[Key, tuple[int, ...]]:
    """Per (day, model): fresh input, output incl. reasoning, cache read, reasoning; and no cache writes."""
    cli("import", check_rc=0)
    doc: dict[str, Any] = json.loads(
        cli("usage", "daily", "--json", "--timezone", "UTC", "--source", source, "--no-import", check_rc=0).stdout
    )
    rows = {(r["period"], m): v for r in doc["rows"] for m, v in r["models"].items()}
    assert all(v["cache_creation_tokens"] == 0 for v in rows.values())  # neither tool writes a cache
    return {
        k: (v["input_tokens"], v["output_tokens"], v["cache_read_tokens"], v["reasoning_tokens"])
        for k, v in rows.items()
    }


def theirs(peer: Path, home: Path, source: str) -> dict[Key, tuple[int, int, int, int]]:
    return ccusage_daily(
        json.loads(run_ccusage(peer, home, source, "daily", "--json", "--offline", "--timezone", "UTC"))
    )


def test_gemini_cli_against_ccusage_differs_by_thoughts_and_resumed_twins(
    peer: Path, cli: CliRunner, home: Path
) -> None:
    exp = gen_gemini.generate(home, seed=33, days=4, sessions_per_day=3, turns=3)
    assert exp.twin_requests > 0  # resumed legacy sessions: ccusage counts their messages twice
    got = ours(cli, "gemini")
    assert got == {k: tuple(v) for k, v in exp.ours.items()}
    peer_rows = theirs(peer, home, "gemini")
    assert peer_rows == {k: tuple(v) for k, v in exp.peer.items()}
    assert set(peer_rows) == set(got)
    # not only the thoughts convention: the twins are counted again on top of it
    convention = {k: (o[0], o[1] - o[3], 0, o[2]) for k, o in got.items()}
    assert peer_rows != convention
    assert all(p[i] >= convention[k][i] for k, p in peer_rows.items() for i in range(4))  # copies only add
    assert sum(p[3] for p in peer_rows.values()) > sum(o[2] for o in got.values())  # twins' cache again


def test_qwen_cli_against_ccusage_differs_by_cache_in_input_branches_and_archive(
    peer: Path, cli: CliRunner, home: Path
) -> None:
    exp = gen_qwen.generate(home, seed=34, days=4, sessions_per_day=3, turns=3)
    got = ours(cli, "qwen")
    assert got == {k: tuple(v) for k, v in exp.ours.items()}
    peer_rows = theirs(peer, home, "qwen")
    assert peer_rows == {k: tuple(v) for k, v in exp.peer.items() if any(v)}
    # cache left in input and thoughts left out of output, branch copies again, no archive:
    assert list(home.glob(".qwen/projects/*/chats/archive/*.jsonl"))  # the archive rule is at work
    convention = {k: (o[0] + o[2], o[1] - o[3], 0, o[2]) for k, o in got.items()}
    assert peer_rows != convention
