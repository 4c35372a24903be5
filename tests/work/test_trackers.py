"""Tracker exports: real-format samples, broken rows and odd encodings."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, CliRunner

SAMPLES = FIXTURES / "trackers"


def tasks(cli: CliRunner) -> dict[str, dict]:
    return {t["title"]: t for t in json.loads(cli("task", "list", "--json", "--timezone", "UTC").stdout)}


def test_jira_csv_with_repeated_columns_broken_rows_and_unicode(cli: CliRunner) -> None:
    proc = cli("task", "import", str(SAMPLES / "jira.csv"))
    assert proc.returncode == 1  # done, with bad rows listed
    assert "jira: 3 new task(s)" in proc.stdout
    assert "row 5: has 3 cells, the header has 10" in proc.stderr
    assert "row 6: unreadable date 'someday'" in proc.stderr
    got = tasks(cli)
    cart = got["Add a shopping cart"]
    assert (cart["status"], cart["external_id"], cart["completed_at"]) == (
        "done",
        "SHOP-12",
        "2026-06-02T16:00:00+00:00",
    )
    assert cart["category"] == "feature"
    assert got["Fix login, again"]["category"] == "bug fix"
    assert got["Café menu in Ünicode — 日本語"]["status"] == "open"


def test_reimport_updates_instead_of_duplicating_and_keeps_user_fields(cli: CliRunner, tmp_path: Path) -> None:
    cli("task", "import", str(SAMPLES / "jira.csv"))
    first = tasks(cli)
    export = tmp_path / "jira.csv"
    export.write_text(
        (SAMPLES / "jira.csv")
        .read_text()
        .replace("In Progress,Shop,03/Jun/26 8:00 AM,,", "Done,Shop,03/Jun/26 8:00 AM,04/Jun/26 9:00 AM,")
    )
    proc = cli("task", "import", str(export), "--format", "jira")
    assert "0 new task(s), 3 updated" in proc.stdout
    again = tasks(cli)
    assert set(again) == set(first)
    assert again["Café menu in Ünicode — 日本語"]["status"] == "done"


def test_cp1252_export(cli: CliRunner) -> None:
    cli("task", "import", str(SAMPLES / "jira-cp1252.csv"), "--format", "jira", check_rc=0)
    assert "Résumé export" in tasks(cli)


def test_github_issue_and_pr_json(cli: CliRunner) -> None:
    proc = cli("task", "import", str(SAMPLES / "github-issues.json"))
    assert proc.returncode == 1 and "row 3: an item needs at least 'title'" in proc.stderr
    cli("task", "import", str(SAMPLES / "github-prs.json"), check_rc=0)
    got = tasks(cli)
    assert got["Crash on empty cart"]["status"] == "done" and got["Crash on empty cart"]["category"] == "bug fix"
    assert got["Dark mode"]["status"] == "open"
    pr = got["Add a cart page"]
    assert pr["links"] == ["https://github.com/acme/shop/pull/12"] and pr["source"] == "github"


def test_linear_csv(cli: CliRunner) -> None:
    cli("task", "import", str(SAMPLES / "linear.csv"), check_rc=0)
    got = tasks(cli)
    assert got["Speed up search"]["completed_at"] == "2026-06-05T17:30:00+00:00"
    assert got["Write onboarding docs"]["status"] == "open"


def test_any_csv_through_a_saved_mapping(cli: CliRunner) -> None:
    custom = str(SAMPLES / "custom-utf16.csv")
    assert cli("task", "import", custom, "--format", "csv").returncode == 2  # a mapping is needed
    assert cli("task", "import", custom, "--map", "titel=Name").returncode == 2
    proc = cli(
        "task",
        "import",
        custom,
        "--map",
        "title=Name,completed_at=Finished,external_id=Key,link=Where",
        "--save-mapping",
        "sheet",
    )
    assert proc.returncode == 1 and "row 4: no title" in proc.stderr
    got = tasks(cli)
    assert got["Quarterly report"]["links"] == ["https://example.com/q2"]
    assert got["No date task"]["status"] == "open"
    again = cli("task", "import", custom, "--mapping", "sheet")
    assert "0 new task(s), 2 updated" in again.stdout
    wrong = cli("task", "import", str(SAMPLES / "linear.csv"), "--mapping", "sheet")
    assert wrong.returncode == 1 and "lacks columns" in wrong.stderr
