"""The value figures, defined once: what AI spend produced in a period.

Every screen and report takes these figures from here, each with its one-line definition
beside it, so "cost per outcome" means one thing everywhere. None of them can be moved by
logging tasks that no session served: a task counts towards cost per outcome only when it
has linked spend, and spend with no outcome is its own figure, never spread over tasks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from tracker.core.compact_numbers import compact_usd, percent


class Outcome(Protocol):
    """A task completed in the period, with its share of the period's linked spend."""

    @property
    def tokens(self) -> int: ...
    @property
    def cost_usd(self) -> Decimal: ...
    @property
    def hours_saved(self) -> Decimal | None: ...


@dataclass(frozen=True)
class Spend:
    tokens: int = 0
    cost_usd: Decimal = Decimal(0)

    def __add__(self, other: Spend) -> Spend:
        return Spend(self.tokens + other.tokens, self.cost_usd + other.cost_usd)

    def __sub__(self, other: Spend) -> Spend:
        return Spend(self.tokens - other.tokens, self.cost_usd - other.cost_usd)


# name → the one-line definition shown beside the figure (report method, "What counts", tooltips)
DEFINITIONS: dict[str, tuple[str, str]] = {
    "tasks_completed": ("Tasks completed", "Tasks marked done in the period, whatever their source."),
    "hours_saved": ("Hours saved", "The user's own estimate, summed over the tasks completed in the period."),
    "linked_spend": (
        "Linked spend",
        "Tokens and cost, in the period, of AI sessions linked to tasks completed in the period "
        "(a session serving several tasks is split between them, never counted twice).",
    ),
    "linked_share": ("Linked share", "Linked spend ÷ all AI spend in the period, by cost (by tokens when unpriced)."),
    "cost_per_outcome": (
        "Cost per outcome",
        "Linked spend ÷ the tasks that have linked spend; tasks with no linked session do not count.",
    ),
    "not_linked": (
        "Not linked to any outcome",
        "AI spend in the period on sessions with no task completed in the period: exploration, "
        "unfinished work or sessions not yet linked. Shown as its own figure, never spread over tasks; "
        "sessions marked not work are left out of it.",
    ),
    "not_work": (
        "Marked not work",
        "AI spend in the period on sessions the user marked not work (experiments, play) and linked to "
        "no task. Linked + not linked + marked not work = all AI spend in the period.",
    ),
}


def definition(name: str) -> str:
    """``"Label: definition"`` for one figure."""
    label, text = DEFINITIONS[name]
    return f"{label}: {text}"


@dataclass(frozen=True)
class ValueFigures:
    """The period's value figures; build them with ``value_figures``."""

    tasks_completed: int
    tasks_with_spend: int
    hours_saved: Decimal
    all: Spend
    linked: Spend
    not_work: Spend = field(default_factory=Spend)  # sessions marked not work and linked to no task

    @property
    def not_linked(self) -> Spend:
        """Spend not linked to any outcome of the period, without what was marked not work
        (never below zero): linked + not linked + not work = all."""
        rest = self.all - self.linked - self.not_work
        return Spend(max(rest.tokens, 0), max(rest.cost_usd, Decimal(0)))

    @property
    def linked_share(self) -> float:
        """Linked ÷ all, by cost; by tokens when nothing is priced. In [0, 1]."""
        if self.all.cost_usd > 0:
            return min(float(self.linked.cost_usd / self.all.cost_usd), 1.0)
        return min(self.linked.tokens / self.all.tokens, 1.0) if self.all.tokens > 0 else 0.0

    @property
    def cost_per_outcome(self) -> Decimal | None:
        """Linked cost ÷ tasks with linked spend; None when no task has any."""
        return self.linked.cost_usd / self.tasks_with_spend if self.tasks_with_spend else None

    @property
    def tokens_per_outcome(self) -> int | None:
        return self.linked.tokens // self.tasks_with_spend if self.tasks_with_spend else None


def has_linked_spend(task: Outcome) -> bool:
    return task.tokens > 0 or task.cost_usd > 0


def value_figures(completed: Iterable[Outcome], all_spend: Spend, not_work: Spend | None = None) -> ValueFigures:
    """The figures over the period's completed tasks (their usage already limited to the
    period and split between tasks), all of the period's spend, and the period's spend on
    sessions marked not work (linked to no task, so never part of the linked spend)."""
    tasks = list(completed)
    with_spend = [t for t in tasks if has_linked_spend(t)]
    linked = Spend(sum(t.tokens for t in with_spend), sum((t.cost_usd for t in with_spend), Decimal(0)))
    return ValueFigures(
        tasks_completed=len(tasks),
        tasks_with_spend=len(with_spend),
        hours_saved=sum((t.hours_saved or Decimal(0) for t in tasks), Decimal(0)),
        all=all_spend,
        linked=linked,
        not_work=not_work or Spend(),
    )


def summary_line(f: ValueFigures) -> str:
    """One line for a notification or a terminal: outcomes first, then what is not linked."""
    per = f.cost_per_outcome
    tasks = f"{f.tasks_completed} task{'s' if f.tasks_completed != 1 else ''} completed"
    not_work = f" · {compact_usd(f.not_work.cost_usd)} marked not work" if f.not_work.tokens else ""
    return (
        f"{tasks} · {percent(f.linked_share)} of AI spend linked to outcomes · "
        f"{compact_usd(per) + ' per outcome' if per is not None else 'no cost per outcome yet'} · "
        f"{compact_usd(f.not_linked.cost_usd)} not linked to any outcome{not_work}"
    )


WHAT_COUNTS = "\n\n".join(
    [
        "What counts",
        "Tokenworth reads the usage logs your AI tools write on this computer and stores token counts "
        "only, never prompts or code. Tokens are priced from a public price list (your own overrides "
        "win); cache reads are billed at a fraction of fresh input, so a large token figure can cost little.",
        *(f"{label}: {text}" for label, text in DEFINITIONS.values()),
        "A task is an outcome: a commit or merged pull request from git, a ticket from a tracker "
        "export, or one you logged. Sessions are linked to tasks automatically (by repository, branch "
        "and time) or by hand; your own links always win.",
    ]
)
