"""The session picker shows how sure each automatic link or suggestion is, suggestions first."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tracker.analytics.usage_rollup import UsageRow
from tracker.services.tasks import TaskRow
from tracker.ui.link_dialog import LinkSessionsDialog


def row(session_id: str) -> UsageRow:
    return UsageRow(session_id, source="claude-code", session_id=session_id)


def test_suggestions_come_first_with_their_confidence(qtbot) -> None:
    task = TaskRow(1, "Speed up search", "done", 0, "linear", "ENG-42", "feature", "", None, [], "", "",
                   sessions=[("claude-code", "auto")])  # fmt: skip
    hints = {("claude-code", "weak"): ("suggested", 0.4), ("claude-code", "strong"): ("suggested", 0.6),
             ("claude-code", "auto"): ("automatic", 0.92)}  # fmt: skip
    dialog = LinkSessionsDialog(task, [(row("auto"), "/src/api"), (row("other"), "/src/api"), (row("weak"), "/x"),
                                       (row("strong"), "/x")], None, hints)  # fmt: skip
    qtbot.addWidget(dialog)
    assert [k for _, k in dialog.keys] == ["strong", "weak", "auto", "other"]  # suggested, linked, the rest
    texts = [dialog.list.item(i).text() for i in range(4)]
    assert texts[0].endswith("suggested 60%") and texts[2].endswith("automatic 92%")
    assert dialog.list.item(2).checkState() == Qt.CheckState.Checked
    assert dialog.list.item(0).checkState() == Qt.CheckState.Unchecked  # suggested, not linked
    assert " · /x · " in dialog.list.item(1).text()  # the full path, shown
    assert dialog.list.item(1).toolTip().startswith("/x\n")
    dialog.search.setText("src/api")
    assert [dialog.list.item(i).isHidden() for i in range(4)] == [True, True, False, False]
