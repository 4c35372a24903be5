"""The optional native accelerator, built from packaging/native for the tests that compare it
with the pure-Python reference."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

NATIVE_SRC = Path(__file__).resolve().parents[2] / "packaging" / "native"


@pytest.fixture(scope="session")
def native_module(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """``tokenworth_native`` built as users get it (a wheel of packaging/native), loaded from a
    tmp folder. Where ``CI=true`` a failed build fails the test; elsewhere (no compiler) it skips."""
    root = tmp_path_factory.mktemp("native")
    src = root / "src"
    # Sources only: setuptools writes build/ and egg-info beside them, and would reuse a stale build.
    shutil.copytree(NATIVE_SRC, src, ignore=shutil.ignore_patterns("build", "*.egg-info", "*.so", "*.pyd"))
    wheels = root / "wheels"
    uv = shutil.which("uv")
    build = subprocess.run(
        [uv or "uv", "build", "--wheel", "--quiet", "-o", str(wheels), str(src)],
        capture_output=True,
        text=True,
        check=False,
    ) if uv else None  # fmt: skip
    wheel = next(wheels.glob("tokenworth_native-*.whl"), None) if wheels.is_dir() else None
    if build is None or build.returncode != 0 or wheel is None:
        why = "no uv" if build is None else (build.stderr or build.stdout)[-2000:]
        if os.environ.get("CI") == "true":
            pytest.fail(f"the native accelerator did not build (CI must build it): {why}")
        pytest.skip(f"the native accelerator cannot be built here (no compiler?): {why[-300:]}")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(root / "site")
    so = next((root / "site").glob("tokenworth_native*"))
    spec = importlib.util.spec_from_file_location("tokenworth_native", so)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
