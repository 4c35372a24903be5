"""Ticket keys: ``PROJ-123`` (Jira), ``ENG-42`` (Linear) and ``#123`` (GitHub) named in branch
names, commit messages and pull-request titles.

Keys are read loosely (Linear writes branch names in lower case: ``dev/eng-42-rate-limit``);
what keeps words such as ``utf-8`` from linking anything is that a key only counts when an
imported tracker task has it as its own key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_KEY = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]{1,9})-(\d{1,7})(?![A-Za-z0-9])")
_NUMBER = re.compile(r"(?<![\w&])#(\d{1,7})\b")
_BRANCH_NUMBER = re.compile(r"(?:^|/)(\d{1,7})-")  # GitHub's "Create a branch": 123-fix-login
_OWN_KEY = re.compile(r"^[A-Z][A-Z0-9]{1,9}-\d{1,7}$")
_GITHUB_NUMBER = re.compile(r"/(?:issues|pull)/(\d+)/?$")


def mentioned(*texts: str, branch: str = "") -> tuple[str, ...]:
    """Keys named in ``branch`` and then ``texts``, first mention first, without repeats."""
    found: list[str] = []
    if branch:
        found += [f"{m.group(1).upper()}-{m.group(2)}" for m in _KEY.finditer(branch)]
        found += [f"#{m.group(1)}" for m in _BRANCH_NUMBER.finditer(branch)]
        found += [f"#{m.group(1)}" for m in _NUMBER.finditer(branch)]
    for text in texts:
        for m in re.finditer(f"{_KEY.pattern}|{_NUMBER.pattern}", text):
            found.append(f"{m.group(1).upper()}-{m.group(2)}" if m.group(1) else f"#{m.group(3)}")
    return tuple(dict.fromkeys(found))


def own_key(source: str, external_id: str, links: Iterable[str] = ()) -> str | None:
    """The key a tracker task is known by: its Jira/Linear key, or ``#N`` for a GitHub issue or PR."""
    if source in ("jira", "linear", "csv") and _OWN_KEY.match(external_id.strip().upper()):
        return external_id.strip().upper()
    if source == "github":
        for text in (external_id, *links):
            if m := _GITHUB_NUMBER.search(text.strip()):
                return f"#{m.group(1)}"
        if re.fullmatch(r"#\d+", external_id.strip()):
            return external_id.strip()
    return None


def project_of(key: str) -> str:
    """``PROJ`` of ``PROJ-123`` ('' for ``#123``): what ``work.tracker_projects`` maps to folders."""
    return key.rpartition("-")[0] if "-" in key else ""
