"""OpenClaw (formerly Clawdbot / Moltbot): agent transcripts in all three storage generations.

Below the state folder (``$OPENCLAW_STATE_DIR``, else ``~/.openclaw``; legacy ``~/.clawdbot``,
``~/.moltbot``, ``~/.moldbot``; a fork with its own dot-folder is a user ``extra_paths``
entry naming that folder), everything under ``agents/<agentId>/``:

- JSONL transcripts ``sessions/<id>.jsonl`` (≤ v2026.7), their ``.jsonl.reset.<ts>`` /
  ``.jsonl.deleted.<ts>`` archives and doctor's ``session-sqlite-import-archive/
  <key>.<id>.jsonl.imported-<ts>`` (often the only copy of old history);
- the per-agent database ``agent/openclaw-agent.sqlite`` (≥ v2026.8.1), table
  ``transcript_events``: each event's JSON in ``event_json`` or, since agent schema 23, as a
  level-1 zstd frame in ``event_zstd`` (``docs/reference/database-schemas/layout.md``),
  and whole archived transcripts kept as blobs there (``session_transcript_archives``:
  reset/deleted sessions not yet published as files; cold archives a backup embedded);
- cold archives ``sessions/cold/<sha256>.jsonl.zst`` (≥ v2026.9.5): zstd JSONL;
- Codex rollouts under ``agent/codex-home`` when OpenClaw drives Codex: read with the Codex
  reader, and the transcript's one-row mirror of such a turn is dropped.

The record format, token mapping and key are ``sources.pi_transcript``'s (keys ``oc:``):
input fresh, cache separate, output with reasoning, ``cost.total`` kept as the tool's
estimate. One request copied into a fork, a compaction successor, an archive and the
database counts once. Sub-agent, cron and hook sessions are ordinary sessions: all counted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tracker.core.reading import ReadResult
from tracker.sources import codex
from tracker.sources.compressed import is_zstd
from tracker.sources.jsonl import LineFormat
from tracker.sources.pi_transcript import NEEDLES, TranscriptFormat, agent_of, session_from_name
from tracker.sources.spec import Kind, Part, Root, SourceSpec

NAME = "openclaw"
FORMAT = TranscriptFormat(NAME, "oc")
# OpenClaw stores events of 1 KiB to 4 MiB compressed; a frame inflating past this is corrupt.
MAX_EVENT_BYTES = 16 << 20
CHUNK = 1 << 20
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Tables holding whole archived transcripts as blobs (agent schema 20+).
ARCHIVE_TABLES = ("session_transcript_archives", "session_transcript_cold_archives")


def _context(path: Path) -> dict[str, Any]:
    return {"fallback_session": session_from_name(path.name), "fallback_project": agent_of(path)}


class OpenClawTranscripts:
    """Append-only JSONL transcripts and their archives."""

    needles: tuple[bytes, ...] = NEEDLES
    line_format: LineFormat[Any] | None = FORMAT.line_format()
    parse_line = staticmethod(FORMAT.line_format().parse_line(NEEDLES))

    def start_context(self, path: Path) -> dict[str, Any]:
        return _context(path)


class ColdArchives:
    """Immutable zstd-compressed JSONL archives, read whole."""

    def parse_document(self, path: Path, data: bytes, result: ReadResult) -> None:
        import zstandard  # imported here: only homes with compressed history need it

        context = _context(path)
        line_no = 0
        # The importer (``sources.document``) hands over a ``.zst`` file already decompressed;
        # raw frames (a caller reading the file itself) are inflated here.
        chunks = _inflate(data) if is_zstd(data) else iter((data,))
        try:
            for line in _lines(chunks):
                line_no += 1
                result.lines_read += 1
                if line.strip():
                    FORMAT.parse_record(line, line_no, context, result)
        except (zstandard.ZstdError, _TruncatedError) as exc:
            result.skip(line_no + 1, f"corrupt zstd archive ({exc}); the lines before it were read")


class _TruncatedError(Exception):
    pass


def _inflate(data: bytes, limit: int | None = None) -> Iterator[bytes]:
    """The decompressed bytes of one or more zstd frames, a piece at a time (about ``limit``
    at most); raises ``ZstdError`` for corrupt data and ``_TruncatedError`` for a cut frame."""
    import zstandard

    inflater = zstandard.ZstdDecompressor().decompressobj()
    pos = produced = 0
    while pos < len(data):
        piece = data[pos : pos + CHUNK]
        pos += len(piece)
        out = inflater.decompress(piece)
        if out:
            produced += len(out)
            yield out
            if limit is not None and produced > limit:
                return
        if inflater.eof:
            pos -= len(inflater.unused_data)  # the next frame starts there
            if pos >= len(data):
                return
            inflater = zstandard.ZstdDecompressor().decompressobj()
    if data and not inflater.eof:
        raise _TruncatedError("the data ends inside a frame")


def _lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
    carry = b""
    for chunk in chunks:
        parts = (carry + chunk).split(b"\n")
        carry = parts.pop()
        yield from parts
    if carry:
        yield carry


class AgentDatabase:
    """``transcript_events`` of a per-agent database, read by rowid.

    Marks: the largest rowid read, how many rows had a rowid up to it and a checksum of
    their (rowid, seq) pairs, all from one scan of the primary-key index (never the event
    bodies). When rows below the mark were deleted or renumbered (VACUUM may renumber this
    table, and a new row may reuse a deleted top rowid) they no longer match, and everything
    is read again: the keys make that exact.
    """

    def read_database(
        self, db: sqlite3.Connection, path: Path, marks: Mapping[str, int], result: ReadResult
    ) -> dict[str, int]:
        try:
            return self._read(db, path, marks, result)
        except sqlite3.DatabaseError as exc:
            result.error = f"cannot read {path.name}: {exc}"
            return dict(marks)

    def _read(self, db: sqlite3.Connection, path: Path, marks: Mapping[str, int], result: ReadResult) -> dict[str, int]:
        cols = _columns(db, "transcript_events")
        bodies: list[str] = [c for c in ("event_json", "event_zstd") if c in cols]
        if not {"session_id", "seq"} <= cols or not bodies:
            return {}  # schema-1 databases (cache, auth, memory only): nothing here
        created = "created_at" if "created_at" in cols else "NULL"
        select = f"SELECT rowid, session_id, {created}, {', '.join(bodies)} FROM transcript_events"  # noqa: S608 - column names come from the schema probe, not input
        last = int(marks.get("rowid", 0))
        try:
            top, count, kept, sig, sig_all = db.execute(_SIGNATURE, (last, last)).fetchone()
            if (kept, sig) != (marks.get("rows", 0), marks.get("sig", 0)):
                last = 0
            rows = db.execute(f"{select} WHERE rowid > ? ORDER BY session_id, seq", (last,))
        except sqlite3.OperationalError:  # a WITHOUT ROWID table in some fork: read all, no marks
            top = None
            rows = db.execute(select.replace("rowid", "seq", 1) + " ORDER BY session_id, seq")
        windows = _windows(db)
        agent = agent_of(path)
        contexts: dict[str, dict[str, Any]] = {}
        for row in rows:
            line_no, session, created_at = row[0], row[1], row[2]
            if not isinstance(session, str):
                result.skip(line_no, "transcript event without a session id")
                continue
            context = contexts.get(session)
            if context is None:
                context = contexts[session] = self._start(db, session, windows, agent, bodies, result)
            result.lines_read += 1
            context["row_ts"] = created_at if isinstance(created_at, int) else None
            body = _body(dict(zip(bodies, row[3:], strict=True)), line_no, result)
            if body is not None:
                FORMAT.parse_record(body, line_no, context, result)
        out = {"rowid": int(top), "rows": int(count), "sig": int(sig_all)} if top is not None else {}
        for table in ARCHIVE_TABLES:
            out.update(_archives(db, table, marks, agent, result))
        return out

    def _start(
        self,
        db: sqlite3.Connection,
        session: str,
        windows: dict[str, tuple[str, str]],
        agent: str,
        bodies: list[str],
        result: ReadResult,
    ) -> dict[str, Any]:
        """A session's context: the window's model as fallback, the header's cwd as project."""
        model, provider = windows.get(session, ("", ""))
        context: dict[str, Any] = {"fallback_session": session, "fallback_project": agent}
        if model:
            context["model"] = model
        if provider:
            context["provider"] = provider
        first = db.execute(
            f"SELECT {', '.join(bodies)} FROM transcript_events WHERE session_id = ? ORDER BY seq LIMIT 1",  # noqa: S608 - probed column names
            (session,),
        ).fetchone()
        if first is not None:
            scratch = ReadResult(cursor=result.cursor)  # the header is not usage; its problems are not this row's
            body = _body(dict(zip(bodies, first, strict=True)), 0, scratch)
            if body is not None and b'"type":"session"' in body:
                FORMAT.parse_record(body, 0, context, scratch)
        return context


# One pass over the primary-key index: the top rowid, the row count, and the count and a
# checksum of the rows up to the last mark (each term below 2^31, so the sum cannot overflow).
_SIGNATURE = """
SELECT max(rowid), count(*), coalesce(sum(rowid <= ?), 0),
       coalesce(sum(CASE WHEN rowid <= ? THEN ((rowid % 2147483647) * 1000003 + seq % 2147483647) % 2147483647 END), 0),
       coalesce(sum(((rowid % 2147483647) * 1000003 + seq % 2147483647) % 2147483647), 0)
FROM transcript_events WHERE session_id >= ''
"""


def _archives(
    db: sqlite3.Connection, table: str, marks: Mapping[str, int], agent: str, result: ReadResult
) -> dict[str, int]:
    """Archived transcripts kept as blobs (plain or zstd JSONL): reset/deleted sessions not
    yet published as files, and cold archives a backup embedded. Rows are immutable, so
    the marks are the top rowid and the row count up to it (a count that moved: read all)."""
    if not {"session_id", "archive_blob"} <= _columns(db, table):
        return {}
    last = int(marks.get(f"{table}.rowid", 0))
    top, count, kept = db.execute(
        f"SELECT max(rowid), count(*), coalesce(sum(rowid <= ?), 0) FROM {table}",  # noqa: S608 - a fixed table name
        (last,),
    ).fetchone()
    if kept != marks.get(f"{table}.rows", 0):
        last = 0
    query = f"SELECT rowid, session_id, archive_blob FROM {table} WHERE rowid > ? AND archive_blob IS NOT NULL"  # noqa: S608 - a fixed table name
    for rowid, session, blob in db.execute(query, (last,)):
        if not isinstance(blob, bytes):
            result.skip(rowid, f"{table} row whose archive is not a blob")
            continue
        context: dict[str, Any] = {
            "fallback_session": session if isinstance(session, str) else "",
            "fallback_project": agent,
        }
        import zstandard  # imported here: only databases with archived transcripts need it

        try:
            lines = _lines(_inflate(blob)) if blob.startswith(ZSTD_MAGIC) else iter(blob.split(b"\n"))
            for line in lines:
                result.lines_read += 1
                if line.strip():
                    FORMAT.parse_record(line, rowid, context, result)
        except (zstandard.ZstdError, _TruncatedError) as exc:
            result.skip(rowid, f"corrupt zstd archive in {table} ({exc}); the lines before it were read")
    return {f"{table}.rowid": int(top), f"{table}.rows": int(count)} if top is not None else {}


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {str(r[1]) for r in db.execute(f"PRAGMA table_info({table})")}


def _windows(db: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """Model and provider per session window (newer schemas), for events that lack them."""
    cols = _columns(db, "session_windows")
    if not {"session_id", "model"} <= cols:
        return {}
    provider = "model_provider" if "model_provider" in cols else "''"
    out: dict[str, tuple[str, str]] = {}
    for sid, model, prov in db.execute(f"SELECT session_id, model, {provider} FROM session_windows"):  # noqa: S608 - probed column names
        if isinstance(sid, str):
            out[sid] = (model if isinstance(model, str) else "", prov if isinstance(prov, str) else "")
    return out


def _body(row: dict[str, Any], line_no: int, result: ReadResult) -> bytes | None:
    """An event's JSON from whichever column holds it; a bad frame is counted and skipped."""
    text = row.get("event_json")
    if isinstance(text, str):
        return text.encode("utf-8", "surrogatepass")
    if isinstance(text, bytes):
        return text
    blob = row.get("event_zstd")
    if not isinstance(blob, bytes) or not blob:
        result.skip(line_no, "transcript event with neither event_json nor event_zstd")
        return None
    import zstandard  # imported here: only compressed rows need it

    try:
        data = b"".join(_inflate(blob, MAX_EVENT_BYTES))
    except (zstandard.ZstdError, _TruncatedError) as exc:
        result.skip(line_no, f"corrupt zstd frame in event_zstd ({exc})")
        return None
    if len(data) > MAX_EVENT_BYTES:
        result.skip(line_no, "event_zstd inflates past 16 MiB (corrupt)")
        return None
    return data


TRANSCRIPTS = OpenClawTranscripts()
ARCHIVES = ColdArchives()
DATABASE = AgentDatabase()

_STATE = "OPENCLAW_STATE_DIR"
SPEC = SourceSpec(
    id=NAME,
    label="OpenClaw",
    roots=(
        Root("~/.openclaw", env=_STATE),
        Root("~/.openclaw-dev"),
        Root("~/.clawdbot", env="CLAWDBOT_STATE_DIR"),
        Root("~/.moltbot", env="MOLTBOT_STATE_DIR"),
        Root("~/.moldbot"),
    ),
    parts=(
        # Archive names end in their timestamp (digits, or ``Z``): never in ``.zst``.
        Part(
            "transcripts",
            Kind.JSONL,
            ("*.jsonl", "*.jsonl.reset.*[0-9Z]", "*.jsonl.deleted.*[0-9Z]", "*.jsonl.imported-*[0-9Z]"),
            TRANSCRIPTS,
            under="agents",
            skip_dirs=("codex-home",),
        ),
        Part("database", Kind.SQLITE, ("openclaw-agent.sqlite",), DATABASE, under="agents"),
        Part("cold", Kind.DOCUMENT, ("*.jsonl.zst", "*.jsonl.*.zst"), ARCHIVES, under="agents"),
        Part("codex", Kind.JSONL, ("rollout-*.jsonl",), codex.READER, under="agents"),
    ),
    counts=(
        "Each assistant reply's usage in OpenClaw's transcripts, archives, agent databases (compressed "
        "rows too) and cold archives, once however many copies forks, compaction and migration made."
    ),
)
