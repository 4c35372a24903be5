"""The Sources page: each tool in use with the folders found; the tools not found yet one line
each, where the many candidate folders of a VS Code-family tool fold into "looked in 16
places — show" (listed on "show"); the tools turned off on one line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl

from tracker.core.settings_schema import source_enabled
from tracker.services.context import Context
from tracker.services.sources_status import folder_statuses
from tracker.ui.sources_page import SourcesPage

CLINE = ".config/Code/User/globalStorage/saoudrizwan.claude-dev"


def lines(page: SourcesPage) -> list[str]:
    return [line.strip() for line in page.view.toPlainText().splitlines() if line.strip()]


def test_found_folders_are_shown_and_the_candidates_fold_into_a_line(qtbot, ctx: Context, home: Path) -> None:
    (home / CLINE).mkdir(parents=True)  # Cline in VS Code; not in any other editor flavour
    (home / ".claude" / "projects").mkdir(parents=True)
    ctx.settings.put(source_enabled("goose"), False)
    roots = {s.name: s.roots for s in folder_statuses(ctx)}
    cline_others, roo = len(roots["cline"]) - 1, len(roots["roo"])
    assert cline_others >= 10 and roo >= 10  # every VS Code flavour is a candidate
    page = SourcesPage(ctx, ctx.reader)
    qtbot.addWidget(page)
    page.refresh()  # inline reads: drawn at once
    text = lines(page)
    assert text[:9] == [
        "Sources",
        "Claude Code — on",
        "found: ~/.claude/projects",
        "Not found in ~/.config/claude/projects",  # a few candidates: named
        "0 files, 0 usage records, last import never",
        "Cline — on",
        f"found: ~/{CLINE}",
        f"Not found in {cline_others} other places — show",
        "0 files, 0 usage records, last import never",
    ]
    waiting = text[text.index("Not found yet") + 1 : text.index("Turned off")]
    assert waiting[0] == "Codex CLI — looked in ~/.codex/sessions or ~/.codex/archived_sessions"
    assert f"Roo Code — looked in {roo} places — show" in waiting
    assert "Cursor — no log folder: import its files (File ▸ Import usage export…) or send OTLP" in waiting
    assert len(waiting) == len(roots) - 2  # one line each: every enabled tool but the two found
    assert text[text.index("Turned off") + 1] == "Goose (Settings ▸ Sources)"
    assert "rooveterinaryinc" not in page.view.toPlainText()  # no candidate is listed until asked
    before = page.view.toPlainText()
    page.view.anchorClicked.emit(QUrl("show:roo"))  # "show": listed, drawn from what was read
    shown = lines(page)
    at = shown.index(f"Roo Code — looked in {roo} places — hide")
    assert shown[at + 1 : at + 1 + roo] == [r.replace(str(home), "~") for r in roots["roo"]]
    page.view.anchorClicked.emit(QUrl("hide:roo"))
    assert page.view.toPlainText() == before
