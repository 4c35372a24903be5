"""``tokenworth import FILE…``: files a person hands in (provider exports), sniffed and stored.

Each file's first bytes (and name) pick its format (``sources.exports.formats.FORMATS``); a
ZIP is opened and each member sniffed. Usage events (Cursor's per-request rows) are stored
like log events through the import writer, the file's path being its ``files`` row (so
``tokenworth sources`` shows it); provider figures (bills, premium requests) go to
``store.provider``, beside the logs. Keys make a re-import or an overlapping export count
once. Nothing here raises for a bad file: each file gets a message saying what was
recognised and stored, or why not.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tracker.core.reading import DocumentCursor, ReadResult, SessionSeen
from tracker.core.records import SkippedLine
from tracker.services.bundles import BundleError, import_bundle, is_bundle
from tracker.services.otlp_dedup import settle_events
from tracker.sources.exports.csv_table import MAX_FILE_BYTES
from tracker.sources.exports.format import HEAD_BYTES, ExportFormat, ExportRead
from tracker.sources.exports.formats import FORMATS
from tracker.sources.exports.mapped import read_mapped
from tracker.store.import_state import identify
from tracker.store.rollup import last_event_id, touched_since
from tracker.store.store import Store
from tracker.store.writer import ImportWriter

SHOW_LINES = 10  # line numbers listed per reason; the rest are counted
MAX_MEMBERS = 200  # ZIP members looked at (a chat export holds a few files, not thousands)


@dataclass
class FileImport:
    """What importing one file (or ZIP member) did."""

    path: str
    format: str | None = None  # what it was recognised as (None: not recognised)
    source: str | None = None  # the source id its usage events count under
    rows: int = 0
    events: int = 0  # usage records read from it
    events_new: int = 0  # of which stored for the first time
    provider_new: int = 0
    provider_replaced: int = 0  # provider figures replaced by this (later) copy
    skipped: int = 0
    skipped_lines: list[tuple[int, str]] = field(default_factory=list)
    error: str | None = None
    unrecognised: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        """One paragraph for the user: what was recognised and stored, or why not."""
        if self.error:
            return f"{self.path}: {self.error}"
        parts = [f"{self.rows:,} row(s)"]
        if self.source:
            parts.append(f"{self.events:,} usage record(s) for {self.source} ({self.events_new:,} new)")
        if self.provider_new or self.provider_replaced:
            parts.append(
                f"{self.provider_new + self.provider_replaced:,} provider figure(s) "
                f"({self.provider_new:,} new, {self.provider_replaced:,} replaced by this copy)"
            )
        parts.extend(_skip_groups(self.skipped_lines, self.skipped))
        lines = [f"{self.path}: {self.format}: " + ", ".join(parts)]
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)


def _skip_groups(skipped: list[tuple[int, str]], total: int) -> list[str]:
    """ "3 failed the Total Tokens check: lines 17, 90, 311" — one phrase per reason."""
    groups: dict[str, list[int]] = {}
    for line_no, reason in skipped:
        groups.setdefault(reason.split(" (", 1)[0], []).append(line_no)
    out = []
    for reason, lines in groups.items():
        shown = ", ".join(str(n) for n in lines[:SHOW_LINES]) + (", …" if len(lines) > SHOW_LINES else "")
        out.append(f"{len(lines):,} {reason}: line{'s' if len(lines) > 1 else ''} {shown}")
    listed = sum(len(v) for v in groups.values())
    if total > listed:
        out.append(f"{total - listed:,} more skipped line(s)")
    return out


@dataclass
class FilesImport:
    files: list[FileImport] = field(default_factory=list)
    days_touched: frozenset[date] = frozenset()
    sources_touched: frozenset[str] = frozenset()
    provider_changed: bool = False

    @property
    def unrecognised(self) -> int:
        return sum(f.unrecognised for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(f.skipped + (f.error is not None and not f.unrecognised) for f in self.files)

    @property
    def changed(self) -> bool:
        return bool(self.sources_touched) or self.provider_changed


def known_formats(formats: Sequence[ExportFormat] = FORMATS) -> str:
    return ", ".join(f.name for f in formats)


def sniff(path: Path, head: bytes, formats: Sequence[ExportFormat] = FORMATS) -> ExportFormat | None:
    """The first format that recognises the file whose first bytes are ``head``."""
    for fmt in formats:
        try:
            if fmt.recognises(path, head):
                return fmt
        except Exception:  # noqa: S112 - a format's sniffing bug must not hide the others
            continue
    return None


@dataclass(frozen=True)
class UsageMapping:
    """A saved field mapping (``sources.usage_mappings``) for files no format reads."""

    name: str
    fields: dict[str, str]
    source: str
    flags: frozenset[str] = frozenset()


def import_files(
    store: Store,
    paths: Sequence[Path],
    formats: Sequence[ExportFormat] = FORMATS,
    mapping: UsageMapping | None = None,
) -> FilesImport:
    """Import each of ``paths`` (export files or ZIPs of them, bundles from another machine, or
    with ``mapping`` any CSV/JSON/JSONL through it); never raises for a bad file."""
    summary = FilesImport()
    conn = store.write_connection()
    before = last_event_id(conn)
    for path in paths:
        if path.is_dir():
            summary.files.append(FileImport(str(path), error="a folder, not an export file", unrecognised=True))
        elif not path.exists():
            summary.files.append(FileImport(str(path), error="no such file", unrecognised=True))
        elif mapping is not None:
            read = read_mapped(path, mapping.fields, mapping.source, mapping.flags)
            read.format = f"mapped usage ({mapping.name} → {mapping.source})"
            summary.files.append(_store_read(store, path, str(path.absolute()), read, summary))
        elif is_bundle(path):
            summary.files.append(_import_bundle(store, path))
        elif _is_zip(path):
            summary.files.extend(_import_zip(store, path, formats, summary))
        else:
            summary.files.append(_import_one(store, path, str(path.absolute()), formats, summary))
    summary.days_touched, summary.sources_touched = touched_since(conn, before)
    return summary


def _is_zip(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


def _import_zip(store: Store, path: Path, formats: Sequence[ExportFormat], summary: FilesImport) -> list[FileImport]:
    out: list[FileImport] = []
    ignored: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory(prefix="tokenworth-zip-") as tmp:
            members = [m for m in archive.infolist() if not m.is_dir()][:MAX_MEMBERS]
            for member in members:
                label = f"{path.absolute()}!/{member.filename}"
                if member.file_size > MAX_FILE_BYTES:
                    ignored.append(member.filename)
                    continue
                with archive.open(member) as f:
                    head = f.read(HEAD_BYTES)
                # The name counts in sniffing, without the folders a ZIP may hold it in.
                named = Path(tmp) / (Path(member.filename).name or "member")
                if sniff(named, head, formats) is None:
                    ignored.append(member.filename)
                    continue
                named.write_bytes(archive.read(member))  # bounded by MAX_FILE_BYTES above
                out.append(_import_one(store, named, label, formats, summary))
                named.unlink()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        return [*out, FileImport(str(path), error=f"the ZIP cannot be read ({type(exc).__name__}: {exc})")]
    if not out:
        listed = ", ".join(ignored[:10]) + (", …" if len(ignored) > 10 else "")
        return [
            FileImport(
                str(path),
                unrecognised=True,
                error=(
                    f"a ZIP with no file Tokenworth knows (members: {listed or 'none'}); "
                    f"known: {known_formats(formats)}"
                ),
            )
        ]
    if ignored:
        out[-1].notes.append(f"{len(ignored):,} other file(s) in the ZIP are not a known format and were left out")
    return out


def _import_bundle(store: Store, path: Path) -> FileImport:
    label = str(path.absolute())
    try:
        got = import_bundle(store, path)
    except BundleError as exc:
        return FileImport(label, format="Tokenworth bundle", error=str(exc).removeprefix(f"{path}: "))
    assert got.header is not None
    result = FileImport(
        label,
        format=f"Tokenworth bundle from {got.header.device_name}",
        source=None,
        rows=got.rows,
        events=got.rows - got.skipped_count,
        events_new=got.new_events,
        skipped=got.skipped_count,
        skipped_lines=list(got.skipped),
        notes=[got.note] if got.note else [],
    )
    if not got.note:
        result.notes.append(f"{got.new_events:,} new usage record(s) from {got.header.device_name}")
    return result


def _head_line(head: bytes) -> str:
    if b"\x00" in head[:4096]:
        return ""  # binary (an image, a database): its bytes say nothing to a person
    first = head.split(b"\n", 1)[0].strip(b"\r")
    text = first.decode("utf-8-sig", errors="replace")
    if "\x00" in text or sum(not (c.isprintable() or c == "\t") for c in text) > len(text) // 10:
        return ""
    return text[:200] + ("…" if len(text) > 200 else "")


def _import_one(
    store: Store, path: Path, label: str, formats: Sequence[ExportFormat], summary: FilesImport
) -> FileImport:
    try:
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError as exc:
        return FileImport(label, error=f"cannot be read ({exc.strerror or exc})")
    fmt = sniff(path, head, formats)
    if fmt is None:
        if not head:
            why = "the file is empty"
        elif line := _head_line(head):
            why = f"the header is {line!r}"
        else:
            why = "the file is not text"
        message = (
            f"not a format Tokenworth knows: {why}; known: {known_formats(formats)}; "
            "a tool's own usage file can be read through a field mapping (--mapping NAME, or File ▸ Import)"
        )
        return FileImport(label, unrecognised=True, error=message)
    try:
        read = fmt.read(path)
    except Exception as exc:  # a format's bug is this file's error, never the import's
        read = ExportRead(format=fmt.name, error=f"{fmt.name}: could not be read ({type(exc).__name__}: {exc})")
    return _store_read(store, path, label, read, summary)


def _store_read(store: Store, path: Path, label: str, read: ExportRead, summary: FilesImport) -> FileImport:
    """Store what one file's read produced; what it did, for the user."""
    result = FileImport(
        label,
        format=read.format,
        source=read.source,
        rows=read.rows_read,
        events=len(read.events),
        skipped=read.skipped_count,
        skipped_lines=[(s.line_no, s.reason) for s in read.skipped],
        notes=list(read.notes),
    )
    if read.error:
        result.error = read.error
        if read.source:
            with ImportWriter(store.write_connection()) as writer:
                writer.error(label, read.source, read.error)
        return result
    if read.source:
        result.events_new = _store_events(store, path, label, read)
    if read.provider_rows:
        result.provider_new, result.provider_replaced = store.provider.upsert(read.provider_rows)
        summary.provider_changed = True
    return result


def _store_events(store: Store, path: Path, label: str, read: ExportRead) -> int:
    """Store ``read``'s events as the file ``label``'s whole content; how many were new."""
    assert read.source is not None
    conn = store.write_connection()
    sessions: dict[str, SessionSeen] = {}
    for e in read.events:
        sessions.setdefault(e.session_id, SessionSeen(e.session_id, e.project, e.git_branch))
    result = ReadResult(
        cursor=DocumentCursor(records=len(read.events)),
        events=read.events,
        sessions=sessions,
        skipped=[SkippedLine(n, r) for n, r in ((s.line_no, s.reason) for s in read.skipped)],
        skipped_count=read.skipped_count,
        lines_read=read.rows_read,
    )
    before = last_event_id(conn)
    with ImportWriter(conn) as writer:
        # Read whole every time: its previous skipped lines are replaced, its rows keyed.
        stored = writer.add(label, read.source, identify(path, path.stat()), result, restarted=True, part="export")
        new = last_event_id(conn) - before
        if stored:
            writer.move_sessions(read.events)  # rows an older Tokenworth stored under other session names
            new -= settle_events(conn, read.events)  # OTLP calls the tools' own logs hold go again (otlp_dedup)
    return max(new, 0)
