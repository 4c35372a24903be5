"""The report's headline figures (compact, with the change since the previous period) and its
narrative paragraph, both made from the value figures of ``analytics.value_figures``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tracker.analytics.value_figures import ValueFigures
from tracker.core.compact_numbers import compact_tokens, compact_usd, exact_usd, percent
from tracker.services.usage import money

VS = "vs previous period"


@dataclass(frozen=True)
class Headline:
    """One headline figure: compact value, exact value, and the change since the previous period."""

    key: str
    label: str
    value: str
    exact: str
    delta: str | None = None


def headline(
    f: ValueFigures, p: ValueFigures | None, active_per_week: str, active_exact: str, target: str = ""
) -> list[Headline]:
    """Outcomes first (tasks, hours saved, linked share, cost per outcome), then what they cost."""
    per = f.cost_per_outcome
    prev_per = p.cost_per_outcome if p else None
    return [
        Headline("tasks_completed", "tasks completed", str(f.tasks_completed), str(f.tasks_completed),
                 _delta_int(f.tasks_completed, p.tasks_completed) if p else None),
        Headline("hours_saved", "hours saved (estimated)", f"{f.hours_saved:g} h", f"{f.hours_saved:g}",
                 _delta_number(f.hours_saved, p.hours_saved, " h") if p else None),
        Headline("linked_share", "of AI spend linked to outcomes", percent(f.linked_share),
                 f"{100 * f.linked_share:.1f}%", _delta_points(f.linked_share, p.linked_share) if p else None),
        Headline("cost_per_outcome", "cost per outcome", compact_usd(per) if per is not None else "—",
                 exact_usd(per) if per is not None else "—",
                 _delta_usd(per, prev_per) if per is not None and prev_per is not None else None),
        Headline("tokens", "tokens", compact_tokens(f.all.tokens), f"{f.all.tokens:,}",
                 _delta_ratio(f.all.tokens, p.all.tokens) if p else None),
        Headline("cost", "AI spend", compact_usd(f.all.cost_usd), exact_usd(f.all.cost_usd),
                 _delta_usd(f.all.cost_usd, p.all.cost_usd) if p else None),
        Headline("not_linked", "not linked to any outcome", compact_usd(f.not_linked.cost_usd),
                 exact_usd(f.not_linked.cost_usd),
                 _delta_usd(f.not_linked.cost_usd, p.not_linked.cost_usd) if p else None),
        Headline("active_days", f"active days per week{target}", active_per_week, active_exact),
    ]  # fmt: skip


def _length(days: int) -> str:
    if days == 1:
        return "On this day"
    if days == 7:
        return "This week"
    return f"In these {days // 7} weeks" if days % 7 == 0 else f"In these {days} days"


def narrative(f: ValueFigures, days: int, previous: tuple[ValueFigures, str] | None = None) -> str:
    """What was completed, how much of the AI spend is linked to it, and what is not."""
    when = _length(days)
    if f.tasks_completed == 0:
        rest = f.not_linked
        text = (f"{when}, no completed task was recorded; {compact_usd(rest.cost_usd)} of AI spend "
                f"({compact_tokens(rest.tokens)} tokens) is not linked to any outcome{_not_work(f)}.")  # fmt: skip
    else:
        n, k = f.tasks_completed, f.tasks_with_spend
        tasks = f"{n} task{'s were' if n != 1 else ' was'} completed"
        helped = f" ({k} with AI sessions linked)" if 0 < k < n else " with AI help" if k == n else ""
        hours = f", saving an estimated {f.hours_saved:g} hours" if f.hours_saved else ""
        text = f"{when}, {tasks}{helped}{hours}. "
        if k:
            text += (f"{percent(f.linked_share)} of AI spend ({compact_usd(f.linked.cost_usd)} of "
                     f"{compact_usd(f.all.cost_usd)}) is linked to them, "
                     f"{compact_usd(f.cost_per_outcome or Decimal(0))} per outcome; ")  # fmt: skip
        else:
            text += f"None of the {compact_usd(f.all.cost_usd)} of AI spend is linked to them yet; "
        text += f"{compact_usd(f.not_linked.cost_usd)} is not linked to any outcome{_not_work(f)}."
    if previous is not None:
        p, label = previous
        text += (f" In the previous period ({label}): {p.tasks_completed} task{'s' if p.tasks_completed != 1 else ''}"
                 f" completed, {percent(p.linked_share)} of AI spend linked.")  # fmt: skip
    return text


def _not_work(f: ValueFigures) -> str:
    return f" and {compact_usd(f.not_work.cost_usd)} was marked not work" if f.not_work.tokens else ""


def figures_json(f: ValueFigures) -> dict[str, Any]:
    """The value figures as JSON/CSV fields, named as defined in ``analytics.value_figures``."""
    per = f.cost_per_outcome
    return {
        "tasks_completed": f.tasks_completed,
        "hours_saved": float(f.hours_saved),
        "tasks_with_linked_spend": f.tasks_with_spend,
        "linked_tokens": f.linked.tokens,
        "linked_cost_usd": money(f.linked.cost_usd),
        "linked_share": round(f.linked_share, 6),
        "cost_per_outcome_usd": money(per) if per is not None else None,
        "not_linked_tokens": f.not_linked.tokens,
        "not_linked_cost_usd": money(f.not_linked.cost_usd),
        "not_work_tokens": f.not_work.tokens,
        "not_work_cost_usd": money(f.not_work.cost_usd),
    }


def _delta_int(now: int, before: int) -> str:
    return f"{now - before:+d} {VS}"


def _delta_number(now: Decimal, before: Decimal, unit: str = "") -> str:
    return f"{now - before:+g}{unit} {VS}"


def _delta_points(now: float, before: float) -> str:
    return f"{100 * (now - before):+.0f} pts {VS}"


def _delta_usd(now: Decimal, before: Decimal) -> str:
    d = now - before
    return f"{'+' if d >= 0 else '-'}{compact_usd(abs(d))} {VS}"


def _delta_ratio(now: int, before: int) -> str:
    if not before:
        return f"+{compact_tokens(now)} {VS}"
    return f"{100 * (now - before) / before:+.0f}% {VS}"
