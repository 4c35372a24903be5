"""Ticket keys: ``PROJ-123`` (Jira), ``ENG-42`` (Linear) and ``#123`` (GitHub) named in branch
names, commit messages and pull-request titles.

Keys are read loosely (Linear writes branch names in lower case: ``dev/eng-42-rate-limit``);
what keeps words such as ``utf-8`` from linking anything is that a key only counts when an
imported tracker task has it as its own key.

``#123`` is a number *in one repository*: two repositories' ``#12`` are different outcomes. So
a number is kept scoped, ``owner/repo#12``: git work by its repository's ``origin`` remote (its
path when it has none), a GitHub issue or PR by its URL. A number with no scope (a GitHub
export without URLs, or keys stored before numbers were scoped) matches a scoped one only
when a single repository uses that number (``KeyIndex``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

_KEY = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]{1,9})-(\d{1,7})(?![A-Za-z0-9])")
_NUMBER = re.compile(r"(?<![\w&])#(\d{1,7})\b")
_BRANCH_NUMBER = re.compile(r"(?:^|/)(\d{1,7})-")  # GitHub's "Create a branch": 123-fix-login
_OWN_KEY = re.compile(r"^[A-Z][A-Z0-9]{1,9}-\d{1,7}$")
# GitHub's /owner/repo/issues/12 and /pull/12; GitLab's /group/project/-/issues/12.
_GITHUB_NUMBER = re.compile(r"^/([^/]+/[^/]+)/(?:issues|pull)/(\d+)/?$|^/(.+?)/-/issues/(\d+)/?$")
_SCOPED_NUMBER = re.compile(r"^(.*)#(\d{1,7})$")


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
            if m := _GITHUB_NUMBER.match(urlsplit(text.strip()).path):
                repo, number = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
                return f"{repo.lower()}#{number}"
        if re.fullmatch(r"#\d+", external_id.strip()):
            return external_id.strip()  # no URL: no repository to scope it by
    return None


def remote_scope(url: str) -> str:
    """``owner/repo`` of a remote URL (``git@host:owner/repo.git``, ``https://host/owner/repo``);
    '' for a local path or anything else."""
    url = url.strip()
    if "://" in url:
        path = urlsplit(url).path
    elif ":" in url and not url.startswith(("/", ".")) and not re.match(r"^[A-Za-z]:[\\/]", url):
        path = url.split(":", 1)[1]
    else:
        return ""
    path = path.strip("/").removesuffix(".git").strip("/")
    return path.lower() if "/" in path else ""


def scoped(keys: Iterable[str], scope: str) -> tuple[str, ...]:
    """Numbers (``#12``) as ``scope#12``; other keys as they are."""
    return tuple(dict.fromkeys(f"{scope}{k}" if scope and k.startswith("#") else k for k in keys))


def number_of(key: str) -> tuple[str, str] | None:
    """``(scope, number)`` of a number key (scope '' when unscoped); None for ``PROJ-123``."""
    m = _SCOPED_NUMBER.match(key)
    return (m.group(1), m.group(2)) if m else None


class KeyIndex(Generic[T]):
    """Owned keys -> what owns them; a lookup that keeps numbers inside their repository.

    ``seen``: every key any task owns or names, so an unscoped number is only matched with a
    scoped one when no other repository uses that number."""

    def __init__(self, owners: Mapping[str, T], seen: Iterable[str]) -> None:
        self.owners = owners
        self._scopes: dict[str, set[str]] = {}
        for key in (*owners, *seen):
            if (n := number_of(key)) is not None and n[0]:
                self._scopes.setdefault(n[1], set()).add(n[0])

    def get(self, key: str) -> T | None:
        if key in self.owners:
            return self.owners[key]
        n = number_of(key)
        if n is None:
            return None
        scope, number = n
        scopes = self._scopes.get(number, set())
        if scope:  # a scoped number matches an unscoped owner when it is the only repository with it
            return self.owners.get(f"#{number}") if scopes == {scope} else None
        if len(scopes) == 1:  # an unscoped number: the one repository that uses it
            return self.owners.get(f"{next(iter(scopes))}#{number}")
        return None


def project_of(key: str) -> str:
    """``PROJ`` of ``PROJ-123`` ('' for ``#123``): what ``work.tracker_projects`` maps to folders."""
    return key.rpartition("-")[0] if "-" in key else ""
