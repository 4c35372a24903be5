"""Where Tokenworth keeps its files."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tracker.core.errors import StoreError

DATA_DIR_ENV = "TOKENWORTH_DATA_DIR"
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600


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

    def private_files(self) -> tuple[Path, ...]:
        """The files that hold the user's data; each must be readable by the user alone."""
        db = str(self.database)
        return (self.database, Path(db + "-wal"), Path(db + "-shm"), Path(db + "-journal"), self.settings)

    def ensure(self) -> DataPaths:
        """Create the folder and the database file, private to the user (they hold project
        paths and task titles); tighten those a looser older version left.

        The database file is made here, 0600, before SQLite opens it: SQLite gives the -wal and
        -shm files it creates the database's own mode. Raises ``StoreError`` when the folder
        cannot be made (a file is in the way, a parent that cannot be written).
        """
        is_store = self.database.exists() or self.settings.exists()
        try:
            self.root.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot use the data folder {self.root}: {exc.strerror or exc}") from exc
        if is_store:  # only a folder Tokenworth made: --data-dir may name a folder the user shares
            _tighten(self.root, PRIVATE_DIR)
        with contextlib.suppress(OSError):  # read-only or full: the store reports it when it opens
            os.close(os.open(self.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
        for path in self.private_files():
            _tighten(path, PRIVATE_FILE)
        return self


def _tighten(path: Path, mode: int) -> None:
    """Take group and other access away from ``path`` if it has any (best effort)."""
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, mode)


def resolve_data_paths(flag: str | None, env: Mapping[str, str] = os.environ) -> DataPaths:
    """``--data-dir`` wins over ``TOKENWORTH_DATA_DIR``, which wins over the platform default."""
    if flag:
        return DataPaths(Path(flag).expanduser().resolve())
    if env.get(DATA_DIR_ENV):
        return DataPaths(Path(env[DATA_DIR_ENV]).expanduser().resolve())
    import platformdirs  # deferred: only needed for the default location

    return DataPaths(Path(platformdirs.user_data_dir("tokenworth", appauthor=False)))
