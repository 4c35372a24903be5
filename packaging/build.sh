#!/usr/bin/env bash
# Build the one-folder bundle: packaging/build.sh [OUTDIR]  (default: dist/)
# Leaves OUTDIR/tokenworth/tokenworth (tokenworth.exe on Windows; on macOS also
# OUTDIR/Tokenworth.app). PyInstaller comes from the project's locked "build" dependency group,
# so the build is reproducible and a plain `uv sync` never installs it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-$root/dist}" && cd "${1:-$root/dist}" && pwd)"
work="${TOKENWORTH_BUILD_WORK:-$out/.build}"
cd "$root"
uv sync --quiet --group build  # the app's dependencies plus PyInstaller, exactly as locked
start=$(date +%s)
uv run --no-sync pyinstaller --noconfirm --clean --log-level WARN \
  --distpath "$out" --workpath "$work" packaging/tokenworth.spec
exe="$out/tokenworth/tokenworth"
[ -e "$exe" ] || exe="$exe.exe"
[ -e "$exe" ] || { echo "build.sh: no executable at $out/tokenworth/" >&2; exit 1; }
echo "build.sh: built $exe in $(( $(date +%s) - start )) s; folder $(du -sh "$out/tokenworth" | cut -f1)"
