"""What an empty dashboard says, and the actions it offers (Add folder…, What is read?)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from tracker.core.settings_schema import source_extra_paths
from tracker.services.context import Context
from tracker.services.dashboard import latest_usage_period
from tracker.services.sources_status import SourceStatus, source_statuses
from tracker.sources.registry import SOURCES
from tracker.store.store import Store
from tracker.ui.i18n import tr


def join_words(items: Sequence[str], last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def tilde(path: str, home: Path) -> str:
    """``~/.claude/projects`` rather than the full home path."""
    h = str(home)
    return "~" + path[len(h) :] if path == h or path.startswith(h + "/") else path


def missing(statuses: Sequence[SourceStatus]) -> list[SourceStatus]:
    return [s for s in statuses if s.enabled and not s.found]


def no_logs_sentence(statuses: Sequence[SourceStatus], home: Path) -> str:
    """``no Claude Code or Codex CLI logs found (looked in ~/.claude/projects and ~/.codex/sessions)``;
    empty when every enabled source was found. Lower case: the caller starts the sentence."""
    lost = missing(statuses)
    if not lost:
        return ""
    roots = [tilde(r, home) for s in lost for r in s.roots]
    return tr("no {tools} logs found (looked in {folders})").format(
        tools=join_words([s.label for s in lost], tr("or")), folders=join_words(roots, tr("and"))
    )


def no_logs_html(statuses: Sequence[SourceStatus], home: Path) -> str:
    enabled = [s for s in statuses if s.enabled]
    if not enabled:
        return tr("<b>Every source is turned off.</b><br>Turn one on in Settings ▸ Sources to start counting.")
    rows = "".join(f"<li>{escape(s.label)}: {escape(_where(s.roots, home))}</li>" for s in enabled)
    return tr(
        "<b>No AI tool logs found yet.</b><br>Tokenworth reads the usage logs your AI coding tools write "
        "(token counts only, never prompts or code). It looked in:<ul>{rows}</ul>"
        "If your tool keeps its logs elsewhere, add that folder. Use a tool once and its usage appears here."
    ).format(rows=rows)


SHOWN_FOLDERS = 2  # a VS Code-family tool has ~15 editor folders: the rest are on the Sources page


def _where(roots: Sequence[str], home: Path) -> str:
    """The first folders a tool is looked for in, and how many more (listed on Sources)."""
    if not roots:  # read only from files handed in (Cursor's usage export)
        return tr("no folder: import its usage export (File ▸ Import usage export…)")
    shown = [tilde(r, home) for r in roots[:SHOWN_FOLDERS]]
    more = len(roots) - len(shown)
    return join_words(shown, tr("or")) + (tr(" and {n} more (see Sources)").format(n=more) if more > 0 else "")


def period_empty_html(since: date, until: date) -> str:
    span = (
        tr("on {day}").format(day=f"{since:%a %d %b %Y}")
        if since == until
        else tr("from {since} to {until}").format(since=f"{since:%d %b}", until=f"{until:%d %b %Y}")
    )
    return tr(
        "<b>No usage {span}.</b><br>Pick a longer period above, or click a shaded day in the calendar "
        "below to see that day."
    ).format(span=span)


@dataclass(frozen=True)
class EmptyFacts:
    """What an empty period's placeholder says, read on the read thread with the redraw (the
    GUI thread only draws it: reading per tool there stalled switching periods by ~300 ms)."""

    latest: tuple[date, date] | None  # a period as long as the one shown, ending on the latest usage
    statuses: list[SourceStatus] = field(default_factory=list)  # where logs were looked for


def empty_facts(ctx: Context, store: Store, timezone: str, since: date, until: date) -> EmptyFacts:
    """The latest usage; where logs were looked for only when nothing is stored (then every
    per-tool count is of an empty store, and cheap)."""
    latest = latest_usage_period(store, timezone, (until - since).days + 1)
    return EmptyFacts(latest, [] if latest is not None else source_statuses(ctx, store))


class EmptyActions(QObject):
    """The empty state's buttons: add a folder for a tool, or show what is read."""

    added = Signal()
    sources = Signal()

    def __init__(self, parent: QWidget, ctx: Context) -> None:
        super().__init__(parent)
        self.widget, self.ctx = parent, ctx

    def enabled_tools(self) -> dict[str, str]:
        """Label → source id of every enabled tool (settings only: no store read)."""
        config = self.ctx.source_config()
        return {spec.label: name for name, spec in SOURCES.items() if config.is_enabled(name)}

    def buttons(self) -> list[tuple[str, Callable[[], object]]]:
        return [(tr("Add folder…"), self.add_folder), (tr("What is read?"), self.sources.emit)]

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.widget, tr("Choose the folder with your AI tool's logs"),
                                                  str(self.ctx.home))  # fmt: skip
        if not folder:
            return
        tools = self.enabled_tools()
        question = tr("Which tool's logs are in {folder}?").format(folder=folder)
        label, ok = QInputDialog.getItem(self.widget, tr("Add folder"), question, list(tools), 0, False)
        if ok and label:
            self.add_folder_for(tools[label], folder)

    def add_folder_for(self, source: str, folder: str) -> None:
        """Remember ``folder`` as one more place for ``source``'s logs, then import again."""
        setting = source_extra_paths(source)
        current: tuple[str, ...] = self.ctx.settings.value(setting)
        if folder not in current:
            self.ctx.settings.put(setting, (*current, folder))
        self.added.emit()
