"""Bill vs logs: provider figures beside real Claude Code logs, matched across model naming."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from tests.conftest import CliRunner
from tracker.services.export_import import import_files
from tracker.services.reconcile import reconcile
from tracker.store.store import Store

FIXTURES = Path(__file__).parent.parent / "fixtures" / "exports"
SESSION = "7a1c2f8e-0000-4000-8000-00000000beef"


def claude_line(n: int, ts: str, model: str, inp: int, write: int, read: int, out: int) -> str:
    usage = {
        "input_tokens": inp,
        "cache_creation_input_tokens": write,
        "cache_read_input_tokens": read,
        "cache_creation": {"ephemeral_5m_input_tokens": write, "ephemeral_1h_input_tokens": 0},
        "output_tokens": out,
    }
    return json.dumps(
        {
            "type": "assistant",
            "sessionId": SESSION,
            "cwd": "/home/dev/shop",
            "requestId": f"req_{n}",
            "uuid": f"a-{n}",
            "timestamp": ts,
            "message": {"id": f"msg_{n}", "role": "assistant", "model": model, "usage": usage, "content": []},
        }
    )


def write_claude_logs(home: Path) -> None:
    folder = home / ".claude" / "projects" / "-home-dev-shop"
    folder.mkdir(parents=True)
    lines = [
        claude_line(1, "2026-11-30T10:00:00.000Z", "claude-sonnet-4-5-20250929", 1000, 2000, 30000, 4000),
        claude_line(2, "2026-12-01T09:00:00.000Z", "claude-sonnet-4-5-20250929", 700, 0, 9000, 300),
        # After the last day the bill covers: not compared.
        claude_line(3, "2026-12-02T09:00:00.000Z", "claude-haiku-4-5-20251001", 10, 0, 0, 10),
    ]
    (folder / f"{SESSION}.jsonl").write_text("\n".join(lines) + "\n")


def test_reconcile_cli_bill_beside_logs(cli: CliRunner, home: Path) -> None:
    write_claude_logs(home)
    cli("import", check_rc=0)
    cli("import", str(FIXTURES / "anthropic-usage.csv"), str(FIXTURES / "anthropic-cost.csv"))
    cli("import", str(FIXTURES / "cursor-2026.csv"))  # Cursor's Claude requests bill through Cursor
    out = json.loads(cli("reconcile", "--json", check_rc=0).stdout)
    got = [
        (r["day"], r["provider"], r["model"], r["bill"]["total_tokens"], r["logs"]["total_tokens"],
         r["difference"]["total_tokens"], r["logs"]["sources"])
        for r in out["rows"]
    ]  # fmt: skip
    assert got == [
        ("2026-11-30", "anthropic", "claude-haiku-4-5", 5800, 0, 5800, []),
        ("2026-11-30", "anthropic", "claude-sonnet-4-5", 1028566, 37000, 1028566 - 37000, ["claude-code"]),
        ("2026-12-01", "anthropic", "claude-sonnet-4-5", 10000, 10000, 0, ["claude-code"]),
    ]
    sonnet_30, sonnet_01 = out["rows"][1], out["rows"][2]
    assert sonnet_30["provider_models"] == ["claude-sonnet-4-5-20250929"]
    # The cost CSV's figures for the day replace a list-price estimate: 0.05 + 0.30 + 0.06.
    assert (sonnet_30["bill"]["cost_usd"], sonnet_30["bill"]["cost_reported"]) == (0.41, True)
    # Its 12-01 row is unreadable, so that day is priced at list prices, exactly as the logs.
    assert sonnet_01["bill"]["cost_reported"] is False
    assert sonnet_01["bill"]["cost_usd"] == sonnet_01["logs"]["cost_usd"] == 0.0093
    assert sonnet_01["difference"]["cost_usd"] == 0
    assert out["mappings"]["anthropic"].endswith("; found: claude-code")
    text = cli("reconcile", "--since", "2026-12-01", check_rc=0).stdout
    assert "anthropic ↔ Claude models in every local log but Cursor's and Copilot's" in text
    assert "2026-11-30" not in text
    assert "claude.ai and ChatGPT usage is on no API bill" in text


def test_copilot_requests_beside_logged_calls_and_empty_store(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        assert reconcile(store).rows == []
        import_files(store, [FIXTURES / "copilot-premium-usage-report.csv"])
        rec = reconcile(store)
    got = [(r.day, r.provider, r.model, r.unit, r.bill.requests, r.logs.requests, r.bill.cost) for r in rec.rows]
    assert got == [
        ("2026-11-30", "copilot", "claude-opus-4-5", "requests", 30, 0, Decimal("0.8")),
        ("2026-11-30", "copilot", "claude-sonnet-4-5", "requests", 42, 0, Decimal("0")),
    ]
    assert all(r.bill.tokens == 0 for r in rec.rows)  # requests are never turned into tokens


def test_openai_export_matches_dated_model_names(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite") as store:
        import_files(store, [FIXTURES / "completions_usage_2026-11-30_2026-12-01.csv"])
        rec = reconcile(store)
    got = [(r.day, r.model, r.bill.input, r.bill.cache_read, r.bill.output, r.bill.requests) for r in rec.rows]
    assert got == [("2026-11-30", "gpt-5", 34000, 90000, 9000, 15), ("2026-12-01", "gpt-5", 4000, 1000, 500, 1)]
    assert not rec.rows[0].bill.cost_known and rec.rows[0].bill.cost > 0  # priced at list prices
