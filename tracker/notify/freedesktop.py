"""Freedesktop notifications (``org.freedesktop.Notifications``) over the D-Bus session bus,
with actions. jeepney speaks D-Bus with explicit signatures, which Qt's Python binding cannot
(``Notify`` takes an unsigned ``replaces_id``)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from tracker.analytics.alert_rules import Alert

DEST = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
ACTIONS = ("open", "Open", "log", "Log task", "snooze", "Snooze 1 h")
URGENCY = {"low": 0, "normal": 1, "critical": 2}


class FreedesktopNotifier:
    """Sends notifications and calls ``on_action(action)`` when the user clicks one (from a thread)."""

    def __init__(self, on_action: Callable[[str], None] | None = None) -> None:
        self.on_action = on_action
        self.available = False
        self.reason = ""
        self._conn = None
        self._listener = None
        self._sent: set[int] = set()
        try:
            from jeepney.io.blocking import open_dbus_connection

            self._conn = open_dbus_connection(bus="SESSION")
            self.available = self._server_present()
            if not self.available:
                self.reason = "no notification server on the session bus"
        except Exception as exc:
            self.reason = f"no D-Bus session ({type(exc).__name__}: {exc})"
        if self.available and on_action is not None:
            self._listener = threading.Thread(target=self._listen, name="tokenworth-notify-actions", daemon=True)
            self._listener.start()

    def _server_present(self) -> bool:
        from jeepney import DBusAddress, new_method_call

        bus = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus")
        assert self._conn is not None
        reply = self._conn.send_and_get_reply(new_method_call(bus, "NameHasOwner", "s", (DEST,)), timeout=5)
        return bool(reply.body[0])

    def notify(self, alert: Alert, timeout_ms: int = 10_000) -> int:
        """Show ``alert``; returns the server's id for it."""
        from jeepney import DBusAddress, new_method_call

        assert self._conn is not None
        address = DBusAddress(PATH, bus_name=DEST, interface=DEST)
        hints = {"urgency": ("y", URGENCY.get(alert.urgency, 1)), "desktop-entry": ("s", "tokenworth")}
        message = new_method_call(
            address, "Notify", "susssasa{sv}i",
            ("Tokenworth", 0, "", alert.title, alert.body, list(ACTIONS), hints, timeout_ms),
        )  # fmt: skip
        reply = self._conn.send_and_get_reply(message, timeout=10)
        notification_id = int(reply.body[0])
        self._sent.add(notification_id)
        return notification_id

    def _listen(self) -> None:
        from jeepney import MatchRule, message_bus
        from jeepney.io.blocking import open_dbus_connection

        conn = open_dbus_connection(bus="SESSION")
        rule = MatchRule(type="signal", interface=DEST, member="ActionInvoked", path=PATH)
        conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=5)
        with conn.filter(rule) as queue:
            while True:
                signal = conn.recv_until_filtered(queue)
                notification_id, action = signal.body
                if notification_id in self._sent and self.on_action is not None:
                    self.on_action(str(action))
