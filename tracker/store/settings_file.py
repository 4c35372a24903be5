"""The settings file: JSON in the data folder, only values that differ from the defaults.

Secrets never go here; they live in the OS keyring.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tracker.core.errors import SettingError
from tracker.core.settings_schema import BY_NAME, SETTINGS, SETTINGS_VERSION, get_setting


class SettingsFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        self.problems: list[str] = []
        self._load()

    def _load(self) -> None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            self.problems.append(f"{self.path}: unreadable settings, using defaults ({exc})")
            return
        values = raw.get("values", {}) if isinstance(raw, dict) else {}
        for name, value in values.items():
            setting = BY_NAME.get(name)
            if setting is None:
                self.problems.append(f"{self.path}: ignoring unknown setting {name!r}")
                continue
            try:
                self._values[name] = setting.validate(value)
            except SettingError as exc:
                self.problems.append(f"{self.path}: {exc}; using the default")

    def get(self, name: str) -> Any:
        setting = get_setting(name)
        return self._values.get(name, setting.default)

    def is_default(self, name: str) -> bool:
        return name not in self._values

    def set(self, name: str, text: str) -> Any:
        value = get_setting(name).parse(text)
        self._values[name] = value
        self._save()
        return value

    def reset(self, name: str) -> None:
        get_setting(name)
        self._values.pop(name, None)
        self._save()

    def items(self) -> list[tuple[str, Any]]:
        return [(s.name, self.get(s.name)) for s in SETTINGS]

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        payload = {"version": SETTINGS_VERSION, "values": dict(sorted(self._values.items()))}
        tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)  # atomic: a crash never leaves half a settings file
