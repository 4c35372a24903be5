"""What every source provides."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tracker.core.reading import ReadResult

if TYPE_CHECKING:
    from tracker.sources.jsonl import LineFormat


class LineParser(Protocol):
    """Turns one complete JSONL line into records on ``result``; state lives in ``context``."""

    def __call__(self, line: bytes, line_no: int, context: dict[str, Any], result: ReadResult) -> None: ...


class Source(Protocol):
    name: str
    label: str
    # Every line the parser needs contains one of these; other lines are not decoded.
    needles: tuple[bytes, ...]
    # The same lines as typed records, decoded a block at a time (None: line by line only).
    line_format: LineFormat[Any] | None

    def roots(self, home: Path, env: Mapping[str, str], extra: Sequence[Path]) -> list[Path]:
        """Folders where this tool keeps logs (existing or not), most specific first."""
        ...

    def files(self, roots: Sequence[Path]) -> Iterator[Path]:
        """Every log file under the existing roots."""
        ...

    def start_context(self, path: Path) -> dict[str, Any]:
        """Parser context for reading ``path`` from its first byte."""
        ...

    def parse_line(self, line: bytes, line_no: int, context: dict[str, Any], result: ReadResult) -> None:
        """Turn one complete line into records on ``result``."""
        ...
