"""Benchmark: the warm run with every source present, against ccusage on the same HOME.

    uv run python -m bench.warm_all                  # 1 GB Claude Code + Codex + the other twelve
    uv run python -m bench.warm_all --megabytes 200 --repeat 9

The HOME holds the ``bench.corpus`` logs (hard-linked from ``$TW_BENCH_DIR/home``, generated
if missing) and ``bench.sources_home``'s files for the twelve other tools. After one import
nothing changes, and each round times, in turn: ``tokenworth usage daily --json``; ``ccusage
daily`` (ccusage 20 reads every agent it detects in that one command); and ccusage's
per-tool sub-commands one after another (``claude``, ``codex``, ``gemini`` …), summed.
The warm run on the Claude Code + Codex files alone is timed in each round too (what the other
tools add to it). Medians over the rounds; the load average before and after is printed so a busy machine shows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench.corpus import build, folder_bytes
from bench.run import timed
from bench.sources_home import build_others
from tests.helpers.ccusage import ccusage_binary

ROOT = Path(os.environ.get("TW_BENCH_DIR", "/tmp/tw-bench"))  # noqa: S108 - a scratch corpus
# ccusage 20.0.24's sub-commands for the tools in the bench HOME (Cline, Roo and Zed it does not read).
PEER_TOOLS = ("claude", "codex", "openclaw", "pi", "gemini", "qwen", "opencode", "kilo", "copilot", "goose", "amp")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def prepare(megabytes: int) -> Path:
    """The all-sources HOME: the corpus hard-linked (no second GB on disk) plus the other tools."""
    corpus = ROOT / "home"
    if not corpus.exists() or abs(folder_bytes(corpus) / 1e6 - megabytes) > megabytes * 0.05:
        print(f"generating {megabytes} MB of Claude Code + Codex logs …", file=sys.stderr)
        build(corpus, megabytes)
    home = ROOT / "all"
    shutil.rmtree(home, ignore_errors=True)
    subprocess.run(["cp", "-al", str(corpus), str(home)], check=True)
    build_others(home)
    return home


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--megabytes", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    home = prepare(args.megabytes)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE_", "CODEX_", "TOKENWORTH_", "XDG_"))}
    env.update(HOME=str(home), NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    exe = str(Path(sys.executable).parent / "tokenworth")
    data = ROOT / "data-all"
    ours = [exe, "--data-dir", str(data), "usage", "daily", "--json", "--timezone", "UTC"]
    peer = str(ccusage_binary())
    tail = ["daily", "--json", "--offline", "--timezone", "UTC"]
    subprocess.run([exe, "--help"], env=env, capture_output=True, check=True)
    shutil.rmtree(data, ignore_errors=True)
    print(f"load average before: {load()}")
    cold = timed(ours, env)
    doc = json.loads(cold[2])
    sources = sorted(doc["totals"]["sources"])
    # The same warm run on the Claude Code + Codex files alone: what the twelve other tools add.
    only_env = {**env, "HOME": str(ROOT / "home")}
    only = [exe, "--data-dir", str(ROOT / "data-corpus-only"), *ours[3:]]
    shutil.rmtree(ROOT / "data-corpus-only", ignore_errors=True)
    timed(only, only_env)
    warm_only: list[float] = []
    warm: list[float] = []
    whole: list[float] = []
    summed: list[float] = []
    per_tool: dict[str, list[float]] = {t: [] for t in PEER_TOOLS}
    for _ in range(args.repeat):
        warm.append(timed(ours, env)[0])
        warm_only.append(timed(only, only_env)[0])
        whole.append(timed([peer, *tail], env)[0])
        total = 0.0
        for tool in PEER_TOOLS:
            s = timed([peer, tool, *tail], env)[0]
            per_tool[tool].append(s)
            total += s
        summed.append(total)
    w, a, b = statistics.median(warm), statistics.median(whole), statistics.median(summed)
    print(f"load average after:  {load()}")
    print(f"sources read by tokenworth ({len(sources)}): {', '.join(sources)}")
    print(f"tokenworth cold import + report      {cold[0]:6.2f} s   peak {cold[1]:5.0f} MB")
    print(f"tokenworth warm (nothing changed)    {w:6.2f} s   (min {min(warm):.2f}, max {max(warm):.2f})")
    print(f"  same, Claude Code + Codex alone     {statistics.median(warm_only):6.2f} s")
    print(f"ccusage daily (every agent at once)  {a:6.2f} s   warm = {w / a:4.2f}x")
    print(f"ccusage sub-commands, summed         {b:6.2f} s   warm = {w / b:4.2f}x")
    # ccusage's OpenClaw reader dominates its sum; without it, and Claude Code + Codex alone:
    rest = statistics.median(t - o for t, o in zip(summed, per_tool["openclaw"], strict=True))
    cc = statistics.median(a + b for a, b in zip(per_tool["claude"], per_tool["codex"], strict=True))
    print(f"  summed without openclaw            {rest:6.2f} s   warm = {w / rest:4.2f}x")
    print(f"  claude + codex only                {cc:6.2f} s   warm = {w / cc:4.2f}x")
    for tool, runs in per_tool.items():
        print(f"  ccusage {tool:9} daily             {statistics.median(runs):6.2f} s")


if __name__ == "__main__":
    main()
