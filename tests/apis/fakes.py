"""A keychain in memory for the sync tests (the real Secret Service has its own tests)."""

from __future__ import annotations

from tracker.core.secret import Secret
from tracker.store.keys import BackendInfo


class MemoryChain:
    def __init__(self) -> None:
        self.keys: dict[str, str] = {}

    def info(self) -> BackendInfo:
        return BackendInfo("memory (tests)", True, "")

    def store(self, name: str, secret: Secret) -> None:
        self.keys[name] = secret.reveal()

    def read(self, name: str) -> Secret | None:
        return Secret(self.keys[name]) if name in self.keys else None

    def delete(self, name: str) -> bool:
        return self.keys.pop(name, None) is not None
