"""Throwaway git repositories for the history tests, built commit by commit.

Authors and dates are fixed, so every commit id is the same on every run; tests still read
them from git rather than hard-coding them.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

# Each commit's author and day, in order (the committer is the author).
PEOPLE = {"alice": "Alice Doe", "bob": "Bob Roe", "carol": "Carol Poe", "dave": "Dave Moe"}


class Repo:
    def __init__(self, path: Path, *, init: bool = True, bare: bool = False) -> None:
        self.path = path
        self.day = 0
        if init:
            path.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", *(["--bare"] if bare else []))

    def git(self, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
        full = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.path)}
        full.update(env or {})
        return subprocess.run(
            ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false",
             "-c", "protocol.file.allow=always", *args],
            cwd=self.path, check=check, capture_output=True, text=True, env=full,
        ).stdout  # fmt: skip

    def write(self, name: str | bytes, text: str | bytes) -> None:
        path = os.path.join(os.fsencode(self.path), os.fsencode(name))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(text.encode() if isinstance(text, str) else text)

    def remove(self, name: str) -> None:
        self.git("rm", "-q", name)

    def author_env(self, who: str) -> dict[str, str]:
        self.day += 1
        when = datetime(2024, 1, 1, 12, tzinfo=timezone.utc) + timedelta(days=self.day - 1)
        date = when.isoformat()
        name = PEOPLE[who]
        email = f"{who}@example.invalid"
        return {
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": date,
        }  # fmt: skip

    def commit(self, message: str, who: str = "alice") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, env=self.author_env(who))
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def date(self, sha: str) -> str:
        return self.git("log", "-1", "--format=%aI", sha).strip()
