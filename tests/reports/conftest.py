"""A home with a repository, Claude Code and Codex sessions, a Jira ticket and a logged task."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import CliRunner
from tests.helpers.gitrepo import GitRepo
from tests.helpers.loggen import LogWriter

SINCE, UNTIL = "2026-06-01", "2026-06-14"


@pytest.fixture
def project(home: Path, cli: CliRunner) -> GitRepo:
    repo = GitRepo(home / "src" / "secret-shop")
    repo.commit(
        "feat: cart for Café Ünïcode — 日本語 customers and a very long title that has to wrap "
        "across the table cell without running off the page",
        "2026-06-02T11:00:00Z",
    )
    repo.commit("fix: totals", "2026-06-09T11:00:00Z")
    w = LogWriter(home, seed=9, content_bytes=40)
    w.claude_session(datetime(2026, 6, 2, 9, tzinfo=UTC), project=str(repo.path), turns=4)
    w.claude_session(datetime(2026, 6, 9, 9, tzinfo=UTC), project=str(repo.path), turns=4)
    w.codex_session(datetime(2026, 6, 5, 9, tzinfo=UTC), project=str(repo.path), turns=3)
    cli("import", check_rc=0)
    (jira := home / "jira.csv").write_text(
        "Summary,Issue key,Status,Created,Resolved\nSECRET-TICKET launch plan,ACME-7,Done,2026-06-03 09:00,2026-06-04 10:00\n"
    )
    cli("task", "import", str(jira), check_rc=0)
    tasks = json.loads(cli("task", "list", "--json").stdout)
    fix = next(t for t in tasks if t["title"] == "fix: totals")
    cli(
        "task",
        "add",
        "Mentored the new hire",
        "--done",
        "--impact",
        "Onboarded in two days 🎉",
        "--hours-saved",
        "3",
        check_rc=0,
    )
    del fix
    return repo


def report(cli: CliRunner, fmt: str, out: Path, *extra: str) -> Path:
    cli(
        "report",
        "--format",
        fmt,
        "--since",
        SINCE,
        "--until",
        "2099-01-01" if "--all" in extra else UNTIL,
        "--timezone",
        "UTC",
        "--out",
        str(out),
        *[e for e in extra if e != "--all"],
        check_rc=0,
    )
    return out
