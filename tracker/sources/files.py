"""Finding log files under a tool's folders."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path


def jsonl_files(roots: Sequence[Path]) -> Iterator[Path]:
    """Every ``*.jsonl`` below the existing ``roots``, sorted, symlinked folders not followed.

    A folder named ``*.jsonl`` is listed too, so the import can report it as unreadable
    rather than pass over it in silence.
    """
    for root in roots:
        if not root.is_dir():
            continue
        found: list[str] = []
        for folder, dirs, names in os.walk(root):
            found.extend(os.path.join(folder, n) for n in names if n.endswith(".jsonl"))
            found.extend(os.path.join(folder, d) for d in dirs if d.endswith(".jsonl"))
        for name in sorted(found):
            yield Path(name)
