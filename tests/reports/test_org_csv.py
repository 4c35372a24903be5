"""``report --format org-csv``: a row per day in the admin dashboards' columns, from real git
history and real session logs."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import CliRunner, usage_json
from tests.helpers.gitrepo import GitRepo
from tests.helpers.loggen import LogWriter
from tracker.reports.org_csv import COLUMNS

AI = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"


def test_one_row_per_day_in_the_managers_columns(home: Path, cli: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo(home / "src" / "shop")
    repo.commit("feat: cart" + AI, "2026-06-02T11:00:00Z", lines=5)
    repo.commit("docs: readme", "2026-06-03T11:00:00Z", lines=4)  # not AI-assisted: not counted
    repo.checkout("rate-limit", new=True)
    repo.commit("feat: rate limit" + AI, "2026-06-04T10:00:00Z", lines=7)
    repo.checkout("main")
    repo.merge("rate-limit", "Merge pull request #7 from me/rate-limit", "2026-06-04T15:00:00Z")
    w = LogWriter(home, seed=3, content_bytes=40)
    w.claude_session(datetime(2026, 6, 2, 9, tzinfo=UTC), project=str(repo.path), turns=2)
    w.claude_session(datetime(2026, 6, 4, 9, tzinfo=UTC), project=str(repo.path), turns=2)
    w.codex_session(datetime(2026, 6, 4, 12, tzinfo=UTC), project=str(repo.path), turns=2)
    cli("import", check_rc=0)
    out = tmp_path / "org.csv"
    cli("report", "--format", "org-csv", "--since", "2026-06-01", "--until", "2026-06-05", "--timezone", "UTC",
        "--out", str(out), check_rc=0)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    header = out.read_text().splitlines()[0].split(",")
    assert header[: len(COLUMNS)] == COLUMNS
    models = header[len(COLUMNS) :]
    assert models and all(c.startswith("tokens:") for c in models)
    assert [r["date"] for r in rows] == ["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04", "2026-06-05"]
    by_day = {r["date"]: r for r in rows}
    assert by_day["2026-06-01"]["total_tokens"] == "0" and by_day["2026-06-01"]["num_sessions"] == "0"
    assert [by_day[d]["num_sessions"] for d in ("2026-06-02", "2026-06-04")] == ["1", "2"]
    assert (by_day["2026-06-02"]["commits"], by_day["2026-06-02"]["lines_added"]) == ("1", "5")
    assert by_day["2026-06-03"]["commits"] == "0" and by_day["2026-06-03"]["lines_added"] == "0"
    assert (by_day["2026-06-04"]["commits"], by_day["2026-06-04"]["lines_added"]) == ("1", "7")
    assert by_day["2026-06-04"]["pull_requests"] == "1"
    assert sum(int(by_day[d]["pull_requests"]) for d in by_day) == 1
    usage = usage_json(cli, "daily", "--since", "2026-06-01", "--until", "2026-06-05", "--timezone", "UTC",
                       "--no-import")  # fmt: skip
    for day in usage["rows"]:
        r = by_day[day["period"]]
        assert int(r["total_tokens"]) == day["total_tokens"] and float(r["cost_usd"]) == day["cost_usd"]
        assert int(r["total_tokens"]) == sum(int(r[m]) for m in models)
        assert int(r["requests"]) > 0
