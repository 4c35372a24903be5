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
        # The tools with a log folder to look in, as the dashboard's line counts them (an
        # export-only source such as Cursor's has none: it is imported, never found).
        return said.format(n=sum(1 for s in statuses if s.roots))

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


def _looked_in(s: SourceStatus, home: Path, expanded: bool, other: bool = False) -> str:
    """The folders looked in and not found: named when there are a few, else how many, with
    "show" to list them (a VS Code-family tool has ~15 editor folders). "" when none."""
    missing = [r for r in s.roots if r not in s.found]
    if not missing:
        return ""
    if len(missing) <= SHOWN_FOLDERS:
        return join_words([f"<code>{escape(tilde(r, home))}</code>" for r in missing], tr("or"))
    name = escape(s.name, quote=True)
    places = plural(len(missing), tr("other place") if other else tr("place"))
    if not expanded:
        return f'{places} — <a href="show:{name}">{tr("show")}</a>'
    rows = "".join(f"<li><code>{escape(tilde(r, home))}</code></li>" for r in missing)
    return f'{places} — <a href="hide:{name}">{tr("hide")}</a><ul>{rows}</ul>'


def in_use(s: SourceStatus) -> bool:
    """Found here, or with something read or to say (its folder may be gone since)."""
    return bool(s.found or s.files or s.events or s.last_import_ms or s.skipped_lines or s.errors)


def _tool_html(s: SourceStatus, home: Path, expanded: bool) -> str:
    """A tool in use: its folders found and looked in, what was read, skipped and why."""
    state = tr("on") if s.enabled else tr("off ({setting})").format(setting=f"sources.{escape(s.name)}.enabled")
    html = [f"<h3>{escape(s.label)} — {state}</h3><ul>"]
    html.extend(f"<li>{tr('found:')} <code>{escape(tilde(r, home))}</code></li>" for r in s.found)
    if not s.roots:  # read only from files handed in (exports) or sent (OTLP)
        html.append(tr("<li>No log folder: import its files (File ▸ Import usage export…) or send OTLP</li>"))
    if looked := _looked_in(s, home, expanded, other=bool(s.found)):
        html.append("<li>" + tr("Not found in {folders}").format(folders=looked) + "</li>")
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
    return "".join(html)


def sources_html(statuses: Sequence[SourceStatus], home: Path, expanded: Collection[str], data_folder: str) -> str:
    """The Sources page: each tool in use with its folders and what was read; then one line per
    tool not found yet (where it was looked for), and one for the tools turned off."""
    html = [f"<h2>{tr('Sources')}</h2>"]
    html.extend(_tool_html(s, home, s.name in expanded) for s in statuses if in_use(s))
    waiting = [s for s in statuses if s.enabled and not in_use(s)]
    if waiting:
        html.append(f"<h3>{tr('Not found yet')}</h3>")
        if not any(in_use(s) for s in statuses):
            hint = tr(
                "Use one of these tools once (or add its log folder in Settings ▸ Sources) and its usage shows here."
            )
            html.append(f"<p>{hint}</p>")
        html.append("<ul>")
        for s in waiting:
            looked = _looked_in(s, home, s.name in expanded)
            where = (
                tr("looked in {folders}").format(folders=looked)
                if looked
                else tr("no log folder: import its files (File ▸ Import usage export…) or send OTLP")
            )
            html.append(f"<li><b>{escape(s.label)}</b> — {where}</li>")
        html.append("</ul>")
    off = [s for s in statuses if not s.enabled and not in_use(s)]
    if off:
        names = join_words([escape(s.label) for s in off])
        html.append(f"<h3>{tr('Turned off')}</h3><p>{names} ({tr('Settings ▸ Sources')})</p>")
    folder = f"<code>{escape(data_folder)}</code>"
    html.append("<p>" + tr("Data folder: {folder}").format(folder=folder) + f"<br>{tr(STORED_NOTE)}</p>")
    return "".join(html)
