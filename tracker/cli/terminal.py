"""Text for a terminal: what came from a log, a file name or an argument is shown, never obeyed.

A folder named with ``ESC[2J`` or a branch with ``\\r\\n`` in it would otherwise clear the screen
or draw a fake table line. Control characters, bidi overrides and undecodable bytes are
replaced by their escape (``\\x1b``, ``\\u202e``), so they stay visible. JSON output needs none
of this: JSON escapes them itself.
"""

from __future__ import annotations

import re
import sys

# C0, DEL and C1 controls; bidi embeddings, overrides and isolates (they reorder what follows);
# lone surrogates (bytes of a file name that are not UTF-8, which cannot even be printed).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character that a terminal would act on replaced by its escape."""
    return _UNSAFE.sub(_escape, text)


def say(message: str) -> None:
    """One ``tokenworth: …`` line on stderr."""
    print(f"tokenworth: {printable(message)}", file=sys.stderr)
