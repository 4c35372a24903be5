"""Help ▸ What counts and Help ▸ Keyboard shortcuts: what the numbers mean, in one place."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from tracker.analytics.value_figures import DEFINITIONS
from tracker.ui.i18n import tr

# One line per card: shown by the card's "?" and repeated on the What counts page.
CARD_HELP = {
    "tokens": "Every token your AI tools reported in this period: input, output, cache writes and cache reads.",
    "cost": "What those tokens cost at list prices (or your overrides in Settings ▸ Pricing), per model.",
    "tasks": "Tasks you marked done in this period (logged here, imported from a tracker, or from git).",
    # The value figures' one definition each (analytics/value_figures.py), never a second wording.
    "linked": f"{DEFINITIONS['linked_share'][1]} {DEFINITIONS['not_linked'][1]}",
    "per_outcome": DEFINITIONS["cost_per_outcome"][1],
    "active": "Days with any AI use (a day counts once, however many requests it had).",
    "cache": "The share of prompt tokens served from the tools' prompt cache (cheaper than fresh input).",
}

WHAT_COUNTS_HTML = f"""
<h2>What counts</h2>
<h3>What is read</h3>
<p>Tokenworth reads the usage logs your AI coding tools already write on this computer (for example
Claude Code's <code>~/.claude/projects</code> and Codex CLI's <code>~/.codex/sessions</code>; the
Sources page lists every place it looks). From each logged request it keeps the tool, model, time,
session, project folder, git branch and the token counts.
<b>It never stores prompts, replies or code</b>, and nothing leaves this computer.</p>
<h3>A request</h3>
<p>One call from the tool to the model, as the tool logged it: one line of token counts. A session
is the run of requests one tool made in one conversation.</p>
<h3>An active day</h3>
<p>{CARD_HELP["active"]} Days are local days in the time zone shown at the top right.</p>
<h3>How cache tokens are priced</h3>
<p>Tools resend the conversation with every request; the provider serves the unchanged part from a
prompt cache. <i>Cache reads</i> are priced at the model's cache-read rate (usually a tenth of the
input rate), <i>cache writes</i> at its cache-write rate; input and output at theirs. Prices come
from the bundled price catalogue unless you override them in Settings. Models without a known price
are counted in tokens and marked "unpriced" — their cost is never guessed.</p>
<h3>What "linked" means</h3>
<p>A session is <i>linked</i> when it is attached to a task: by you, or because it ran in the task's
repository and branch while the task was open. Linked tokens are the AI use that served a piece of
work; unlinked tokens are still counted in every total.</p>
<h3>The cards</h3>
<ul>
<li><b>Tokens</b>: {CARD_HELP["tokens"]}</li>
<li><b>Cost</b>: {CARD_HELP["cost"]}</li>
<li><b>Tasks completed</b>: {CARD_HELP["tasks"]}</li>
<li><b>Linked to outcomes</b>: {CARD_HELP["linked"]}</li>
<li><b>Cost per outcome</b>: {CARD_HELP["per_outcome"]}</li>
<li><b>Active days</b>: {CARD_HELP["active"]}</li>
<li><b>Prompt served from cache</b>: {CARD_HELP["cache"]}</li>
</ul>
<p>Each card compares with the previous period of the same length (▲ more, ▼ less).</p>
<h3>The value figures</h3>
<ul>{"".join(f"<li><b>{escape(label)}</b>: {escape(text)}</li>" for label, text in DEFINITIONS.values())}</ul>
"""


class HelpDialog(QDialog):
    """A non-modal page of rich text (it can stay open beside the dashboard)."""

    def __init__(self, title: str, html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumSize(560, 480)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setHtml(html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def what_counts(parent: QWidget | None = None) -> HelpDialog:
    return HelpDialog(tr("What counts — Tokenworth"), tr(WHAT_COUNTS_HTML), parent)


def shortcuts_html(rows: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>" for keys, what in rows)
    return f"<h2>{tr('Keyboard shortcuts')}</h2><table cellpadding='4'>{body}</table>"


def keyboard_shortcuts(rows: Sequence[tuple[str, str]], parent: QWidget | None = None) -> HelpDialog:
    return HelpDialog(tr("Keyboard shortcuts — Tokenworth"), shortcuts_html(rows), parent)
