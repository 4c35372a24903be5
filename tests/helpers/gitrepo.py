"""Real git repositories built in a temp folder, with authors and dates set."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ME = "dev@example.com"


class GitRepo:
    def __init__(self, path: Path, email: str = ME, *, initial: bool = True) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", email)
        self.git("config", "user.name", "Dev")
        self.git("config", "commit.gpgsign", "false")
        if initial:  # as real repositories start: an empty root commit, which is never a task
            self.git("commit", "-q", "--allow-empty", "-m", "Initial commit", date="2026-01-01T00:00:00Z")

    def git(self, *args: str, date: str | None = None, email: str | None = None) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(GIT_CONFIG_NOSYSTEM="1", HOME=str(self.path.parent))
        if date:
            env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        if email:
            env.update(
                GIT_AUTHOR_EMAIL=email, GIT_COMMITTER_EMAIL=email, GIT_AUTHOR_NAME="Other", GIT_COMMITTER_NAME="Other"
            )
        proc = subprocess.run(["git", "-C", str(self.path), *args], capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    def commit(
        self, message: str, date: str, *, email: str | None = None, name: str | None = None, lines: int = 3
    ) -> str:
        f = self.path / (name or f"f{len(list(self.path.glob('f*')))}.txt")
        f.write_text("".join(f"line {i} of {message.splitlines()[0][:20]}\n" for i in range(lines)))
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=date, email=email)
        return self.git("rev-parse", "HEAD")

    def checkout(self, branch: str, *, new: bool = False) -> None:
        self.git("checkout", "-q", *(["-b"] if new else []), branch)

    def merge(self, branch: str, message: str, date: str, *, email: str | None = None) -> str:
        self.git("merge", "-q", "--no-ff", "-m", message, branch, date=date, email=email)
        return self.git("rev-parse", "HEAD")

    def squash(self, branch: str, message: str, date: str) -> str:
        self.git("merge", "-q", "--squash", branch, date=date)
        self.git("commit", "-q", "-m", message, date=date)
        return self.git("rev-parse", "HEAD")
