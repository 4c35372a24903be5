"""The tray's "Today's summary" carries the week's value figures, the same as everywhere else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.helpers.gitrepo import GitRepo
from tests.helpers.loggen import LogWriter
from tracker.analytics.alert_rules import Alert
from tracker.analytics.value_figures import summary_line
from tracker.services.context import Context
from tracker.services.dashboard import build_dashboard
from tracker.services.importer import run_import
from tracker.services.tasks import import_git
from tracker.ui.main_window import MainWindow
from tracker.ui.tray import TrayController


class Recorder:
    available = True
    reason = ""

    def __init__(self) -> None:
        self.shown: list[Alert] = []

    def notify(self, alert: Alert) -> None:
        self.shown.append(alert)


def test_today_summary_shows_the_weeks_value_line(qtbot, ctx: Context, home: Path) -> None:
    ctx.settings.set("general.timezone", "UTC")
    now = datetime.now(UTC).replace(microsecond=0)
    repo = GitRepo(home / "src" / "shop")
    w = LogWriter(home, seed=4, content_bytes=40)
    w.claude_session(now - timedelta(minutes=50), project=str(repo.path), turns=2)
    repo.commit("feat: cart", (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    import_git(ctx, ctx.store())
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    controller = TrayController(window)
    recorder = Recorder()
    controller.notifier = recorder  # type: ignore[assignment] # records what would be shown
    controller.today_summary()
    qtbot.waitUntil(lambda: bool(recorder.shown), timeout=10_000)  # read on the read thread, then shown
    (alert,) = recorder.shown
    today = datetime.now(ZoneInfo("UTC")).date()
    monday = today - timedelta(days=today.weekday())
    d = build_dashboard(ctx.reader(), timezone="UTC", since=monday, until=today, today=today, overrides={})
    if (now - timedelta(minutes=50)).date() >= monday:  # (not when the session began last week)
        assert d.figures.tasks_with_spend == 1  # the session serves the commit
    assert alert.body.splitlines()[-1] == f"This week: {summary_line(d.figures)}"
    controller.timer.stop()
    window.close()
