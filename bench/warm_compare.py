"""Benchmark: the warm run and the one-file-grown run of two (or more) commits, alternating.

    uv run python -m bench.warm_compare --rev 37dfd61 --rev . --repeat 7

Each ``--rev`` is built as ``bench.cold_compare`` builds it (``git archive`` + ``uv sync``
under ``$TW_BENCH_DIR/builds/<sha>``; a folder means its HEAD commit), with its own data
folder, imported once. Every round runs, for each build in a rotating order: untimed, a run
that reads the file the last grown run (of any build) put back, so the build is warm; the
warm ``usage daily --json`` (nothing changed); the same with the newest Claude Code session
grown by 1 MB (``bench.run``'s lines), the file then put back; then ``ccusage daily`` once. Medians of
wall and CPU time (user + system), each build's ratio to ccusage (paired per round) and to
the first build. ``--no-bytecode`` runs every build with ``PYTHONDONTWRITEBYTECODE=1`` and its
``__pycache__`` folders removed first: a fresh checkout or a read-only install, compiling
every module on every run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
from pathlib import Path

from bench.cold_compare import corpus_env, install
from bench.corpus import folder_bytes
from bench.run import Measured, _more_lines, measure
from bench.warm_all import load
from tests.helpers.ccusage import ccusage_binary

ROOT = Path(os.environ.get("TW_BENCH_DIR", "/tmp/tw-bench"))  # noqa: S108 - a scratch corpus


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rev", action="append", required=True, help="a commit, or a checkout folder")
    ap.add_argument("--megabytes", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--no-bytecode", action="store_true", help="no cached bytecode (PYTHONDONTWRITEBYTECODE=1)")
    args = ap.parse_args()
    home, env = corpus_env(args.megabytes)
    builds = [install(rev) for rev in args.rev]
    if args.no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        for _, exe in builds:
            for cache in exe.parent.parent.parent.rglob("__pycache__"):
                shutil.rmtree(cache)
    peer = [str(ccusage_binary()), "daily", "--json", "--offline", "--timezone", "UTC"]
    grow = max((home / ".claude").rglob("*.jsonl"), key=lambda p: p.stat().st_mtime_ns)
    original = grow.read_bytes()
    grown_bytes = original + _more_lines(original, 1_000_000)

    def run(sha: str, exe: Path) -> Measured:
        cmd = [str(exe), "--data-dir", str(ROOT / f"data-warm-{sha}"), "usage", "daily", "--json", "--timezone", "UTC"]
        return measure(cmd, env)

    for sha, exe in builds:  # the import, the pending rollup, and a warm report cache
        shutil.rmtree(ROOT / f"data-warm-{sha}", ignore_errors=True)
        for _ in range(3):
            run(sha, exe)
    print(f"corpus {folder_bytes(home) / 1e6:,.0f} MB; load average before: {load()}")
    warm: dict[str, list[Measured]] = {sha: [] for sha, _ in builds}
    grown: dict[str, list[Measured]] = {sha: [] for sha, _ in builds}
    theirs: list[float] = []
    try:
        for n in range(args.repeat):
            order = builds[n % len(builds) :] + builds[: n % len(builds)]
            for sha, exe in order:
                run(sha, exe)  # reads the file put back after the last grown run (any build's): warm from here
                warm[sha].append(run(sha, exe))
                grow.write_bytes(grown_bytes)
                grown[sha].append(run(sha, exe))
                grow.write_bytes(original)
            theirs.append(measure(peer, env).wall)
    finally:
        grow.write_bytes(original)
    print(f"load average after:  {load()}")
    print(f"ccusage daily --json --offline     {statistics.median(theirs):6.3f} s")
    base = builds[0][0]
    for name, runs in (("warm", warm), ("one file +1 MB", grown)):
        for (sha, _), rev in zip(builds, args.rev, strict=True):
            walls = [m.wall for m in runs[sha]]
            cpu = statistics.median(m.cpu for m in runs[sha])
            ratio = statistics.median(m.wall / t for m, t in zip(runs[sha], theirs, strict=True))
            base_cpu = statistics.median(m.cpu for m in runs[base])
            print(
                f"tokenworth {sha} ({rev}) {name:15} {statistics.median(walls):6.3f} s "
                f"(min {min(walls):.3f})  {ratio:5.3f}x ccusage  CPU {cpu:5.3f} s = {cpu / base_cpu:4.2f}x {base}"
            )


if __name__ == "__main__":
    main()
