"""Where a report is written: whole or not at all, or straight into a terminal or a pipe.

A file is written through ``core.atomic_write`` (a temporary file renamed over the target, so
a failed export keeps last week's file and a planted link is replaced, not followed). But a
rename over ``/dev/null`` or ``/dev/stdout`` would replace the device node itself (as root) or
fail: a terminal, a pipe or the null device is written in place. Any other special file (a
block device, a socket) is refused by ``atomic_path``.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from tracker.core.atomic_write import atomic_path
from tracker.core.errors import OutputError


def is_stream(path: Path) -> bool:
    """``path`` (or what its link points at) is a pipe, a terminal or the null device."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return False
    if stat.S_ISFIFO(st.st_mode):
        return True
    if not stat.S_ISCHR(st.st_mode):
        return False
    if st.st_rdev == os.stat(os.devnull).st_rdev:
        return True
    return os.path.realpath(path).startswith(("/dev/pts/", "/dev/tty"))


@contextlib.contextmanager
def output_path(out: Path, *, require_content: bool = False, streams: bool = True) -> Iterator[Path]:
    """The path to write ``out``'s content to; ``OutputError`` with a message when it fails.

    ``streams``: a terminal, pipe or ``/dev/null`` at ``out`` is written in place (a report
    piped on); otherwise every target is replaced atomically.
    """
    if streams and is_stream(out):
        try:
            yield out
        except OSError as exc:
            raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from exc
        return
    with atomic_path(out, require_content=require_content) as tmp:
        yield tmp
