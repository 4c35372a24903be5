"""``report.author`` / ``report.team`` / ``report.role``: one line of text each."""

from __future__ import annotations

import pytest

from tracker.core.errors import SettingError
from tracker.core.settings_schema import BY_NAME, REPORT_AUTHOR, REPORT_ROLE, REPORT_TEAM


def test_report_settings_are_declared_and_checked() -> None:
    assert {"report.author", "report.team", "report.role"} <= set(BY_NAME)
    assert {s.group for s in (REPORT_AUTHOR, REPORT_TEAM, REPORT_ROLE)} == {"report"}
    assert REPORT_AUTHOR.parse("  Ada Lovelace ") == "Ada Lovelace" and REPORT_AUTHOR.default == ""
    with pytest.raises(SettingError, match=r"report\.author: expected one line"):
        REPORT_AUTHOR.parse("Ada\nLovelace")
    with pytest.raises(SettingError, match="at most 120 characters"):
        REPORT_TEAM.parse("x" * 121)
    with pytest.raises(SettingError, match=r"report\.role: expected one line of text"):
        REPORT_ROLE.from_json(3)
