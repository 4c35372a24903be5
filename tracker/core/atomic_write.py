"""Writing files whole or not at all, never through a link that is already there.

A report, an export or the settings file is first written to a temporary file in the same
folder and then renamed over the target: a failed write (full disk, a crash) leaves the old
file as it was, and a symlink planted at the target is replaced, not followed.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tracker.core.errors import OutputError

PRIVATE_FILE = 0o600


@contextlib.contextmanager
def atomic_path(target: Path, mode: int = PRIVATE_FILE, *, require_content: bool = False) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; renamed over ``target`` when the block
    ends without error, removed otherwise. Raises ``OutputError`` with a message for the user
    when the folder cannot be written or ``target`` is a folder. ``require_content``: an
    empty result is a failure (a PDF writer that could not paint leaves 0 bytes)."""
    target = Path(target)
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder")
    node: int | None
    try:
        node = target.lstat().st_mode
    except (OSError, ValueError):
        node = None  # missing (or unreadable): the folder's own error says why below
    if node is not None and not (stat.S_ISREG(node) or stat.S_ISLNK(node)):
        # A rename over a device, a socket or a pipe replaces the node itself (as root, /dev/null).
        raise OutputError(f"cannot write {target}: it is not a regular file")
    folder = target.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, mode)
        yield tmp
        if require_content and tmp.stat().st_size == 0:
            raise OutputError(f"cannot write {target}: nothing was written")
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_bytes(target: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Write ``data`` to ``target`` atomically (see ``atomic_path``)."""
    with atomic_path(target, mode) as tmp:
        tmp.write_bytes(data)


def write_text(target: Path, text: str, mode: int = PRIVATE_FILE) -> None:
    write_bytes(target, text.encode("utf-8"), mode)
