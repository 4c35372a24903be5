"""What the installed price catalogue is: its version and the date of its newest price change,
for ``tokenworth --version`` (importing the tables costs ~0.4 s, so only that command asks)."""

from __future__ import annotations

from datetime import date

from tracker.core.build_info import package_version


def catalog_version() -> str | None:
    return package_version("genai-prices")


def newest_price_date(today: date) -> date | None:
    """The latest price start date the catalogue holds that is not after ``today`` (later ones
    are announced changes, not what the data was checked against)."""
    from genai_prices.data import providers
    from genai_prices.types import StartDateConstraint

    dates = [
        conditional.constraint.start_date
        for provider in providers
        for model in provider.models
        if isinstance(model.prices, list)
        for conditional in model.prices
        if isinstance(conditional.constraint, StartDateConstraint)
    ]
    past = [d for d in dates if d <= today]
    return max(past) if past else None
