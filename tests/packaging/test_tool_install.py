"""``uv tool install .`` from a checkout puts ``tokenworth`` on PATH, and it runs from there with
its resources (the wheel carries resources/ as tracker/resources). Installed into a temporary
HOME and tool folder, at the locked versions, so it never touches the real ~/.local."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, CliRunner, install_fixture_logs


def test_uv_tool_install_runs_the_cli_with_its_resources(tmp_path: Path, home: Path, cli: CliRunner) -> None:
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is needed (the project is run with it)")
    cache = subprocess.run([uv, "cache", "dir"], capture_output=True, text=True, check=True).stdout.strip()
    constraints = tmp_path / "locked.txt"
    subprocess.run(
        [uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "-o", str(constraints)],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    tools, bin_dir = tmp_path / "tools", tmp_path / "bin"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV", "XDG_"))}
    env.update(
        HOME=str(tmp_path / "tool-home"), UV_TOOL_DIR=str(tools), UV_TOOL_BIN_DIR=str(bin_dir), UV_CACHE_DIR=cache
    )
    install = subprocess.run(
        [uv, "tool", "install", "--compile-bytecode", "--python", "3.11", "-c", str(constraints), str(REPO)],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    exe = bin_dir / "tokenworth"
    assert exe.is_file()

    install_fixture_logs(home)
    run_env = {"HOME": str(home), "PATH": f"{bin_dir}:/usr/bin:/bin", "TZ": "UTC", "LANG": "C.UTF-8"}
    run_env["TOKENWORTH_DATA_DIR"] = str(tmp_path / "data")
    run_env["TOKENWORTH_CACHE_DIR"] = os.environ.get("TOKENWORTH_CACHE_DIR", str(tmp_path / "cache"))
    version = subprocess.run(["tokenworth", "--version"], env=run_env, capture_output=True, text=True, cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("tokenworth 0.") and "(installed)" in version.stdout.splitlines()[0]
    daily = subprocess.run(
        ["tokenworth", "usage", "daily", "--json"], env=run_env, capture_output=True, text=True, cwd=tmp_path
    )
    assert daily.returncode == 0, daily.stderr
    assert json.loads(daily.stdout) == json.loads(cli("usage", "daily", "--json", check_rc=0).stdout)

    python = next((tools / "tokenworth" / "bin").glob("python3*"))
    where = subprocess.run(
        [str(python), "-c", "from tracker.core.resources import resources_dir, tray_icon_png as t; "
         "print(resources_dir()); print(t(64).is_file())"],
        capture_output=True, text=True, cwd=tmp_path, check=True,
    ).stdout.split()  # fmt: skip
    assert where[0].endswith("site-packages/tracker/resources") and where[1] == "True"
    # Installed as the README says, every module of the package is compiled already: no run pays
    # for compiling it (issue 16), even with PYTHONDONTWRITEBYTECODE set.
    package = Path(where[0]).parent
    sources = [p for p in package.rglob("*.py") if "resources" not in p.relative_to(package).parts]
    missing = [
        str(p.relative_to(package)) for p in sources if not any((p.parent / "__pycache__").glob(f"{p.stem}.*.pyc"))
    ]
    assert len(sources) > 100 and not missing, missing[:5]
