"""Usage from a person's other machines: device-tagged bundles written here, merged there.

A bundle holds this machine's stored usage metadata (the events' counts and ids, never a
prompt or a path's content) as zstandard-compressed JSON lines: a header naming the device,
one array per event, and a trailer with the SHA-256 of everything before it. A bundle whose
checksum does not match is refused whole. Importing merges by the events' own keys, so a
bundle imported twice, two overlapping bundles, or a session both machines read (a synced
log folder) count once. An export carries this machine's own usage only — never what it
imported — so usage does not travel back and forth. A bundle folder kept in sync by a sync
tool (Syncthing, a shared drive) is both written (this machine's bundle) and read (the others').
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import socket
import time
from bisect import bisect_left
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.core.atomic_write import atomic_path
from tracker.core.errors import OutputError
from tracker.core.records import PROMPT_THRESHOLDS
from tracker.sources.normalize import MAX_COST_MICRO, timestamp_ok, token_count
from tracker.store.devices import BUNDLE_COLUMNS
from tracker.store.staging import EventRow
from tracker.store.store import Store

if TYPE_CHECKING:
    from tracker.services.context import Context
    from tracker.services.importer import ImportSummary

FORMAT_VERSION = 1
SUFFIX = ".twbundle"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
CHUNK_ROWS = 50_000  # stored a transaction at a time: memory stays flat in a bundle's size
SOURCE_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
_TOKENS = slice(7, 13)  # the six token columns of BUNDLE_COLUMNS


class BundleError(OutputError):
    """A bundle that cannot be used at all (nothing from it was stored)."""


@dataclass
class BundleHeader:
    device_id: str
    device_name: str
    created_ms: int
    events: int


@dataclass
class BundleImport:
    path: Path
    header: BundleHeader | None = None
    new_events: int = 0
    rows: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, reason), the first 20
    skipped_count: int = 0
    note: str = ""  # why nothing was done (this machine's own bundle, nothing newer)


def device_name(configured: str) -> str:
    return configured or socket.gethostname() or "this machine"


# --- writing ----------------------------------------------------------------------------------
def export_bundle(store: Store, out: Path, name: str) -> int:
    """Write this machine's usage to ``out`` (atomically); the number of events written."""
    import zstandard  # lazy: only bundles need it on this path

    device = store.devices.this_device()
    count = store.devices.own_count()
    header = {
        "tokenworth_bundle": FORMAT_VERSION, "device_id": device, "device_name": device_name(name),
        "created_ms": int(time.time() * 1000), "columns": list(BUNDLE_COLUMNS), "events": count,
    }  # fmt: skip
    digest = hashlib.sha256()
    with (
        atomic_path(out) as tmp,
        tmp.open("wb") as raw,
        zstandard.ZstdCompressor(level=6).stream_writer(raw, closefd=False) as z,
    ):

        def line(value: object) -> None:
            data = json.dumps(value, separators=(",", ":")).encode() + b"\n"
            digest.update(data)
            z.write(data)

        line(header)
        z.flush(zstandard.FLUSH_FRAME)  # the header is a frame of its own: readable in a cut-off file
        for r in store.devices.own_events():  # streamed: memory stays flat in the store's size
            key = r[1]
            assert isinstance(key, bytes)  # the events table's BLOB key
            line([r[0], key.hex(), *r[2:]])
        z.write(json.dumps({"sha256": digest.hexdigest()}).encode() + b"\n")
    return count


# --- reading ----------------------------------------------------------------------------------
def is_bundle(path: Path) -> bool:
    """A zstandard file whose first line is a bundle's header (a damaged or cut-off bundle is
    still recognised, so it is refused as a bundle rather than as an unknown file)."""
    import zstandard

    try:
        with path.open("rb") as f:
            head = f.read(64 * 1024)
        if not head.startswith(ZSTD_MAGIC):
            return False
        text = zstandard.ZstdDecompressor().decompressobj().decompress(head)
    except (OSError, zstandard.ZstdError):
        return False
    return text.startswith(b'{"tokenworth_bundle":')


def _lines(path: Path) -> Generator[bytes, None, None]:
    import zstandard

    with path.open("rb") as raw, zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True) as z:
        yield from io.BufferedReader(z)


def read_header(path: Path) -> BundleHeader:
    """The bundle's header, after its checksum is verified (a damaged bundle is refused whole)."""
    digest = hashlib.sha256()
    header: dict[str, object] | None = None
    last = b""
    try:
        lines = _lines(path)
        for data in lines:
            if last:
                digest.update(last)
            last = data
            if header is None:
                header = json.loads(data)
    except Exception as exc:  # zstandard raises its own error types for a damaged frame
        raise BundleError(f"{path}: not a readable Tokenworth bundle ({type(exc).__name__}: {exc})") from exc
    if not isinstance(header, dict) or header.get("tokenworth_bundle") is None:
        raise BundleError(f"{path}: not a Tokenworth bundle")
    if header.get("tokenworth_bundle") != FORMAT_VERSION or header.get("columns") != list(BUNDLE_COLUMNS):
        raise BundleError(f"{path}: bundle format {header.get('tokenworth_bundle')} is not one this Tokenworth reads")
    try:
        trailer = json.loads(last)
    except ValueError:
        trailer = None
    if not isinstance(trailer, dict) or trailer.get("sha256") != digest.hexdigest():
        raise BundleError(f"{path}: the bundle is damaged or incomplete (its checksum does not match); nothing stored")
    try:
        return BundleHeader(
            str(header["device_id"]),
            str(header["device_name"]),
            int(header["created_ms"]),  # type: ignore[call-overload]
            int(header["events"]),  # type: ignore[call-overload]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"{path}: the bundle's header is incomplete ({exc})") from exc


def _row(values: object) -> EventRow | str:
    """A bundle line as a store row, or why it is unusable (it is checked like a log's numbers)."""
    if not isinstance(values, list) or len(values) != len(BUNDLE_COLUMNS):
        return "not an event row"
    source, key, session, project, branch, model, ts = values[:7]
    if not isinstance(source, str) or not SOURCE_ID.fullmatch(source):
        return "not a source id"
    if not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{32}", key):
        return "not an event key"
    if not all(isinstance(v, str) for v in (session, project, branch, model)):
        return "a text field that is not text"
    if type(ts) is not int or not timestamp_ok(ts):
        return "unreadable timestamp"
    counts = [token_count(v) for v in values[_TOKENS]]
    if any(c is None or type(v) is not int for c, v in zip(counts, values[_TOKENS], strict=True)):
        return "token count that is not a whole number from 0 to 10^10"
    cost, subscription = values[13], values[14]
    if cost is not None and (type(cost) is not int or not 0 <= cost <= MAX_COST_MICRO):
        return "unusable cost"
    if subscription not in (0, 1):
        return "unusable subscription flag"
    inp, out, w5, w1, read, reasoning = values[_TOKENS]
    prompt = inp + w5 + w1 + read
    return EventRow(
        source, bytes.fromhex(key), session, project, branch, model, ts, inp, out, w5, w1, read,
        min(reasoning, out), prompt + out, bisect_left(PROMPT_THRESHOLDS, prompt), cost, subscription,
    )  # fmt: skip


def import_bundle(store: Store, path: Path, *, only_newer: bool = False) -> BundleImport:
    """Merge the bundle at ``path`` into ``store``. ``only_newer``: skip a bundle no newer than
    the last one seen from its device (a synced folder is read on every import)."""
    result = BundleImport(path)
    header = result.header = read_header(path)
    if header.device_id == store.devices.this_device():
        result.note = "written on this machine: its usage is stored here already"
        return result
    if only_newer:
        seen = {d.device_id: d.last_bundle_ms for d in store.devices.devices()}
        if header.created_ms <= seen.get(header.device_id, -1):
            result.note = "nothing newer than the last bundle from this device"
            return result
    chunk: list[EventRow] = []
    previous: bytes | None = None
    with contextlib.closing(_lines(path)) as lines:
        next(lines)  # the header
        for n, data in enumerate(lines, 2):
            if previous is not None:
                _add(result, n - 1, previous, chunk)
            previous = data  # the last line is the trailer, never a row
            if len(chunk) >= CHUNK_ROWS:
                result.new_events += store.devices.merge(header.device_id, header.device_name, header.created_ms, chunk)
                chunk = []
    if chunk or result.rows == 0:
        result.new_events += store.devices.merge(header.device_id, header.device_name, header.created_ms, chunk)
    return result


def _add(result: BundleImport, line_no: int, data: bytes, chunk: list[EventRow]) -> None:
    result.rows += 1
    try:
        row: EventRow | str = _row(json.loads(data))
    except ValueError:
        row = "not valid JSON"
    if isinstance(row, str):
        result.skipped_count += 1
        if len(result.skipped) < 20:
            result.skipped.append((line_no, row))
    else:
        chunk.append(row)


def bundle_name(store: Store, name: str) -> str:
    """This machine's bundle file name in a shared folder (one per device, replaced each time)."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", device_name(name)).strip("-")[:40] or "device"
    return f"tokenworth-{slug}-{store.devices.this_device()[:8]}{SUFFIX}"


def sync_configured(ctx: Context, store: Store) -> list[BundleImport]:
    """``sync_folders`` for the folders and device name in the settings (none: nothing)."""
    from tracker.core.settings_schema import BUNDLE_FOLDERS, DEVICE_NAME

    folders = ctx.settings.value(BUNDLE_FOLDERS)
    return sync_folders(store, folders, ctx.settings.value(DEVICE_NAME)) if folders else []


def sync_into(ctx: Context, store: Store, summary: ImportSummary) -> list[BundleImport]:
    """``sync_configured`` after an import: what the bundles brought is added to ``summary``
    (so the views showing those days redraw)."""
    from tracker.store.rollup import last_event_id, touched_since

    before = last_event_id(store.conn)
    done = sync_configured(ctx, store)
    if any(b.new_events for b in done):
        summary.bundles_changed = True
        summary.add_touched(*touched_since(store.conn, before))
    return done


def sync_folders(store: Store, folders: tuple[str, ...], name: str) -> list[BundleImport]:
    """Write this machine's bundle into each folder and merge the other machines' newer ones."""
    done: list[BundleImport] = []
    for folder in folders:
        base = Path(folder).expanduser()
        if not base.is_dir():
            continue
        mine = base / bundle_name(store, name)
        export_bundle(store, mine, name)
        for path in sorted(base.glob(f"*{SUFFIX}")):
            if path == mine:
                continue
            try:
                done.append(import_bundle(store, path, only_newer=True))
            except BundleError as exc:
                done.append(BundleImport(path, note=str(exc)))
    return done
