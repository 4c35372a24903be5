"""The headline and the narrative, made from the value figures by a template."""

from __future__ import annotations

from decimal import Decimal

from tracker.analytics.value_figures import Spend, ValueFigures
from tracker.services.report_headline import headline, narrative

NOW = ValueFigures(6, 5, Decimal("9.5"), Spend(1_147_779_782, Decimal("2301.64")), Spend(700_000_000, Decimal("1427")))
BEFORE = ValueFigures(4, 4, Decimal(3), Spend(900_000_000, Decimal("2000")), Spend(300_000_000, Decimal("600")))


def test_headline_leads_with_outcomes_and_compares() -> None:
    items = headline(NOW, BEFORE, "4.2", "25 active days", " (target 4)")
    assert [h.key for h in items[:4]] == ["tasks_completed", "hours_saved", "linked_share", "cost_per_outcome"]
    got = {h.key: (h.value, h.exact, h.delta) for h in items}
    assert got["tasks_completed"] == ("6", "6", "+2 vs previous period")
    assert got["hours_saved"] == ("9.5 h", "9.5", "+6.5 h vs previous period")
    assert got["linked_share"] == ("62%", "62.0%", "+32 pts vs previous period")
    assert got["cost_per_outcome"] == ("$285", "$285.40", "+$135 vs previous period")
    assert got["tokens"] == ("1.15 B", "1,147,779,782", "+28% vs previous period")
    assert got["cost"] == ("$2.3k", "$2,301.64", "+$302 vs previous period")
    assert got["not_linked"] == ("$875", "$874.64", "-$525 vs previous period")
    assert items[-1].label == "active days per week (target 4)" and items[-1].delta is None


def test_narrative() -> None:
    assert narrative(NOW, 42, (BEFORE, "1 Jul – 11 Aug")) == (
        "In these 6 weeks, 6 tasks were completed (5 with AI sessions linked), saving an estimated 9.5 hours. "
        "62% of AI spend ($1.43k of $2.3k) is linked to them, $285 per outcome; $875 is not linked to any "
        "outcome. In the previous period (1 Jul – 11 Aug): 4 tasks completed, 30% of AI spend linked."
    )
    empty = ValueFigures(0, 0, Decimal(0), Spend(5000, Decimal("1.5")), Spend())
    assert narrative(empty, 7) == (
        "This week, no completed task was recorded; $1.50 of AI spend (5 k tokens) is not linked to any outcome."
    )
    unlinked = ValueFigures(1, 0, Decimal(0), Spend(10, Decimal("3")), Spend())
    assert narrative(unlinked, 1) == (
        "On this day, 1 task was completed. None of the $3.00 of AI spend is linked to them yet; "
        "$3.00 is not linked to any outcome."
    )
