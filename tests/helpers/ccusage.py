"""The peer: ccusage from npm, installed into a cache folder (never a project dependency)."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

import pytest

VERSION = "20.0.24"
CACHE_ENV = "TOKENWORTH_TEST_CACHE"


def _native_package() -> str:
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine().lower()]
    system = {"Linux": "linux", "Darwin": "darwin", "Windows": "win32"}[platform.system()]
    return f"@ccusage/ccusage-{system}-{arch}"


def ccusage_binary() -> Path:
    """Path to ``ccusage`` at the pinned version, installing it once with npm."""
    cache = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "tokenworth-tests")
    prefix = cache / f"ccusage-{VERSION}"
    exe = prefix / "node_modules" / ".bin" / "ccusage"
    if exe.exists():
        return exe
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI") == "true":
            pytest.fail("npm is needed for the ccusage peer test; .ci/run installs it")
        pytest.skip("npm not installed: cannot fetch the ccusage peer")
    prefix.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(prefix),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            f"ccusage@{VERSION}",
            f"{_native_package()}@{VERSION}",
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return exe


def run_ccusage(exe: Path, home: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    env.update(HOME=str(home), NO_COLOR="1")
    proc = subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout
