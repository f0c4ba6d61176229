"""What ``wabaguard history`` does between parsing its options and writing the report."""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wabaguard.history.scan import (
    PARALLEL_MIN_COMMITS,
    Walk,
    accepted_hashes,
    choose_walk,
    count_commits,
    repository_root,
    scan_history,
)
from wabaguard.sources.git_history.log import GitError

if TYPE_CHECKING:
    from wabaguard.core.builder import RawCredentials
    from wabaguard.core.config import Config
    from wabaguard.core.findings import ScanResult


class UsageError(Exception):
    """Exit status 2: what was asked cannot be done (not a repository, a bad revision)."""


class Progress:
    """Commits done / total, rate and time left, on stderr; only when enabled (a terminal)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 or now - self.started < 0.5:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        left = max(self.total - done, 0) / rate if rate else 0.0
        sys.stderr.write(
            f"\rwabaguard: {done}/{self.total} commits, {rate:.0f}/s, {left:.0f}s left\033[K"
        )
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def pre_push_walk(repo: str) -> Walk:
    """The commits pre-commit's pre-push stage names: FROM..TO, or, on a first push (no
    refs given), what HEAD has that the remote has not."""
    from_ref = os.environ.get("PRE_COMMIT_FROM_REF")
    to_ref = os.environ.get("PRE_COMMIT_TO_REF")
    if from_ref and to_ref:
        walk = choose_walk(repo, range_=f"{from_ref}..{to_ref}")
        # Messages name the branch being pushed, not the 40-digit commit pre-commit passes.
        branch = os.environ.get("PRE_COMMIT_LOCAL_BRANCH", "").removeprefix("refs/heads/")
        return dataclasses.replace(walk, tip_name=branch or to_ref[:12])
    remote = os.environ.get("PRE_COMMIT_REMOTE_NAME")
    if remote:
        return choose_walk(repo, exclude_remote=remote)
    return choose_walk(repo, branches="current")


def _jobs(jobs: int | None, total: int, *, verify: bool) -> int:
    if verify:  # raw values never cross a process boundary
        return 1
    if jobs is None:  # a second process pays off on long histories only
        return min(2, os.cpu_count() or 1) if total >= PARALLEL_MIN_COMMITS else 1
    return jobs


def run(
    path: str,
    config: Config,
    *,
    cwd: str,
    since: str | None,
    range_: str | None,
    branches: str,
    pre_push: bool,
    baseline: str | None,
    excludes: Sequence[str],
    progress: bool,
    gone_only: bool = False,
    jobs: int | None = None,
    raw: RawCredentials | None = None,
) -> ScanResult:
    from wabaguard.sources.discovery import _Excludes

    try:
        repo = repository_root(os.path.join(cwd, path))
        if pre_push:
            if range_ or since:
                raise UsageError(
                    "--pre-push takes its commits from pre-commit, not --range/--since"
                )
            walk = pre_push_walk(repo)
        else:
            walk = choose_walk(repo, range_=range_, since=since, branches=branches)
    except GitError as exc:
        raise UsageError(str(exc)) from None
    subtree = os.path.relpath(os.path.realpath(os.path.join(cwd, path)), os.path.realpath(repo))
    if subtree != os.curdir and not subtree.startswith(os.pardir):
        walk = dataclasses.replace(walk, subtree=subtree.replace(os.sep, "/"))
    accepted: frozenset[str] = frozenset()
    skip = list(excludes)
    if baseline:
        from wabaguard.core.config import ConfigError
        from wabaguard.credentials.baseline import load_baseline

        try:
            accepted = accepted_hashes(sorted(load_baseline(baseline).known))
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        own = os.path.relpath(os.path.join(cwd, baseline), repo)
        if not own.startswith(os.pardir):
            skip.append("/" + own.replace(os.sep, "/"))  # its hashes are no content
    matcher = _Excludes([(cwd, skip), (config.base_dir or cwd, list(config.exclude))])

    def excluded(relpath: str) -> bool:
        return bool(matcher) and matcher.match(os.path.join(repo, relpath))

    total = count_commits(repo, walk)
    meter = Progress(total) if progress else None
    jobs = _jobs(jobs, total, verify=raw is not None)
    try:
        result, stats = scan_history(
            repo,
            walk,
            config,
            accepted=accepted,
            excluded=excluded,
            progress=meter,
            gone_only=gone_only,
            jobs=jobs,
            raw=raw,
        )
    except GitError as exc:
        raise UsageError(f"git log failed: {exc}") from None
    finally:
        if meter is not None:
            meter.close()
    what = "no commits to scan" if not walk.revisions else f"{stats.commits} commit(s)"
    print(
        f"wabaguard history: {what}, {stats.changes} file change(s), "
        f"{len(result.findings)} distinct secret(s)",
        file=sys.stderr,
    )
    return result
