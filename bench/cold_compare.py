"""Benchmark: the 1 GB Claude Code + Codex cold run of two (or more) commits, alternating.

    uv run python -m bench.cold_compare --rev 8c68e8f --rev HEAD
    uv run python -m bench.cold_compare --rev 8c68e8f --rev /work/main --repeat 7

Each ``--rev`` is a commit of this repository (exported with ``git archive`` and installed
with ``uv sync`` under ``$TW_BENCH_DIR/builds/<sha>``) or ``folder`` (a checkout whose HEAD
commit is used). Every round runs each build's cold import + report once, in a rotating
order, and ``ccusage daily`` once, so load on the shared machine falls on all of them alike;
medians and each build's ratio to the first are printed, in wall time and in CPU time
(user + system of the run and its workers, which a busy machine disturbs less); ``--native``
builds each with the optional C accelerator. One untimed run per build first
fills its per-user price cache, as ``bench.run``'s "cold" keeps it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench.corpus import build, folder_bytes
from bench.run import measure
from bench.warm_all import load
from tests.helpers.ccusage import ccusage_binary

ROOT = Path(os.environ.get("TW_BENCH_DIR", "/tmp/tw-bench"))  # noqa: S108 - a scratch corpus
REPO = Path(__file__).resolve().parent.parent


def install(rev: str, native: bool = False) -> tuple[str, Path]:
    """``rev``'s short sha and its ``tokenworth`` executable, built once and reused (with
    the optional C accelerator when ``native``)."""
    where = Path(rev)
    repo = where if where.is_dir() else REPO
    sha = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD" if where.is_dir() else rev],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    target = ROOT / "builds" / (f"{sha}-native" if native else sha)
    exe = target / ".venv" / "bin" / "tokenworth"
    if not exe.exists():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(repo), "archive", sha], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        extra = ["--extra", "native"] if native else []
        subprocess.run(["uv", "sync", "-q", "--frozen", "--no-dev", *extra], cwd=target, check=True)
    return sha[:7], exe


def corpus_env(megabytes: int) -> tuple[Path, dict[str, str]]:
    """The corpus' HOME (generated when missing or of another size) and an environment that
    reads only it, with cached bytecode as installed programs have."""
    home = ROOT / "home"
    if not home.exists() or abs(folder_bytes(home) / 1e6 - megabytes) > megabytes * 0.05:
        print(f"generating {megabytes} MB of logs …", file=sys.stderr)
        build(home, megabytes)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_", "TOKENWORTH_", "XDG_"))}
    env.update(HOME=str(home), NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return home, env


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rev", action="append", required=True, help="a commit, or a checkout folder")
    ap.add_argument("--megabytes", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--native", action="store_true", help="builds with the optional C accelerator")
    args = ap.parse_args()
    home, env = corpus_env(args.megabytes)
    builds = [install(rev, args.native) for rev in args.rev]
    peer = [str(ccusage_binary()), "daily", "--json", "--offline", "--timezone", "UTC"]

    def cold(sha: str, exe: Path) -> tuple[float, float]:
        data = ROOT / f"data-{sha}"
        shutil.rmtree(data, ignore_errors=True)
        m = measure([str(exe), "--data-dir", str(data), "usage", "daily", "--json", "--timezone", "UTC"], env)
        return m.wall, m.cpu

    for sha, exe in builds:
        cold(sha, exe)  # bytecode and price cache, untimed
    print(f"corpus {folder_bytes(home) / 1e6:,.0f} MB; load average before: {load()}")
    times: dict[str, list[tuple[float, float]]] = {sha: [] for sha, _ in builds}
    theirs: list[float] = []
    for n in range(args.repeat):
        order = builds[n % len(builds) :] + builds[: n % len(builds)]
        for sha, exe in order:
            times[sha].append(cold(sha, exe))
        theirs.append(measure(peer, env).wall)
    print(f"load average after:  {load()}")
    peer_s = statistics.median(theirs)
    base = statistics.median(w for w, _ in times[builds[0][0]])
    base_cpu = statistics.median(c for _, c in times[builds[0][0]])
    print(f"ccusage daily --json --offline     {peer_s:6.2f} s")
    for (sha, _), rev in zip(builds, args.rev, strict=True):
        walls = [w for w, _ in times[sha]]
        cpu = statistics.median(c for _, c in times[sha])
        med = statistics.median(walls)
        print(
            f"tokenworth {sha} ({rev}) cold  {med:6.2f} s  (min {min(walls):.2f}, max {max(walls):.2f})"
            f"   {med / peer_s:4.2f}x ccusage   {med / base:4.2f}x {builds[0][0]}"
            f"   CPU {cpu:5.2f} s = {cpu / base_cpu:4.2f}x"
        )


if __name__ == "__main__":
    main()
