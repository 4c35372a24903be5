"""Import progress on stderr, only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        self._shown = True
        pct = 100 * done // total
        self.stream.write(f"\rImporting logs… {pct:3d}% ({done / 1e6:,.1f} of {total / 1e6:,.1f} MB)")
        self.stream.flush()

    def finish(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
