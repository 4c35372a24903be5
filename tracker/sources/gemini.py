"""Gemini CLI chats: ``~/.gemini/tmp/<project>/chats/`` (``GEMINI_CLI_HOME`` moves ``~``).

What gemini-cli writes (``packages/core/src/services/chatRecordingService.ts``,
``chatRecordingTypes.ts``, ``config/storage.ts``, ``config/projectRegistry.ts``):

- ``session-<time>-<id8>.jsonl`` (v0.39 on), append-only: a metadata line
  (``sessionId``, ``projectHash``, ``startTime``), then message records. A message is
  re-appended whole each time it changes (tokens arrive, tool calls finish), so one ``id``
  appears several times; ``{"$set": …}`` lines patch metadata (sometimes with a copy of
  every message, ``$set.messages``) and ``{"$rewindTo": id}`` hides turns in the UI. Neither
  adds nor removes usage: a rewound turn was billed, and ``$set.messages`` only repeats
  messages already appended, so both are read as nothing.
- Subagents: ``chats/<parentSessionId>/<sessionId>.jsonl`` (their own session).
- ``session-….json`` (up to v0.38): one ``ConversationRecord`` rewritten in place. Resuming
  one appends all its messages, same ids, to ``<same>.jsonl`` and keeps the ``.json``.
- The project folder is a short slug (``~/.gemini/projects.json`` maps path → slug and
  ``<slug>/.project_root`` names the path) or, before the registry, ``sha256(path)``.

Tokens (``type: "gemini"`` messages' ``tokens``) are the Gemini API's counts; see
``sources.gemini_usage``: fresh input = ``input - cached + tool``, cache read = ``cached``,
output = ``output + thoughts``, reasoning = ``thoughts``.

The key is ``gm:<sessionId>:<message id>`` in both file kinds, so the re-appended copies and
a legacy ``.json`` with its ``.jsonl`` twin are one request; the store keeps the copy with
the most tokens, which is the last one (tokens only ever arrive, never shrink).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import msgspec

from tracker.core.reading import ReadResult
from tracker.sources.gemini_usage import add_gemini_usage
from tracker.sources.jsonl import CORRUPT, LineFormat
from tracker.sources.spec import Kind, Part, Root, SourceSpec
from tracker.sources.timestamps import iso_to_ms

NAME = "gemini"
MODEL_TYPES = frozenset({"gemini", "model"})  # "model" seen in one user sample (CodeBurn #166)
MARKER_MAX = 4096  # bytes of ``.project_root`` read: a path, nothing more


class _Patch(msgspec.Struct):
    sessionId: Any = None  # noqa: N815 - the log's own field name


class _Record(msgspec.Struct):
    """A JSONL line or a legacy message: only the fields usage needs, any JSON type each."""

    id: Any = None
    type: Any = None
    timestamp: Any = None
    model: Any = None
    tokens: Any = None
    sessionId: Any = None  # noqa: N815
    startTime: Any = None  # noqa: N815
    patch: _Patch | None = msgspec.field(default=None, name="$set")


class _Conversation(msgspec.Struct):
    sessionId: Any = None  # noqa: N815
    startTime: Any = None  # noqa: N815
    messages: msgspec.Raw = msgspec.field(default_factory=lambda: msgspec.Raw(b"[]"))


class _Registry(msgspec.Struct):
    projects: dict[str, Any] = msgspec.field(default_factory=dict)


_RECORD = msgspec.json.Decoder(_Record)
_CONVERSATION = msgspec.json.Decoder(_Conversation)
_RAW_LIST = msgspec.json.Decoder(list[msgspec.Raw])
_REGISTRY = msgspec.json.Decoder(_Registry)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def project_for(path: Path) -> str:
    """The project path a chat file belongs to, or its project folder's name."""
    chats = next((p for p in path.parents if p.name == "chats"), None)
    if chats is None:
        return path.parent.name
    folder = chats.parent
    try:
        with (folder / ".project_root").open("rb") as f:
            owner = f.read(MARKER_MAX).decode("utf-8", "replace").strip()
        if owner:
            return owner
    except OSError:
        pass
    try:
        projects = _REGISTRY.decode((folder.parent.parent / "projects.json").read_bytes()).projects
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        projects = {}
    for root, slug in projects.items():
        if slug == folder.name:
            return root
    for root in projects:  # a folder not yet migrated from the hash of its path
        if hashlib.sha256(root.encode()).hexdigest() == folder.name:
            return root
    return folder.name


def _message(rec: _Record, line_no: int, session: str, project: str, start: str, result: ReadResult) -> None:
    """One message record: usage when it is a model response with tokens."""
    if rec.tokens is None or rec.type not in MODEL_TYPES:
        return  # a user/info message, or a response re-appended before its tokens arrived
    msg_id = _text(rec.id)
    if not msg_id:
        result.ignore("gemini message without an id")
        return
    stamp = _text(rec.timestamp) or start
    try:
        ts_ms = iso_to_ms(stamp)
    except ValueError:
        result.skip(line_no, f"unreadable timestamp {stamp[:40]!r}")
        return
    add_gemini_usage(
        result,
        line_no,
        rec.tokens,
        source=NAME,
        key=f"gm:{session}:{msg_id}",
        session=session,
        project=project,
        model=_text(rec.model),
        ts_ms=ts_ms,
    )


class GeminiJsonlReader:
    """The append-only ``.jsonl`` chats."""

    # Metadata lines and ``$set`` patches name the session; responses carry ``tokens``.
    needles: tuple[bytes, ...] = (b'"tokens"', b'"sessionId"')
    line_format: LineFormat[Any] | None = None  # a few lines per response: line by line is enough

    def start_context(self, path: Path) -> dict[str, Any]:
        return {"session": path.stem, "start": "", "project": project_for(path)}

    def parse_line(self, line: bytes, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
        try:
            rec = _RECORD.decode(line)
        except msgspec.ValidationError as exc:
            result.skip(line_no, f"unexpected shape: {exc}")
            return
        except msgspec.DecodeError:
            result.skip(line_no, CORRUPT)
            return
        patched = _text(rec.patch.sessionId) if rec.patch is not None else ""
        if rec.id is None and (_text(rec.sessionId) or patched):
            context["session"] = _text(rec.sessionId) or patched  # the metadata line, or a patch
            context["start"] = _text(rec.startTime) or context["start"]
            return
        _message(rec, line_no, context["session"], context["project"], context["start"], result)


class GeminiDocumentReader:
    """The legacy ``.json`` chats, rewritten in place."""

    def parse_document(self, path: Path, data: bytes, result: ReadResult) -> None:
        try:
            doc = _CONVERSATION.decode(data)
            messages = [] if bytes(doc.messages) == b"null" else _RAW_LIST.decode(doc.messages)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            result.error = f"{path.name} is not a Gemini CLI conversation (invalid JSON: {exc})"
            return
        session = _text(doc.sessionId) or path.stem
        start, project = _text(doc.startTime), project_for(path)
        for i, raw in enumerate(messages, 1):
            result.lines_read += 1
            try:
                rec = _RECORD.decode(raw)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                result.skip(i, f"message of unexpected shape: {exc}")
                continue
            _message(rec, i, session, project, start, result)


JSONL = GeminiJsonlReader()
DOCUMENT = GeminiDocumentReader()
# No ``skip_dirs``: project folders are named after the project (a repo called ``logs`` or
# ``plans`` is a project folder), so no folder name is safe to skip.

SPEC = SourceSpec(
    id=NAME,
    label="Gemini CLI",
    roots=(Root("~/.gemini/tmp", env="GEMINI_CLI_HOME", env_sub=".gemini/tmp"),),
    parts=(
        Part("chats", Kind.JSONL, ("*.jsonl",), JSONL),
        Part("legacy-chats", Kind.DOCUMENT, ("session-*.json",), DOCUMENT),
    ),
    counts=(
        "Every model response in Gemini CLI chats (subagents included), once per message id "
        "across the .json and .jsonl copies; cached tokens taken out of input, thoughts added to output."
    ),
)
