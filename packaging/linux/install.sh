#!/usr/bin/env bash
# Install the one-folder build for this user, so Tokenworth shows in the launcher:
#
#   packaging/linux/install.sh [BUILT_FOLDER]    # default: dist/tokenworth (from packaging/build.sh)
#   packaging/linux/install.sh --uninstall       # removes exactly what the install put there
#
# Puts the build in ~/.local/opt/tokenworth, a `tokenworth` link in ~/.local/bin, the launcher
# entry in $XDG_DATA_HOME/applications, the icons in $XDG_DATA_HOME/icons/hicolor and the
# AppStream file in $XDG_DATA_HOME/metainfo. Each installed path is written to a manifest
# (~/.local/opt/tokenworth.installed) and the uninstall removes those paths and nothing else.
# Your data folder and settings are never touched (delete them yourself if you want them gone).
set -euo pipefail

data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
opt="$HOME/.local/opt/tokenworth"
bin="$HOME/.local/bin"
manifest="$HOME/.local/opt/tokenworth.installed"

apps_cache() { printf '%s' "$data_home/applications/mimeinfo.cache"; }
icons_cache() { printf '%s' "$data_home/icons/hicolor/icon-theme.cache"; }
refresh_caches() {
  # Best effort, so desktops that keep caches show the entry and icons at once. Only caches
  # that exist are refreshed (an install records the ones it made; the uninstall removes them).
  local only_existing="${1:-}"
  if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$data_home/applications" ] \
     && { [ -z "$only_existing" ] || [ -f "$(apps_cache)" ]; }; then
    update-desktop-database -q "$data_home/applications" || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d "$data_home/icons/hicolor" ] \
     && { [ -z "$only_existing" ] || [ -f "$(icons_cache)" ]; }; then
    gtk-update-icon-cache -q -t -f "$data_home/icons/hicolor" || true
  fi
}

uninstall() {
  if [ ! -f "$manifest" ]; then
    echo "install.sh: nothing to uninstall ($manifest not found)" >&2
    return 1
  fi
  local paths=() path i
  mapfile -t paths < "$manifest"
  rm -f -- "$manifest"
  for path in "${paths[@]}"; do  # files and links first
    if [ -L "$path" ] || [ -f "$path" ]; then rm -f -- "$path"; fi
  done
  rm -rf -- "$opt"
  for (( i=${#paths[@]}-1; i>=0; i-- )); do  # then the folders it made, deepest first, if empty now
    if [ -d "${paths[i]}" ]; then rmdir --ignore-fail-on-non-empty -- "${paths[i]}"; fi
  done
  refresh_caches only-existing
  echo "Tokenworth uninstalled (your data folder was kept)."
}

if [ "${1:-}" = "--uninstall" ]; then
  uninstall
  exit
fi

root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/dist/tokenworth}"
if [ ! -x "$build/tokenworth" ]; then
  echo "install.sh: no built app at $build/tokenworth; run packaging/build.sh first" >&2
  exit 1
fi
# Exec is quoted as the Desktop Entry spec asks (a home folder with a space works); the few
# characters that would need escaping inside the quotes are refused instead.
case "$opt" in *[\"\$\`\\%]*|*$'\n'*)
  echo "install.sh: $opt holds a character a launcher entry cannot name (\" \$ \` \\ % or a line break)" >&2
  exit 1 ;;
esac
resources="$build/_internal/resources"
[ -d "$resources" ] || resources="$root/resources"

if [ -f "$manifest" ]; then uninstall >/dev/null; fi  # a reinstall replaces the old one completely
installed=()
record() { installed+=("$1"); }
# mkdir -p, recording each folder it creates (so the uninstall removes only those)
make_dir() {
  local dir="$1" missing=()
  while [ ! -d "$dir" ]; do missing=("$dir" "${missing[@]}"); dir="$(dirname "$dir")"; done
  for dir in "${missing[@]}"; do mkdir -- "$dir"; record "$dir"; done
}
make_dir "$(dirname "$manifest")"
# The manifest is written however the install ends, so even a half-done one can be uninstalled.
trap 'printf "%s\n" "${installed[@]}" > "$manifest"' EXIT
put() {  # put SOURCE TARGET: copy one file, recording it
  make_dir "$(dirname "$2")"
  install -m 0644 -- "$1" "$2"
  record "$2"
}

cp -a -- "$build" "$opt.tmp" && mv -T -- "$opt.tmp" "$opt"
record "$opt"
make_dir "$bin"
ln -sfn -- "$opt/tokenworth" "$bin/tokenworth"
record "$bin/tokenworth"

# The launcher entry runs the installed executable by its full path (~/.local/bin may not be
# on the desktop session's PATH).
sed_opt="$(printf '%s' "$opt" | sed -e 's/[&|]/\\&/g')"
make_dir "$data_home/applications"
sed -e "s|^Exec=tokenworth|Exec=\"$sed_opt/tokenworth\"|" -e "s|^TryExec=tokenworth|TryExec=$sed_opt/tokenworth|" \
  "$resources/tokenworth.desktop" > "$data_home/applications/tokenworth.desktop"
record "$data_home/applications/tokenworth.desktop"

for png in "$resources"/icons/hicolor/*/apps/tokenworth.png; do
  size="$(basename "$(dirname "$(dirname "$png")")")"
  put "$png" "$data_home/icons/hicolor/$size/apps/tokenworth.png"
done
put "$resources/icons/tokenworth.svg" "$data_home/icons/hicolor/scalable/apps/tokenworth.svg"
put "$resources/com.tokenworth.Tokenworth.metainfo.xml" "$data_home/metainfo/com.tokenworth.Tokenworth.metainfo.xml"

had_apps_cache="$([ -f "$(apps_cache)" ] && echo 1 || true)"
had_icons_cache="$([ -f "$(icons_cache)" ] && echo 1 || true)"
refresh_caches
if [ -z "$had_apps_cache" ] && [ -f "$(apps_cache)" ]; then record "$(apps_cache)"; fi
if [ -z "$had_icons_cache" ] && [ -f "$(icons_cache)" ]; then record "$(icons_cache)"; fi
echo "Tokenworth installed in $opt; start it from your launcher, or run $bin/tokenworth."
case ":$PATH:" in *":$bin:"*) ;; *) echo "($bin is not on your PATH: add it to run 'tokenworth' by name.)" ;; esac
