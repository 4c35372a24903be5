"""What a write changed, so views refresh only what it affects (Anki's ``OpChanges``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    tasks: frozenset[int] = field(default_factory=frozenset)  # ids added, edited or removed
    links: int = 0  # session links added, changed or removed
    alerts: int = 0  # alerts recorded, or the pause changed

    def __bool__(self) -> bool:
        return bool(self.tasks or self.links or self.alerts)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.tasks | other.tasks, self.links + other.links, self.alerts + other.alerts)
