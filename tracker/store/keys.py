"""API keys in the OS keyring (Secret Service, macOS Keychain, Windows Credential Locker).

A key lives only in the keyring, under the service ``tokenworth`` and the key's name. What is
not secret (the name, the provider, a base URL) is kept in ``store.provider``'s sync state by
``services.api_sync``. A key is refused when the only keyring back-end would keep it in the
clear or not at all (``keyring``'s fail and null back-ends, the plaintext files of
``keyrings.alt``): the message says how to get a real one.

In memory a key is a ``tracker.core.secret.Secret``, which never shows its value.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.core.errors import TokenworthError
from tracker.core.secret import Secret

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "tokenworth"


class KeyringError(TokenworthError):
    """No secure keyring, or the keyring refused (locked, dismissed prompt)."""


@dataclass(frozen=True)
class BackendInfo:
    name: str  # e.g. "SecretService Keyring"
    secure: bool
    fix: str  # how to get a secure one ('' when secure)


def _fix_hint() -> str:
    if sys.platform.startswith("linux"):
        return (
            "install and unlock a Secret Service keyring: GNOME Keyring (package gnome-keyring) or "
            "KWallet, started by your desktop session; without a desktop, run the command inside "
            "'dbus-run-session' after 'gnome-keyring-daemon --unlock'. If PYTHON_KEYRING_BACKEND or a "
            "keyringrc.cfg names another back-end, remove it"
        )
    return (
        "the system keychain should be available; check that PYTHON_KEYRING_BACKEND or a "
        "keyringrc.cfg does not select an insecure back-end"
    )


def _insecure(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    # fail/null keep nothing; keyrings.alt keeps keys in files (plaintext or with a fixed key)
    return module.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt"))


def _secure_backend(backend: KeyringBackend) -> KeyringBackend | None:
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):  # the chainer writes to its first; pick a secure one
        return next((b for b in backend.backends if not _insecure(b)), None)
    return None if _insecure(backend) else backend


def _label(backend: KeyringBackend) -> str:
    name = getattr(backend, "name", "") or type(backend).__name__
    return str(name)


class KeyChain:
    """Store, read and delete named keys under the service ``tokenworth``."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        if backend is None:
            import keyring  # deferred: the CLI's warm path never needs it

            backend = keyring.get_keyring()
        self._backend = backend

    def info(self) -> BackendInfo:
        secure = _secure_backend(self._backend)
        if secure is None:
            return BackendInfo(_label(self._backend), False, _fix_hint())
        return BackendInfo(_label(secure), True, "")

    def _secure(self) -> KeyringBackend:
        secure = _secure_backend(self._backend)
        if secure is None:
            raise KeyringError(
                f"no secure keyring to keep the key in (the keyring back-end is {_label(self._backend)}); "
                f"nothing was stored. To fix: {_fix_hint()}"
            )
        return secure

    def _refused(self, backend: KeyringBackend, what: str, exc: Exception) -> KeyringError:
        # the keyring's own message is left out: only its type, never anything it was given
        return KeyringError(f"the keyring ({_label(backend)}) refused to {what} the key: {type(exc).__name__}")

    def store(self, name: str, secret: Secret) -> None:
        from keyring.errors import KeyringError as _Refused

        backend = self._secure()
        try:
            backend.set_password(SERVICE, name, secret.reveal())
        except _Refused as exc:  # locked, prompt dismissed: its message never holds the key
            raise KeyringError(
                f"the keyring ({_label(backend)}) refused to store the key: {type(exc).__name__}"
            ) from None

    def read(self, name: str) -> Secret | None:
        from keyring.errors import KeyringError as _Refused

        backend = self._secure()
        try:
            value = backend.get_password(SERVICE, name)
        except _Refused as exc:
            raise KeyringError(
                f"the keyring ({_label(backend)}) refused to give the key: {type(exc).__name__}"
            ) from None
        return Secret(value) if value else None

    def delete(self, name: str) -> bool:
        """Remove the key; False when the keyring held none under ``name``."""
        from keyring.errors import KeyringError as _Refused
        from keyring.errors import PasswordDeleteError

        backend = self._secure()
        try:
            backend.delete_password(SERVICE, name)
        except PasswordDeleteError:
            return False
        except _Refused as exc:
            raise KeyringError(
                f"the keyring ({_label(backend)}) refused to delete the key: {type(exc).__name__}"
            ) from None
        return True
