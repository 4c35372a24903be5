"""The settings file: JSON in the data folder, only values that differ from the defaults.

It never loses what a user wrote:
- written atomically, private (0600), never through a planted link;
- a file that cannot be read as settings (bad JSON, ``"values": null``, …) is copied aside as
  ``settings.json.bad-<time>``, reported, read as defaults, and **not written over**: changes
  are refused (``SettingsFileError``) until the user fixes the file or moves it aside;
- a value of the wrong type is reported (the default is used), copied aside with the file, and
  kept as written when another setting changes; changing that setting replaces it;
- names this version does not know (a removed source, a newer app) are kept as written;
- a file from a newer version is read as far as understood, and never written;
- renamed settings are migrated on read (``RENAMED``); the next write stores the new name.

Secrets never go here; they live in the OS keyring.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from tracker.core.atomic_write import write_bytes, write_text
from tracker.core.errors import OutputError, SettingError, TokenworthError
from tracker.core.settings_schema import RENAMED, SETTINGS, SETTINGS_VERSION, Setting, get_setting

T = TypeVar("T")


class SettingsFileError(TokenworthError):
    """The settings file may not be written: it is damaged, unreadable or from a newer version."""


class SettingsFile:
    def __init__(
        self,
        path: Path,
        declarations: Sequence[Setting[Any]] = SETTINGS,
        renamed: Mapping[str, str] = RENAMED,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.path = path
        self.declarations = tuple(declarations)
        self._by_name: dict[str, Setting[Any]] = {s.name: s for s in self.declarations}
        self._renamed = renamed
        self._now = now
        self._values: dict[str, Any] = {}
        self._kept: dict[str, Any] = {}  # as written: unknown names and values that did not validate
        self._refusal = ""  # why writing is refused; empty when it is allowed
        self.bad_copy: Path | None = None
        self.problems: list[str] = []
        self._load()

    # Reading ----------------------------------------------------------------------------------

    def value(self, setting: Setting[T]) -> T:
        """The typed value of ``setting`` (its default unless the file sets it)."""
        if setting.name in self._values:
            value: T = self._values[setting.name]
            return value
        return setting.default

    def declaration(self, name: str) -> Setting[Any]:
        return get_setting(name, self._by_name)

    def show(self, name: str) -> str:
        """The value of the setting called ``name`` as its type prints it."""
        setting = self.declaration(name)
        return setting.show(self.value(setting))

    def is_default(self, name: str) -> bool:
        return name not in self._values

    @property
    def writable(self) -> bool:
        return not self._refusal

    # Writing ----------------------------------------------------------------------------------

    def set(self, name: str, text: str) -> Any:
        """Parse ``text`` for the setting called ``name`` and store it; returns the value."""
        setting = self.declaration(name)
        value = setting.parse(text)
        self.put(setting, value)
        return value

    def put(self, setting: Setting[T], value: T) -> None:
        """Store a typed value (checked by its type like typed text)."""
        setting.from_json(setting.to_json(value))  # a programmer's value gets the user's checks
        self._change(setting.name, lambda: self._values.__setitem__(setting.name, value))

    def unset(self, name: str) -> None:
        """Return the setting called ``name`` to its default."""
        self.declaration(name)
        self._change(name, lambda: self._values.pop(name, None))

    reset = unset

    def _change(self, name: str, apply: Callable[[], None]) -> None:
        self._load()  # another process (the app, the CLI) may have changed the file since
        if self._refusal:
            raise SettingsFileError(f"not changing {name}: {self._refusal}")
        self._kept.pop(name, None)
        apply()
        self._save()
        self._load()  # what is now on disk, and its remaining problems

    def _save(self) -> None:
        values = {**self._kept}
        values.update((n, self._by_name[n].to_json(v)) for n, v in self._values.items())
        payload = {"version": SETTINGS_VERSION, "values": dict(sorted(values.items()))}
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_text(self.path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")

    # Loading ----------------------------------------------------------------------------------

    def _load(self) -> None:
        self._values, self._kept, self._refusal, self.bad_copy, self.problems = {}, {}, "", None, []
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            why = f"{self.path} cannot be read ({exc.strerror or exc})"
            self._refuse(f"{why}; using the defaults", why)
            return
        try:
            raw = json.loads(data)
        except (ValueError, RecursionError) as exc:  # ValueError covers bad UTF-8 and bad JSON
            reason = f"not valid JSON: {exc}" if isinstance(exc, json.JSONDecodeError) else "not valid JSON"
            self._damaged(data, reason)
            return
        values = raw.get("values", {}) if isinstance(raw, dict) else None
        version = raw.get("version", 1) if isinstance(raw, dict) else None
        if not isinstance(values, dict):
            self._damaged(data, '"values" is not an object of setting -> value')
            return
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self._damaged(data, f'"version" is {version!r}, not a version number')
            return
        if version > SETTINGS_VERSION:
            self._refuse(
                f"{self.path} was written by a newer Tokenworth (settings version {version}, this one knows "
                f"{SETTINGS_VERSION}); reading what this version understands",
                f"{self.path} is from a newer Tokenworth (settings version {version}); update Tokenworth to change it",
            )
        wrong = self._read_values(self._migrated(values))
        if wrong:
            kept = self._keep_copy(data, once=True)
            self.problems.append(
                f"{self.path}: {'; '.join(wrong)}; using the default for {'it' if len(wrong) == 1 else 'these'} "
                f"(kept as written{f', a copy is at {kept}' if kept else ''})"
            )

    def _migrated(self, values: dict[str, Any]) -> dict[str, Any]:
        values = dict(values)
        for old, new in self._renamed.items():
            if old in values:
                value = values.pop(old)
                values.setdefault(new, value)  # a value already under the new name wins
        return values

    def _read_values(self, values: dict[str, Any]) -> list[str]:
        """Fill the typed values; returns a message per value that did not validate."""
        wrong: list[str] = []
        for name, value in values.items():
            setting = self._by_name.get(name)
            if setting is None:
                self._kept[name] = value
                if not name.startswith("sources."):  # a source that was removed is kept quietly
                    self.problems.append(f"{self.path}: unknown setting {name!r} (kept as written)")
                continue
            try:
                self._values[name] = setting.from_json(value)
            except SettingError as exc:
                self._kept[name] = value
                wrong.append(str(exc))
        return wrong

    def _damaged(self, data: bytes, reason: str) -> None:
        kept = self._keep_copy(data)
        where = f"a copy is at {kept}" if kept else "no copy could be made"
        self._refuse(
            f"{self.path} is damaged ({reason}); using the defaults until it is fixed ({where})",
            f"{self.path} is damaged; fix it, or move it aside to start from the defaults ({where})",
        )

    def _refuse(self, problem: str, refusal: str) -> None:
        self.problems.append(problem)
        self._refusal = refusal

    def _keep_copy(self, data: bytes, once: bool = False) -> Path | None:
        """A copy of the damaged file beside it; the existing copy when one holds the same bytes.

        ``once``: any existing copy will do. Wrong-typed values stay in the file as written, so
        the copy made when they were first seen is enough; rewriting the file must not add more.
        """
        for earlier in sorted(self.path.parent.glob(f"{self.path.name}.bad-*"), reverse=True):
            try:
                if once or earlier.read_bytes() == data:
                    self.bad_copy = earlier
                    return earlier
            except OSError:
                continue
        copy = self.path.with_name(f"{self.path.name}.bad-{self._now():%Y%m%d-%H%M%S}")
        if copy.exists():
            copy = copy.with_name(f"{copy.name}-{len(list(self.path.parent.glob(copy.name + '*')))}")
        try:
            write_bytes(copy, data)
        except OutputError:
            return None
        self.bad_copy = copy
        return copy
