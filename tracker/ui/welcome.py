"""The first-run welcome: what is read and where (and what never is), what counts, and three
first steps. Shown once; Help ▸ Welcome opens it again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tracker.services.sources_status import SourceStatus
from tracker.ui.empty_states import join_words, tilde
from tracker.ui.i18n import tr

SHOWN_KEY = "welcome/shown"
PRIVACY = (
    "Only token counts and their context are stored — tool, model, time, session, project folder "
    "and branch. <b>Never prompts, replies or code</b>, and nothing leaves this computer."
)


SOURCES_LINK = '<a href="sources">{text}</a>'  # opens the Sources page (the welcome closes)


def sources_html(statuses: Sequence[SourceStatus], home: Path) -> str:
    """The tools found, with the folders they were found in; the others named on one line
    (their many candidate folders are on the Sources page, not here)."""
    enabled = [s for s in statuses if s.enabled]
    if not enabled:
        return f"<p>{tr('Every source is turned off; turn one on in Settings ▸ Sources.')}</p>"
    found = [s for s in enabled if s.found]
    rows = "".join(
        f"<li><b>{escape(s.label)}</b> — {escape(join_words([tilde(r, home) for r in s.found]))}</li>" for s in found
    )
    others = [s.label for s in enabled if not s.found and s.roots]  # not exports/OTLP-only tools
    where = SOURCES_LINK.format(text=tr("the Sources page"))
    if not found:
        said = tr("No logs found yet of {tools}; {sources} shows where Tokenworth looked. Use one of them "
                  "once and its usage appears.")  # fmt: skip
        return "<p>" + said.format(tools=escape(join_words(others, tr("or"))), sources=where) + "</p>"
    html = f"<ul>{rows}</ul>"
    if others:
        said = tr("Also looked for, not found: {tools} ({sources} shows where).")
        html += "<p>" + said.format(tools=escape(join_words(others)), sources=where) + "</p>"
    return html


class WelcomeDialog(QDialog):
    """Emits one of the three first steps; the window carries it out."""

    log_task = Signal()
    import_tickets = Signal()
    set_budget = Signal()
    what_counts = Signal()
    show_sources = Signal()  # "the Sources page": where each tool was looked for

    def __init__(self, statuses: Sequence[SourceStatus], home: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Welcome to Tokenworth"))
        self.setMinimumWidth(560)
        text = QLabel(
            tr(
                "<h2>What your AI tokens were worth</h2>"
                "<p>Tokenworth reads the usage logs your AI coding tools already write on this computer, "
                "prices the tokens, and sets them against the work they served.</p>"
                "<h3>What is read, and where</h3>"
            )
            + f"{sources_html(statuses, home)}<p>{tr(PRIVACY)}</p>"
            + tr(
                "<h3>What counts</h3><p>A <i>request</i> is one call to a model; an <i>active day</i> a day "
                "with any use; cache reads are priced at the model's (cheaper) cache rate. A session is "
                "<i>linked</i> when it served a task you logged or imported. Help ▸ What counts has the rest.</p>"
                "<h3>Three first steps</h3>"
            )
        )
        text.setWordWrap(True)
        text.setTextFormat(text.textFormat().RichText)
        text.linkActivated.connect(lambda _link: self._then(self.show_sources.emit)())
        self.buttons: dict[str, QPushButton] = {}
        steps = QHBoxLayout()
        for key, label, signal in (
            ("log", tr("Log your first task…"), self.log_task),
            ("import", tr("Import tickets…"), self.import_tickets),
            ("budget", tr("Set a budget…"), self.set_budget),
        ):
            button = QPushButton(label)
            button.clicked.connect(self._then(signal.emit))
            steps.addWidget(button)
            self.buttons[key] = button
        more = QPushButton(tr("What counts"))
        more.clicked.connect(self.what_counts.emit)
        close = QPushButton(tr("Start"))
        close.setDefault(True)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(more)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(steps)
        layout.addSpacing(8)
        layout.addLayout(bottom)

    def _then(self, step: Callable[[], object]) -> Callable[[], None]:
        """Close the welcome first, so the step's own dialog is not stacked on it."""

        def run() -> None:
            self.accept()
            step()

        return run


def first_run(state: QSettings) -> bool:
    """True once: the welcome marks itself shown when asked."""
    if state.value(SHOWN_KEY, False) in (True, "true"):
        return False
    state.setValue(SHOWN_KEY, True)
    state.sync()
    return True
