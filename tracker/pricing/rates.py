"""Per-model rates in USD per million tokens, with long-context tiers.

A tier is chosen by the request's whole prompt (input + cache writes + cache reads) and
then applies to every token of that request, as providers bill it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import msgspec

from tracker.core.records import PRICE_KINDS

MILLION = Decimal(1_000_000)
KINDS = PRICE_KINDS


class Rates(msgspec.Struct, frozen=True):
    """USD per million tokens for each kind of token, in one tier."""

    input: Decimal
    output: Decimal
    cache_read: Decimal
    cache_write_5m: Decimal
    cache_write_1h: Decimal


class ModelRates(msgspec.Struct, frozen=True):
    """How one model is priced: ``tiers[i]`` applies when the prompt exceeds ``thresholds[i-1]``."""

    model: str
    priced_as: str
    thresholds: tuple[int, ...]
    tiers: tuple[Rates, ...]

    def tier_for(self, prompt_tokens: int) -> int:
        return sum(1 for t in self.thresholds if prompt_tokens > t)


@dataclass(frozen=True)
class TokenSums:
    """Summed token counts of requests that share a model and a tier."""

    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_write_5m: int = 0
    cache_write_1h: int = 0


def cost(rates: ModelRates, tier: int, sums: TokenSums) -> Decimal:
    """Exact cost in USD of ``sums`` at ``tier``: prices are linear within a tier."""
    r = rates.tiers[min(tier, len(rates.tiers) - 1)]
    micro_total = (
        sums.input * r.input
        + sums.output * r.output
        + sums.cache_read * r.cache_read
        + sums.cache_write_5m * r.cache_write_5m
        + sums.cache_write_1h * r.cache_write_1h
    )
    return micro_total / MILLION
