"""Bills and chat-export estimates are stated beside the totals in every report, never in them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRunner, install_fixture_logs
from tests.exports.test_chat_exports import gpt_conversation

FIXTURES = Path(__file__).parent.parent / "fixtures" / "exports"


def test_reports_state_what_is_outside_their_totals(cli: CliRunner, home: Path, tmp_path: Path) -> None:
    install_fixture_logs(home)
    cli("import", check_rc=0)
    before = json.loads(cli("usage", "daily", "--json", "--no-import", check_rc=0).stdout)["totals"]
    chats = tmp_path / "conversations.json"
    conv = gpt_conversation()
    conv["create_time"] = 1780300800.0  # 2026-06-01, with the fixture logs
    for node in conv["mapping"].values():
        if node["message"]:
            node["message"]["create_time"] = 1780300800.0
    chats.write_text(json.dumps([conv]))
    cli("import", str(chats), str(FIXTURES / "anthropic-usage.csv"), check_rc=1)  # its hostile row
    usage = json.loads(cli("usage", "daily", "--json", "--no-import", check_rc=0).stdout)
    assert usage["totals"] == before  # neither a bill nor an estimate changes exact usage
    assert {(o["provider"], o["estimated"]) for o in usage["outside_totals"]} == {
        ("anthropic", False),
        ("chatgpt", True),
    }
    text = cli("usage", "daily", "--no-import", check_rc=0).stdout
    assert "ChatGPT (estimated from the exported text, not in these totals): ≈" in text
    by_tool = json.loads(cli("usage", "daily", "--json", "--no-import", "--source", "claude-code", check_rc=0).stdout)
    assert by_tool["outside_totals"] == []  # a tool's own usage: the bills are not about it alone

    out = tmp_path / "r.json"
    cli("report", "--format", "json", "--since", "2026-06-01", "--until", "2026-12-01", "--out", str(out), check_rc=0)
    report = json.loads(out.read_text())
    outside = {(o["provider"], o["origin"]): o for o in report["outside_totals"]}
    assert set(outside) == {("anthropic", "export"), ("chatgpt", "estimate")}
    assert outside["chatgpt", "estimate"]["estimated"] and outside["chatgpt", "estimate"]["requests"] == 3
    assert not outside["anthropic", "export"]["estimated"]
    notes = report["spend_notes"]
    assert any(n.startswith("ChatGPT (estimated from the exported text, not in these totals): ≈ ") for n in notes)
    assert any(n.startswith("Anthropic (export, not added to these totals") for n in notes)
    assert report["tokens_with_estimates"] is None  # not asked for
    assert not any(n.startswith("Including the chat-app estimates") for n in notes)
    cli("report", "--format", "json", "--since", "2026-06-01", "--until", "2026-12-01", "--out", str(out),
        "--include-estimates", check_rc=0)  # fmt: skip
    included = json.loads(out.read_text())
    estimated = outside["chatgpt", "estimate"]["tokens"]
    assert included["tokens_with_estimates"] == report["totals"]["total_tokens"] + estimated
    assert included["totals"] == report["totals"]  # the exact figures stay as they were
    (line,) = [n for n in included["spend_notes"] if n.startswith("Including the chat-app estimates")]
    assert f"({report['totals']['total_tokens']:,} exact + ≈ {estimated:,} estimated)" in line
    recon = json.loads(cli("reconcile", "--json", check_rc=0).stdout)
    assert "chatgpt" not in json.dumps(recon)  # an estimate is no bill: never set against the logs
    assert "anthropic" in json.dumps(recon)
    md = tmp_path / "r.md"
    cli("report", "--format", "md", "--since", "2026-06-01", "--until", "2026-12-01", "--out", str(md), check_rc=0)
    assert "estimated from the exported text, not in these totals" in md.read_text()


def test_the_dashboard_line_names_each_kind() -> None:
    from tracker.core.provider_rows import ProviderRow, bucket_key
    from tracker.services.outside_totals import outside_line, summarise

    def row(provider, origin, unit, output, requests, day="2026-11-30"):
        return ProviderRow(provider, "", origin, bucket_key(provider, day, output), day, None, "m", unit,
                           0, 0, 0, output, 0, requests, None, "", 1)  # fmt: skip

    rows = [row("chatgpt", "estimate", "tokens", 1_200_000, 30), row("chatgpt", "estimate", "tokens", 50_000, 2, "2026-11-29"),
            row("anthropic", "api", "tokens", 5_800_000, 0), row("copilot", "export", "requests", 0, 123)]  # fmt: skip
    assert outside_line(summarise(rows)) == (
        "Not in these totals: Anthropic 5.8 M tokens (usage API); ChatGPT ≈ 1.25 M tokens (estimated); "
        "GitHub Copilot 123 premium requests (export)."
    )
    assert outside_line([]) == ""


def test_the_analytics_reports_cost_is_said_to_be_an_estimate_and_a_bill_is_billed() -> None:
    from decimal import Decimal

    from tracker.services.outside_totals import OutsideFigure

    analytics = OutsideFigure("claude-code-analytics", "api", "tokens", 47_500, 3, Decimal("0.41"), 2)
    bill = OutsideFigure("anthropic", "export", "tokens", 47_500, 3, Decimal("0.41"), 2)
    assert "$0.41 estimated" in analytics.note() and "billed" not in analytics.note()
    assert "$0.41 billed" in bill.note()
