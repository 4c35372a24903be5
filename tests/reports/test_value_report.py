"""The value figures are the same in JSON, CSV, Markdown, the PDF, the dashboard and the tray's
summary; the PDF is forwardable (compact headline, exact appendix, no number split, no page
holding only the footer), and the detailed audience adds its tables."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner
from tests.helpers.gitrepo import GitRepo
from tests.reports.conftest import report
from tracker.analytics.value_figures import DEFINITIONS, summary_line
from tracker.core.compact_numbers import compact_tokens, compact_usd, exact_usd
from tracker.services.context import Context
from tracker.services.dashboard import build_dashboard
from tracker.services.work_summary import period_figures

SINCE_D, UNTIL_D = date(2026, 6, 1), date(2026, 6, 14)


def pdf_text(pdf: Path, *args: str) -> str:
    out = subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFKC", out)  # the PDF's fonts set "fi" as a ligature


def needs_poppler() -> None:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("poppler-utils is needed; .ci/run installs it")
        pytest.skip("pdftotext not installed")


@pytest.fixture
def valued(project: GitRepo, cli: CliRunner, ctx: Context) -> GitRepo:
    """The report project, with an impact and hours on the fix, and who the report is from."""
    store = ctx.store()
    with store.conn:
        store.conn.execute("UPDATE tasks SET impact = 'Totals right for every customer', hours_saved = '2.5' "
                           "WHERE title = 'fix: totals'")  # fmt: skip
    for name, value in (("report.author", "Ada Lovelace"), ("report.team", "Payments"), ("report.role", "Engineer")):
        cli("config", "set", name, value, check_rc=0)
    return project


def csv_summary(out: Path) -> dict[str, str]:
    with zipfile.ZipFile(out) as z:
        return {row[0]: row[1] for row in csv.reader(io.StringIO(z.read("summary.csv").decode()))}


def test_the_same_figures_everywhere(valued: GitRepo, cli: CliRunner, ctx: Context, tmp_path: Path) -> None:
    needs_poppler()
    data = json.loads(report(cli, "json", tmp_path / "r.json").read_text())
    t: dict[str, Any] = data["totals"]
    # The scenario: both Claude sessions serve the two commits; Codex worked in the same repository.
    assert t["tasks_completed"] == 3 and t["tasks_with_linked_spend"] >= 2
    assert t["linked_tokens"] + t["not_linked_tokens"] == t["total_tokens"]
    assert t["linked_tokens"] == sum(row["tokens"] for row in data["tasks"])
    assert t["cost_per_outcome_usd"] == round(t["linked_cost_usd"] / t["tasks_with_linked_spend"], 6)
    assert "cost_per_task_usd" not in t
    assert data["author"] == {"name": "Ada Lovelace", "team": "Payments", "role": "Engineer"}
    assert data["previous_period"]["since"] == "2026-05-18" and data["previous_period"]["until"] == "2026-05-31"
    assert [o["title"] for o in data["outcomes"]] == ["fix: totals"]  # the only one with an impact or hours
    assert set(data["methods"]["definitions"]) == set(DEFINITIONS)
    head = {h["key"]: h for h in data["headline"]}
    assert [h["key"] for h in data["headline"][:4]] == ["tasks_completed", "hours_saved", "linked_share",
                                                       "cost_per_outcome"]  # fmt: skip
    assert (
        head["tokens"]["exact"] == f"{t['total_tokens']:,}"
        and head["tasks_completed"]["delta"] == "+3 vs previous period"
    )

    summary = csv_summary(report(cli, "csv", tmp_path / "r.zip"))
    for key in ("tasks_completed", "tasks_with_linked_spend", "linked_tokens", "not_linked_tokens"):
        assert int(summary[key]) == t[key]
    for key in ("linked_cost_usd", "cost_per_outcome_usd", "not_linked_cost_usd", "linked_share"):
        assert float(summary[key]) == t[key]

    per = compact_usd(Decimal(str(t["cost_per_outcome_usd"])))
    share = f"{100 * t['linked_share']:.0f}%"
    md = report(cli, "md", tmp_path / "r.md").read_text()
    assert f"- **{per}** cost per outcome" in md
    assert f"- **{share}** of AI spend linked to outcomes" in md
    assert f"- **{compact_tokens(t['total_tokens'])}** tokens" in md
    assert "Ada Lovelace · Engineer · Payments" in md
    assert "Cost per outcome: Linked spend ÷ the tasks that have linked spend" in md

    text = pdf_text(report(cli, "pdf", tmp_path / "r.pdf", "--page-size", "A4"))
    assert per in text and share in text and compact_tokens(t["total_tokens"]) in text
    assert f"{t['linked_tokens']:,} tokens" in text  # the appendix: exact
    assert "Ada Lovelace · Engineer · Payments" in text
    assert "cost per outcome" in text and "per task" not in text

    store = ctx.reader()
    d = build_dashboard(store, timezone="UTC", since=SINCE_D, until=UNTIL_D, today=UNTIL_D, overrides={})
    f = d.figures
    assert (f.tasks_completed, f.tasks_with_spend, f.linked.tokens) == (
        3,
        t["tasks_with_linked_spend"],
        t["linked_tokens"],
    )
    assert round(float(f.cost_per_outcome or 0), 6) == t["cost_per_outcome_usd"]
    # The tray's summary line is made from the same figures.
    week = period_figures(store, "UTC", SINCE_D, UNTIL_D, {})
    assert week == f and summary_line(week).startswith("3 tasks completed · " + share)
    proc = cli("report", "--format", "json", "--since", "2026-06-01", "--until", "2026-06-14", "--timezone", "UTC",
               "--out", str(tmp_path / "again.json"), check_rc=0)  # fmt: skip
    assert summary_line(f) in proc.stderr


def test_junk_tasks_do_not_move_the_report(valued: GitRepo, cli: CliRunner, ctx: Context, tmp_path: Path) -> None:
    before = json.loads(report(cli, "json", tmp_path / "a.json").read_text())["totals"]
    for i in range(5):
        cli("task", "add", f"Quick thing {i}", "--done", check_rc=0)
    store = ctx.store()
    with store.conn:  # completed inside the period, with no session linked
        store.conn.execute("UPDATE tasks SET completed_ms = 1780315200000 WHERE title LIKE 'Quick thing%'")
    after = json.loads(report(cli, "json", tmp_path / "b.json").read_text())["totals"]
    assert after["tasks_completed"] == before["tasks_completed"] + 5
    for key in ("cost_per_outcome_usd", "linked_share", "linked_cost_usd", "not_linked_cost_usd"):
        assert after[key] == before[key], key


def pages_text(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    n = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return [pdf_text(pdf, "-f", str(i), "-l", str(i)) for i in range(1, n + 1)]


def artefacts(tmp_path: Path, name: str) -> Path:
    """Where rendered pages go: ``TOKENWORTH_TEST_ARTEFACTS`` to keep them for a look, else tmp."""
    folder = Path(os.environ.get("TOKENWORTH_TEST_ARTEFACTS") or tmp_path) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("audience", ["summary", "detailed"])
def test_pdf_is_forwardable(valued: GitRepo, cli: CliRunner, tmp_path: Path, audience: str) -> None:
    needs_poppler()
    pdf = report(cli, "pdf", tmp_path / f"{audience}.pdf", "--page-size", "A4", "--audience", audience)
    data = json.loads(report(cli, "json", tmp_path / "r.json").read_text())
    pages = pages_text(pdf)
    footer = "Data fingerprint"
    for i, page in enumerate(pages, 1):
        lines = [line for line in page.splitlines() if line.strip()]
        assert lines, f"page {i} is blank"
        if footer in page:  # the footer never stands alone: the Method is on its page
            assert "Method" in page and len(lines) > 4, f"page {i} holds only the footer"
    assert footer in pages[-1]
    text = "\n".join(pages)
    # No number split across lines: no line ends inside a number ("1,147,779,78" / "2").
    split = re.compile(r"(\d[,.\-]|\$)\n\s*\d")
    assert not split.search(text), split.search(text)
    t = data["totals"]
    for exact in (f"{t['total_tokens']:,}", exact_usd(Decimal(str(t["cost_usd"]))), f"{t['cache_read_tokens']:,}"):
        assert exact in text
    assert data["fingerprint"] in text
    detailed_only = ("By project", "By day", "Tasks and their sessions")
    assert all((h in text) == (audience == "detailed") for h in detailed_only)
    first = pages[0]
    assert "tasks completed" in first and "cost per outcome" in first and "vs previous period" in first
    assert first.index("tasks completed") < first.index("tokens")  # outcomes lead
    assert "Sonnet" in text or "GPT" in text  # friendly model names
    assert re.search(r"\b\d{1,2}–\d{1,2} Jun\b|\d{1,2} \w{3} – \d{1,2} \w{3}", first) or "Jun" in first
    folder = artefacts(tmp_path, f"pdf-{audience}")
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(folder / "page")], check=True)
    assert len(list(folder.glob("page-*.png"))) == len(pages)


def test_detailed_redacted_numbers_projects(valued: GitRepo, cli: CliRunner, tmp_path: Path) -> None:
    data = json.loads(report(cli, "json", tmp_path / "d.json", "--audience", "detailed", "--redact").read_text())
    assert list(data["by_project"]) == ["Project 1"]
    assert data["by_project"]["Project 1"]["total_tokens"] == data["totals"]["total_tokens"]
    assert sum(d["total_tokens"] for d in data["by_day"]) == data["totals"]["total_tokens"]
    linked = sum(s["tokens"] for ts in data["task_sessions"] for s in ts["sessions"])
    assert linked >= data["totals"]["linked_tokens"]  # whole sessions; a shared one is split in the figures
    raw = (tmp_path / "d.json").read_text() + report(cli, "md", tmp_path / "d.md", "--audience", "detailed",
                                                     "--redact").read_text()  # fmt: skip
    assert "secret-shop" not in raw and "fix: totals" not in raw
