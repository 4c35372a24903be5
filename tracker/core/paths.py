"""Where Tokenworth keeps its files."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "TOKENWORTH_DATA_DIR"
PRIVATE_DIR = 0o700


@dataclass(frozen=True)
class DataPaths:
    """Everything Tokenworth writes lives under one folder."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "tokenworth.sqlite3"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def log(self) -> Path:
        """The rotating log file (background failures with their tracebacks; no content)."""
        return self.root / "tokenworth.log"

    @property
    def scratch(self) -> Path:
        """Scratch space for import workers, swept at the start of each import."""
        return self.root / "scratch"

    def ensure(self) -> DataPaths:
        """Create the folder, private to the user (it holds project paths and task titles)."""
        self.root.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        return self


def resolve_data_paths(flag: str | None, env: Mapping[str, str] = os.environ) -> DataPaths:
    """``--data-dir`` wins over ``TOKENWORTH_DATA_DIR``, which wins over the platform default."""
    if flag:
        return DataPaths(Path(flag).expanduser().resolve())
    if env.get(DATA_DIR_ENV):
        return DataPaths(Path(env[DATA_DIR_ENV]).expanduser().resolve())
    import platformdirs  # deferred: only needed for the default location

    return DataPaths(Path(platformdirs.user_data_dir("tokenworth", appauthor=False)))
