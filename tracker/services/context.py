"""What every use case needs: where data lives, the user's settings, HOME and environment.

Built once by the composition root (CLI or GUI) and passed in; nothing here is global.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from tracker.core.paths import DataPaths
from tracker.core.settings_schema import PRICE_OVERRIDES, TIMEZONE, declarations, source_enabled, source_extra_paths
from tracker.core.timezones import get_zone, local_zone_name
from tracker.services.importer import SourceConfig
from tracker.sources.registry import SOURCES
from tracker.store.db import connect
from tracker.store.import_lock import ImportLock
from tracker.store.settings_file import SettingsFile
from tracker.store.store import Store


@dataclass
class Context:
    paths: DataPaths
    home: Path
    env: Mapping[str, str]
    settings: SettingsFile = field(init=False)
    # The settings file as it was just before it was read (None: absent): a cache of what was
    # made from these settings names this, so a change made while the command ran shows.
    settings_stat: os.stat_result | None = field(init=False)

    def __post_init__(self) -> None:
        labels = {source_id: source.label for source_id, source in SOURCES.items()}
        try:
            self.settings_stat = os.stat(self.paths.settings)
        except OSError:
            self.settings_stat = None
        self.settings = SettingsFile(self.paths.settings, declarations(labels))

    def connect(self) -> sqlite3.Connection:
        """A writer's bare connection, for ``run_import``; everything else takes a Store."""
        self.paths.ensure()
        return connect(self.paths.database)

    def store(self) -> Store:
        """Read and write (a task logged, a link set)."""
        self.paths.ensure()
        return Store.open(self.paths.database)

    def reader(self) -> Store:
        """Read only: never waits on an import, works on a read-only or full disk."""
        if not self.paths.database.exists():
            self.paths.ensure()
        return Store.open_read(self.paths.database)

    def writer(self) -> Store:
        """Read and write, holding the import lock until closed: a second import is told
        at once that this one runs (with its pid), instead of waiting on SQLite's lock."""
        self.paths.ensure()
        return Store.open(self.paths.database, import_lock=True)

    def import_lock(self) -> ImportLock:
        """Held around an import by a process that keeps its store open between imports (the app)."""
        self.paths.ensure()
        return ImportLock(self.paths.database)

    def read_helpers(self) -> list[Store]:
        """Extra read-only stores for spreading a report over the other cores."""
        return [self.reader() for _ in range(max((os.cpu_count() or 1) - 1, 0))][:3]

    def source_config(self) -> SourceConfig:
        enabled = {name: self.settings.value(source_enabled(name)) for name in SOURCES}
        extra = {
            name: [Path(p).expanduser() for p in self.settings.value(source_extra_paths(name))] for name in SOURCES
        }
        return SourceConfig(enabled, extra)

    def timezone(self, flag: str | None = None) -> str:
        """``--timezone`` beats the setting, which beats the system zone."""
        name = flag or self.settings.value(TIMEZONE) or local_zone_name()
        get_zone(name)  # validates, raising a clear error
        return name

    def price_overrides(self) -> Mapping[str, Mapping[str, Decimal]]:
        return self.settings.value(PRICE_OVERRIDES)
