#!/usr/bin/env bash
# Build the one-folder bundle: packaging/build.sh [OUTDIR]  (default: dist/)
# Leaves OUTDIR/tokenworth/tokenworth (tokenworth.exe on Windows; on macOS also
# OUTDIR/Tokenworth.app). The build runs in its own environment (build/venv, or
# $TOKENWORTH_BUILD_VENV): the app's locked dependencies plus the locked "build" group
# (PyInstaller) and nothing of the dev tools, so no test tool can slip into the bundle, a plain
# `uv sync` never installs PyInstaller, and building never changes the .venv tests run from.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-$root/dist}" && cd "${1:-$root/dist}" && pwd)"
work="${TOKENWORTH_BUILD_WORK:-$out/.build}"
cd "$root"
export UV_PROJECT_ENVIRONMENT="${TOKENWORTH_BUILD_VENV:-$root/build/venv}"
# --extra native: the C accelerator (packaging/native) goes into the bundle; this needs the C
# compiler CPython extensions are built with.
uv sync --quiet --locked --no-dev --group build --extra native --no-editable  # exactly as locked
start=$(date +%s)
uv run --no-sync pyinstaller --noconfirm --clean --log-level WARN \
  --distpath "$out" --workpath "$work" packaging/tokenworth.spec
exe="$out/tokenworth/tokenworth"
[ -e "$exe" ] || exe="$exe.exe"
[ -e "$exe" ] || { echo "build.sh: no executable at $out/tokenworth/" >&2; exit 1; }
echo "build.sh: built $exe in $(( $(date +%s) - start )) s; folder $(du -sh "$out/tokenworth" | cut -f1)"
