"""Whose usage a view shows: every machine's, this machine's own, or one other machine's.

The app's "Device" selector, the report's ``--device`` and the export dialog name the choices
the same way: "All devices", "This machine (<name>)", then each machine whose bundles were
imported, by name, with the day of its last bundle. The value is ``UsageQuery.device``:
``None`` for all, ``""`` for this machine's own, else a device id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tracker.services.bundles import device_name
from tracker.store.store import Store

ALL_DEVICES = "All devices"


@dataclass(frozen=True)
class DeviceChoice:
    device: str | None  # UsageQuery.device: None all, "" this machine, else an id
    label: str  # what the selector lists: "laptop (last bundle 2026-11-30)"
    name: str  # what a view says it shows: "laptop", "this machine (ws)", "all devices"
    last_bundle_ms: int = 0  # another machine's: when it wrote the last bundle imported


def bundle_day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).date().isoformat() if ms > 0 else "unknown"


def device_choices(store: Store, configured_name: str) -> list[DeviceChoice]:
    """Every choice, all devices first; just the first two when no other machine is known
    (the caller then hides the selector). Reads only."""
    this = f"this machine ({device_name(configured_name)})"
    choices = [DeviceChoice(None, ALL_DEVICES, "all devices"), DeviceChoice("", this[0].upper() + this[1:], this)]
    others = store.devices.devices()
    names = [d.name for d in others]
    for d in others:
        # Two machines of one name are told apart by the start of their ids.
        shown = d.name if names.count(d.name) == 1 else f"{d.name} [{d.device_id[:8]}]"
        label = f"{shown} (last bundle {bundle_day(d.last_bundle_ms)})"
        choices.append(DeviceChoice(d.device_id, label, shown, d.last_bundle_ms))
    return choices


def device_named(choices: list[DeviceChoice], device: str | None) -> str:
    """How a view names ``device``: "laptop", "this machine (ws)" or "all devices"."""
    return next((c.name for c in choices if c.device == device), "one device")
