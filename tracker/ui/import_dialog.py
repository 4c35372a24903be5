"""Importing tasks from a tracker export; any other CSV through a column mapping with a
live preview, remembered by name for next time."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QWidget

from tracker.core.settings_schema import CSV_MAPPINGS
from tracker.core.tasks import MAPPABLE
from tracker.store.settings_file import SettingsFile
from tracker.ui.i18n import tr
from tracker.ui.mapping_form import PREVIEW_ROWS, MappingForm
from tracker.work.trackers import parse_csv, read_text


class CsvMappingDialog(MappingForm):
    def __init__(self, path: Path, settings: SettingsFile, parent: QWidget | None = None) -> None:
        self.text = read_text(path)
        header = next(csv.reader(io.StringIO(self.text)), [])
        columns = [h.strip() for h in header]
        super().__init__(tr("Import tasks from {name}").format(name=path.name), columns, settings, CSV_MAPPINGS, parent)

        def guess(name: str) -> str | None:
            return next((c for c in columns if c.lower().replace(" ", "_") in (name, name.split("_")[0])), None)

        self.add_fields(MAPPABLE, lambda name: tr(name.replace("_", " ").capitalize()), guess)
        heads = [tr("Title"), tr("Status"), tr("Completed"), tr("Id")]
        self.finish(heads, "<b>{}</b>".format(tr("Preview")), fit=(1, 2))

    def update_preview(self) -> None:
        result = parse_csv(self.text, "csv", self.mapping(), int(time.time() * 1000))

        def done(ms: int | None) -> str:
            return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d") if ms else ""

        self.show_rows([(t.title, tr("done") if t.done else tr("open"), done(t.completed_ms), t.external_id)
                        for t in result.tasks[:PREVIEW_ROWS]])  # fmt: skip
        self.say(tr("{n} tasks").format(n=len(result.tasks)), result.bad_rows)
        self.ok.setEnabled(bool(result.tasks))
