"""Rates resolved from the installed catalog, kept per user beside the data folders.

Loading genai-prices costs ~0.45 s of CPU. The rates it gives for a model depend only on the
installed catalog, so they are kept in the user's cache folder, keyed by the catalog: a new
data folder (a first import, another profile, ``--data-dir``) does not load the tables again.
``TOKENWORTH_CACHE_DIR`` moves the folder; losing it costs one slow report, nothing else.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Mapping
from pathlib import Path

import msgspec

CACHE_DIR_ENV = "TOKENWORTH_CACHE_DIR"
_entries = msgspec.msgpack.Decoder(dict[str, bytes])
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600  # the models a user prices say what they use


def cache_dir(env: Mapping[str, str] = os.environ) -> Path:
    if env.get(CACHE_DIR_ENV):
        return Path(env[CACHE_DIR_ENV]).expanduser()
    import platformdirs  # deferred: only needed for the default location

    return Path(platformdirs.user_cache_dir("tokenworth", appauthor=False))


def _file(catalog: str) -> Path:
    return cache_dir() / f"prices-{hashlib.sha256(catalog.encode()).hexdigest()[:20]}.msgpack"


def load(catalog: str) -> dict[str, bytes]:
    """Model → encoded rates (or encoded None: no price) for ``catalog``; empty if unknown."""
    try:
        return _entries.decode(_file(catalog).read_bytes())
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return {}  # missing or damaged: it is only a cache


def add(catalog: str, fresh: Mapping[str, bytes]) -> None:
    """Remember newly resolved rates; a write that fails is ignored (only a cache)."""
    path = _file(catalog)
    merged = {**load(catalog), **fresh}
    try:
        path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        if stat.S_IMODE(path.parent.stat().st_mode) & 0o077:
            with contextlib.suppress(OSError):  # a folder we may not own (TOKENWORTH_CACHE_DIR)
                os.chmod(path.parent, PRIVATE_DIR)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        os.fchmod(fd, PRIVATE_FILE)  # a stale temp file of an older version may be 0644
        with os.fdopen(fd, "wb") as f:
            f.write(msgspec.msgpack.encode(merged))
        os.replace(tmp, path)  # readers see the old or the new file, never half of one
    except OSError:
        pass


def known(catalog: str) -> bool:
    return _file(catalog).is_file()
