"""Errors that cross layers and carry a message fit for the user."""


class TokenworthError(Exception):
    """Base class: ``str(error)`` is shown to the user as is."""


class SettingError(TokenworthError):
    """An unknown setting name or a value that does not validate."""


class UsageError(TokenworthError):
    """Bad command-line input (exit code 2)."""


class OutputError(TokenworthError):
    """A report, export or other output file could not be written (nothing was changed)."""


class StoreError(TokenworthError):
    """The database cannot be opened or used: damaged, newer than this version, locked, or
    on a disk that refuses writes. The message names the file and what to do."""
