"""What every use case needs: where data lives, the user's settings, HOME and environment.

Built once by the composition root (CLI or GUI) and passed in; nothing here is global.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.core.errors import SettingError
from tracker.core.paths import DataPaths
from tracker.core.timezones import get_zone, local_zone_name
from tracker.services.importer import SourceConfig
from tracker.sources.registry import SOURCES
from tracker.store.db import connect
from tracker.store.settings_file import SettingsFile


@dataclass
class Context:
    paths: DataPaths
    home: Path
    env: Mapping[str, str]
    settings: SettingsFile = field(init=False)

    def __post_init__(self) -> None:
        self.settings = SettingsFile(self.paths.settings)

    def connect(self) -> sqlite3.Connection:
        self.paths.ensure()
        return connect(self.paths.database)

    def read_helpers(self) -> list[sqlite3.Connection]:
        """Extra read connections for spreading a report over the other cores."""
        return [self.connect() for _ in range(max((os.cpu_count() or 1) - 1, 0))][:3]

    def source_config(self) -> SourceConfig:
        """Each registered source's settings; a source whose settings are not declared (yet)
        is on, with no extra folders."""
        enabled: dict[str, bool] = {}
        extra: dict[str, list[Path]] = {}
        for name in SOURCES:
            try:
                enabled[name] = bool(self.settings.get(f"sources.{name}.enabled"))
                extra[name] = [Path(p).expanduser() for p in self.settings.get(f"sources.{name}.extra_paths")]
            except SettingError:
                enabled.setdefault(name, True)
                extra.setdefault(name, [])
        return SourceConfig(enabled, extra)

    def timezone(self, flag: str | None = None) -> str:
        """``--timezone`` beats the setting, which beats the system zone."""
        name = flag or self.settings.get("general.timezone") or local_zone_name()
        get_zone(name)  # validates, raising a clear error
        return str(name)

    def price_overrides(self) -> Mapping[str, Mapping[str, Any]]:
        return self.settings.get("pricing.overrides")  # type: ignore[no-any-return] # validated dict
