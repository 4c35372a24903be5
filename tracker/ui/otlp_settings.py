"""The OpenTelemetry tab's read-only text: the exact lines each tool needs to send its usage
to the receiver (the same as ``tokenworth receive --print-env``)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from tracker.core.errors import TokenworthError
from tracker.core.paths import DataPaths
from tracker.core.settings_schema import OTLP_PORT
from tracker.store.settings_file import SettingsFile
from tracker.ui.i18n import tr


def setup_text(settings: SettingsFile, data_dir: Path) -> str:
    from tracker.services.otlp_receiver import HOST, receiver_token
    from tracker.sources.otlp.local_logs import local_log_sources
    from tracker.sources.otlp.setup_env import env_text

    token = receiver_token(DataPaths(data_dir))
    endpoint = f"http://{HOST}:{settings.value(OTLP_PORT)}"
    return env_text(None, endpoint, token, local_log_sources(Path.home(), dict(os.environ)))


class OtlpSetupText(QWidget):
    """What to set in each tool, selectable and copyable, never editable."""

    def __init__(self, settings: SettingsFile, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = QLabel(
            tr(
                "Set these in the environment of each tool you want counted (or in its settings file), "
                "then restart the tool. The receiver runs while Tokenworth runs, when turned on above."
            )
        )
        intro.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName(tr("Environment variables for each tool"))
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        try:
            self.text.setPlainText(setup_text(settings, data_dir))
        except (OSError, TokenworthError) as exc:  # the data folder cannot be written: no token to show
            message = tr("The receiver's token cannot be made in {folder}: {reason}").format(
                folder=data_dir, reason=exc
            )
            self.text.setPlainText(f"# {message}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.text)
