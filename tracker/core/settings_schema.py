"""Every setting, declared once: name, type, default, label and help.

The CLI's ``config`` command and the settings dialog are both built from ``SETTINGS``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tracker.core.errors import SettingError
from tracker.core.records import PRICE_KINDS
from tracker.core.tasks import MAPPABLE

SETTINGS_VERSION = 1


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str  # bool | int | decimal | str | timezone | paths | list | price_overrides | mappings | clock | quiet
    default: Any
    label: str
    help: str

    def parse(self, text: str) -> Any:
        """A value from what a person typed on the command line."""
        return _PARSERS[self.kind](self, text)

    def validate(self, value: Any) -> Any:
        """A value read from the settings file (JSON types), checked and normalized."""
        return _VALIDATORS[self.kind](self, value)


def _bool(s: Setting, text: str) -> bool:
    low = text.strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise SettingError(f"{s.name}: expected true or false, got {text!r}")


def _int(s: Setting, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise SettingError(f"{s.name}: expected a whole number, got {text!r}") from None
    if value < 0:
        raise SettingError(f"{s.name}: must not be negative")
    return value


def _decimal(s: Setting, text: str) -> str:
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise SettingError(f"{s.name}: expected a number, got {text!r}") from None
    if not value.is_finite() or value < 0:
        raise SettingError(f"{s.name}: must be a non-negative number")
    return str(value)


def _str(s: Setting, text: str) -> str:
    return str(text)


def _timezone(s: Setting, text: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if text:
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingError(f"{s.name}: unknown time zone {text!r} (use an IANA name)") from None
    return text


def _paths(s: Setting, text: str) -> list[str]:
    return [p for p in (x.strip() for x in text.split(",")) if p]


def _paths_value(s: Setting, value: Any) -> list[str]:
    if isinstance(value, str):
        return _paths(s, value)
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise SettingError(f"{s.name}: expected a list of folders")
    return list(value)


def _price_overrides(s: Setting, text: str) -> dict[str, dict[str, str]]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingError(
            f'{s.name}: expected JSON such as \'{{"claude-sonnet-4-5": {{"input": 2.4, "output": 12}}}}\' ({exc.msg})'
        ) from None
    return _price_overrides_value(s, value)


def _price_overrides_value(s: Setting, value: Any) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise SettingError(f"{s.name}: expected an object of model -> rates")
    out: dict[str, dict[str, str]] = {}
    for model, rates in value.items():
        if not isinstance(rates, dict) or not rates:
            raise SettingError(f'{s.name}: rates for {model!r} must be an object such as {{"input": 3}}')
        unknown = set(rates) - set(PRICE_KINDS)
        if unknown:
            raise SettingError(
                f"{s.name}: unknown rate {sorted(unknown)[0]!r} for {model!r}; "
                f"use {', '.join(PRICE_KINDS)} (USD per million tokens)"
            )
        out[str(model)] = {
            k: _decimal(Setting(f"{s.name}.{model}.{k}", "decimal", 0, "", ""), str(v)) for k, v in rates.items()
        }
    return out


def _clock(s: Setting, text: str) -> str:
    hours, sep, minutes = text.strip().partition(":")
    if sep and hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60 and len(minutes) == 2:
        return f"{int(hours):02d}:{minutes}"
    raise SettingError(f"{s.name}: expected a time as HH:MM, got {text!r}")


def _quiet(s: Setting, text: str) -> str:
    if not text.strip():
        return ""
    start, sep, end = text.partition("-")
    if not sep:
        raise SettingError(f"{s.name}: expected HH:MM-HH:MM such as 22:00-08:00, got {text!r}")
    return f"{_clock(s, start)}-{_clock(s, end)}"


def _mappings(s: Setting, text: str) -> dict[str, dict[str, str]]:
    try:
        value = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise SettingError(f"{s.name}: expected JSON ({exc.msg})") from None
    return _mappings_value(s, value)


def _mappings_value(s: Setting, value: Any) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict) or not all(isinstance(m, dict) for m in value.values()):
        raise SettingError(f"{s.name}: expected an object of name -> {{field: column}}")
    for name, mapping in value.items():
        unknown = set(mapping) - set(MAPPABLE)
        if unknown or "title" not in mapping:
            raise SettingError(f"{s.name}: mapping {name!r} needs 'title' and only fields {', '.join(MAPPABLE)}")
    return {str(k): {str(f): str(c) for f, c in m.items()} for k, m in value.items()}


_PARSERS: dict[str, Callable[[Setting, str], Any]] = {
    "bool": _bool,
    "int": _int,
    "decimal": _decimal,
    "str": _str,
    "timezone": _timezone,
    "paths": _paths,
    "list": _paths,
    "price_overrides": _price_overrides,
    "mappings": lambda s, text: _mappings(s, text),
    "clock": lambda s, text: _clock(s, text),
    "quiet": lambda s, text: _quiet(s, text),
}

_VALIDATORS: dict[str, Callable[[Setting, Any], Any]] = {
    "bool": lambda s, v: v if isinstance(v, bool) else _bool(s, str(v)),
    "int": lambda s, v: _int(s, str(v)),
    "decimal": lambda s, v: _decimal(s, str(v)),
    "str": lambda s, v: str(v),
    "timezone": lambda s, v: _timezone(s, str(v)),
    "paths": _paths_value,
    "list": _paths_value,
    "price_overrides": _price_overrides_value,
    "mappings": lambda s, v: _mappings_value(s, v),
    "clock": lambda s, v: _clock(s, str(v)),
    "quiet": lambda s, v: _quiet(s, str(v)),
}


def _budget(period: str, unit: str) -> Setting:
    kind = "int" if unit == "tokens" else "decimal"
    what = "tokens" if unit == "tokens" else "cost in USD"
    return Setting(
        f"budget.{period}_{'tokens' if unit == 'tokens' else 'cost_usd'}",
        kind,
        0 if kind == "int" else "0",
        f"{period.capitalize()} {what} budget",
        f"Warn when {period} {what} passes 50/80/100 % of this; 0 means no budget.",
    )


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "general.timezone",
        "timezone",
        "",
        "Time zone",
        "IANA zone for grouping usage by day (e.g. Europe/Berlin); empty means the system's.",
    ),
    Setting(
        "sources.claude-code.enabled",
        "bool",
        True,
        "Read Claude Code logs",
        "Import ~/.claude/projects and ~/.config/claude/projects (or CLAUDE_CONFIG_DIR).",
    ),
    Setting(
        "sources.claude-code.extra_paths",
        "paths",
        [],
        "Extra Claude Code folders",
        "More folders with Claude Code *.jsonl transcripts, comma-separated.",
    ),
    Setting(
        "sources.codex.enabled",
        "bool",
        True,
        "Read Codex CLI logs",
        "Import $CODEX_HOME (default ~/.codex) sessions and archived_sessions.",
    ),
    Setting(
        "sources.codex.extra_paths",
        "paths",
        [],
        "Extra Codex folders",
        "More folders with Codex rollout *.jsonl files, comma-separated.",
    ),
    Setting(
        "pricing.overrides",
        "price_overrides",
        {},
        "Price overrides",
        "Negotiated rates per model in USD per million tokens, as JSON: "
        '{"claude-sonnet-4-5": {"input": 2.4, "output": 12}}. '
        f"Rates: {', '.join(PRICE_KINDS)}.",
    ),
    *(_budget(p, u) for p in ("daily", "weekly", "monthly") for u in ("tokens", "cost")),
    Setting(
        "target.weekly_active_days",
        "int",
        0,
        "Weekly active-day target",
        "Days a week with AI usage your team expects; 0 means no target.",
    ),
    Setting(
        "work.git_enabled",
        "bool",
        True,
        "Import tasks from git",
        "Read commits in the repositories your AI sessions worked in (and the folders below).",
    ),
    Setting(
        "work.git_folders",
        "paths",
        [],
        "More git repositories",
        "Folders of repositories to read besides those found from sessions, comma-separated.",
    ),
    Setting(
        "work.git_emails",
        "list",
        [],
        "Your git identities",
        "Author emails whose commits are yours, comma-separated; empty means each repository's "
        "'git config user.email'.",
    ),
    Setting(
        "notify.quiet_hours",
        "quiet",
        "",
        "Quiet hours",
        "No notifications in these hours, e.g. 22:00-08:00 (they come afterwards); empty means none.",
    ),
    *(
        Setting(f"notify.rules.{rule}", "bool", True, label, help_text)
        for rule, label, help_text in (
            ("budget", "Budget alerts", "At 50, 80 and 100 % of each budget above."),
            ("pace", "Target pace alerts", "When the week's tokens or active days fall behind the targets."),
            ("spike", "Spike alerts", "When today is far above your median day."),
            ("limits", "Rate-limit alerts", "Codex rate-limit windows and Claude Code 5-hour blocks."),
            ("end_of_day", "End-of-day reminder", "Sessions today with no task: log what you did."),
            ("weekly_report", "Weekly report reminder", "When the weekly report is ready."),
        )
    ),
    Setting("notify.spike_factor", "decimal", "3", "Spike factor", "Alert when today exceeds this many median days."),
    Setting("notify.limit_percent", "int", 80, "Limit threshold (%)", "Alert when a rate-limit window is this full."),
    Setting(
        "notify.claude_block_tokens",
        "int",
        0,
        "Claude Code 5-hour block tokens",
        "Tokens your plan allows per 5-hour block; 0 means no block alerts.",
    ),
    Setting("notify.end_of_day", "clock", "17:30", "End of day", "When to remind you to log the day's work."),
    Setting("notify.weekly_report_day", "int", 4, "Weekly report day", "0 = Monday … 6 = Sunday."),
    Setting("notify.weekly_report_time", "clock", "16:00", "Weekly report time", "When the weekly report is ready."),
    Setting(
        "target.weekly_tokens", "int", 0, "Weekly token target", "Tokens a week your team expects; 0 means no target."
    ),
    Setting(
        "app.close_to_tray",
        "bool",
        True,
        "Keep running in the tray",
        "Closing the window leaves Tokenworth in the system tray.",
    ),
    Setting("app.autostart", "bool", False, "Start at login", "Start Tokenworth in the tray when you log in."),
    Setting(
        "work.csv_mappings",
        "mappings",
        {},
        "Saved CSV column mappings",
        'Named mappings for "tokenworth task import --format csv", e.g. {"sheet": {"title": "Name"}}.',
    ),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def get_setting(name: str) -> Setting:
    try:
        return BY_NAME[name]
    except KeyError:
        close = [n for n in BY_NAME if name.split(".")[-1] in n]
        hint = f"; did you mean {close[0]}?" if close else "; see 'tokenworth config list'"
        raise SettingError(f"unknown setting {name!r}{hint}") from None
