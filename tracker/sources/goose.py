"""Goose (block/goose): ``<data>/sessions/sessions.db``.

Goose finds its data folder with etcetera's app strategy (``Block``/``goose``): XDG on
Linux *and* macOS (``$XDG_DATA_HOME/goose``, default ``~/.local/share/goose``), and
``%APPDATA%\\Block\\goose\\data`` on Windows; ``GOOSE_PATH_ROOT`` moves it to
``$GOOSE_PATH_ROOT/data`` (``crates/goose/src/config/paths.rs``). Older macOS installs and
the peers also look in ``~/Library/Application Support/goose`` and ``…/Block/goose`` and in
the legacy ``~/.local/share/Block/goose``; all are read (the key makes a copy count once).

Table ``sessions`` (``crates/goose/src/session/session_manager.rs`` ``create_schema``, later
columns added by migrations): one row per session, rewritten in place. ``input_tokens``,
``output_tokens`` and ``total_tokens`` are the **last turn's** figures (a context gauge);
``accumulated_*`` are the session's sums, which is what is read (the plain columns only for
a session that never accumulated, as older releases wrote). ``accumulated_cost`` is Goose's
own USD estimate. The model is ``model_config_json.model_name``.

Tokens, in the contract's terms: Goose stores no cache split and its input count includes
cached prompt tokens (the Anthropic provider adds cache reads and writes into input), so
input is stored as Goose gives it — all of it at the fresh-input price, an upper bound.
``accumulated_total - input - output``, when positive, is reasoning the provider reported
apart from output (Gemini thoughts); it is added to output and kept as reasoning.

``import_session`` (same file) creates a new session, new id and time, carrying the exported
session's ``accumulated_*`` over (``copy_session`` does not copy them): a later row with the
same folder, model and sums as an earlier one is that copy and is not counted again. (If
either then grows, the copy's inherited part is counted twice; Goose keeps no link.)

A session is cumulative and has no per-turn usage with times, so it is **one record per
session**, dated at its ``created_at``: key ``gs:<id>:<created_at>`` (ids such as
``20261130_4`` repeat across databases, the creation time does not). Each read emits the
session's current totals; the store keeps the copy with the most tokens, so a growing
session updates its one row and is never added twice. The table is small (one row per
session, no message content read), so it is read whole when the file changes: no marks.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import ReadResult
from tracker.sources.normalize import add_usage, token_count
from tracker.sources.spec import Kind, Part, Root, SourceSpec
from tracker.sources.sqlite_rows import select_list, table_columns, text, timestamp_ms

NAME = "goose"
COLUMNS = (
    "id", "created_at", "working_dir", "model_config_json", "accumulated_input_tokens",
    "accumulated_output_tokens", "accumulated_total_tokens", "input_tokens", "output_tokens",
    "total_tokens", "accumulated_cost",
)  # fmt: skip
ENV = "GOOSE_PATH_ROOT"


class _ModelConfig(msgspec.Struct):
    model_name: Any = None


_MODEL_CONFIG = msgspec.json.Decoder(_ModelConfig)


def _model(raw: object) -> str:
    if not isinstance(raw, str | bytes):
        return ""
    try:
        return text(_MODEL_CONFIG.decode(raw).model_name).strip()
    except (msgspec.DecodeError, msgspec.ValidationError):
        return ""


class SessionsReader:
    """``SqliteReader`` for ``sessions.db``."""

    def read_database(
        self, db: sqlite3.Connection, path: Path, marks: Mapping[str, int], result: ReadResult
    ) -> dict[str, int]:
        try:
            columns = table_columns(db, "sessions")
            if "id" not in columns:
                return {}  # not (yet) a sessions database: nothing here
            query = f"SELECT {select_list(columns, COLUMNS)} FROM sessions ORDER BY rowid"  # noqa: S608 - names from constants
            rows = db.execute(query).fetchall()
        except sqlite3.Error as exc:  # not a database, or a corrupt one
            result.error = f"cannot read the Goose sessions database: {exc}"
            return {}
        seen: set[tuple[Any, ...]] = set()
        for line, row in enumerate(rows, 1):
            result.lines_read += 1
            copy = _import_fingerprint(row)
            if copy is not None and copy in seen:
                result.ignore("goose session imported as a copy of another (same totals)")
                continue
            if copy is not None:
                seen.add(copy)
            _add_session(line, row, result)
        return {}


def _import_fingerprint(row: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """What an imported copy shares with its original: folder, model and the three sums."""
    _, _, cwd, config, acc_in, acc_out, acc_total, *_ = row
    if not all(isinstance(v, int) and v > 0 for v in (acc_in, acc_out)):
        return None
    return (cwd, _model(config), acc_in, acc_out, acc_total)


def _add_session(line: int, row: tuple[Any, ...], result: ReadResult) -> None:
    sid, created, cwd, config, acc_in, acc_out, acc_total, last_in, last_out, last_total, cost = row
    # NULL or 0 everywhere: a session from before Goose accumulated (anything else, even a
    # corrupt value, is the accumulated figure and is checked as such)
    accumulated = any(v is not None and v != 0 for v in (acc_in, acc_out, acc_total))
    inp, out, total = (acc_in, acc_out, acc_total) if accumulated else (last_in, last_out, last_total)
    counts = [token_count(v) for v in (inp, out, total)]
    if all(c == 0 for c in counts):
        result.ignore("goose session without usage")
        return
    ts = timestamp_ms(created)
    if ts is None:
        result.skip(line, "Goose session without a readable created_at")
        return
    i, o, t = (c or 0 for c in counts)
    session = text(sid)
    add_usage(
        result, line, source=NAME, key=f"gs:{session}:{text(created) or ts}",
        session=session, project=text(cwd), model=_model(config), ts_ms=ts,
        input=inp, output=out, reasoning=max(0, t - i - o) if None not in counts else 0,
        reasoning_separate=True, tool_cost_usd=cost,
    )  # fmt: skip


SESSIONS = SessionsReader()
_PART = Part("sessions", Kind.SQLITE, ("sessions.db",), SESSIONS, under="sessions")
_UNIX = ("linux", "darwin")

SPEC = SourceSpec(
    id=NAME,
    label="Goose",
    roots=(
        Root("{data}/goose", env=ENV, env_sub="data", platforms=("linux",)),
        Root("~/.local/share/goose", env=ENV, env_sub="data", platforms=("darwin",)),
        Root("{data}/goose", env=ENV, env_sub="data", platforms=("darwin",)),
        Root("{data}/Block/goose", env=ENV, env_sub="data", platforms=("darwin",)),
        Root("~/.local/share/Block/goose", env=ENV, env_sub="data", platforms=_UNIX),
        Root("{config}/Block/goose/data", env=ENV, env_sub="data", platforms=("win32",)),
    ),
    parts=(_PART,),
    counts="Each session once, from Goose's accumulated totals (no cache split: cached prompt "
    "tokens count as input), dated when the session started.",
)
