"""The usage-mapping dialog: guesses columns, previews what would be stored, refuses a log
tool's id, remembers the mapping by name."""

from __future__ import annotations

import json
from pathlib import Path

from tracker.core.settings_schema import USAGE_MAPPINGS
from tracker.services.context import Context
from tracker.sources.registry import SOURCES
from tracker.ui.usage_mapping_dialog import NONE, UsageMappingDialog


def test_preview_follows_the_mapping_and_is_remembered(qtbot, ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "agent.jsonl"
    lines = [
        {"id": "a", "created_at": "2026-11-30T10:00:00Z", "model": "gpt-4.1",
         "usage": {"prompt_tokens": 1000, "completion_tokens": 20, "cached_tokens": 600}},
        {"id": "b", "created_at": "later", "model": "gpt-4.1", "usage": {"prompt_tokens": 5, "completion_tokens": 1}},
    ]  # fmt: skip
    text = "\n".join(json.dumps(x) for x in lines) + "\n"
    path.write_text(text)
    dialog = UsageMappingDialog(path, text, ctx.settings, frozenset(SOURCES))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    # guessed from the key paths' last parts
    assert dialog.fields["timestamp"].currentText() == "created_at"
    assert dialog.fields["input_tokens"].currentText() == "usage.prompt_tokens"
    assert dialog.fields["cache_read_tokens"].currentText() == "usage.cached_tokens"
    assert dialog.fields["request_id"].currentText() == "id"
    assert not ok.isEnabled() and "Name the tool" in dialog.problems.text()
    dialog.source.setText("codex")
    assert not ok.isEnabled() and "count twice" in dialog.problems.text()
    dialog.source.setText("acme-agent")
    assert ok.isEnabled() and dialog.preview.rowCount() == 1
    assert "1 requests" in dialog.problems.text() and "row 2: no readable time" in dialog.problems.text()
    assert [dialog.preview.item(0, j).text() for j in (2, 5, 6)] == ["1,000", "600", "1,620"]
    dialog.flags["input_includes_cache"].setChecked(True)  # the API's prompt count held the cache
    assert [dialog.preview.item(0, j).text() for j in (2, 5, 6)] == ["400", "600", "1,020"]
    dialog.fields["timestamp"].setCurrentText(NONE)
    assert not ok.isEnabled() and "names no column for timestamp" in dialog.problems.text()
    dialog.fields["timestamp"].setCurrentText("created_at")
    dialog.name.setText("acme")
    dialog._accept()
    saved = ctx.settings.value(USAGE_MAPPINGS)["acme"]
    assert saved["source"] == "acme-agent" and saved["flags"] == "input_includes_cache"
    assert saved["input_tokens"] == "usage.prompt_tokens"
    again = UsageMappingDialog(path, text, ctx.settings, frozenset(SOURCES))
    qtbot.addWidget(again)
    again.saved.setCurrentText("acme")
    assert again.source.text() == "acme-agent" and again.flags["input_includes_cache"].isChecked()
