"""Lint, format, types and the one-way layer contract, as part of the one test command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is a dev dependency; run 'uv sync'"
    return found


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "tracker", "tests", "bench"],
        ["ruff", "format", "--check", "tracker", "tests", "bench"],
        ["mypy"],
        ["lint-imports"],
    ],
    ids=["ruff-check", "ruff-format", "mypy", "layers"],
)
def test_code_quality(command: list[str]) -> None:
    proc = subprocess.run([tool(command[0]), *command[1:]], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
