"""The session-wide guard: an unexpected WARNING+ record fails the test; an expected one does not."""

from __future__ import annotations

import logging

import pytest

from tests.helpers.logfail import LogFailHandler

log = logging.getLogger("tracker.tests.logfail")


def record(level: int) -> logging.LogRecord:
    return log.makeRecord(log.name, level, __file__, 1, "disk %s", ("full",), None)


def test_an_unexpected_warning_fails_and_info_does_not() -> None:
    handler = LogFailHandler()
    handler.start(None)
    handler.handle(record(logging.INFO))
    handler.check(allowed=False)  # INFO is below the bar
    handler.start(None)
    handler.handle(record(logging.WARNING))
    with pytest.raises(pytest.fail.Exception, match=r"WARNING tracker\.tests\.logfail: disk full"):
        handler.check(allowed=False)
    handler.start(None)
    handler.handle(record(logging.ERROR))
    handler.check(allowed=True)  # the marker


def test_caplog_at_a_level_expects_records_from_that_level_up(caplog) -> None:
    handler = LogFailHandler()
    handler.start(caplog)
    with caplog.at_level(logging.ERROR):
        handler.handle(record(logging.ERROR))
    handler.check(allowed=False)
    handler.start(caplog)
    with caplog.at_level(logging.ERROR):
        handler.handle(record(logging.WARNING))  # below what the test said it expects
    with pytest.raises(pytest.fail.Exception):
        handler.check(allowed=False)


def test_the_session_guard_is_installed() -> None:
    from tests.conftest import LOGFAIL

    assert LOGFAIL in logging.getLogger().handlers


@pytest.mark.expect_log_warnings
def test_the_marker_lets_a_warning_through() -> None:
    log.warning("expected here")


def test_caplog_lets_an_expected_warning_through(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        log.warning("expected here too")
    assert [r.getMessage() for r in caplog.records] == ["expected here too"]
