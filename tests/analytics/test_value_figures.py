"""The value figures: one definition each, and none that junk tasks can move."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tracker.analytics.value_figures import DEFINITIONS, WHAT_COUNTS, Spend, summary_line, value_figures


@dataclass(frozen=True)
class Task:
    tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    hours_saved: Decimal | None = None


def test_exact_figures() -> None:
    tasks = [Task(1000, Decimal("3.00"), Decimal(2)), Task(500, Decimal("1.00")), Task(0, Decimal(0), Decimal(1))]
    f = value_figures(tasks, Spend(4000, Decimal("8.00")))
    assert (f.tasks_completed, f.tasks_with_spend, f.hours_saved) == (3, 2, Decimal(3))
    assert f.linked == Spend(1500, Decimal("4.00"))
    assert f.not_linked == Spend(2500, Decimal("4.00"))
    assert f.linked_share == 0.5  # by cost
    assert f.cost_per_outcome == Decimal("2.00")  # $4 over the two tasks with linked spend, not three
    assert f.tokens_per_outcome == 750
    assert summary_line(f) == (
        "3 tasks completed · 50% of AI spend linked to outcomes · $2.00 per outcome · $4.00 not linked to any outcome"
    )


def test_nothing_linked() -> None:
    f = value_figures([Task(), Task()], Spend(10, Decimal("1")))
    assert f.cost_per_outcome is None and f.linked_share == 0.0 and f.not_linked == Spend(10, Decimal(1))
    assert value_figures([], Spend()).linked_share == 0.0
    # Unpriced usage: the share is by tokens.
    assert value_figures([Task(25)], Spend(100, Decimal(0))).linked_share == 0.25


tasks_with_spend = st.builds(
    Task,
    st.integers(1, 10**9),
    st.decimals(0, 10**4, places=6, allow_nan=False, allow_infinity=False),
    st.none() | st.decimals(0, 100, places=1, allow_nan=False, allow_infinity=False),
)
junk = st.builds(Task, st.just(0), st.just(Decimal(0)), st.none() | st.decimals(0, 100, places=1))


@given(st.lists(tasks_with_spend, max_size=8), st.lists(junk, min_size=1, max_size=20), st.integers(0, 10**6))
def test_junk_tasks_never_move_cost_per_outcome(real: list[Task], noise: list[Task], extra: int) -> None:
    linked_tokens = sum(t.tokens for t in real)
    linked_cost = sum((t.cost_usd for t in real), Decimal(0))
    spend = Spend(linked_tokens + extra, linked_cost + Decimal(extra) / 1000)
    before = value_figures(real, spend)
    after = value_figures([*noise[: len(noise) // 2], *real, *noise[len(noise) // 2 :]], spend)
    assert after.cost_per_outcome == before.cost_per_outcome
    assert after.linked_share == before.linked_share
    assert after.linked == before.linked and after.not_linked == before.not_linked
    assert after.tasks_with_spend == before.tasks_with_spend == len(real)
    # linked + not linked is all spend: nothing lost, nothing counted twice
    assert after.linked + after.not_linked == spend


def test_every_definition_is_in_the_help_text() -> None:
    for label, text in DEFINITIONS.values():
        assert f"{label}: {text}" in WHAT_COUNTS


def test_marked_not_work_is_its_own_figure_out_of_not_linked() -> None:
    tasks = [Task(1000, Decimal("3.00"))]
    without = value_figures(tasks, Spend(4000, Decimal("8.00")))
    f = value_figures(tasks, Spend(4000, Decimal("8.00")), Spend(500, Decimal("1.50")))
    assert (f.not_linked, f.not_work) == (Spend(2500, Decimal("3.50")), Spend(500, Decimal("1.50")))
    assert f.linked + f.not_linked + f.not_work == f.all
    # Marking sessions not work moves no outcome figure: only "not linked" shrinks.
    assert (f.linked_share, f.cost_per_outcome) == (without.linked_share, without.cost_per_outcome)
    assert summary_line(f).endswith("$3.50 not linked to any outcome · $1.50 marked not work")
    assert not summary_line(without).endswith("marked not work")
    assert "not_work" in DEFINITIONS and "Marked not work" in WHAT_COUNTS


@given(st.lists(st.integers(0, 10**6), max_size=5), st.integers(0, 10**6), st.integers(0, 10**6))
def test_linked_plus_not_linked_plus_not_work_is_all(linked: list[int], not_work: int, rest: int) -> None:
    tasks = [Task(n, Decimal(n) / 1000) for n in linked]
    total = sum(linked) + not_work + rest
    f = value_figures(tasks, Spend(total, Decimal(total) / 1000), Spend(not_work, Decimal(not_work) / 1000))
    assert f.linked + f.not_linked + f.not_work == f.all
