"""The lazy command table: kept equal to what the modules register; only the chosen one loads."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, CliRunner, install_fixture_logs
from tracker.cli.commands import COMMANDS, chosen
from tracker.cli.main import build_parser


def registered(module: str) -> dict[str, str | None]:
    """The commands ``module``'s ``register`` adds, with their one-line helps."""
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    importlib.import_module(module).register(sub)
    return {a.dest: a.help for a in sub._choices_actions}  # argparse keeps the helps only here


def test_the_table_says_what_each_module_registers() -> None:
    for name, command in COMMANDS.items():
        assert registered(command.module) == {name: command.help}, name
    # every command module is in the table (a new one cannot be forgotten)
    modules = {p.stem for p in (REPO / "tracker" / "cli").glob("*_cmd.py")}
    assert {c.module.rsplit(".", 1)[1] for c in COMMANDS.values()} == modules


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        ([], None),
        (["usage", "daily"], "usage"),
        (["--data-dir", "usage", "task"], "task"),  # a folder called 'usage'
        (["--data", "import", "usage", "daily"], "usage"),  # argparse's prefix of --data-dir, a folder 'import'
        (["--d=/x", "sources"], "sources"),
        (["--data-dir=/x", "--tray", "report", "--format", "pdf"], "report"),
        (["--", "sources"], "sources"),
        (["frob"], None),
        (["--help"], None),
        (["--data-dir"], None),
    ],
)
def test_the_chosen_command(argv: list[str], name: str | None) -> None:
    assert chosen(argv) == name


def test_only_the_chosen_command_gets_its_arguments() -> None:
    parser = build_parser(["--data", "/x", "task", "list"])  # an abbreviated option: argparse finds the command
    args = parser.parse_args(["--data", "/x", "task", "list"])
    assert (args.command, args.verb, args.data_dir) == ("task", "list", "/x")
    full = build_parser()  # every command's arguments
    assert full.parse_args(["usage", "daily", "--json"]).json is True


def test_help_and_an_unknown_command_list_every_command(cli: CliRunner) -> None:
    helped = cli("--help", check_rc=0).stdout
    for name, command in COMMANDS.items():
        assert f"    {name} " in helped and command.help.split()[0] in helped
    assert helped == cli("--data-dir", "/nowhere", "--help", check_rc=0).stdout
    unknown = cli("frob", check_rc=2).stderr
    assert unknown.startswith("tokenworth: argument COMMAND: invalid choice: 'frob' (choose from 'import', 'usage'")
    assert all(f"'{name}'" in unknown for name in COMMANDS)
    assert "usage: tokenworth task [-h] VERB" in cli("task", "--help", check_rc=0).stdout  # its own, whole help


# Modules a warm ``usage daily --json`` (nothing new to read) must not import: other commands,
# exports, bundles, reconciling, the worker processes' machinery, package metadata, the log file's
# rotation (made at the first record).
HEAVY = (
    "multiprocessing",
    "logging.handlers",
    "importlib.metadata",
    "email",
    "tracker.cli.task_cmd",
    "tracker.cli.config_cmd",
    "tracker.cli.reconcile_cmd",
    "tracker.cli.sources_cmd",
    "tracker.services.export_import",
    "tracker.services.bundles",
    "tracker.services.reconcile",
    "tracker.sources.exports.formats",
    "tracker.work.trackers",
    "genai_prices",
)


def test_a_warm_usage_run_imports_no_heavy_module(home: Path, data_dir: Path) -> None:
    install_fixture_logs(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_"))}
    env.update(HOME=str(home), TOKENWORTH_DATA_DIR=str(data_dir), TZ="UTC")
    argv = ["usage", "daily", "--json", "--timezone", "UTC"]
    for _ in range(2):  # the import, then the rollup and the report cache: warm from here on
        subprocess.run([sys.executable, "-m", "tracker", *argv], env=env, cwd=REPO, capture_output=True, check=True)
    code = (
        "import json, os, sys\n"
        "from tracker.__main__ import main\n"
        "out = os.dup(1); os.dup2(os.open(os.devnull, os.O_WRONLY), 1)\n"
        f"rc = main({argv!r})\n"
        "os.dup2(out, 1)\n"
        "print(json.dumps([rc, sorted(sys.modules)]))\n"
    )
    for warm_start in (True, False):  # answered from the manifest; without it, the import finds nothing new
        if not warm_start:
            (data_dir / "warm-start.json").unlink()
        proc = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True
        )
        rc, modules = json.loads(proc.stdout)
        assert rc == 0
        assert ("tracker.services.importer" in modules) is not warm_start
        assert ("tracker.services.usage" in modules) is not warm_start  # it ran the report
        assert [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)] == []
