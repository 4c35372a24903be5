"""Tracker tasks without a repository get suggestions from sessions in the folders mapped to
their tracker project, while they were in progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.work.sessions import claude_log
from tracker.core.errors import SettingError
from tracker.services.context import Context
from tracker.services.importer import run_import
from tracker.services.tasks import import_task_file, link_session, list_tasks, suggestions

LINEAR = """ID,Team,Title,Status,Priority,Labels,Created,Completed
ENG-42,Engineering,Speed up search,Done,High,backend,2026-06-01T08:00:00.000Z,2026-06-05T17:30:00.000Z
ENG-43,Engineering,Write onboarding docs,Todo,Low,docs,2026-06-04T08:00:00.000Z,
"""
NOW = 1_781_000_000_000  # 2026-06-09


def test_sessions_in_the_mapped_folder_while_in_progress_are_suggested(
    ctx: Context, home: Path, tmp_path: Path
) -> None:
    api = home / "src" / "api"
    claude_log(home, "during", str(api), "main", [("2026-06-02T10:00:00Z", 1_000, 100)])
    claude_log(home, "both", str(api / "server"), "main", [("2026-06-04T10:00:00Z", 1_000, 100)])
    claude_log(home, "after", str(api), "main", [("2026-06-07T10:00:00Z", 1_000, 100)])
    claude_log(home, "elsewhere", str(home / "src" / "blog"), "main", [("2026-06-02T11:00:00Z", 1_000, 100)])
    ctx.settings.set("work.tracker_projects", json.dumps({"ENG": ["~/src/api"]}).replace("~", str(home)))
    export = tmp_path / "linear.csv"
    export.write_text(LINEAR, encoding="utf-8")
    run_import(ctx.connect(), home=home, env={}, config=ctx.source_config())
    with ctx.store() as store:
        import_task_file(ctx, store, export, "linear", None, NOW)
        ids = {t.title: t.id for t in list_tasks(store, "UTC", {})}
        search, docs = ids["Speed up search"], ids["Write onboarding docs"]
        got = [(s.session_id, s.task_id, s.confidence) for s in suggestions(ctx, store, NOW)]
        assert got == [
            ("during", search, 0.6),
            ("after", docs, 0.6),  # still in progress: up to now
            ("both", search, 0.55),  # two tickets were in progress then
            ("both", docs, 0.55),
        ]
        assert all(t.sessions == [] for t in list_tasks(store, "UTC", {}))  # suggested, not linked
        link_session(store, "during", search, linked=True)  # accepting one is a manual link
        assert [s.session_id for s in suggestions(ctx, store, NOW, search)] == ["both"]
        assert [t.tokens for t in list_tasks(store, "UTC", {}) if t.id == search] == [1_100]


def test_the_setting_is_checked(ctx: Context) -> None:
    with pytest.raises(SettingError):
        ctx.settings.set("work.tracker_projects", '{"ENG": 3}')
    assert ctx.settings.set("work.tracker_projects", '{"ENG": "~/src/api"}') == {"ENG": ("~/src/api",)}
