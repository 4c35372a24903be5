"""Where the period's spend went, the same on every surface: linked + not linked + marked not
work = all AI spend (JSON, CSV, Markdown, PDF, the dashboard, the tray, the CLI line); what it
became (productive / reverted / abandoned / not work); and what the tools said it cost."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from tests.conftest import CliRunner
from tests.helpers.gitrepo import GitRepo
from tests.helpers.loggen import LogWriter
from tests.helpers.source_fixtures import install_source_fixture
from tests.reports.conftest import report
from tests.reports.test_value_report import needs_poppler, pdf_text
from tracker.analytics.value_figures import summary_line
from tracker.core.compact_numbers import exact_usd
from tracker.reports.escaping import md_text
from tracker.services.context import Context
from tracker.services.dashboard import build_dashboard
from tracker.services.work_summary import period_figures

SINCE_D, UNTIL_D = date(2026, 6, 1), date(2026, 6, 14)


def test_linked_plus_not_linked_plus_not_work_is_all_spend_everywhere(
    project: GitRepo, cli: CliRunner, ctx: Context, home: Path, tmp_path: Path
) -> None:
    needs_poppler()
    play = LogWriter(home, seed=31, content_bytes=40).claude_session(
        datetime(2026, 6, 6, 20, tzinfo=UTC), project=str(home / "play"), turns=3
    )
    cli("import", check_rc=0)
    before = json.loads(report(cli, "json", tmp_path / "before.json").read_text())["totals"]
    store = ctx.store()
    store.links.set_not_work([("claude-code", play.stem)], 1_781_000_000_000)
    store.close()
    data = json.loads(report(cli, "json", tmp_path / "r.json").read_text())
    t = data["totals"]
    n, cost = t["not_work_tokens"], Decimal(str(t["not_work_cost_usd"]))
    assert n > 0 and n == before["not_linked_tokens"] - t["not_linked_tokens"]  # moved out of "not linked"
    assert t["linked_tokens"] + t["not_linked_tokens"] + n == t["total_tokens"]
    parts = Decimal(str(t["linked_cost_usd"])) + Decimal(str(t["not_linked_cost_usd"])) + cost
    assert abs(parts - Decimal(str(t["cost_usd"]))) <= Decimal("0.000002")  # each rounded to the micro-dollar
    assert (t["linked_tokens"], t["cost_per_outcome_usd"]) == (before["linked_tokens"], before["cost_per_outcome_usd"])
    # What the spend became: the marked session is its own part, and the parts are all the spend.
    y = data["spend_yield"]
    assert y["not work"]["tokens"] == n and sum(p["tokens"] for p in y.values()) == t["total_tokens"]
    assert "was marked not work" in data["narrative"]

    with zipfile.ZipFile(report(cli, "csv", tmp_path / "r.zip")) as z:
        summary = dict(csv.reader(io.StringIO(z.read("summary.csv").decode())))
        kinds = {row[0]: int(row[2]) for row in list(csv.reader(io.StringIO(z.read("spend_yield.csv").decode())))[1:]}
    assert int(summary["not_work_tokens"]) == n and float(summary["not_work_cost_usd"]) == t["not_work_cost_usd"]
    assert kinds["not work"] == n
    md = report(cli, "md", tmp_path / "r.md").read_text()
    assert f"| Marked not work | {n:,} tokens, {exact_usd(cost)} |" in md
    assert "## What the spend became" in md and f"| Marked not work | {n:,} |" in md
    text = pdf_text(report(cli, "pdf", tmp_path / "r.pdf", "--page-size", "A4"))
    assert "Marked not work" in text and f"{n:,} tokens" in text and "What the spend became" in text

    reader = ctx.reader()
    d = build_dashboard(reader, timezone="UTC", since=SINCE_D, until=UNTIL_D, today=UNTIL_D, overrides={})
    f = d.figures
    assert (f.linked.tokens, f.not_linked.tokens, f.not_work.tokens) == (
        t["linked_tokens"], t["not_linked_tokens"], n)  # fmt: skip
    assert f.linked.tokens + f.not_linked.tokens + f.not_work.tokens == f.all.tokens
    assert period_figures(reader, "UTC", SINCE_D, UNTIL_D, {}) == f  # the tray's figures
    assert summary_line(f).endswith(" marked not work")
    proc = cli("report", "--format", "json", "--since", "2026-06-01", "--until", "2026-06-14", "--timezone", "UTC",
               "--out", str(tmp_path / "again.json"), check_rc=0)  # fmt: skip
    assert summary_line(f) in proc.stderr


def test_report_shows_tools_estimates_and_subscription_spend(cli: CliRunner, home: Path, tmp_path: Path) -> None:
    needs_poppler()
    for source in ("copilot", "pi", "goose"):
        install_source_fixture(source, home)
    cli("import", check_rc=0)
    period = ("--since", "2026-11-28", "--until", "2026-12-01", "--timezone", "UTC")
    usage = json.loads(cli("usage", "monthly", "--json", "--no-import", *period).stdout)["totals"]
    data = json.loads(report(cli, "json", tmp_path / "r.json", *period).read_text())
    t = data["totals"]
    keys = ("cost_usd", "tool_cost_usd", "tool_cost_requests", "subscription_requests", "subscription_cost_usd")
    assert {k: t[k] for k in keys} == {k: usage[k] for k in keys}  # the report reads what `usage` shows
    assert t["subscription_requests"] == 4 + 2  # Copilot's four (its plan), pi's two subscription-provider ones
    assert data["by_tool"]["copilot"]["api_equivalent_cost"] is True
    assert data["by_tool"]["goose"]["tool_cost_usd"] == 2.2153
    goose = exact_usd(Decimal("2.2153"))
    assert any(
        n.startswith(f"Goose: tool's estimate {goose} for the 2 requests it priced") for n in data["spend_notes"]
    )
    covered = exact_usd(Decimal(str(t["subscription_cost_usd"])))
    assert data["spend_notes"][0] == (
        f"AI spend {exact_usd(Decimal(str(t['cost_usd'])))}: {covered} of it covered by a subscription — not billed "
        "per token (GitHub Copilot CLI: API-equivalent cost, its plan bills requests)."
    )
    md = report(cli, "md", tmp_path / "r.md", *period).read_text()
    assert md_text("GitHub Copilot CLI (API-equivalent cost)") in md and f"- Goose: tool's estimate {goose}" in md
    text = " ".join(pdf_text(report(cli, "pdf", tmp_path / "r.pdf", *period, "--page-size", "A4")).split())
    assert "GitHub Copilot CLI (API-equivalent cost)" in text
    assert f"{covered} of it covered by a subscription — not billed per token" in text
    assert f"Goose: tool's estimate {goose}" in text
