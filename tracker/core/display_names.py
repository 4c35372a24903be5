"""Names people read: models by their product name, weeks by their days.

One maintained mapping from model ids to names. A provider prefix (``anthropic/``), a date
stamp (``-20250929``) or a ``-latest`` tag does not hide a known model; an id not listed is
shown exactly as the tool logged it, never guessed at.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MODEL_NAMES: dict[str, str] = {
    # Anthropic
    "claude-opus-4-5": "Opus 4.5",
    "claude-opus-4-1": "Opus 4.1",
    "claude-opus-4": "Opus 4",
    "claude-opus-4-0": "Opus 4",
    "claude-sonnet-4-5": "Sonnet 4.5",
    "claude-sonnet-4": "Sonnet 4",
    "claude-sonnet-4-0": "Sonnet 4",
    "claude-haiku-4-5": "Haiku 4.5",
    "claude-3-7-sonnet": "Sonnet 3.7",
    "claude-3-5-sonnet": "Sonnet 3.5",
    "claude-3-5-haiku": "Haiku 3.5",
    "claude-3-opus": "Opus 3",
    "claude-3-haiku": "Haiku 3",
    # OpenAI
    "gpt-5": "GPT-5",
    "gpt-5-mini": "GPT-5 mini",
    "gpt-5-nano": "GPT-5 nano",
    "gpt-5-codex": "GPT-5 Codex",
    "gpt-5-codex-mini": "GPT-5 Codex mini",
    "gpt-5.1": "GPT-5.1",
    "gpt-5.1-codex": "GPT-5.1 Codex",
    "gpt-5.1-codex-mini": "GPT-5.1 Codex mini",
    "gpt-5.1-codex-max": "GPT-5.1 Codex Max",
    "gpt-4.1": "GPT-4.1",
    "gpt-4.1-mini": "GPT-4.1 mini",
    "gpt-4o": "GPT-4o",
    "gpt-4o-mini": "GPT-4o mini",
    "o3": "o3",
    "o4-mini": "o4-mini",
    "codex-mini-latest": "Codex mini",
    # Google
    "gemini-2.5-pro": "Gemini 2.5 Pro",
    "gemini-2.5-flash": "Gemini 2.5 Flash",
    "gemini-2.5-flash-lite": "Gemini 2.5 Flash-Lite",
    "gemini-3-pro-preview": "Gemini 3 Pro (preview)",
    # Others seen in coding tools' logs
    "qwen3-coder-plus": "Qwen3 Coder Plus",
    "grok-code-fast-1": "Grok Code Fast 1",
    "kimi-k2": "Kimi K2",
    "glm-4.6": "GLM-4.6",
}

_PREFIX = re.compile(r"^(?:[a-z0-9_.-]+/)+", re.IGNORECASE)  # anthropic/…, openrouter/openai/…
_SUFFIX = re.compile(r"(?:[-@](?:\d{8}|\d{4}-\d{2}-\d{2})|-latest|:.*)$")  # dates, -latest, :tags
_BEDROCK = re.compile(r"^(?:[a-z]{2}\.)?anthropic\.(.+?)(?:-v\d+(?::\d+)?)?$")  # us.anthropic.claude-…-v1:0


def model_name(model_id: str) -> str:
    """The product name of ``model_id``; an unknown id as it is."""
    key = model_id.strip().lower()
    if key in MODEL_NAMES:
        return MODEL_NAMES[key]
    if m := _BEDROCK.match(key):
        key = m.group(1)
    key = _PREFIX.sub("", key)
    for _ in range(2):  # "-20250929" then a ":tag", either order
        if key in MODEL_NAMES:
            return MODEL_NAMES[key]
        key = _SUFFIX.sub("", key)
    return MODEL_NAMES.get(key, model_id)


def week_label(iso_week: str) -> str:
    """``"2025-W38"`` becomes "15 to 21 Sep" written with an en dash, across months "29 Sep to
    5 Oct", across years with the years. Anything else is returned as it is."""
    m = re.fullmatch(r"(\d{4})-W(\d{2})", iso_week)
    if not m:
        return iso_week
    try:
        monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        return iso_week
    return day_range_label(monday, monday + timedelta(days=6))


def day_range_label(first: date, last: date) -> str:
    """A short label for the days ``first..last``, with an en dash between them (see ``week_label``)."""
    if first == last:
        return f"{first.day} {first:%b}"
    if first.year != last.year:
        return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b} – {last.day} {last:%b}"
    return f"{first.day}–{last.day} {first:%b}"
