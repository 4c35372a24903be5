"""Settings ▸ Keys: add, sync now and remove, each run off the GUI thread (a real thread, a
real store, a real server on 127.0.0.1; the keychain in memory)."""

from __future__ import annotations

import threading

from tests.apis.fakes import MemoryChain
from tests.apis.server import ApiServer, Reply
from tracker.core.secret import Secret
from tracker.services.context import Context

KEY = "sk-or-v1-SETTINGS-0011223344"


def test_keys_are_added_synced_and_removed_off_the_gui_thread(qtbot, ctx: Context, api: ApiServer) -> None:
    from tracker.ui.keys_settings import KeysSettings

    chain = MemoryChain()
    threads: set[str] = set()

    def chain_here() -> MemoryChain:
        threads.add(threading.current_thread().name)
        return chain

    tab = KeysSettings(ctx, chain=chain_here)  # type: ignore[arg-type]  # a fake chain
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.sync_button.isEnabled(), timeout=20000)
    assert tab.backend.text() == "Keyring: memory (tests) (secure)"
    assert tab.names() == []

    with qtbot.waitSignal(tab.finished, timeout=20000):
        tab.add_key("mine", "litellm", Secret(KEY), api.url)
    qtbot.waitUntil(lambda: tab.names() == ["mine"], timeout=20000)
    assert chain.keys == {"mine": KEY}
    assert tab.cell(0, 5) == "not synced yet" and tab.cell(0, 3) == "your own"

    api.script("/key/info", Reply({"info": {"user_id": "u1"}}))
    api.script("/user/daily/activity", Reply({"results": [{"date": "2026-11-28", "metrics": {}, "breakdown": {
        "models": {"gpt-4o": {"metrics": {"prompt_tokens": 5, "completion_tokens": 1, "api_requests": 1,
                                          "spend": 0.01}}}}}], "metadata": {"has_more": False}}))  # fmt: skip
    with qtbot.waitSignal(tab.finished, timeout=30000):
        tab.sync_now()
    qtbot.waitUntil(lambda: tab.cell(0, 5) == "ok", timeout=20000)
    assert tab.status.text() == "mine: 1 new, 0 updated"
    with ctx.reader() as store:
        assert [(r.model, r.input_tokens, r.cost_micro) for r in store.provider.rows()] == [("gpt-4o", 5, 10_000)]

    with qtbot.waitSignal(tab.finished, timeout=20000):
        tab.remove("mine")
    qtbot.waitUntil(lambda: tab.names() == [], timeout=20000)
    assert chain.keys == {}
    assert threading.main_thread().name not in threads and threads == {"tokenworth-keys"}
    assert KEY not in tab.status.text()


def test_the_add_dialog_asks_whose_rows_only_for_the_claude_code_analytics(qtbot) -> None:
    from tracker.ui.keys_settings import AddKeyDialog

    dialog = AddKeyDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.provider.setCurrentIndex(dialog.provider.findData("claude-code-analytics"))
    assert dialog.actor.isVisible() and "your email" in dialog.actor.placeholderText()
    assert "never compared with your logs" in dialog.hint.text()
    dialog.actor.setText("  me@example.com ")
    assert dialog.actor_text() == "me@example.com"
    dialog.provider.setCurrentIndex(dialog.provider.findData("openrouter"))
    assert not dialog.actor.isVisible() and dialog.actor_text() is None  # never sent to an API without actors
