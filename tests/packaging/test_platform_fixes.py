"""The fixes a frozen build needs, checked without building one: no cache key stats a source
file, the local zone comes from tzlocal, ``freeze_support`` runs first, ``--version``."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import REPO, CliRunner, install_fixture_logs
from tracker.core import build_info


def zip_packages(target: Path, *packages: Path) -> Path:
    """The packages as a zip archive, as PyInstaller's PYZ holds them: no module is a file."""
    with zipfile.ZipFile(target, "w") as zf:
        for package in packages:
            for f in package.rglob("*.py"):
                zf.write(f, f.relative_to(package.parent))
    return target


def run_from(archive: Path, code: str, home: Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    env.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(data_dir), TZ="UTC")
    prelude = f"import sys; sys.path.insert(0, {str(archive)!r}); sys.path.remove({str(REPO)!r})\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code], capture_output=True, text=True, env=env, cwd=home, timeout=300
    )


def test_reports_work_when_no_module_is_a_file(tmp_path: Path, home: Path, data_dir: Path, cli: CliRunner) -> None:
    """Tokenworth and genai-prices imported from an archive (what a bundle does): the price
    cache key and the report cache key still work, and the numbers equal the source tree's."""
    import genai_prices

    import tracker

    archive = zip_packages(tmp_path / "pyz.zip", Path(tracker.__file__).parent, Path(genai_prices.__file__).parent)
    install_fixture_logs(home)
    check = run_from(
        archive,
        "import genai_prices, tracker, os\n"
        "assert '.zip' in tracker.__file__ and '.zip' in genai_prices.__file__\n"
        "assert not os.path.exists(os.path.join(os.path.dirname(genai_prices.__file__), 'data.py'))\n"
        "from tracker.pricing.catalog import catalog_key\nprint(catalog_key())",
        home,
        tmp_path / "unused",
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == f"genai-prices:{version('genai-prices')}"

    report = "from tracker.__main__ import main\nsys.exit(main(['usage', 'daily', '--json']))"
    first = run_from(archive, report, home, data_dir)
    assert first.returncode == 0, first.stderr
    again = run_from(archive, report, home, data_dir)  # the second one comes from the report cache
    assert again.returncode == 0 and again.stdout == first.stdout, again.stderr
    source_tree = cli("usage", "daily", "--json", env={"TOKENWORTH_DATA_DIR": str(tmp_path / "src-data")})
    assert source_tree.returncode == 0, source_tree.stderr
    assert json.loads(first.stdout) == json.loads(source_tree.stdout)
    assert json.loads(first.stdout)["totals"]["total_tokens"] > 0


def test_a_bundle_names_its_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "resources" / "build-id.txt").write_text("abc123def456.20261202T010203Z\n")
    build_info.build_id.cache_clear()
    try:
        assert build_info.build_id() == f"{version('tokenworth')}+source"
        build_info.build_id.cache_clear()
        monkeypatch.setattr(sys, "frozen", True, raising=False)  # what PyInstaller's bootloader sets
        monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
        assert build_info.build_id() == f"{version('tokenworth')}+abc123def456.20261202T010203Z"
    finally:
        build_info.build_id.cache_clear()


def zone_in(env_tz: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "TZ"}
    if env_tz is not None:
        env["TZ"] = env_tz
    code = "from tracker.core.timezones import local_zone_name; print(local_zone_name())"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.strip()


def test_local_zone_comes_from_tz_then_tzlocal() -> None:
    import tzlocal

    system = tzlocal.get_localzone_name()
    assert zone_in("Europe/Berlin") == "Europe/Berlin"
    assert zone_in(":America/New_York") == "America/New_York"
    assert zone_in(None) == system
    assert zone_in("Not/AZone") == system  # a bad TZ falls back to what the system says


def test_tzdata_is_a_windows_dependency() -> None:
    lock = (REPO / "uv.lock").read_text()
    assert 'name = "tzdata"' in lock and "tzdata" in (REPO / "pyproject.toml").read_text()
    assert "\"tzdata>=2026.6 ; sys_platform == 'win32'\"" in (REPO / "pyproject.toml").read_text()


def test_freeze_support_is_the_first_thing_main_does() -> None:
    tree = ast.parse((REPO / "tracker" / "__main__.py").read_text())
    main = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main")
    first = main.body[0]  # only a frozen build needs it (and pays for importing multiprocessing)
    assert isinstance(first, ast.If) and ast.unparse(first.test) == "getattr(sys, 'frozen', False)"
    assert [ast.unparse(n) for n in first.body] == ["import multiprocessing", "multiprocessing.freeze_support()"]


def test_version_names_the_build_the_prices_and_the_data_folder(tmp_path: Path, cli: CliRunner) -> None:
    folder = tmp_path / "my data"
    proc = cli("--data-dir", str(folder), "--version", check_rc=0)
    lines = proc.stdout.splitlines()
    assert lines[0] == f"tokenworth {version('tokenworth')} (source)"
    assert lines[1].startswith(f"price catalogue: genai-prices {version('genai-prices')}, newest price change 20")
    assert lines[2] == f"data folder: {folder}"
    from tracker.sources.line_select import NATIVE

    assert lines[3] == "reader accelerator: " + ("native (tokenworth-native)" if NATIVE else "none (pure Python)")
    assert len(lines) == 4 and proc.stderr == ""
    assert not folder.exists()  # asking for the version creates nothing
