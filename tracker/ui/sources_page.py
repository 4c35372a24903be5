"""Where each tool's logs were looked for and found, and how reading them went."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from tracker.services.context import Context
from tracker.services.sources_status import source_statuses
from tracker.store.store import Store
from tracker.ui.dashboard_page import STORED_NOTE
from tracker.ui.empty_states import join_words, no_logs_sentence
from tracker.ui.formatting import plural

FEW = 3  # up to this many tools (and their folders) fit in one status line


class SourcesPage(QWidget):
    def __init__(self, ctx: Context, read: Callable[[], Store]) -> None:
        super().__init__()
        self.ctx, self.read = ctx, read
        self.view = QTextBrowser()
        self.view.setOpenExternalLinks(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)

    def found_any(self) -> bool:
        return any(s.found for s in source_statuses(self.ctx, self.read()))

    def empty_message(self) -> str:
        """What to tell a user whose dashboard is empty, only when no tool's logs were found at
        all (usage outside the period is not a missing source): the tools and folders by name
        when a few are on, else how many tools were looked for."""
        statuses = [s for s in source_statuses(self.ctx, self.read()) if s.enabled]
        if not statuses or any(s.found for s in statuses):
            return ""
        if len(statuses) <= FEW:
            return no_logs_sentence(statuses, self.ctx.home)
        return (
            f"no logs of the {len(statuses)} supported tools found yet; the Sources page shows where Tokenworth looked"
        )

    def refresh(self) -> None:
        html = ["<h2>Sources</h2>"]
        for s in source_statuses(self.ctx, self.read()):
            state = "on" if s.enabled else f"off (sources.{escape(s.name)}.enabled)"
            html.append(f"<h3>{escape(s.label)} — {state}</h3><ul>")
            if s.found:
                html.extend(f"<li>found: <code>{escape(r)}</code></li>" for r in s.found)
            elif not s.roots:  # read only from files handed in (Cursor's usage export)
                html.append("<li>No log folder: import its usage export (File ▸ Import usage export…)</li>")
            else:
                looked = join_words([f"<code>{escape(r)}</code>" for r in s.roots], "or")
                html.append(f"<li>No logs found yet (looked in {looked})</li>")
            last = (
                datetime.fromtimestamp(s.last_import_ms / 1000, UTC).astimezone().strftime("%Y-%m-%d %H:%M")
                if s.last_import_ms
                else "never"
            )
            html.append(f"<li>{plural(s.files, 'file')}, {plural(s.events, 'usage record')}, last import {last}</li>")
            if s.skipped_lines:
                html.append(f"<li>{s.skipped_lines:,} unusable lines skipped; the first ones:<ul>")
                html.extend(f"<li><code>{escape(p)}:{n}</code>: {escape(r)}</li>" for p, n, r in s.skipped_first)
                html.append("</ul></li>")
            html.extend(f"<li>ignored: {escape(w)} ({n:,})</li>" for w, n in s.ignored.items())
            html.extend(f"<li>error: {escape(e)}</li>" for e in s.errors[:10])
            html.append("</ul>")
        html.append(f"<p>Data folder: <code>{escape(str(self.ctx.paths.root))}</code><br>{STORED_NOTE}</p>")
        self.view.setHtml("".join(html))
