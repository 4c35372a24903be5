"""Setting types: parse(print(v)) == v for every type, bounds with clear messages, the declarations."""

from __future__ import annotations

import json
import string
from datetime import time
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.core import settings_schema as schema
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
    QuietHours,
    SettingType,
    TextList,
    Widget,
    Zone,
)
from tracker.core.tasks import MAPPABLE

clocks = st.builds(time, st.integers(0, 23), st.integers(0, 59))
decimals = st.decimals(min_value=0, max_value=10**12, allow_nan=False, allow_infinity=False, places=6)
words = st.text(string.ascii_letters + string.digits + "-_./~ @", min_size=1, max_size=20).map(str.strip).filter(bool)
ZONES = ("", "UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Asia/Kolkata")

CASES: list[tuple[SettingType[Any], st.SearchStrategy[Any]]] = [
    (Bool(), st.booleans()),
    (Int(0, 6), st.integers(0, 6)),
    (Int(1, 100), st.integers(1, 100)),
    (Int(0, 10**15), st.integers(0, 10**15)),
    (Number(), decimals),
    (Number(Decimal(1)), decimals.filter(lambda d: d >= 1)),
    (Zone(), st.sampled_from(ZONES)),
    (Clock(), clocks),
    (QuietHours(), st.none() | st.builds(Hours, clocks, clocks)),
    (TextList(), st.lists(words, max_size=5).map(tuple)),
    (TextList(folders=True), st.lists(words, max_size=5).map(tuple)),
    (PriceOverrides(), st.dictionaries(words, st.dictionaries(st.sampled_from(PRICE_KINDS), decimals, min_size=1))),
    (
        CsvMappings(MAPPABLE),
        st.dictionaries(
            words, st.dictionaries(st.sampled_from(MAPPABLE), words).map(lambda m: {**m, "title": m.get("title", "T")})
        ),
    ),
]


@pytest.mark.parametrize(("kind", "values"), CASES, ids=[type(k).__name__ for k, _ in CASES])
@given(data=st.data())
def test_every_type_reads_back_what_it_prints_and_stores(
    kind: SettingType[Any], values: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    value = data.draw(values)
    assert kind.from_str(kind.to_str(value)) == value
    stored = json.loads(json.dumps(kind.to_json(value)))  # through real JSON, as the file holds it
    assert kind.from_json(stored) == value


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("notify.weekly_report_day", "9", "expected a whole number from 0 to 6, got '9'"),
        ("notify.weekly_report_day", "-1", "from 0 to 6"),
        ("notify.limit_percent", "500", "expected a whole number from 1 to 100, got '500'"),
        ("notify.limit_percent", "0", "from 1 to 100"),
        ("target.weekly_active_days", "8", "from 0 to 7"),
        ("budget.daily_tokens", "-5", "from 0 to 1000000000000000"),
        ("budget.daily_tokens", "1e3", "whole number"),
        ("budget.daily_cost_usd", "-0.01", "a number of at least 0"),
        ("budget.daily_cost_usd", "NaN", "a number of at least 0"),
        ("budget.daily_cost_usd", "Infinity", "a number of at least 0"),
        ("notify.spike_factor", "0.5", "a number of at least 1"),
        ("notify.end_of_day", "24:00", "HH:MM"),
        ("notify.end_of_day", "7:5", "HH:MM"),
        ("notify.quiet_hours", "22:00", "HH:MM-HH:MM"),
        ("notify.quiet_hours", "late", "HH:MM-HH:MM"),
        ("general.timezone", "Nowhere/City", "unknown time zone 'Nowhere/City'"),
        ("general.timezone", "../../etc/passwd", "unknown time zone"),
        ("app.autostart", "maybe", "expected true or false, got 'maybe'"),
        ("pricing.overrides", '{"m": {"inptu": 1}}', "unknown rate 'inptu' for 'm'"),
        ("pricing.overrides", '{"m": {"input": -1}}', "m: expected a number of at least 0"),
        ("pricing.overrides", '{"m": {}}', "rates for 'm' must be an object"),
        ("pricing.overrides", "[1]", "expected an object of model -> rates"),
        ("pricing.overrides", "{,}", "expected JSON such as"),
        ("pricing.overrides", "[" * 100_000, "expected JSON such as"),
        ("work.csv_mappings", '{"s": {"done": "Status"}}', "needs 'title'"),
    ],
)
def test_values_out_of_bounds_are_refused_with_what_is_expected(name: str, text: str, message: str) -> None:
    with pytest.raises(SettingError) as caught:
        schema.get_setting(name).parse(text)
    assert str(caught.value).startswith(f"{name}: ") and message in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (Int(0, 6), True),  # a bool is not a number here
        (Int(0, 6), "5"),
        (Int(0, 6), 5.0),
        (Int(0, 6), 9),
        (Bool(), "true"),
        (Bool(), 1),
        (Number(), True),
        (Number(), None),
        (Number(), [1]),
        (Zone(), 5),
        (Clock(), 1730),
        (QuietHours(), None),
        (TextList(), [1, 2]),
        (TextList(), {"a": 1}),
        (PriceOverrides(), None),
        (CsvMappings(MAPPABLE), {"s": {"title": 5}}),
    ],
)
def test_values_of_the_wrong_json_type_are_refused(kind: SettingType[Any], value: object) -> None:
    with pytest.raises(BadValueError):
        kind.from_json(value)


def test_numbers_from_json_are_exact() -> None:
    assert Number().from_json(2.4) == Decimal("2.4")  # the float's shortest repr, not its binary expansion
    assert Number().from_json(12) == Decimal(12)
    assert Number().from_json("0.000001") == Decimal("0.000001")
    assert Int(0, 10).from_str(" 7 ") == 7
    assert Int(0, 10**9).from_str("1_000,000") == 1_000_000
    assert TextList().from_json("a, b,,c") == ("a", "b", "c")  # the comma-separated text early files stored


def test_quiet_hours_wrap_midnight() -> None:
    night = QuietHours().from_str(" 22:00 - 08:00 ")
    assert night == Hours(time(22), time(8))
    assert [night.contains(time(h)) for h in (21, 22, 23, 0, 7, 8, 12)] == [False, True, True, True, True, False, False]
    noon = QuietHours().from_str("12:00-13:00")
    assert noon is not None and noon.contains(time(12, 59)) and not noon.contains(time(13))


def test_editor_kinds_follow_the_type() -> None:
    assert schema.WEEKLY_REPORT_DAY.type.editor_widget() is Widget.NUMBER
    assert schema.TOKEN_BUDGETS["daily"].type.editor_widget() is Widget.LINE  # larger than a spin box holds
    assert schema.GIT_FOLDERS.type.editor_widget() is Widget.FOLDERS
    assert schema.GIT_EMAILS.type.editor_widget() is Widget.LINE
    assert schema.PRICE_OVERRIDES.type.editor_widget() is Widget.JSON
    assert schema.TIMEZONE.type.editor_widget() is Widget.ZONE
    assert schema.AUTOSTART.type.editor_widget() is Widget.CHECK


def test_source_settings_come_from_the_registry_and_groups_are_ordered() -> None:
    every = schema.declarations({"claude-code": "Claude Code", "zed": "Zed"})
    names = [s.name for s in every]
    assert len(names) == len(set(names))
    assert [n for n in names if n.startswith("sources.")] == [
        "sources.claude-code.enabled",
        "sources.claude-code.extra_paths",
        "sources.zed.enabled",
        "sources.zed.extra_paths",
        "sources.usage_mappings",
        "sources.bundle_folders",
    ]
    assert schema.get_setting("sources.zed.enabled", {s.name: s for s in every}).label == "Read Zed logs"
    groups = [s.group for s in every]
    assert list(dict.fromkeys(groups)) == list(schema.GROUPS)  # each group once, in GROUPS order
    assert names[0] == "general.timezone"


@pytest.mark.parametrize("setting", schema.declarations({"claude-code": "Claude Code"}), ids=lambda s: s.name)
def test_every_default_passes_its_own_type(setting: schema.Setting[Any]) -> None:
    assert setting.from_json(json.loads(json.dumps(setting.to_json(setting.default)))) == setting.default
    assert setting.parse(setting.show(setting.default)) == setting.default
    assert setting.label and setting.help and setting.group in schema.GROUPS


def test_an_unknown_name_suggests_a_close_one() -> None:
    with pytest.raises(SettingError, match=r"did you mean notify.weekly_report_day"):
        schema.get_setting("weekly_report_day")
