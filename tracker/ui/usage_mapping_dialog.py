"""Map the fields of a usage file Tokenworth has no reader for, with a live preview of what
would be stored; remembered by name (``sources.usage_mappings``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from tracker.core.settings_schema import USAGE_MAPPINGS
from tracker.sources.exports.mapped import FIELDS, FLAGS, MappingError, check_source, columns, read_mapped
from tracker.store.settings_file import SettingsFile
from tracker.ui.formatting import tokens
from tracker.ui.i18n import tr
from tracker.ui.mapping_form import NONE, PREVIEW_ROWS, MappingForm

__all__ = ["NONE", "UsageMappingDialog"]  # NONE: the pickers' "no column", as the tests set it

LABELS = {
    "timestamp": "Time *",
    "cost_usd": "Cost (USD)",
    "request_id": "Request id",
    "cache_creation_tokens": "Cache writes",
}
FLAG_LABELS = {
    "input_includes_cache": "Input counts include cached tokens (OpenAI-style APIs)",
    "reasoning_separate": "Reasoning is counted apart from output",
}
# A column whose name looks like the field is chosen for it to start with.
GUESSES = {
    "timestamp": ("timestamp", "time", "date", "created_at", "ts"),
    "model": ("model", "model_name"),
    "input_tokens": ("input_tokens", "prompt_tokens", "input"),
    "output_tokens": ("output_tokens", "completion_tokens", "output"),
    "cache_creation_tokens": ("cache_creation_tokens", "cache_write_tokens"),
    "cache_read_tokens": ("cache_read_tokens", "cached_tokens"),
    "reasoning_tokens": ("reasoning_tokens",),
    "session": ("session", "session_id", "conversation_id", "run_id"),
    "project": ("project", "repo", "workspace"),
    "cost_usd": ("cost", "cost_usd", "price"),
    "request_id": ("request_id", "id", "response_id"),
}
HEADS = ("Time", "Model", "Input", "Output", "Cache writes", "Cache reads", "Total")


class UsageMappingDialog(MappingForm):
    def __init__(
        self, path: Path, text: str, settings: SettingsFile, log_sources: frozenset[str], parent: QWidget | None = None
    ) -> None:
        self.path, self.text, self.log_sources = path, text, log_sources
        found = columns(path, text)
        super().__init__(tr("Map the fields of {name}").format(name=path.name), found, settings, USAGE_MAPPINGS, parent)
        self.source = QLineEdit()
        self.source.setPlaceholderText(tr("the tool's id, e.g. acme-agent"))
        self.source.textChanged.connect(self.update_preview)
        self.form.addRow(tr("Tool (source id)"), self.source)
        lower = {c.lower().rsplit(".", 1)[-1]: c for c in found}  # a key path's last part
        self.add_fields(
            FIELDS,
            lambda name: tr(LABELS.get(name, name.replace("_", " ").capitalize())),
            lambda name: next((lower[g] for g in GUESSES.get(name, ()) if g in lower), None),
        )
        self.flags = {f: QCheckBox(tr(FLAG_LABELS[f])) for f in FLAGS}
        for box in self.flags.values():
            box.toggled.connect(self.update_preview)
            self.form.addRow("", box)
        preview = tr("<b>Preview</b> (what would be stored; no text is kept)")
        self.finish([tr(h) for h in HEADS], preview, fit=(0,), right_from=2, size=(820, 760))

    def chosen_flags(self) -> frozenset[str]:
        return frozenset(f for f, box in self.flags.items() if box.isChecked())

    def saved_form(self) -> dict[str, str]:
        out = {**self.mapping(), "source": self.source.text().strip()}
        if self.chosen_flags():
            out["flags"] = ",".join(sorted(self.chosen_flags()))
        return out

    def load(self, saved: Mapping[str, str]) -> None:
        self.source.setText(saved.get("source", ""))
        super().load(saved)
        chosen = {f.strip() for f in saved.get("flags", "").split(",")}
        for f, box in self.flags.items():
            box.setChecked(f in chosen)

    def update_preview(self) -> None:
        try:
            source = check_source(self.source.text().strip(), self.log_sources)
        except MappingError as exc:
            self.problems.setText(str(exc) if self.source.text().strip() else tr("Name the tool this usage is from."))
            self.preview.setRowCount(0)
            self.ok.setEnabled(False)
            return
        read = read_mapped(self.path, self.mapping(), source, self.chosen_flags(), text=self.text)
        self.show_rows([
            (datetime.fromtimestamp(e.ts_ms / 1000).strftime("%Y-%m-%d %H:%M"), e.model,
             *(tokens(n) for n in (e.input_tokens, e.output_tokens, e.cache_creation_tokens, e.cache_read_tokens,
                                   e.total_tokens)))
            for e in read.events[:PREVIEW_ROWS]
        ])  # fmt: skip
        if read.error:
            self.problems.setText(read.error)
        else:
            skipped = [(s.line_no, s.reason) for s in read.skipped]
            self.say(tr("{n} requests").format(n=f"{len(read.events):,}"), skipped, read.skipped_count)
        self.ok.setEnabled(bool(read.events))
