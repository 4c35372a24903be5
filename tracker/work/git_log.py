"""Reading commits with the ``git`` program in a stable, machine-readable format."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tracker.work.ticket_keys import remote_scope

_FIELDS = ("%H", "%P", "%ae", "%ct", "%at", "%s", "%b")
_FORMAT = "%x1e" + "%x1f".join(_FIELDS) + "%x1f"
AI_TOOLS = (
    "claude", "codex", "copilot", "cursor", "gemini", "aider", "chatgpt", "openai", "anthropic",
    "devin", "windsurf", "codeium", "cline", "roo code", "kilo code", "amazon q", "opencode",
)  # fmt: skip
_AI = re.compile(
    r"^\s*(?:co-authored-by:|.*generated (?:with|by))[^\n]*\b(?:" + "|".join(map(re.escape, AI_TOOLS)) + r")\b",
    re.IGNORECASE | re.MULTILINE,
)


class GitError(Exception):
    """git failed; the message says what git said."""


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    email: str
    committed_ms: int
    authored_ms: int
    subject: str
    body: str
    files_changed: int
    lines_added: int
    lines_removed: int

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def ai_assisted(self) -> bool:
        return bool(_AI.search(f"{self.subject}\n{self.body}"))


def run_git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, encoding="utf-8", errors="replace"
    )
    if proc.returncode != 0:
        raise GitError(f"git {' '.join(args[:2])} in {repo}: {proc.stderr.strip() or proc.returncode}")
    return proc.stdout


def repo_root(folder: Path) -> Path | None:
    """The top of the work tree containing ``folder``, or None when it is not in one."""
    if not folder.is_dir():
        return None
    try:
        top = run_git(folder, "rev-parse", "--show-toplevel").strip()
    except GitError:
        return None
    return Path(top) if top else None


def log(repo: Path, revisions: str, *, first_parent: bool) -> list[Commit]:
    """Commits of ``revisions`` (e.g. ``HEAD`` or ``a..b``), newest first, with line counts.

    With ``first_parent`` a merge's line counts are against its first parent: what it brought.
    """
    args = ["log", "--no-color", "--no-renames", f"--format={_FORMAT}", "--numstat"]
    if first_parent:
        args += ["--first-parent", "--diff-merges=first-parent"]
    out = run_git(repo, *args, revisions, "--")
    commits = []
    for record in out.split("\x1e")[1:]:
        parts = record.split("\x1f")
        sha, parents, email, ct, at, subject, body = parts[:7]
        files = added = removed = 0
        for line in parts[7].splitlines():
            cols = line.split("\t")
            if len(cols) == 3:
                files += 1
                added += int(cols[0]) if cols[0].isdigit() else 0  # "-" for binary files
                removed += int(cols[1]) if cols[1].isdigit() else 0
        commits.append(
            Commit(sha, tuple(parents.split()), email.lower(), int(ct) * 1000, int(at) * 1000, subject,
                   body.strip(), files, added, removed)
        )  # fmt: skip
    return commits


def is_ancestor(repo: Path, older: str, newer: str) -> bool:
    proc = subprocess.run(["git", "-C", str(repo), "merge-base", "--is-ancestor", older, newer], capture_output=True)
    return proc.returncode == 0


def config_email(repo: Path) -> str:
    try:
        return run_git(repo, "config", "user.email").strip().lower()
    except GitError:
        return ""


def repo_scope(repo: Path) -> str:
    """What scopes the repository's ``#123`` numbers: ``owner/repo`` of its ``origin`` remote,
    else its path (``ticket_keys.KeyIndex``)."""
    try:
        url = run_git(repo, "remote", "get-url", "origin")
    except GitError:
        url = ""
    return remote_scope(url) or str(repo)
