"""The "Device" selector: every machine's usage, this machine's, or one other machine's.

Shown only when a bundle from another machine was imported (one machine's users never see it).
The choice is kept in the window's UI state file, beside the period, so it survives a restart;
a saved machine that is no longer known falls back to "All devices".
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSettings, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from tracker.services.device_scope import ALL_DEVICES, DeviceChoice
from tracker.ui.i18n import tr

ALL = DeviceChoice(None, ALL_DEVICES, "all devices")
STATE_KEY = "dashboard/device"
NOT_FILTERED = (
    "Rate limits, the 5-hour block and the tray's budgets are your account's, on every device: "
    "they are never narrowed to one device."
)


LISTED_ROLE = Qt.ItemDataRole.UserRole + 1  # the list's longer text: the name and its last bundle's day


class _Listed(QStyledItemDelegate):
    """The open list says each machine's last bundle day; the closed box only its name (the
    period's row must still fit a 1024-px window)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802 - Qt
        super().initStyleOption(option, index)
        listed = index.data(LISTED_ROLE)
        if listed:
            option.text = str(listed)


def _saved(device: str | None) -> str:
    return "all" if device is None else device or "this"


def _restored(value: str) -> str | None:
    return None if value in ("", "all") else "" if value == "this" else value


class DeviceFilter(QWidget):
    """``Device: [All devices ▾]``; ``changed`` when another device is picked."""

    changed = Signal()

    def __init__(self, state: QSettings | None = None) -> None:
        super().__init__()
        self.state = state
        self.choices: list[DeviceChoice] = [ALL]
        saved = str(state.value(STATE_KEY, "all")) if state is not None else "all"
        # Until the first read lists the machines, the saved one is used as it is.
        self._device: str | None = _restored(saved)
        self._name = ""
        self.combo = QComboBox()
        self.combo.setAccessibleName(tr("Device"))
        self.combo.setToolTip(tr("Whose usage every view shows: all your machines', or one machine's"))
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setItemDelegate(_Listed(self.combo))
        self.combo.currentIndexChanged.connect(self._picked)
        label = QLabel(tr("Device:"))
        label.setBuddy(self.combo)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.combo)
        self.setVisible(False)

    # ---- what views ask ---------------------------------------------------------------------
    def device(self) -> str | None:
        """``UsageQuery.device``: None every machine's, "" this machine's own, else a device id."""
        return self._device

    def scope(self) -> DeviceChoice:
        """The choice, with the name views say it by (all devices when not filtered)."""
        if self._device is None:
            return ALL
        found = next((c for c in self.choices if c.device == self._device), None)
        return found or DeviceChoice(self._device, self._name or tr("one device"), self._name or tr("one device"))

    # ---- the list of machines (read with each dashboard redraw) -----------------------------
    def set_choices(self, choices: list[DeviceChoice]) -> bool:
        """Fill the list; shown only when another machine is known. Returns whether the device
        shown changed (a saved machine no longer known, or no other machine: all devices)."""
        self.choices = list(choices) or [ALL]
        several = len(self.choices) > 2
        known = {c.device for c in self.choices}
        before = self._device
        if not several or self._device not in known:
            self._device = None
        with QSignalBlocker(self.combo):
            self.combo.clear()
            for c in self.choices:
                i = self.combo.count()
                self.combo.addItem(c.label if c.device in (None, "") else c.name, c.device)
                self.combo.setItemData(i, c.label, LISTED_ROLE)
                if c.device is not None:
                    tip = tr("Only {name}'s usage").format(name=c.name)
                    self.combo.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
            self.combo.setCurrentIndex(next(i for i, c in enumerate(self.choices) if c.device == self._device))
        view = self.combo.view()  # the open list as wide as its longest line (the dates are not cut)
        view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + 8)
        self.setVisible(several)
        if before != self._device:
            self._save()
        return before != self._device

    def _picked(self, index: int) -> None:
        if not 0 <= index < len(self.choices):
            return
        device = self.choices[index].device
        if device == self._device:
            return
        self._device = device
        self._save()
        self.changed.emit()

    def pick(self, device: str | None) -> None:
        """Select ``device`` as a click would (tests, menus)."""
        i = next((i for i, c in enumerate(self.choices) if c.device == device), -1)
        if i >= 0:
            self.combo.setCurrentIndex(i)

    def _save(self) -> None:
        if self.state is not None:
            self.state.setValue(STATE_KEY, _saved(self._device))


def on_device(scope: DeviceChoice) -> str:
    """ " on laptop" after a summary's period; "" for all devices."""
    return "" if scope.device is None else tr(" on {name}").format(name=scope.name)
