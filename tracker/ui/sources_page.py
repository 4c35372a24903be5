"""Where each tool's logs were looked for and found, and how reading them went."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from tracker.services.context import Context
from tracker.services.sources_status import SourceStatus, folder_statuses, source_statuses
from tracker.store.store import Store
from tracker.ui.dashboard_page import STORED_NOTE
from tracker.ui.empty_states import SHOWN_FOLDERS, join_words, no_logs_sentence, tilde
from tracker.ui.formatting import plural, time_text
from tracker.ui.i18n import tr
from tracker.ui.read_worker import InlineReads, Reads, ReadSide

FEW = 3  # up to this many tools (and their folders) fit in one status line


class SourcesPage(QWidget):
    def __init__(self, ctx: Context, read: Callable[[], Store], reads: Reads | None = None) -> None:
        super().__init__()
        self.ctx, self.read = ctx, read
        self.reads: Reads = reads if reads is not None else InlineReads(ReadSide(read))
        self.statuses: list[SourceStatus] = []
        self.expanded: set[str] = set()  # tools whose folders looked in are listed ("show")
        self.view = QTextBrowser()
        self.view.setOpenExternalLinks(False)
        self.view.setOpenLinks(False)  # "show"/"hide" redraw the page; they go nowhere
        self.view.anchorClicked.connect(self._link)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)

    def folders(self) -> list[SourceStatus]:
        """Each enabled tool's folders and which exist, without the store (the file counts stay
        0): all an empty dashboard's message needs, and cheap on the GUI thread with a large
        store, where counting each tool's records is not."""
        return folder_statuses(self.ctx)

    def found_any(self) -> bool:
        return any(s.found for s in self.folders())

    def empty_message(self) -> str:
        """What to tell a user whose dashboard is empty, only when no tool's logs were found at
        all (usage outside the period is not a missing source): the tools and folders by name
        when a few are on, else how many tools were looked for."""
        statuses = self.folders()
        if not statuses or any(s.found for s in statuses):
            return ""
        if len(statuses) <= FEW:
            return no_logs_sentence(statuses, self.ctx.home)
        said = tr("no logs of the {n} supported tools found yet; the Sources page shows where Tokenworth looked")
        return said.format(n=len(statuses))

    def refresh(self) -> None:
        """Count each tool's files and records on the read thread; draw them when they come back."""
        ctx = self.ctx
        self.reads.run_read("sources", lambda side: source_statuses(ctx, side.store), self._show)

    def _show(self, statuses: list[SourceStatus]) -> None:
        self.statuses = statuses
        self.draw()

    def draw(self) -> None:
        """Draw the last statuses read (no read here), keeping where the user had scrolled to."""
        bar = self.view.verticalScrollBar()
        at = bar.value()
        self.view.setHtml(sources_html(self.statuses, self.ctx.home, self.expanded, str(self.ctx.paths.root)))
        bar.setValue(at)

    def _link(self, url: QUrl) -> None:
        """ "show" / "hide" on a tool's folders looked in: drawn again from what was read."""
        name = url.path()
        if url.scheme() == "show":
            self.expanded.add(name)
        elif url.scheme() == "hide":
            self.expanded.discard(name)
        self.draw()


def _looked_in(s: SourceStatus, home: Path, expanded: bool) -> str:
    """The folders looked in and not found: named when there are a few, else one line that
    says how many, with "show" to list them (the VS Code family has ~15 editor folders)."""
    missing = [r for r in s.roots if r not in s.found]
    if not missing:
        return ""
    name = escape(s.name, quote=True)
    places = plural(len(missing), tr("place"))
    if len(missing) <= SHOWN_FOLDERS:
        looked = join_words([f"<code>{escape(tilde(r, home))}</code>" for r in missing], tr("or"))
        said = tr("Also looked in {folders}, not found") if s.found else tr("No logs found yet (looked in {folders})")
        return "<li>" + said.format(folders=looked) + "</li>"
    head = (
        tr("No logs found yet — looked in {places}").format(places=places)
        if not s.found
        else tr("Also looked in {places}, not found").format(places=places)
    )
    if not expanded:
        return f'<li>{head} — <a href="show:{name}">{tr("show")}</a></li>'
    rows = "".join(f"<li><code>{escape(tilde(r, home))}</code></li>" for r in missing)
    return f'<li>{head} — <a href="hide:{name}">{tr("hide")}</a><ul>{rows}</ul></li>'


def sources_html(statuses: Sequence[SourceStatus], home: Path, expanded: Collection[str], data_folder: str) -> str:
    """The Sources page: per tool, the folders found, the ones looked in (collapsed to a line
    when many), the files and records read, what was skipped and why."""
    html = [f"<h2>{tr('Sources')}</h2>"]
    for s in statuses:
        state = tr("on") if s.enabled else tr("off ({setting})").format(setting=f"sources.{escape(s.name)}.enabled")
        html.append(f"<h3>{escape(s.label)} — {state}</h3><ul>")
        html.extend(f"<li>{tr('found:')} <code>{escape(tilde(r, home))}</code></li>" for r in s.found)
        if not s.roots:  # read only from files handed in (exports) or sent (OTLP)
            html.append(tr("<li>No log folder: import its files (File ▸ Import usage export…) or send OTLP</li>"))
        html.append(_looked_in(s, home, s.name in expanded))
        last = (
            time_text(datetime.fromtimestamp(s.last_import_ms / 1000, UTC).astimezone())
            if s.last_import_ms
            else tr("never")
        )
        counts = f"{plural(s.files, tr('file'))}, {plural(s.events, tr('usage record'))}"
        html.append("<li>" + tr("{counts}, last import {last}").format(counts=counts, last=last) + "</li>")
        if s.skipped_lines:
            html.append(f"<li>{s.skipped_lines:,} unusable lines skipped; the first ones:<ul>")
            html.extend(f"<li><code>{escape(p)}:{n}</code>: {escape(r)}</li>" for p, n, r in s.skipped_first)
            html.append("</ul></li>")
        html.extend(f"<li>ignored: {escape(w)} ({n:,})</li>" for w, n in s.ignored.items())
        html.extend(f"<li>error: {escape(e)}</li>" for e in s.errors[:10])
        html.append("</ul>")
    folder = f"<code>{escape(data_folder)}</code>"
    html.append("<p>" + tr("Data folder: {folder}").format(folder=folder) + f"<br>{tr(STORED_NOTE)}</p>")
    return "".join(html)
