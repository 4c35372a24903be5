"""One walker for every source: roots and parts, on real folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.sources.kinds import DocReader
from tracker.sources.discovery import discover, part_folders
from tracker.sources.registry import SOURCES
from tracker.sources.spec import Kind, Part, Root, SourceSpec, spec_roots

SPEC = SourceSpec(
    id="walk-test",
    label="Walk Test",
    roots=(Root("~/a"), Root("~/b")),
    parts=(
        Part("chats", Kind.DOCUMENT, ("*.json",), DocReader(), under="chats", skip_dirs=("cache",)),
        Part("logs", Kind.DOCUMENT, ("*.log", "*.log.zst"), DocReader()),
    ),
    counts="",
)


def touch(p: Path) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("{}")
    return p


def names(home: Path) -> list[tuple[str, str | None, str | None]]:
    return [
        (str(f.path.relative_to(home)), f.part.name if f.part else None, f.error and f.error.split(": ")[-1])
        for f in discover(SPEC, [home / "a", home / "b"])
    ]


def test_parts_patterns_under_and_skip_dirs(home: Path) -> None:
    touch(home / "a" / "chats" / "x" / "1.json")
    touch(home / "a" / "chats" / "cache" / "2.json")  # skipped folder
    touch(home / "a" / "top.json")  # not under chats
    touch(home / "a" / "chats" / "run.log.zst")
    touch(home / "b" / "deep" / "z.log")
    touch(home / "b" / "deep" / "z.txt")
    assert names(home) == [
        ("a/chats/x/1.json", "chats", None),
        ("a/chats/run.log.zst", "logs", None),
        ("b/deep/z.log", "logs", None),
    ]


def test_each_real_file_once_links_and_odd_entries(home: Path, tmp_path: Path) -> None:
    real = touch(home / "a" / "one.log")
    (home / "b").mkdir()
    (home / "b" / "hard.log").hardlink_to(real)  # the same file by a second root
    outside = tmp_path / "outside"
    touch(outside / "secret.log")
    (home / "a" / "linked").symlink_to(outside, target_is_directory=True)  # not followed
    (home / "a" / "folder.log").mkdir()
    (home / "a" / "dangling.log").symlink_to(home / "nowhere")
    got = names(home)
    assert ("a/one.log", "logs", None) in got
    assert not any("hard.log" in n or "secret" in n for n, _, _ in got)
    assert ("a/folder.log", "logs", "cannot read (not a regular file)") in got
    assert ("a/dangling.log", "logs", "cannot read (No such file or directory)") in got


def without_dac(argv: list[str]) -> list[str]:
    """``argv`` run so that file permissions apply even to root (as for any user)."""
    if os.geteuid() != 0:
        return argv
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be made to apply")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *argv]


def test_an_unreadable_folder_is_reported(home: Path) -> None:
    touch(home / "a" / "ok.log")
    locked = home / "a" / "locked"
    touch(locked / "hidden.log")
    locked.chmod(0)
    code = (
        "import json, sys; from pathlib import Path; from tests.sources.test_discovery import names; "
        "print(json.dumps(names(Path(sys.argv[1]))))"
    )
    try:
        proc = subprocess.run(
            without_dac([sys.executable, "-c", code, str(home)]), capture_output=True, text=True, cwd=REPO, check=True
        )
    finally:
        locked.chmod(0o755)
    got = [tuple(x) for x in json.loads(proc.stdout)]
    assert ("a/ok.log", "logs", None) in got
    assert ("a/locked", None, "cannot read this folder (Permission denied)") in got


def test_part_folders_follow_under() -> None:
    assert part_folders(SPEC, [Path("/r")]) == [(Path("/r/chats"), SPEC.parts[0]), (Path("/r"), SPEC.parts[1])]


def test_registered_sources_roots(home: Path) -> None:
    cc, cx = SOURCES["claude-code"], SOURCES["codex"]
    assert spec_roots(cc, home, {}, platform="linux") == [home / ".config/claude/projects", home / ".claude/projects"]
    assert spec_roots(cc, home, {"CLAUDE_CONFIG_DIR": "/x, /y"}, platform="linux") == [
        Path("/x/projects"),
        Path("/y/projects"),
    ]
    assert spec_roots(cx, home, {"CODEX_HOME": "/c"}, [Path("/e")], platform="darwin") == [
        Path("/c/sessions"),
        Path("/c/archived_sessions"),
        Path("/e"),
    ]
    # A source reads parts below its roots, or has neither (it arrives over OTLP or in exports: Cursor).
    assert all(s.id == key and (s.parts or not s.roots) and s.counts for key, s in SOURCES.items())


def walked(folder: Path, patterns: tuple[str, ...], skip: tuple[str, ...]) -> list[str]:
    """What the walker found before it used ``os.scandir`` alone: ``os.walk``, by name."""
    from fnmatch import fnmatch

    out = []
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in skip]
        out += [os.path.join(here, n) for n in (*files, *dirs) if any(fnmatch(n, p) for p in patterns)]
    return sorted(out)


def test_the_walk_finds_what_os_walk_finds(home: Path, tmp_path: Path) -> None:
    root = home / "a" / "chats"
    touch(root / "1.json")
    touch(root / "deep" / "er" / "2.json")
    touch(root / "cache" / "3.json")  # a skipped folder: not entered, not reported
    touch(root / "x.txt")
    (root / "dir.json").mkdir()  # a folder named like a file: reported
    touch(root / "dir.json" / "4.json")  # … and entered
    touch(tmp_path / "out" / "5.json")
    (root / "link.json").symlink_to(tmp_path / "out", target_is_directory=True)  # listed, not entered
    (root / "linked").symlink_to(tmp_path / "out", target_is_directory=True)  # not entered
    (root / "file-link.json").symlink_to(root / "1.json")  # the same file again: yielded once
    (root / "broken.json").symlink_to(home / "nowhere")
    want = walked(root, ("*.json",), ("cache",))
    assert [os.path.relpath(p, root) for p in want] == [
        "1.json", "broken.json", "deep/er/2.json", "dir.json", "dir.json/4.json", "file-link.json", "link.json",
    ]  # fmt: skip
    spec = SourceSpec("w", "W", (), (Part("chats", Kind.DOCUMENT, ("*.json",), DocReader(), skip_dirs=("cache",)),), "")
    got = list(discover(spec, [root]))
    assert sorted(f.where for f in got) == [p for p in want if not p.endswith("file-link.json")]
    assert all(str(f.path) == f.where for f in got)
    errors = {os.path.relpath(f.where, root): f.error and f.error.split(": ")[-1] for f in got if f.error}
    assert errors == {
        "broken.json": "cannot read (No such file or directory)",
        "dir.json": "cannot read (not a regular file)",
        "link.json": "cannot read (not a regular file)",
    }
