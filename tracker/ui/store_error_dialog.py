"""When the database cannot be opened: say which file, why, where the log is, and what to do.

The logs of the AI tools are the source of truth, so moving a damaged or newer database aside and
starting afresh loses no usage: the next import reads it all again.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from tracker.core.errors import StoreError
from tracker.services.context import Context
from tracker.ui.i18n import tr

log = logging.getLogger(__name__)

# StoreError is what the store raises; the others are what opening raised before it did.
OPEN_ERRORS = (StoreError, sqlite3.DatabaseError, RuntimeError, OSError)
MOVE_ASIDE = "Move it aside and rebuild from the logs"  # the button's source text (shown through tr())

Ask = Callable[[Path, str, Path | None], bool]  # database, cause, log → move aside?


def describe(exc: BaseException) -> str:
    """The cause in one sentence a user can act on."""
    if isinstance(exc, StoreError):
        text = str(exc)
    elif isinstance(exc, sqlite3.DatabaseError):
        message = str(exc)
        if "not a database" in message:
            text = tr("The file is not a database Tokenworth can read (SQLite: {message})").format(message=message)
        elif "malformed" in message:
            text = tr("The file is damaged, perhaps cut short (SQLite: {message})").format(message=message)
        else:
            text = tr("SQLite refused it: {message}").format(message=message)
    elif isinstance(exc, OSError):
        text = tr("The data folder cannot be used: {reason}").format(reason=exc.strerror or exc)
        text += f" ({exc.filename})" if exc.filename else ""
    else:
        text = str(exc)
    text = text.strip() or type(exc).__name__
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def move_aside(database: Path, now: datetime) -> Path:
    """Rename the database (with its -wal and -shm, which belong to it) to ``*.broken-<time>``."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = database.with_name(f"{database.name}.broken-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = database.with_name(f"{database.name}.broken-{stamp}-{n}")
    database.rename(target)
    for suffix in ("-wal", "-shm"):
        side = database.with_name(database.name + suffix)
        if side.exists():  # a stale WAL next to a fresh database would be replayed into it
            side.rename(target.with_name(target.name + suffix))
    return target


class StoreErrorDialog(QMessageBox):
    def __init__(self, database: Path, cause: str, log_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(tr("Tokenworth cannot open its database"))
        self.setText(tr("Tokenworth cannot open its database:") + f"\n{database}")
        where = (
            tr("Details are in the log file:\n{path}").format(path=log_path)
            if log_path
            else tr("No log file could be written.")
        )
        self.setInformativeText(
            f"{cause}\n\n"
            + tr(
                "Usage is read from your AI tools' logs, so moving the file aside and starting "
                "afresh loses none of it: Tokenworth reads the logs again. Tasks you typed in by hand stay "
                "in the moved file."
            )
            + f"\n\n{where}"
        )
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.move_button = self.addButton(tr(MOVE_ASIDE), QMessageBox.ButtonRole.AcceptRole)
        self.quit_button = self.addButton(tr("Quit"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.quit_button)  # Enter never renames a file by accident
        self.setEscapeButton(self.quit_button)


def ask_with_dialog(database: Path, cause: str, log_path: Path | None) -> bool:
    dialog = StoreErrorDialog(database, cause, log_path)
    dialog.exec()
    return dialog.clickedButton() is dialog.move_button


def open_store(ctx: Context, log_path: Path | None, ask: Ask = ask_with_dialog) -> bool:
    """Open (and migrate) the store once before any window exists; True when it opened.

    On failure the user chooses: move the file aside and try again on a fresh one, or quit.
    """
    note = ""
    while True:
        try:
            ctx.connect().close()
            return True
        except OPEN_ERRORS as exc:
            log.exception("cannot open the database %s", ctx.paths.database)
            if not ask(ctx.paths.database, describe(exc) + note, log_path):
                return False
        try:
            moved = move_aside(ctx.paths.database, datetime.now(UTC))
            log.info("moved the database aside to %s; starting afresh", moved)
            note = ""
        except OSError as exc:
            log.exception("could not move %s aside", ctx.paths.database)
            note = tr(" Moving it aside failed too: {reason}.").format(reason=exc.strerror or exc)
