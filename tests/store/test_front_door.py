"""Every SQL statement on Tokenworth's database lives under ``tracker/store``. Sources may
query another tool's own database (opened read-only), so ``tracker/sources`` is exempt."""

from __future__ import annotations

import re
from pathlib import Path

TRACKER = Path(__file__).parents[2] / "tracker"
SQL_CALL = re.compile(r"\.(execute|executemany|executescript)\(")
OWN_DATABASES = {"store", "sources"}


def test_no_sql_outside_the_store() -> None:
    offenders = [
        f"{path.relative_to(TRACKER)}:{n}"
        for path in sorted(TRACKER.rglob("*.py"))
        if path.relative_to(TRACKER).parts[0] not in OWN_DATABASES
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SQL_CALL.search(line)
    ]
    assert offenders == []
