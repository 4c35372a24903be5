"""Fail a test on a log record at WARNING or above that it did not expect (qutebrowser's logfail).

A test expects such records by raising the capture level to them (``caplog.at_level(logging.WARNING)``,
then it asserts on ``caplog.records``) or with ``@pytest.mark.expect_log_warnings``.
"""

from __future__ import annotations

import logging

import pytest


class LogFailHandler(logging.Handler):
    """Installed once on the root logger for the whole session; keeps the current test's surprises."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.unexpected: list[logging.LogRecord] = []
        self.caplog: pytest.LogCaptureFixture | None = None

    def emit(self, record: logging.LogRecord) -> None:
        # Only collected here: raising inside emit would break the code under test (often on
        # another thread); the test fails at its end instead.
        if record.levelno < self.level:
            return
        level = self.caplog.handler.level if self.caplog is not None else logging.NOTSET
        if not (logging.NOTSET < level <= record.levelno):
            self.unexpected.append(record)

    def start(self, caplog: pytest.LogCaptureFixture | None) -> None:
        self.unexpected.clear()
        self.caplog = caplog

    def check(self, allowed: bool) -> None:
        found, self.unexpected = self.unexpected, []
        self.caplog = None
        if found and not allowed:
            lines = "\n".join(f"  {r.levelname} {r.name}: {r.getMessage()}" for r in found)
            pytest.fail(f"unexpected log records (use caplog.at_level or @pytest.mark.expect_log_warnings):\n{lines}")
