"""Tasks from issue trackers: Jira CSV, GitHub JSON (``gh issue/pr list --json``), Linear CSV,
and any other CSV through a column mapping. Bad rows are listed, never fatal."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tracker.core.tasks import CATEGORIES, MAPPABLE
from tracker.store.tasks import ImportedTask
from tracker.work.ticket_keys import mentioned, number_of, own_key, scoped

FORMATS = ("jira", "github", "linear", "csv")
DONE_WORDS = {"done", "closed", "resolved", "completed", "merged", "fixed", "shipped"}
_DATE_FORMATS = (
    "%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%m/%d/%Y %H:%M",
    "%m/%d/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y",
)  # fmt: skip


@dataclass
class TrackerImport:
    tasks: list[ImportedTask] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)


def read_text(path: Path) -> str:
    """The file's text in whatever encoding it was exported with."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # old Excel exports


def parse_when(text: str) -> int | None:
    """Milliseconds of a date as trackers write it; naive times are taken as UTC."""
    text = text.strip()
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                dt = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"unreadable date {text!r}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


def _category(labels: list[str], kind: str = "") -> str:
    words = " ".join([*labels, kind]).lower()
    for needle, category in (
        ("bug", "bug fix"),
        ("doc", "docs"),
        ("refactor", "refactor"),
        ("feature", "feature"),
        ("story", "feature"),
        ("incident", "incident/ops"),
        ("research", "research"),
    ):
        if needle in words:
            return category
    return "other"


def _csv_rows(text: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        return [], []
    return [h.strip() for h in rows[0]], rows[1:]


def _columns(header: list[str]) -> dict[str, list[int]]:
    """Column indexes by name; Jira repeats some names (Labels), so each name maps to a list."""
    out: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        out.setdefault(name.lower(), []).append(i)
    return out


def parse_csv(text: str, source: str, mapping: Mapping[str, str], now_ms: int, *, strict: bool = True) -> TrackerImport:
    """Rows of a CSV, with ``mapping`` naming the column of each task field.

    ``strict``: every mapped column must exist (a user's mapping); otherwise only the title
    (a tracker's export, whose optional columns depend on the user's export settings).
    """
    header, rows = _csv_rows(text)
    cols = _columns(header)
    needed = mapping if strict else {k: v for k, v in mapping.items() if k == "title"}
    missing = [f"{f} ({c!r})" for f, c in needed.items() if c and c.lower() not in cols]
    result = TrackerImport()
    if missing or "title" not in mapping:
        need = "a 'title' column mapping" if "title" not in mapping else "columns " + ", ".join(missing)
        result.bad_rows.append((1, f"not a {source} export: it lacks {need}; columns are {', '.join(header)}"))
        return result

    def get(row: list[str], fld: str) -> str:
        idx = cols.get(mapping.get(fld, "").lower(), [])
        return ", ".join(row[i].strip() for i in idx if i < len(row) and row[i].strip())

    for n, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            result.bad_rows.append((n, f"has {len(row)} cells, the header has {len(header)}"))
            continue
        title = get(row, "title")
        if not title:
            result.bad_rows.append((n, "no title"))
            continue
        try:
            completed = parse_when(get(row, "completed_at"))
            created = parse_when(get(row, "created_at")) or completed or now_ms
        except ValueError as exc:
            result.bad_rows.append((n, str(exc)))
            continue
        status = get(row, "status").lower()
        done = completed is not None or status in DONE_WORDS
        labels = [x.strip() for x in get(row, "labels").split(",") if x.strip()]
        category = get(row, "category").lower()
        link = get(row, "link")
        external_id = get(row, "external_id") or f"{title}@{created}"
        key = own_key(source, external_id) or ""
        result.tasks.append(
            ImportedTask(
                source=source,
                external_id=external_id,
                title=title,
                done=done,
                completed_ms=completed if completed is not None else (created if done else None),
                created_ms=created,
                category=category if category in CATEGORIES else _category(labels, category),
                links=(link,) if link else (),
                tags=tuple(labels),
                own_key=key,
                mentions=tuple(k for k in mentioned(title) if k != key),
            )
        )
    return result


JIRA = {"title": "Summary", "external_id": "Issue key", "status": "Status", "completed_at": "Resolved",
        "created_at": "Created", "category": "Issue Type", "labels": "Labels"}  # fmt: skip
LINEAR = {"title": "Title", "external_id": "ID", "status": "Status", "completed_at": "Completed",
          "created_at": "Created", "labels": "Labels"}  # fmt: skip


def _field(item: dict[str, Any], *names: str) -> Any:
    """The first of ``names`` the item has: GitHub's ``gh --json`` names, then GitLab's (``glab``)."""
    return next((item[n] for n in names if item.get(n) not in (None, "")), None)


def parse_github(text: str, now_ms: int) -> TrackerImport:
    """``gh issue list --json ...`` or ``gh pr list --json ...`` output (or GitLab's
    ``glab issue/mr list --output json``: ``web_url``, ``iid``, ``source_branch``, ``merged_at``)."""
    result = TrackerImport()
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        result.bad_rows.append((1, f"not JSON ({exc.msg} at line {exc.lineno})"))
        return result
    if not isinstance(items, list):
        result.bad_rows.append((1, "expected a list of issues or pull requests (gh ... --json)"))
        return result
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("title") or not _field(item, "url", "web_url", "number", "iid"):
            result.bad_rows.append((n, "an item needs at least 'title' and 'url' or 'number'"))
            continue
        state = str(item.get("state", "")).lower()
        try:
            completed = parse_when(str(_field(item, "mergedAt", "merged_at", "closedAt", "closed_at") or ""))
            created = parse_when(str(_field(item, "createdAt", "created_at") or "")) or now_ms
        except ValueError as exc:
            result.bad_rows.append((n, str(exc)))
            continue
        labels = [str(lb.get("name", "")) if isinstance(lb, dict) else str(lb) for lb in item.get("labels") or []
                  if isinstance(lb, dict | str)]  # fmt: skip
        done = state in DONE_WORDS or completed is not None
        url = str(_field(item, "url", "web_url") or "")
        external_id = url or f"#{_field(item, 'number', 'iid')}"
        branch = str(_field(item, "headRefName", "source_branch") or "")  # a PR's head: what a squash loses
        key = own_key("github", external_id) or ""
        scope = number[0] if (number := number_of(key)) else ""
        result.tasks.append(
            ImportedTask(
                source="github",
                external_id=external_id,
                title=str(item["title"]),
                done=done,
                completed_ms=completed if done else None,
                created_ms=created,
                branch=branch,
                category=_category(labels),
                links=(url,) if url else (),
                tags=tuple(labels),
                own_key=key,
                mentions=tuple(k for k in scoped(mentioned(str(item["title"]), branch=branch), scope) if k != key),
            )
        )
    return result


def parse_file(path: Path, fmt: str, mapping: Mapping[str, str] | None, now_ms: int) -> TrackerImport:
    text = read_text(path)
    parsers: dict[str, Callable[[], TrackerImport]] = {
        "jira": lambda: parse_csv(text, "jira", JIRA, now_ms, strict=False),
        "linear": lambda: parse_csv(text, "linear", LINEAR, now_ms, strict=False),
        "github": lambda: parse_github(text, now_ms),
        "csv": lambda: parse_csv(text, "csv", mapping or {}, now_ms),
    }
    return parsers[fmt]()


def guess_format(path: Path) -> str:
    text = read_text(path)[:4000]
    if text.lstrip().startswith("["):
        return "github"
    header = [h.lower() for h in next(csv.reader(io.StringIO(text)), [])]
    if "issue key" in header and "summary" in header:
        return "jira"
    if "title" in header and "id" in header and "completed" in header:
        return "linear"
    return "csv"


def mapping_from_text(text: str) -> dict[str, Any]:
    """``title=Name,completed_at=Finished`` → a mapping; field names are checked."""
    out: dict[str, Any] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, _, column = part.partition("=")
        key = key.strip()
        if key not in MAPPABLE or not column.strip():
            raise ValueError(f"bad mapping {part.strip()!r}: use FIELD=COLUMN with FIELD one of {', '.join(MAPPABLE)}")
        out[key] = column.strip()
    return out
