"""The warm start: a ``usage`` run that would find nothing new answers from the report cache
before the importer, the source registry and the store are loaded (most of a warm run's time).

Each successful ``usage`` run leaves ``warm-start.json`` in the data folder: the folders its
import walks (each enabled source's roots and file patterns), stamps of the files a report
depends on besides the store (settings, time-zone files, the installed code), and, per command
line in its context (arguments, environment, working folder, terminal, day), the key of its
report in the store's cache. A later run in the same context walks the same folders, stats
every file and compares each with what the store says it read, as the import's planning does.
Only when every file is unchanged, no import error is stored, no rollup is pending, no OTLP event
waits for its log and the cache holds that key at the store's generation is the cached report
printed. Anything else (a file grown, added or replaced, a setting, zone, day, data folder or
version changed) runs the command in full, which imports, reports and writes the manifest
again: this can only make a run faster, never show a stale report. The manifest holds paths,
stamps and hashes, no usage and no environment values.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import time
from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.services.context import Context

MANIFEST = "warm-start.json"
VERSION = 1
RUNS = 16  # command lines remembered per data folder
MAX_BYTES = 4 << 20  # a manifest is a few kB; anything larger is not one of ours
DAY_S = 86_400
VOLATILE_ENV = frozenset({"_", "OLDPWD", "SHLVL"})  # set by the shell per command; Tokenworth reads none
# Where the system's zone is read (tzlocal on Linux and macOS): a changed one may change "today".
SYSTEM_ZONE_FILES = ("/etc/localtime", "/etc/timezone", "/etc/sysconfig/clock", "/etc/conf.d/clock")


def answer(argv: Sequence[str], env: Mapping[str, str] = os.environ) -> int | None:
    """Print ``argv``'s cached report and return its exit code when nothing it depends on
    changed since it was made; None: run the command in full."""
    if os.name != "posix":  # the system zone lives in the registry there: no file to stamp
        return None
    try:
        cached = _cached(argv, env)
        if cached is None:
            return None
        body, warnings = cached
        from tracker.cli.terminal import say

        for warning in warnings:
            say(f"warning: {warning}")
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    except BrokenPipeError:  # as ``cli.main.guarded``: the reader (head & co.) has what it wanted
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
    except KeyboardInterrupt:
        print("tokenworth: interrupted", file=sys.stderr)
        return 130
    return 0


def _cached(argv: Sequence[str], env: Mapping[str, str]) -> tuple[bytes, list[str]] | None:
    root = data_root(argv, env)
    if root is None:
        return None
    try:
        manifest = read_manifest(os.path.join(root, MANIFEST))
        run = manifest["runs"].get(context(argv, env))
        if run is None or manifest["root"] != root or manifest["version"] != VERSION:
            return None
        if not run["from"] <= time.time() < run["until"]:  # another day, or the clock went back
            return None
        if _hot_changed(manifest["hot"]):
            return None
        if manifest["code"] != code() or [manifest["stamps"], run["stamps"]] != [
            stamps(manifest["stamped"]),
            stamps(run["stamped"]),
        ]:
            return None
        from tracker.store.warm_check import cached_if

        return cached_if(manifest["database"], manifest["schema"], run["key"], partial(_logs_unchanged, manifest))
    except Exception:  # no manifest, or not one of ours (any failure here only means a full run)
        return None


def read_manifest(path: str) -> Any:
    """The manifest's JSON. Only a regular file of at most ``MAX_BYTES`` is read: a FIFO, a
    device or a link to one put in its place never blocks or floods a run (``OSError``)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            raise OSError(f"{path}: not a manifest")
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise OSError(f"{path}: not a manifest")
    return json.loads(data)


def _hot_changed(hot: Sequence[Sequence[Any]]) -> bool:
    """Whether one of the files written last (which a grown run grew) changed since the
    manifest was written: told before the store is opened or a folder listed."""
    for where, *then in hot:
        try:
            st = os.stat(where)
        except OSError:
            continue  # gone: not new usage; the walk decides
        if then != signature(st):
            return True
    return False


def _logs_unchanged(manifest: dict[str, Any], stored: Mapping[str, tuple[int, ...]]) -> bool:
    """Every file the import would find is one it read (``stored``: device, inode, size and
    mtime by path), unchanged since: ``StoredFiles.unchanged``, as the import's planning asks."""
    from tracker.sources.discovery import find

    wal: dict[str, list[int]] = manifest["wal"]
    for source in manifest["plan"]:
        walked = [(folder, tuple(skip), [(tuple(p), is_db) for p, is_db in parts]) for folder, skip, parts in source]
        for where, is_db, st, error in find(walked):
            if error is not None or st is None:
                return False  # the full run reports it
            if stored.get(where) != (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns):
                return False
            if is_db:
                from tracker.sources.sqlite_db import wal_identity

                if wal.get(where) != list(wal_identity(where)):  # type: ignore[arg-type]  # a str path serves
                    return False
    return True


def data_root(argv: Sequence[str], env: Mapping[str, str]) -> str | None:
    """The data folder ``core.paths.resolve_data_paths`` picks for ``argv``; None when only
    argparse can tell (an abbreviated ``--data-dir``)."""
    flag = None
    for i, arg in enumerate(argv):
        if not arg.startswith("-"):
            break  # the command: the options before it are the program's
        if arg.startswith("--data-dir="):
            flag = arg.partition("=")[2]
            break
        if arg == "--data-dir":
            flag = argv[i + 1] if i + 1 < len(argv) else None
            break
        if "--data-dir".startswith(arg.partition("=")[0]):
            return None
    if flag or env.get("TOKENWORTH_DATA_DIR"):
        return os.path.realpath(os.path.expanduser(flag or env["TOKENWORTH_DATA_DIR"]))
    import platformdirs

    return str(platformdirs.user_data_dir("tokenworth", appauthor=False))


def context(argv: Sequence[str], env: Mapping[str, str]) -> str:
    """A hash of what the command line's output may depend on besides files: the arguments,
    the environment, the working folder, whether it prints to a terminal and how wide."""
    import hashlib

    tty = [os.isatty(fd) for fd in (0, 1, 2)]
    try:
        columns = os.get_terminal_size(1).columns if tty[1] else None
    except OSError:
        columns = None
    parts = [list(argv), os.getcwd(), sorted(kv for kv in env.items() if kv[0] not in VOLATILE_ENV), tty, columns]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def code() -> str:
    """The installed code and data (``code_stamp``) and, outside a frozen build, every module
    of the package by size and mtime: an edited checkout is other code too."""
    import hashlib

    from tracker.core import resources
    from tracker.core.build_info import code_stamp

    if resources.is_frozen():
        return code_stamp()
    files = []
    todo = [str(resources.PACKAGE_DIR)]
    while todo:
        with os.scandir(todo.pop()) as listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        todo.append(entry.path)
                elif entry.name.endswith(".py"):
                    st = entry.stat()
                    files.append(f"{entry.path}:{st.st_size}:{st.st_mtime_ns}")
    return code_stamp() + "|" + hashlib.sha256("\n".join(sorted(files)).encode()).hexdigest()


def stamps(paths: Sequence[str]) -> list[list[int] | None]:
    """Each file's device, inode, size and mtime (None when absent): any change shows."""
    out: list[list[int] | None] = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            out.append(None)
            continue
        out.append(signature(st))
    return out


def signature(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


def remember(ctx: Context, argv: Sequence[str], started: float, key: str, timezone: str) -> None:
    """After a full run of ``argv`` (``started`` then) that printed report ``key`` (in
    ``timezone``) and nothing else: what the same run needs next time to answer from the
    cache. Best effort."""
    import sqlite3
    import zoneinfo

    from tracker.core.atomic_write import write_bytes
    from tracker.core.errors import TokenworthError

    root = ctx.paths.root
    try:
        base = _base(ctx)
        try:
            old = read_manifest(str(root / MANIFEST))
        except Exception:  # none, or not one of ours: written afresh
            old = {}
        same = isinstance(old, dict) and all(old.get(k) == v for k, v in base.items() if k not in ("wal", "hot"))
        runs = dict(old["runs"]) if same and isinstance(old.get("runs"), dict) else {}
        here = context(argv, ctx.env)
        runs.pop(here, None)
        zone_files = [os.path.join(p, timezone) for p in zoneinfo.TZPATH]  # the report cache key's ``tz_stamp``
        runs[here] = {
            "key": key,
            "from": started,
            "until": _day_ends(started, timezone),  # the day its dates were counted in
            "stamped": zone_files,
            "stamps": stamps(zone_files),
        }
        base["runs"] = dict(list(runs.items())[-RUNS:])
        write_bytes(root / MANIFEST, json.dumps(base).encode())
    except (OSError, ValueError, RecursionError, sqlite3.Error, TokenworthError):
        return  # the next run is a full one, as without the manifest


def _base(ctx: Context) -> dict[str, Any]:
    """Everything but the command lines: where to look, what to stamp, the store's read DBs' -wal."""
    from tracker.services.importer import source_roots
    from tracker.sources.discovery import groups
    from tracker.sources.registry import SOURCES
    from tracker.sources.spec import Kind
    from tracker.store.warm_check import warm_marks

    config = ctx.source_config()
    plan = []
    databases = set()
    for name, spec in SOURCES.items():
        if not config.is_enabled(name):
            continue
        walked = groups(spec, source_roots(spec, ctx.home, ctx.env, config))
        plan.append(
            [[f, list(skip), [[list(p), part.kind is Kind.SQLITE] for p, part in parts]] for f, skip, parts in walked]
        )
        if any(part.kind is Kind.SQLITE for part in spec.parts):
            databases.add(name)
    stamped = [str(ctx.paths.settings), *SYSTEM_ZONE_FILES]
    read = ctx.settings_stat  # as the settings were read, not as they are now
    with ctx.reader() as store:
        schema, wal, hot = warm_marks(store, databases)
    return {
        "version": VERSION,
        "root": str(ctx.paths.root),
        "database": str(ctx.paths.database),
        "schema": schema,
        "code": code(),
        "stamped": stamped,
        "stamps": [None if read is None else signature(read), *stamps(SYSTEM_ZONE_FILES)],
        "plan": plan,
        "wal": wal,
        "hot": hot,
    }


def _day_ends(now: float, timezone: str) -> float:
    """The next midnight of the system's zone ("today" of ``--since today``) or of
    ``timezone`` (``--period``), whichever comes first; at most a day from ``now``."""
    from datetime import date, datetime, timedelta
    from datetime import time as midnight

    from tracker.core.timezones import get_zone

    local = time.mktime((date.fromtimestamp(now) + timedelta(days=1)).timetuple())
    zone = get_zone(timezone)
    there = datetime.combine(datetime.fromtimestamp(now, zone).date() + timedelta(days=1), midnight(), zone)
    return min(local, there.timestamp(), now + DAY_S)
