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
    after = json.loads(cli("usage", "daily", "--json", "--no-import", check_rc=0).stdout)["totals"]
    assert after == before  # neither a bill nor an estimate changes exact usage

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
    md = tmp_path / "r.md"
    cli("report", "--format", "md", "--since", "2026-06-01", "--until", "2026-12-01", "--out", str(md), check_rc=0)
    assert "estimated from the exported text, not in these totals" in md.read_text()
