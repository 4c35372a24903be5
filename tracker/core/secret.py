"""A key held in memory (an API key read from the keyring or typed by the user).

Its ``repr`` and ``str`` never show it, it cannot be pickled, and ``redact`` takes it out of
any text (a server may echo a key in an error message).
"""

from __future__ import annotations

from typing import NoReturn

from tracker.core.errors import UsageError


class Secret:
    """A key held in memory: shown as ``<secret>``, never by value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        value = value.strip()  # a pasted key often brings a newline
        if not value:
            raise UsageError("the key is empty")
        if any(c.isspace() or not c.isprintable() for c in value):
            raise UsageError("the key has spaces or control characters in it (paste only the key)")
        self._value = value

    def reveal(self) -> str:
        """The key itself: only for the one request header that needs it."""
        return self._value

    def redact(self, text: str) -> str:
        return text.replace(self._value, "<secret>")

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret is not pickled")
