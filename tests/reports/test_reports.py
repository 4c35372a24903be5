"""Reports in every format, read back: the PDF with pdftotext and pdftoppm."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import CliRunner, usage_json
from tests.helpers.gitrepo import GitRepo
from tests.reports.conftest import SINCE, UNTIL, report
from tracker.services.report import named_period


def test_json_totals_match_usage(project: GitRepo, cli: CliRunner, tmp_path: Path) -> None:
    out = json.loads(report(cli, "json", tmp_path / "r.json").read_text())
    usage = usage_json(cli, "daily", "--since", SINCE, "--until", UNTIL, "--timezone", "UTC", "--no-import")
    for field in (
        "total_tokens",
        "input_tokens",
        "output_tokens",
        "cache_creation_tokens",
        "cache_read_tokens",
        "cost_usd",
        "unpriced_tokens",
    ):
        assert out["totals"][field] == usage["totals"][field]
    assert out["totals"]["tasks_completed"] == 3  # two commits and the Jira ticket (manual task is today)
    assert out["totals"]["hours_saved"] == 0
    assert 0 < out["totals"]["linked_share"] <= 1
    assert len(out["fingerprint"]) == 64
    again = json.loads(report(cli, "json", tmp_path / "again.json").read_text())
    assert again["fingerprint"] == out["fingerprint"]


def test_pdf_holds_the_exact_totals_titles_and_period(project: GitRepo, cli: CliRunner, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("poppler-utils is needed; .ci/run installs it")
        pytest.skip("pdftotext not installed")
    pdf = report(cli, "pdf", tmp_path / "r.pdf", "--page-size", "A4", "--audience", "detailed")
    data = json.loads(report(cli, "json", tmp_path / "r.json").read_text())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = unicodedata.normalize("NFKC", text)  # the PDF's fonts set "fi" as a ligature
    totals = data["totals"]
    assert f"{totals['total_tokens']:,}" in text
    assert f"{totals['input_tokens']:,}" in text and f"{totals['cache_read_tokens']:,}" in text
    assert f"${totals['cost_usd']:,.2f}" in text
    assert "01 Jun 2026 – 14 Jun 2026" in text
    assert "fix: totals" in text and "SECRET-TICKET launch plan" in text
    assert "Café Ünïcode" in text and "日本語" in text  # CJK renders where fonts allow (.ci/run installs them)
    assert data["fingerprint"] in text
    assert "genai-prices" in text and "Method" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 2 <= pages <= 4
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == pages


def test_redaction_removes_paths_names_and_ticket_titles(project: GitRepo, cli: CliRunner, tmp_path: Path) -> None:
    secret = ["secret-shop", str(project.path), "SECRET-TICKET", "ACME-7", "fix: totals"]
    for fmt, name in (("json", "r.json"), ("md", "r.md"), ("csv", "r.zip"), ("pdf", "r.pdf")):
        out = report(cli, fmt, tmp_path / name, "--redact")
        raw = out.read_bytes()
        if fmt == "csv":
            with zipfile.ZipFile(out) as z:
                raw = b"".join(z.read(n) for n in z.namelist())
        if fmt == "pdf":
            text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
            raw += unicodedata.normalize("NFKC", text).encode()
        for s in secret:
            assert s.encode() not in raw, (fmt, s)
    text = (tmp_path / "r.md").read_text()
    assert "Bug fix task #" in text and "Redacted:" in text


def test_csv_zip_and_folder_and_markdown(project: GitRepo, cli: CliRunner, tmp_path: Path) -> None:
    with zipfile.ZipFile(report(cli, "csv", tmp_path / "r.zip")) as z:
        assert sorted(z.namelist()) == [
            "by_model.csv",
            "by_tool.csv",
            "spend_yield.csv",
            "summary.csv",
            "tasks.csv",
            "weeks.csv",
        ]
        assert "fix: totals" in z.read("tasks.csv").decode()
    folder = report(cli, "csv", tmp_path / "tables")
    assert (folder / "summary.csv").read_text().startswith("field,value")
    md = report(cli, "md", tmp_path / "r.md").read_text()
    assert md.startswith("# AI usage and outcomes, 01 Jun 2026 – 14 Jun 2026")
    assert "| fix: totals |" in md


def test_named_periods() -> None:
    today = date(2026, 11, 22)  # a Sunday
    assert named_period("last-week", today) == (date(2026, 11, 9), date(2026, 11, 15))
    assert named_period("last-month", today) == (date(2026, 10, 1), date(2026, 10, 31))
    assert named_period("quarter", today) == (date(2026, 7, 1), date(2026, 9, 30))
    assert named_period("quarter", date(2026, 2, 3)) == (date(2025, 10, 1), date(2025, 12, 31))


def test_report_needs_no_display(project: GitRepo, cli: CliRunner, tmp_path: Path) -> None:
    proc = cli(
        "report",
        "--format",
        "pdf",
        "--period",
        "last-month",
        "--out",
        str(tmp_path / "x.pdf"),
        env={"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""},
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")


def test_cli_offers_the_report_periods_the_service_knows() -> None:
    from tracker.cli.report_cmd import REPORT_PERIODS
    from tracker.services.report import PERIODS

    assert REPORT_PERIODS == PERIODS
