"""One Tokenworth per data folder: a second launch asks the first to show its window."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket


def server_name(data_dir: Path) -> str:
    return "tokenworth-" + hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]


def ask_running_instance(data_dir: Path, message: bytes = b"show") -> bool:
    """True when another instance answered (and was told ``message``)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    if not socket.waitForConnected(500):
        return False
    socket.write(message)
    socket.flush()
    socket.waitForBytesWritten(500)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later launches; emits ``show_requested``."""

    show_requested = Signal()

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        name = server_name(data_dir)
        QLocalServer.removeServer(name)  # a stale socket from a crash would block listening
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._connection)
        self.listening = self.server.listen(name)

    def _connection(self) -> None:
        socket = self.server.nextPendingConnection()
        if socket is None:
            return
        socket.waitForReadyRead(500)
        if bytes(socket.readAll().data()).startswith(b"show"):
            self.show_requested.emit()
        socket.deleteLater()
