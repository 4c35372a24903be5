"""The Sources page names the folders found; the many candidate folders of a VS Code-family
tool fold into one line per tool ("looked in 16 places — show"), listed on "show"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl

from tracker.services.context import Context
from tracker.services.sources_status import folder_statuses
from tracker.ui.sources_page import SourcesPage

CLINE = ".config/Code/User/globalStorage/saoudrizwan.claude-dev"


def section(text: str, label: str) -> list[str]:
    """The lines under one tool's heading of the page's plain text."""
    lines = text.splitlines()
    start = lines.index(f"{label} — on") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].endswith(" — on")), len(lines))
    return [line.strip() for line in lines[start:end] if line.strip()]


def test_found_folders_are_shown_and_the_candidates_fold_into_a_line(qtbot, ctx: Context, home: Path) -> None:
    (home / CLINE).mkdir(parents=True)  # Cline in VS Code; not in any other editor flavour
    (home / ".claude" / "projects").mkdir(parents=True)
    roots = {s.name: s.roots for s in folder_statuses(ctx)}
    cline_others, roo = len(roots["cline"]) - 1, len(roots["roo"])
    assert cline_others >= 10 and roo >= 10  # every VS Code flavour is a candidate
    page = SourcesPage(ctx, ctx.reader)
    qtbot.addWidget(page)
    page.refresh()  # inline reads: drawn at once
    text = page.view.toPlainText()
    assert section(text, "Cline") == [
        f"found: ~/{CLINE}",
        f"Also looked in {cline_others} places, not found — show",
        "0 files, 0 usage records, last import never",
    ]
    assert section(text, "Roo Code")[0] == f"No logs found yet — looked in {roo} places — show"
    assert "rooveterinaryinc" not in text  # no candidate folder is listed until asked
    assert section(text, "Claude Code")[:2] == [  # a few candidates: named on the line
        "found: ~/.claude/projects",
        "Also looked in ~/.config/claude/projects, not found",
    ]
    assert (
        section(text, "Codex CLI")[0] == "No logs found yet (looked in ~/.codex/sessions or ~/.codex/archived_sessions)"
    )
    page.view.anchorClicked.emit(QUrl("show:roo"))  # "show": listed, drawn from what was read
    shown = section(page.view.toPlainText(), "Roo Code")
    assert shown[0] == f"No logs found yet — looked in {roo} places — hide"
    assert shown[1 : 1 + roo] == [r.replace(str(home), "~") for r in roots["roo"]]
    assert "saoudrizwan.claude-dev" not in " ".join(shown)
    page.view.anchorClicked.emit(QUrl("hide:roo"))
    assert page.view.toPlainText() == text
