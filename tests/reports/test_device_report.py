"""``tokenworth report --device``: one machine's report, or all of them, from a store with a
bundle merged in the real way; every format says whose usage it is. Real CLI runs."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO
from tests.helpers.two_devices import two_devices


def test_report_of_one_device_or_all(tmp_path: Path) -> None:
    ctx, laptop, desk, laptop_id = two_devices(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_", "TOKENWORTH_"))}
    env.update(HOME=str(ctx.home), TZ="UTC")

    def report(fmt: str, out: Path, *args: str, rc: int = 0) -> subprocess.CompletedProcess[str]:
        run = subprocess.run(
            [sys.executable, "-m", "tracker", "--data-dir", str(ctx.paths.root), "report", "--format", fmt,
             "--since", "2026-11-19", "--until", "2026-11-22", "--timezone", "UTC", "--out", str(out), *args],
            capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False,
        )  # fmt: skip
        assert run.returncode == rc, run.stderr
        return run

    def totals(path: Path) -> tuple[int, float, dict[str, object]]:
        body = json.loads(path.read_text())
        return body["totals"]["total_tokens"], body["totals"]["cost_usd"], body["device"]

    report("json", tmp_path / "all.json")
    report("json", tmp_path / "laptop.json", "--device", "laptop")
    report("json", tmp_path / "desk.json", "--device", "this")
    assert totals(tmp_path / "all.json") == (
        laptop.tokens + desk.tokens, round(float(laptop.cost + desk.cost), 6), {"id": None, "name": "all devices"}
    )  # fmt: skip
    assert totals(tmp_path / "laptop.json") == (
        laptop.tokens, round(float(laptop.cost), 6), {"id": laptop_id, "name": "laptop"}
    )  # fmt: skip
    assert totals(tmp_path / "desk.json") == (
        desk.tokens, round(float(desk.cost), 6), {"id": "this", "name": "this machine (desk)"}
    )  # fmt: skip

    said = report("md", tmp_path / "laptop.md", "--device", "laptop").stderr
    assert "(laptop only)" in said
    assert (
        "*Usage of laptop only; the other devices' usage is not in these figures.*"
        in (tmp_path / "laptop.md").read_text()
    )
    assert "Usage of" not in report("md", tmp_path / "all.md").stderr + (tmp_path / "all.md").read_text()

    report("csv", tmp_path / "laptop.zip", "--device", "laptop")
    with zipfile.ZipFile(tmp_path / "laptop.zip") as z:
        summary = dict(csv.reader(io.StringIO(z.read("summary.csv").decode())))
    assert summary["device"] == "laptop" and summary["device_id"] == laptop_id
    assert int(summary["total_tokens"]) == laptop.tokens

    if shutil.which("pdftotext") is not None:
        pdf = tmp_path / "laptop.pdf"
        report("pdf", pdf, "--device", "laptop", "--page-size", "A4")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Usage of laptop only" in " ".join(text.split())
        assert f"{laptop.tokens:,}" in text

    assert "no single machine called 'attic'" in report("json", tmp_path / "x.json", "--device", "attic", rc=2).stderr
    assert (
        "--device is for the report formats" in report("org-csv", tmp_path / "o.csv", "--device", "laptop", rc=2).stderr
    )
