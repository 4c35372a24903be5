"""Every setting, declared once: name, type, default, label and help.

The CLI's ``config`` command, the settings file and the settings dialog are all built from these
declarations. Source settings are generated from the source registry (``source_settings``), which
``core`` cannot import: the layer above composes the full list with ``declarations``. Callers read
a setting through its declaration (``settings.value(AUTOSTART)``), so every read is typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any, Generic, TypeVar

from tracker.core.errors import SettingError
from tracker.core.records import PRICE_KINDS
from tracker.core.setting_types import (
    BadValueError,
    Bool,
    Clock,
    CsvMappings,
    Hours,
    Int,
    Number,
    PriceOverrides,
    ProjectFolders,
    QuietHours,
    SettingType,
    Text,
    TextList,
    UsageMappings,
    Zone,
)
from tracker.core.tasks import MAPPABLE

T = TypeVar("T")

SETTINGS_VERSION = 1

# Old name -> new name, applied when a settings file is read (the next write stores the new name).
RENAMED: Mapping[str, str] = {}

# Settings are grouped by the first segment of their name, in this order.
GROUPS: Mapping[str, str] = {
    "general": "General",
    "sources": "Sources",
    "pricing": "Prices",
    "budget": "Budgets",
    "target": "Targets",
    "notify": "Notifications",
    "work": "Work",
    "report": "Reports",
    "privacy": "Privacy",
    "otlp": "OpenTelemetry",
    "app": "App",
}


@dataclass(frozen=True)
class Setting(Generic[T]):
    name: str
    type: SettingType[T]
    default: T
    label: str
    help: str

    @property
    def group(self) -> str:
        return self.name.split(".", 1)[0]

    def parse(self, text: str) -> T:
        """A value from what a person typed on the command line or in the dialog."""
        try:
            return self.type.from_str(text)
        except BadValueError as exc:
            raise SettingError(f"{self.name}: {exc}") from None

    def from_json(self, value: object) -> T:
        """A value read from the settings file, checked like typed text."""
        try:
            return self.type.from_json(value)
        except BadValueError as exc:
            raise SettingError(f"{self.name}: {exc}") from None

    def to_json(self, value: T) -> Any:
        return self.type.to_json(value)

    def show(self, value: T) -> str:
        return self.type.to_str(value)


TIMEZONE = Setting(
    "general.timezone",
    Zone(),
    "",
    "Time zone",
    "IANA zone for grouping usage by day (e.g. Europe/Berlin); empty means the system's.",
)
DEVICE_NAME = Setting(
    "general.device_name",
    Text(),
    "",
    "This machine's name",
    "How this machine is named in the bundles it writes for your other machines; empty means its host name.",
)
PRICE_OVERRIDES: Setting[Mapping[str, Mapping[str, Decimal]]] = Setting(
    "pricing.overrides",
    PriceOverrides(),
    {},
    "Price overrides",
    "Negotiated rates per model in USD per million tokens, as JSON: "
    '{"claude-sonnet-4-5": {"input": 2.4, "output": 12}}. '
    f"Rates: {', '.join(PRICE_KINDS)}.",
)
BUDGET_PERIODS = ("daily", "weekly", "monthly")
TOKEN_BUDGETS: Mapping[str, Setting[int]] = {
    period: Setting(
        f"budget.{period}_tokens",
        Int(0, 10**15),
        0,
        f"{period.capitalize()} tokens budget",
        f"Warn when {period} tokens pass 50/80/100 % of this; 0 means no budget.",
    )
    for period in BUDGET_PERIODS
}
COST_BUDGETS: Mapping[str, Setting[Decimal]] = {
    period: Setting(
        f"budget.{period}_cost_usd",
        Number(Decimal(0)),
        Decimal(0),
        f"{period.capitalize()} cost in USD budget",
        f"Warn when {period} cost in USD passes 50/80/100 % of this; 0 means no budget.",
    )
    for period in BUDGET_PERIODS
}
WEEKLY_ACTIVE_DAYS = Setting(
    "target.weekly_active_days",
    Int(0, 7),
    0,
    "Weekly active-day target",
    "Days a week with AI usage your team expects (0 to 7); 0 means no target.",
)
WEEKLY_TOKENS = Setting(
    "target.weekly_tokens",
    Int(0, 10**15),
    0,
    "Weekly token target",
    "Tokens a week your team expects; 0 means no target.",
)
GIT_ENABLED = Setting(
    "work.git_enabled",
    Bool(),
    True,
    "Import tasks from git",
    "Read commits in the repositories your AI sessions worked in (and the folders below).",
)
GIT_FOLDERS: Setting[tuple[str, ...]] = Setting(
    "work.git_folders",
    TextList(folders=True),
    (),
    "More git repositories",
    "Folders of repositories to read besides those found from sessions, comma-separated.",
)
GIT_EMAILS: Setting[tuple[str, ...]] = Setting(
    "work.git_emails",
    TextList(),
    (),
    "Your git identities",
    "Author emails whose commits are yours, comma-separated; empty means each repository's 'git config user.email'.",
)
CSV_MAPPINGS: Setting[Mapping[str, Mapping[str, str]]] = Setting(
    "work.csv_mappings",
    CsvMappings(MAPPABLE),
    {},
    "Saved CSV column mappings",
    'Named mappings for "tokenworth task import --format csv", e.g. {"sheet": {"title": "Name"}}.',
)
# What a usage mapping (``tokenworth import FILE --mapping NAME``) can fill: the fields, then its
# source id and flags (``sources.exports.mapped`` reads them).
USAGE_FIELDS = (
    "timestamp", "model", "input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens",
    "reasoning_tokens", "session", "project", "cost_usd", "request_id",
)  # fmt: skip
USAGE_MAPPINGS: Setting[Mapping[str, Mapping[str, str]]] = Setting(
    "sources.usage_mappings",
    UsageMappings((*USAGE_FIELDS, "source", "flags"), required=("timestamp", "source")),
    {},
    "Saved usage mappings",
    "Named field mappings for usage files of tools Tokenworth has no reader for (a company's agent "
    'platform): "tokenworth import FILE --mapping NAME"; flags: input_includes_cache, reasoning_separate.',
)
BUNDLE_FOLDERS: Setting[tuple[str, ...]] = Setting(
    "sources.bundle_folders",
    TextList(folders=True),
    (),
    "Folders shared with your other machines",
    "Folders a sync tool keeps in step between your machines (Syncthing, a shared drive): each import writes "
    "this machine's usage there and merges the others', counted once; comma-separated.",
)
TRACKER_PROJECTS: Setting[Mapping[str, tuple[str, ...]]] = Setting(
    "work.tracker_projects",
    ProjectFolders(),
    {},
    "Tracker projects' folders",
    'Where each tracker project\'s work happens, e.g. {"PROJ": ["~/src/shop"]}: sessions there while a '
    "ticket was in progress are suggested for it.",
)
QUIET_HOURS: Setting[Hours | None] = Setting(
    "notify.quiet_hours",
    QuietHours(),
    None,
    "Quiet hours",
    "No notifications in these hours, e.g. 22:00-08:00 (they come afterwards); empty means none.",
)
RULES: Mapping[str, Setting[bool]] = {
    rule: Setting(f"notify.rules.{rule}", Bool(), True, label, help_text)
    for rule, label, help_text in (
        ("budget", "Budget alerts", "At 50, 80 and 100 % of each budget."),
        ("pace", "Target pace alerts", "When the week's tokens or active days fall behind the targets."),
        ("spike", "Spike alerts", "When today is far above your median day."),
        ("limits", "Rate-limit alerts", "Codex rate-limit windows and Claude Code 5-hour blocks."),
        ("end_of_day", "End-of-day reminder", "Sessions today with no task: log what you did."),
        ("weekly_report", "Weekly report reminder", "When the weekly report is ready."),
    )
}
SPIKE_FACTOR = Setting(
    "notify.spike_factor",
    Number(Decimal(1)),
    Decimal(3),
    "Spike factor",
    "Alert when today exceeds this many median days (at least 1).",
)
LIMIT_PERCENT = Setting(
    "notify.limit_percent",
    Int(1, 100),
    80,
    "Limit threshold (%)",
    "Alert when a rate-limit window is this full (1 to 100).",
)
BLOCK_TOKENS = Setting(
    "notify.claude_block_tokens",
    Int(0, 10**15),
    0,
    "Claude Code 5-hour block tokens",
    "Tokens your plan allows per 5-hour block; 0 means no block alerts.",
)
END_OF_DAY = Setting(
    "notify.end_of_day", Clock(), time(17, 30), "End of day", "When to remind you to log the day's work."
)
WEEKLY_REPORT_DAY = Setting("notify.weekly_report_day", Int(0, 6), 4, "Weekly report day", "0 = Monday … 6 = Sunday.")
WEEKLY_REPORT_TIME = Setting(
    "notify.weekly_report_time", Clock(), time(16, 0), "Weekly report time", "When the weekly report is ready."
)
CLOSE_TO_TRAY = Setting(
    "app.close_to_tray",
    Bool(),
    True,
    "Keep running in the tray",
    "Closing the window leaves Tokenworth in the system tray.",
)
REPORT_AUTHOR = Setting("report.author", Text(), "", "Your name", "Shown on the first page of your reports.")
REPORT_TEAM = Setting("report.team", Text(), "", "Team", "Shown on the first page of your reports.")
REPORT_ROLE = Setting("report.role", Text(), "", "Role", "Shown on the first page of your reports.")
SHOW_SESSION_TITLES = Setting(
    "privacy.show_session_titles",
    Bool(),
    True,
    "Show session titles",
    "Show a session's own title (Claude Code summary, OpenCode title) in the link inbox and the session "
    "picker, read from the tool's file when shown; it is never stored in Tokenworth's database.",
)
# The OTLP receiver (task X3): off unless the user turns it on; loopback only.
OTLP_ENABLED = Setting(
    "otlp.enabled",
    Bool(),
    False,
    "Receive OpenTelemetry",
    "Run an OTLP/HTTP receiver on 127.0.0.1 while the app runs, for tools that export usage over "
    "OpenTelemetry (the lines to set in each tool are below). Takes effect when the app next starts.",
)
OTLP_PORT = Setting(
    "otlp.port", Int(1024, 65535), 4318, "OTLP receiver port", "The port on 127.0.0.1 the receiver listens on."
)
AUTOSTART = Setting("app.autostart", Bool(), False, "Start at login", "Start Tokenworth in the tray when you log in.")

# The settings that do not depend on which sources exist, in the order they are listed.
SETTINGS: tuple[Setting[Any], ...] = (
    TIMEZONE,
    DEVICE_NAME,
    PRICE_OVERRIDES,
    *(budget for period in BUDGET_PERIODS for budget in (TOKEN_BUDGETS[period], COST_BUDGETS[period])),
    WEEKLY_ACTIVE_DAYS,
    WEEKLY_TOKENS,
    QUIET_HOURS,
    *RULES.values(),
    SPIKE_FACTOR,
    LIMIT_PERCENT,
    BLOCK_TOKENS,
    END_OF_DAY,
    WEEKLY_REPORT_DAY,
    WEEKLY_REPORT_TIME,
    GIT_ENABLED,
    GIT_FOLDERS,
    GIT_EMAILS,
    CSV_MAPPINGS,
    USAGE_MAPPINGS,
    BUNDLE_FOLDERS,
    TRACKER_PROJECTS,
    REPORT_AUTHOR,
    REPORT_TEAM,
    REPORT_ROLE,
    SHOW_SESSION_TITLES,
    OTLP_ENABLED,
    OTLP_PORT,
    CLOSE_TO_TRAY,
    AUTOSTART,
)

BY_NAME: Mapping[str, Setting[Any]] = {s.name: s for s in SETTINGS}


def source_enabled(source_id: str, label: str = "") -> Setting[bool]:
    label = label or source_id
    return Setting(
        f"sources.{source_id}.enabled",
        Bool(),
        True,
        f"Read {label} logs",
        f"Import {label} usage from where {label} keeps its logs.",
    )


def source_extra_paths(source_id: str, label: str = "") -> Setting[tuple[str, ...]]:
    label = label or source_id
    return Setting(
        f"sources.{source_id}.extra_paths",
        TextList(folders=True),
        (),
        f"Extra {label} folders",
        f"More folders with {label} logs, comma-separated.",
    )


def source_settings(labels: Mapping[str, str]) -> tuple[Setting[Any], ...]:
    """The settings of each source (id -> label), generated from the source registry."""
    return tuple(
        s for sid, label in labels.items() for s in (source_enabled(sid, label), source_extra_paths(sid, label))
    )


def declarations(source_labels: Mapping[str, str]) -> tuple[Setting[Any], ...]:
    """Every setting, grouped in ``GROUPS`` order (declaration order within a group)."""
    every = (*source_settings(source_labels), *SETTINGS)  # each tool's switch first in Sources
    order = list(GROUPS)
    return tuple(sorted(every, key=lambda s: order.index(s.group) if s.group in order else len(order)))


def get_setting(name: str, known: Mapping[str, Setting[Any]] = BY_NAME) -> Setting[Any]:
    """The declaration called ``name``, or a ``SettingError`` suggesting a close name."""
    try:
        return known[name]
    except KeyError:
        close = [n for n in known if name.split(".")[-1] in n]
        hint = f"; did you mean {close[0]}?" if close else "; see 'tokenworth config list'"
        raise SettingError(f"unknown setting {name!r}{hint}") from None
