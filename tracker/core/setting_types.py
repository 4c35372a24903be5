"""Setting types: each owns parsing (from CLI text and from JSON), bounds, printing and its editor.

A type raises ``BadValueError`` with a message that states what it expects (bounds included); the
declaration (``settings_schema.Setting``) prefixes the setting's name. Values in the settings file
are what ``to_json`` gives; ``from_json`` is strict about JSON types, because a value of the wrong
type in a hand-edited file is damage to report, not something to guess at.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Generic, TypeVar

import msgspec

from tracker.core.records import PRICE_KINDS

T = TypeVar("T")

QT_INT_MAX = 2**31 - 1  # a spin box holds a C int; larger bounds get a line editor
SQLITE_INT_MAX = 2**63 - 1


class BadValueError(ValueError):
    """A value a type does not accept; the message says what it expects."""


class Widget(StrEnum):
    """The editor the settings dialog uses; one code path per kind."""

    CHECK = "check"
    NUMBER = "number"
    LINE = "line"
    ZONE = "zone"
    FOLDERS = "folders"
    JSON = "json"


class SettingType(ABC, Generic[T]):
    widget: ClassVar[Widget] = Widget.LINE

    @abstractmethod
    def from_str(self, text: str) -> T:
        """A value from what a person typed."""

    @abstractmethod
    def from_json(self, value: object) -> T:
        """A value from the settings file's JSON."""

    @abstractmethod
    def to_json(self, value: T) -> Any:
        """What the settings file stores (JSON types)."""

    @abstractmethod
    def to_str(self, value: T) -> str:
        """What ``config get`` prints and an editor shows; ``from_str`` reads it back."""

    @abstractmethod
    def describe(self) -> str:
        """What the type accepts, for help and error messages."""

    def editor_widget(self) -> Widget:
        return self.widget

    def _bad(self, got: object) -> BadValueError:
        return BadValueError(f"expected {self.describe()}, got {got!r}")


class Bool(SettingType[bool]):
    widget = Widget.CHECK
    _WORDS: ClassVar[dict[str, bool]] = {
        "1": True, "true": True, "yes": True, "on": True,
        "0": False, "false": False, "no": False, "off": False,
    }  # fmt: skip

    def from_str(self, text: str) -> bool:
        try:
            return self._WORDS[text.strip().lower()]
        except KeyError:
            raise self._bad(text) from None

    def from_json(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise self._bad(value)
        return value

    def to_json(self, value: bool) -> bool:
        return value

    def to_str(self, value: bool) -> str:
        return "true" if value else "false"

    def describe(self) -> str:
        return "true or false"


@dataclass(frozen=True)
class Int(SettingType[int]):
    """A whole number within ``min``…``max``; the bounds are a msgspec constraint."""

    min: int = 0
    max: int = SQLITE_INT_MAX

    def editor_widget(self) -> Widget:
        return Widget.NUMBER if self.max <= QT_INT_MAX else Widget.LINE

    def _check(self, value: object, shown: object) -> int:
        constrained = Annotated[int, msgspec.Meta(ge=self.min, le=self.max)]
        try:
            return msgspec.convert(value, constrained)
        except msgspec.ValidationError:
            raise self._bad(shown) from None

    def from_str(self, text: str) -> int:
        try:
            number = int(text.strip().replace("_", "").replace(",", ""))
        except ValueError:
            raise self._bad(text) from None
        return self._check(number, text)

    def from_json(self, value: object) -> int:
        return self._check(value, value)

    def to_json(self, value: int) -> int:
        return value

    def to_str(self, value: int) -> str:
        return str(value)

    def describe(self) -> str:
        if self.max >= SQLITE_INT_MAX:
            return f"a whole number of at least {self.min}"
        return f"a whole number from {self.min} to {self.max}"


@dataclass(frozen=True)
class Number(SettingType[Decimal]):
    """An exact decimal (money, factors) of at least ``min``; stored as a string, never a float."""

    min: Decimal = Decimal(0)
    max: Decimal | None = None

    def from_str(self, text: str) -> Decimal:
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            raise self._bad(text) from None
        if not value.is_finite() or value < self.min or (self.max is not None and value > self.max):
            raise self._bad(text)
        return value

    def from_json(self, value: object) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
            raise self._bad(value)
        return self.from_str(repr(value) if isinstance(value, float) else str(value))

    def to_json(self, value: Decimal) -> str:
        return str(value)

    def to_str(self, value: Decimal) -> str:
        return str(value)

    def describe(self) -> str:
        if self.max is None:
            return f"a number of at least {self.min}"
        return f"a number from {self.min} to {self.max}"


@dataclass(frozen=True)
class _TextType(SettingType[T]):
    """A type whose JSON form is its text form."""

    def from_json(self, value: object) -> T:
        if not isinstance(value, str):
            raise self._bad(value)
        return self.from_str(value)

    def to_json(self, value: T) -> str:
        return self.to_str(value)


class _Words(_TextType[str]):
    """A setting stored as the text it is typed as."""

    def to_str(self, value: str) -> str:
        return value


class Text(_Words):
    """One line of text (a name shown on a report); control characters are refused."""

    max_length: int = 120

    def from_str(self, text: str) -> str:
        value = text.strip()
        if len(value) > self.max_length:
            raise BadValueError(f"expected at most {self.max_length} characters, got {len(value)}")
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise BadValueError("expected one line of text without control characters")
        return value

    def describe(self) -> str:
        return f"one line of text (up to {self.max_length} characters)"


class Zone(_Words):
    """An IANA time zone name; empty means the system's zone."""

    widget = Widget.ZONE

    def from_str(self, text: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        name = text.strip()
        if name:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                raise BadValueError(f"unknown time zone {text!r} (use an IANA name such as Europe/Berlin)") from None
        return name

    def describe(self) -> str:
        return "an IANA time zone name, or empty for the system's"


_CLOCK = re.compile(r"\s*(\d{1,2}):(\d{2})\s*")


def _clock(text: str) -> time | None:
    match = _CLOCK.fullmatch(text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def _show_clock(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


class Clock(_TextType[time]):
    """A time of day as HH:MM."""

    def from_str(self, text: str) -> time:
        value = _clock(text)
        if value is None:
            raise self._bad(text)
        return value

    def to_str(self, value: time) -> str:
        return _show_clock(value)

    def describe(self) -> str:
        return "a time as HH:MM (00:00 to 23:59)"


@dataclass(frozen=True)
class Hours:
    """Hours of the day from ``start`` to ``end``; wraps midnight when ``end`` is earlier."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


class QuietHours(_TextType[Hours | None]):
    """HH:MM-HH:MM such as 22:00-08:00; empty means none."""

    def from_str(self, text: str) -> Hours | None:
        if not text.strip():
            return None
        start_text, sep, end_text = text.partition("-")
        start, end = _clock(start_text), _clock(end_text)
        if not sep or start is None or end is None:
            raise self._bad(text)
        return Hours(start, end)

    def to_str(self, value: Hours | None) -> str:
        return "" if value is None else f"{_show_clock(value.start)}-{_show_clock(value.end)}"

    def describe(self) -> str:
        return "HH:MM-HH:MM such as 22:00-08:00, or empty for none"


@dataclass(frozen=True)
class TextList(SettingType[tuple[str, ...]]):
    """Comma-separated text (folders or identities); stored as a JSON list."""

    folders: bool = False

    def editor_widget(self) -> Widget:
        return Widget.FOLDERS if self.folders else Widget.LINE

    def from_str(self, text: str) -> tuple[str, ...]:
        return tuple(item for item in (part.strip() for part in text.split(",")) if item)

    def from_json(self, value: object) -> tuple[str, ...]:
        if isinstance(value, str):  # early files stored the comma-separated text
            return self.from_str(value)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._bad(value)
        return tuple(value)

    def to_json(self, value: tuple[str, ...]) -> list[str]:
        return list(value)

    def to_str(self, value: tuple[str, ...]) -> str:
        return ", ".join(value)

    def describe(self) -> str:
        return "a comma-separated list of folders" if self.folders else "a comma-separated list"


class _JsonType(SettingType[T]):
    """A type typed as JSON text on the command line and stored as a JSON object."""

    widget = Widget.JSON
    example: ClassVar[str]

    def from_str(self, text: str) -> T:
        try:
            value = json.loads(text, parse_float=Decimal) if text.strip() else {}  # 2.40 stays 2.40
        except (ValueError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not JSON"
            raise BadValueError(f"expected JSON such as '{self.example}' ({reason})") from None
        return self.from_json(value)

    def to_str(self, value: T) -> str:
        return json.dumps(self.to_json(value), ensure_ascii=False)


_RATE = Number()


class PriceOverrides(_JsonType[Mapping[str, Mapping[str, Decimal]]]):
    """Model -> {rate kind: USD per million tokens}."""

    example = '{"claude-sonnet-4-5": {"input": 2.4, "output": 12}}'

    def from_json(self, value: object) -> Mapping[str, Mapping[str, Decimal]]:
        if not isinstance(value, dict):
            raise BadValueError(f"expected an object of model -> rates such as {self.example}")
        out: dict[str, dict[str, Decimal]] = {}
        for model, rates in value.items():
            if not isinstance(rates, dict) or not rates:
                raise BadValueError(f'rates for {model!r} must be an object such as {{"input": 3}}')
            unknown = sorted(set(rates) - set(PRICE_KINDS))
            if unknown:
                raise BadValueError(
                    f"unknown rate {unknown[0]!r} for {model!r}; use {', '.join(PRICE_KINDS)} (USD per million tokens)"
                )
            try:
                out[model] = {kind: _RATE.from_json(rate) for kind, rate in rates.items()}
            except BadValueError as exc:
                raise BadValueError(f"{model}: {exc}") from None
        return out

    def to_json(self, value: Mapping[str, Mapping[str, Decimal]]) -> dict[str, dict[str, str]]:
        return {model: {kind: str(rate) for kind, rate in rates.items()} for model, rates in value.items()}

    def describe(self) -> str:
        return f"JSON such as {self.example}"


@dataclass(frozen=True)
class CsvMappings(_JsonType[Mapping[str, Mapping[str, str]]]):
    """Saved name -> {task field: CSV column}; ``fields`` are the task fields a column can fill."""

    fields: tuple[str, ...]
    required: tuple[str, ...] = ("title",)
    example: ClassVar[str] = '{"sheet": {"title": "Name"}}'

    def from_json(self, value: object) -> Mapping[str, Mapping[str, str]]:
        if not isinstance(value, dict) or not all(isinstance(m, dict) for m in value.values()):
            raise BadValueError("expected an object of name -> {field: column}")
        needs = " and ".join(repr(r) for r in self.required)
        for name, mapping in value.items():
            if set(mapping) - set(self.fields) or not set(self.required) <= set(mapping):
                raise BadValueError(f"mapping {name!r} needs {needs} and only fields {', '.join(self.fields)}")
            if not all(isinstance(column, str) for column in mapping.values()):
                raise BadValueError(f"mapping {name!r}: columns must be text")
        return {name: dict(mapping) for name, mapping in value.items()}

    def to_json(self, value: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
        return {name: dict(mapping) for name, mapping in value.items()}

    def describe(self) -> str:
        return f"JSON such as {self.example}"


@dataclass(frozen=True)
class UsageMappings(CsvMappings):
    """Saved name -> {usage field: column or key path, "source": id, "flags": …}."""

    example: ClassVar[str] = '{"acme": {"source": "acme-agent", "timestamp": "time", "input_tokens": "usage.in"}}'


class ProjectFolders(_JsonType[Mapping[str, tuple[str, ...]]]):
    """Tracker project (``PROJ``, ``ENG``, or a tracker: ``jira``) -> the folders its work happens in."""

    example: ClassVar[str] = '{"PROJ": ["~/src/shop"], "linear": ["~/src/api"]}'

    def from_json(self, value: object) -> Mapping[str, tuple[str, ...]]:
        if not isinstance(value, dict):
            raise BadValueError(f"expected an object of tracker project -> folders such as {self.example}")
        out: dict[str, tuple[str, ...]] = {}
        for name, folders in value.items():
            if isinstance(folders, str):
                folders = [folders]
            if not isinstance(folders, list) or not all(isinstance(f, str) and f.strip() for f in folders):
                raise BadValueError(f"project {name!r}: expected a list of folders")
            out[str(name)] = tuple(f.strip() for f in folders)
        return out

    def to_json(self, value: Mapping[str, tuple[str, ...]]) -> dict[str, list[str]]:
        return {name: list(folders) for name, folders in value.items()}

    def describe(self) -> str:
        return f"JSON such as {self.example}"
