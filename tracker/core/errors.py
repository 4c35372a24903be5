"""Errors that cross layers and carry a message fit for the user."""


class TokenworthError(Exception):
    """Base class: ``str(error)`` is shown to the user as is."""


class SettingError(TokenworthError):
    """An unknown setting name or a value that does not validate."""


class UsageError(TokenworthError):
    """Bad command-line input (exit code 2)."""
