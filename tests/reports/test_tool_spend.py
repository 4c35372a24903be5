"""The tools' own figures beside the priced cost: when an estimate "differs", and what the
subscription note says (``services.tool_spend``)."""

from __future__ import annotations

from decimal import Decimal

from tracker.services.tool_spend import ToolSpend, estimate_note, spend_json, subscription_note


def test_an_estimate_is_shown_only_where_it_differs_by_half_a_cent_or_more() -> None:
    same = ToolSpend(tool_cost_micro=1_234_000, tool_requests=3, tool_priced_cost=Decimal("1.2389"))
    assert not same.estimate_differs and estimate_note(same) is None
    off = ToolSpend(tool_cost_micro=1_234_000, tool_requests=3, tool_priced_cost=Decimal("1.24"))
    assert estimate_note(off) == "tool's estimate $1.23 for the 3 requests it priced (priced here $1.24)"
    assert estimate_note(ToolSpend()) is None and ToolSpend().tool_cost_usd is None
    zero = ToolSpend(tool_cost_micro=0, tool_requests=1, tool_priced_cost=Decimal("0.50"))  # a $0 estimate
    assert zero.tool_cost_usd == 0 and estimate_note(zero) is not None


def test_json_keys_and_the_subscription_note() -> None:
    assert spend_json(None) == {"tool_cost_usd": None, "tool_cost_requests": 0, "subscription_requests": 0,
                                "subscription_cost_usd": 0.0}  # fmt: skip
    s = ToolSpend(subscription_requests=2, subscription_tokens=900, subscription_cost=Decimal("0.4"))
    assert subscription_note(s) == "$0.40 of it covered by a subscription — not billed per token"
    s.add(ToolSpend(subscription_requests=1, subscription_cost=Decimal("0.1"), api_equivalent_cost=Decimal("0.1"),
                    api_equivalent_tools={"copilot"}))  # fmt: skip
    assert subscription_note(s) == ("$0.50 of it covered by a subscription — not billed per token "
                                    "(GitHub Copilot CLI: API-equivalent cost, its plan bills requests)")  # fmt: skip
    assert subscription_note(ToolSpend()) is None
