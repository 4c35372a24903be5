"""The limit windows a plan imposes, as the limits view and the tray show them: Codex's own
rate-limit windows (the newest snapshot it logged) and Claude Code's 5-hour blocks."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tracker.services.notifications import BLOCK_MS, claude_block
from tracker.store.store import Store

WINDOW_NAMES = {300: "5-hour window", 10080: "weekly window"}


@dataclass(frozen=True)
class LimitWindow:
    label: str  # "Codex 5-hour window", "Claude Code 5-hour block"
    used_percent: float | None  # 0-100 as the tool said it (may exceed 100); None: no plan size known
    resets_ms: int | None  # when the window starts afresh; None: the tool did not say
    detail: str  # "42% used", "12,345 of 200,000 tokens"

    @property
    def bar_percent(self) -> int:
        """What a bar can draw: 0..100 (a hostile or missing number draws an empty bar)."""
        p = self.used_percent
        return 0 if p is None or not math.isfinite(p) else round(min(max(p, 0.0), 100.0))


def limit_windows(store: Store, now_ms: int, block_budget: int = 0) -> list[LimitWindow]:
    """The windows that are open at ``now_ms``; a window past its reset is left out."""
    out: list[LimitWindow] = []
    row = store.usage.latest_rate_limits()
    if row is not None:
        for percent, minutes, resets in (row[:3], row[3:]):
            if percent is None or (resets is not None and resets <= now_ms):
                continue
            name = WINDOW_NAMES.get(minutes, f"{minutes}-minute window") if minutes else "window"
            used = float(percent)
            shown = f"{used:.0f}% used" if math.isfinite(used) else "usage unknown"
            out.append(LimitWindow(f"Codex {name}", used, resets, shown))
    tokens, start = claude_block(store, now_ms)
    if start is not None:
        used_pct = 100 * tokens / block_budget if block_budget else None
        detail = f"{tokens:,} of {block_budget:,} tokens" if block_budget else f"{tokens:,} tokens so far"
        out.append(LimitWindow("Claude Code 5-hour block", used_pct, start + BLOCK_MS, detail))
    return out


def resets_in(resets_ms: int | None, now_ms: int) -> str:
    """``resets in 2 h 13 min``; ``resets in 3 d 4 h`` for long windows."""
    if resets_ms is None:
        return "reset time unknown"
    minutes = max(0, (resets_ms - now_ms + 59_999) // 60_000)  # rounded up: never "in 0 min" early
    if minutes < 60:
        return f"resets in {minutes} min"
    hours, mins = divmod(minutes, 60)
    if hours < 24:
        return f"resets in {hours} h {mins} min" if mins else f"resets in {hours} h"
    days, hours = divmod(hours, 24)
    return f"resets in {days} d {hours} h" if hours else f"resets in {days} d"
