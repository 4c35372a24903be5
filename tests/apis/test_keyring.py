"""Keys in a real Secret Service (gnome-keyring on a private bus), and refused without one."""

from __future__ import annotations

import pickle

import pytest
from keyring.backends import SecretService, chainer, fail, null

from tracker.core.errors import UsageError
from tracker.core.secret import Secret
from tracker.store.keys import SERVICE, KeyChain, KeyringError

KEY = "sk-ant-admin01-TESTKEY-9f8e7d6c5b4a"


def test_a_key_round_trips_through_the_real_secret_service(secret_service: dict[str, str]) -> None:
    chain = KeyChain(SecretService.Keyring())
    info = chain.info()
    assert (info.secure, info.name) == (True, "SecretService Keyring")
    chain.store("work", Secret(KEY))
    # what the keyring itself holds, read without Tokenworth: the key under service "tokenworth"
    assert SecretService.Keyring().get_password(SERVICE, "work") == KEY
    got = chain.read("work")
    assert got is not None and got.reveal() == KEY
    assert chain.delete("work") is True
    assert chain.read("work") is None
    assert chain.delete("work") is False


def test_the_default_back_end_is_the_secret_service_when_one_runs(secret_service: dict[str, str]) -> None:
    import keyring.core

    before = keyring.get_keyring()
    keyring.core.init_backend()  # resolved afresh: the bus is there now
    try:
        assert KeyChain().info().secure
    finally:
        keyring.set_keyring(before)  # later tests get what they would have had


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_an_insecure_back_end_is_refused_with_how_to_fix_it(backend: object) -> None:
    chain = KeyChain(backend)  # type: ignore[arg-type]  # the test's back-ends are keyring back-ends
    assert not chain.info().secure
    with pytest.raises(KeyringError) as caught:
        chain.store("work", Secret(KEY))
    message = str(caught.value)
    assert "nothing was stored" in message and "gnome-keyring" in message.lower().replace(" ", "-")
    assert KEY not in message


class _Plaintext(null.Keyring):
    """Stands for keyrings.alt's PlaintextKeyring (keys in a file in the clear)."""


_Plaintext.__module__ = "keyrings.alt.file"


def test_a_chainer_of_insecure_back_ends_or_a_plaintext_file_is_refused() -> None:
    class OnlyInsecure(chainer.ChainerBackend):
        backends = (_Plaintext(), fail.Keyring())  # type: ignore[assignment]  # a fixed chain for the test

    for backend in (OnlyInsecure(), _Plaintext()):
        chain = KeyChain(backend)
        assert not chain.info().secure
        with pytest.raises(KeyringError):
            chain.store("work", Secret(KEY))


def test_a_secret_never_shows_its_value() -> None:
    s = Secret(f"  {KEY}\n")
    assert s.reveal() == KEY  # a pasted newline is dropped
    assert KEY not in repr(s) and KEY not in str(s) and KEY not in f"{s} {[s]} { ({'k': s}) }"
    assert s.redact(f"error: bad key {KEY}!") == "error: bad key <secret>!"
    with pytest.raises(TypeError):
        pickle.dumps(s)
    with pytest.raises(UsageError):
        Secret("  \n")
    with pytest.raises(UsageError):
        Secret("two words")
