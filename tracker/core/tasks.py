"""A task: a piece of work the user did, that AI usage can be set against."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from tracker.core.setting_types import BadValueError, Number

CATEGORIES = (
    "feature", "bug fix", "refactor", "docs", "review", "research", "incident/ops", "learning", "other",
)  # fmt: skip


HOURS_SAVED = Number()  # the one check of an hours-saved estimate (CLI, dialogs, NewTask)

# Task fields a CSV column can be mapped to.
MAPPABLE = ("title", "external_id", "status", "completed_at", "created_at", "link", "category", "labels")


class NewTask(msgspec.Struct, frozen=True):
    """What a person types when logging a task."""

    title: str
    done: bool = True
    category: str = "other"
    impact: str = ""
    hours_saved: Decimal | None = None
    links: tuple[str, ...] = ()
    project: str = ""
    notes: str = ""
    done_ms: int | None = None  # when it was done, for work logged after the fact; None: now

    def problems(self) -> list[str]:
        out = []
        if not self.title.strip():
            out.append("a task needs a title")
        if self.category not in CATEGORIES:
            out.append(f"unknown category {self.category!r}; use one of: {', '.join(CATEGORIES)}")
        if self.hours_saved is not None:
            try:
                HOURS_SAVED.from_json(self.hours_saved)
            except BadValueError as exc:
                out.append(f"hours saved: {exc}")
        return out
