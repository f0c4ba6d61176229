"""The history scan: every secret the walked commits added, each reported once.

Design (measured on Yelp/detect-secrets, see docs/performance.md): the lines each commit
added are scanned, not every distinct blob. Its 2,922 commits added 3.3 MB of lines; its
5,242 distinct blobs hold 34 MB, ten times as much text for the same detectors.

Each file change is scanned exactly as ``wabaguard scan`` scans a file (the same engine,
``FileFindings``, suppressions, disabled rules and severities), hunk by hunk at its real line
numbers. A secret is keyed by its hash (as baselines are); for each the scan keeps where it
was first added, the commits and paths it was added in, and, from the lines later changes
removed at those paths, the last commit that still held it. At the end, whether it is still
at the tip is read from the tip's versions of those paths.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Container, Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any, NamedTuple, ParamSpec, TypeVar

from wabaguard.core.builder import Draft, FileFindings, RawCredentials
from wabaguard.core.config import Config
from wabaguard.core.findings import Confidence, Finding, Kind, Rule, ScanError, ScanResult, Skipped
from wabaguard.credentials.engine import Engine
from wabaguard.sources.discovery import printable
from wabaguard.sources.git_history.log import (
    SAFE_CONFIG,
    Commit,
    FileChange,
    GitError,
    _env,
    git,
    stream_log,
)

ROTATE_NOTE = (
    "gone from {tip}, still in history: rotate it now; rewriting history does not un-leak it"
)
AT_TIP_NOTE = "still at {tip}: remove it and rotate it"
SHALLOW_NOTE = (
    "history is partial: this is a shallow clone, so older commits were not scanned and the "
    "oldest commits here count as adding every file they hold; fetch the whole history first "
    "(`git fetch --unshallow`; in GitHub Actions, `fetch-depth: 0` on actions/checkout)"
)


@dataclass(frozen=True)
class Walk:
    """What to walk: git revision arguments, and the tip whose files are "now"."""

    revisions: tuple[str, ...]
    tip: str | None  # a commit id; None when there is none (an empty repository)
    tip_name: str  # how messages name it: "HEAD", or the pushed ref
    # The part of the tree to walk: a directory relative to the top ("" for all of it).
    subtree: str = ""


@dataclass
class _Place:
    commit: Commit
    order: int
    path: str


@dataclass
class _Secret:
    rule: Rule
    secret: str  # the raw value: compared with the tip's files, never rendered but masked
    secret_hash: str
    confidence: Confidence
    detail: str
    first: _Place
    line: int
    column: int
    end_column: int
    source: str  # the raw line that first added it (masked when rendered)
    # The detector's non-secret facts where it was first added (the Twilio account SID, the
    # Vonage API key, the GREEN-API instance id found beside it): live checks need them.
    facts: Mapping[str, Any] = field(default_factory=dict)
    commits: int = 1
    last_counted: str = ""
    paths: set[str] = field(default_factory=set)
    last_sha: str = ""
    last_order: float = -1.0
    removed_in: str = ""


class _Recording(FileFindings):
    """A file's finding constructor that also remembers each draft's raw value and line."""

    __slots__ = ("drafts",)

    def __init__(self, path: str, config: Config) -> None:
        from wabaguard.core.registry import rule_ids

        super().__init__(path, config, rule_ids)
        self.drafts: dict[tuple[int, int, str], tuple[Draft, str]] = {}

    def add(self, draft: Draft, source: str) -> None:
        super().add(draft, source)
        self.drafts.setdefault((draft.line, draft.column, draft.rule.id), (draft, source))


class _Scanned(NamedTuple):
    """One change's credential findings, each with its rule, raw value, detail and line."""

    found: list[tuple[Finding, Rule, str, str, str, Mapping[str, Any]]]
    suppressed: int
    error: str = ""


class _Pending(NamedTuple):
    change: FileChange
    order: int
    result: _Scanned | None


# Work goes to the processes in batches (one hand-over per change costs more than most
# changes take to scan); at most _IN_FLIGHT batches wait, which bounds memory.
_BATCH = 64
_BATCH_BYTES = 256 * 1024
_IN_FLIGHT = 4
PARALLEL_MIN_COMMITS = 200  # below this a second process costs more than it saves


def _scan_changes(
    engine: Engine, config: Config, work: list[tuple[str, list[tuple[int, list[str]]]]]
) -> list[_Scanned]:
    """Scan many changes, one first-stage pass over all their hunks; a change whose scan
    fails is scanned again alone, so one change never loses the others. Never raises."""
    sinks = [_Recording(path, config) for path, _ in work]
    parts = [
        (path, start, lines, sink)
        for (path, hunks), sink in zip(work, sinks, strict=True)
        for start, lines in hunks
        if lines
    ]
    try:
        engine.scan_parts(parts)
    except Exception as exc:  # one change must not lose the rest of the history
        if len(work) > 1:
            return [_scan_changes(engine, config, [one])[0] for one in work]
        return [_Scanned([], 0, f"internal error in the credential scan ({type(exc).__name__})")]
    return [_results(sink) for sink in sinks]


def _results(sink: _Recording) -> _Scanned:
    try:
        findings, suppressed = sink.finish()
    except Exception as exc:  # one change must not lose the rest of the history
        return _Scanned([], 0, f"internal error in the credential scan ({type(exc).__name__})")
    found = []
    for finding in findings:
        if finding.kind is not Kind.CREDENTIAL or not finding.secret_hash:
            continue  # a malformed suppression comment is about files now, not history
        draft, source = sink.drafts[(finding.line, finding.column, finding.rule)]
        found.append((finding, draft.rule, draft.secret, draft.detail, source, draft.properties))
    return _Scanned(found, suppressed)


_WORKER: tuple[Engine, Config] | None = None
_P = ParamSpec("_P")
_T = TypeVar("_T")


def _init_worker(config: Config) -> None:
    global _WORKER
    from wabaguard.credentials.detectors import all_detectors

    _WORKER = (Engine(config, all_detectors()), config)


def _scan_batch(work: list[tuple[str, list[tuple[int, list[str]]]]]) -> list[_Scanned]:
    assert _WORKER is not None
    engine, config = _WORKER
    return _scan_changes(engine, config, work)


class _InProcess(Executor):
    """The pool's interface, in this process: a batch is scanned when it is submitted."""

    def __init__(self, engine: Engine, config: Config) -> None:
        global _WORKER
        _WORKER = (engine, config)

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        future: Future[_T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


def _pool(engine: Engine, config: Config, jobs: int) -> Executor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER
    if sys.platform == "linux":
        # Forked workers inherit this process's engine, built and warmed once (imports,
        # compiled patterns, detect-secrets' pipeline) instead of once per worker.
        engine.warm_up()
        _WORKER = (engine, config)
        return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=(config,))


@dataclass
class HistoryStats:
    commits: int = 0
    changes: int = 0  # file changes scanned
    bytes: int = 0  # bytes of added lines scanned
    shallow: bool = False


class HistoryScan:
    def __init__(
        self,
        repo: str,
        config: Config,
        *,
        excluded: Callable[[str], bool] = lambda path: False,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        from wabaguard.credentials.detectors import all_detectors

        self.repo = repo
        self.config = config
        self.engine = Engine(config, all_detectors())
        self.excluded = excluded
        self.progress = progress
        self.secrets: dict[str, _Secret] = {}
        self.holders: dict[str, set[str]] = {}  # path -> hashes of secrets added there
        self.skipped: list[Skipped] = []
        self.errors: list[ScanError] = []
        self.suppressed = 0
        self.stats = HistoryStats()

    def run(self, walk: Walk, jobs: int = 1) -> None:
        limit = self.config.max_file_size
        boundary = shallow_commits(self.repo)
        revisions = walk.revisions
        if walk.subtree:  # every commit that touched it, merges' sides included
            revisions = ("--full-history", *revisions, "--", walk.subtree)
        batches: deque[tuple[list[tuple[FileChange, int, bool]], Future[list[_Scanned]]]] = deque()
        batch: list[tuple[FileChange, int, bool]] = []
        work: list[tuple[str, list[tuple[int, list[str]]]]] = []
        work_bytes = 0
        in_flight: dict[str, int] = {}  # paths of queued changes (their secrets are not known yet)

        def wants_removed(path: str) -> bool:
            return path in self.holders or path in in_flight

        pool = (
            _pool(self.engine, self.config, jobs)
            if jobs > 1
            else _InProcess(self.engine, self.config)
        )
        try:
            order = 0
            for event in stream_log(self.repo, revisions, wants_removed, limit):
                if isinstance(event, Commit):
                    order += 1
                    self._on_commit(event, boundary)
                    continue
                if event.submodule or event.binary:
                    continue
                wanted = self._wanted(event)
                batch.append((event, order, wanted))
                if wanted:
                    work.append((printable(event.path), event.hunks))
                    work_bytes += event.added_bytes
                if event.path:
                    in_flight[event.path] = in_flight.get(event.path, 0) + 1
                if len(work) >= _BATCH or work_bytes >= _BATCH_BYTES:
                    batches.append((batch, pool.submit(_scan_batch, work)))
                    batch, work, work_bytes = [], [], 0
                    while len(batches) > _IN_FLIGHT:
                        self._apply_batch(batches.popleft(), in_flight)
            if batch:
                batches.append((batch, pool.submit(_scan_batch, work)))
            while batches:
                self._apply_batch(batches.popleft(), in_flight)
        finally:
            pool.shutdown(cancel_futures=True)

    def _on_commit(self, commit: Commit, boundary: Container[str]) -> None:
        self.stats.commits += 1
        if commit.sha in boundary:  # its parents were not fetched
            self.stats.shallow = True
        if self.progress is not None:
            self.progress(self.stats.commits)

    def _apply_batch(
        self,
        queued: tuple[list[tuple[FileChange, int, bool]], Future[list[_Scanned]]],
        in_flight: dict[str, int],
    ) -> None:
        batch, future = queued
        try:
            results = iter(future.result())
        except Exception as exc:  # a worker died (a native crash, the OOM killer)
            failed = _Scanned([], 0, f"not scanned: a scan worker failed ({type(exc).__name__})")
            results = iter([failed] * len(batch))
        for change, order, wanted in batch:
            path = change.path
            if path:
                left = in_flight[path] - 1
                if left:
                    in_flight[path] = left
                else:
                    del in_flight[path]
            self._apply(_Pending(change, order, next(results) if wanted else None))

    def _wanted(self, change: FileChange) -> bool:
        return (
            bool(change.path)
            and any(lines for _, lines in change.hunks)
            and not self.excluded(change.path)
        )

    def _apply(self, item: _Pending) -> None:
        """Fold one change's results in, in the walk's order."""
        change, order = item.change, item.order
        if change.old_path and change.path and change.old_path != change.path:
            moved = self.holders.get(change.old_path)
            if moved:  # a rename: what lived at the old path lives at the new one too
                self.holders.setdefault(change.path, set()).update(moved)
                for key in moved:
                    self.secrets[key].paths.add(printable(change.path))
        added: set[str] = set()
        if item.result is not None:
            added = self._scanned(change, order, item.result)
        if change.removed:
            self._removals(change, order, added)

    def _scanned(self, change: FileChange, order: int, scanned: _Scanned) -> set[str]:
        raw = change.path
        path = printable(raw)  # as reports show it: a name need not be valid UTF-8
        where = f"{path} (commit {change.commit.sha[:12]})"
        if change.truncated:
            self.skipped.append(
                Skipped(
                    where,
                    f"added more than the {self.config.max_file_size}-byte limit "
                    "(--max-file-size); the rest of this change was not scanned",
                    unreadable=True,
                )
            )
        self.stats.changes += 1
        self.stats.bytes += change.added_bytes
        if scanned.error:
            self.errors.append(ScanError(where, scanned.error))
            return set()
        self.suppressed += scanned.suppressed
        found: set[str] = set()
        place = _Place(change.commit, order, path)
        for finding, rule, secret, detail, source, facts in scanned.found:
            self._record(finding, rule, secret, detail, source, place, raw, facts)
            found.add(finding.secret_hash)
        return found

    def _record(
        self,
        finding: Finding,
        rule: Rule,
        secret: str,
        detail: str,
        source: str,
        place: _Place,
        raw_path: str,
        facts: Mapping[str, Any],
    ) -> None:
        key = finding.secret_hash
        known = self.secrets.get(key)
        if known is None:
            known = self.secrets[key] = _Secret(
                rule=rule,
                secret=secret,
                secret_hash=key,
                confidence=finding.confidence,
                detail=detail,
                first=place,
                line=finding.line,
                column=finding.column,
                end_column=finding.end_column,
                source=source,
                facts=dict(facts),
                last_counted=place.commit.sha,
            )
        elif known.last_counted != place.commit.sha:
            known.commits += 1
            known.last_counted = place.commit.sha
        known.paths.add(place.path)
        self.holders.setdefault(raw_path, set()).add(key)
        if place.order >= known.last_order:
            known.last_sha, known.last_order = place.commit.sha, place.order
            known.removed_in = ""  # added again after any removal seen so far

    def _removals(self, change: FileChange, order: int, added: set[str]) -> None:
        """A change that removed a line holding a secret added at its path: the commit before
        it (its first parent) was the last to hold the secret there."""
        held = self.holders.get(change.old_path, set())
        parent = change.commit.parents[0] if change.commit.parents else ""
        removed = "\n".join(change.removed)  # one search per secret, not one per line
        for key in held - added:
            secret = self.secrets[key]
            if secret.secret not in removed:
                continue
            if not change.path:
                held_now = self.holders.get(change.old_path)
                if held_now is not None:
                    held_now.discard(key)
            if order - 0.5 > secret.last_order:
                secret.last_sha, secret.last_order = parent, order - 0.5
                secret.removed_in = change.commit.sha

    # -- the tip ----------------------------------------------------------------------------

    def at_tip(self, tip: str | None) -> set[str]:
        """Hashes of the secrets still in the tip's version of a path they were added at
        (or renamed to)."""
        if tip is None or not self.secrets:
            return set()
        wanted: dict[str, set[str]] = {}
        for path, keys in self.holders.items():
            if "\n" not in path and "\r" not in path:
                wanted[path] = set(keys)
        found: set[str] = set()
        paths = sorted(wanted)
        # The names from a file, the blobs read one at a time: memory holds one blob at most.
        with tempfile.TemporaryFile() as request:
            request.write(b"".join(os.fsencode(f"{tip}:{path}") + b"\n" for path in paths))
            request.seek(0)
            try:
                proc = subprocess.Popen(
                    ["git", *SAFE_CONFIG, "cat-file", "--batch"],
                    cwd=self.repo,
                    stdin=request,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=_env(),
                )
            except OSError:
                return found
            assert proc.stdout is not None
            with proc.stdout as out:
                for path in paths:
                    header = out.readline().split()
                    if not header:
                        break
                    if len(header) != 3:
                        continue  # "<tip>:<path> missing": the path is gone at the tip
                    data = out.read(int(header[2]) + 1)
                    if header[1] != b"blob":
                        continue  # a directory there now
                    found |= wanted[path] & self._found_in(path, data[:-1])
            proc.wait()
        return found

    def _found_in(self, raw_path: str, data: bytes) -> set[str]:
        """Hashes of the values the detectors find in a file's content (suppressed or not):
        a value is "still there" when a scan would see it, not when its text happens to
        occur (a short password that is now a placeholder's name)."""
        if b"\0" in data[:8192] or len(data) > self.config.max_file_size:
            return set()
        lines = data.decode("utf-8", "replace").split("\n")
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
        sink = _Recording(printable(raw_path), self.config)
        try:
            self.engine.scan_lines(sink.path, lines, sink)
        except Exception:  # then it counts as gone; the history findings stand
            return set()
        return {draft.secret_hash for draft, _ in sink.drafts.values()}

    # -- the report -------------------------------------------------------------------------

    def findings(
        self,
        walk: Walk,
        accepted: frozenset[str],
        gone_only: bool = False,
        raw: RawCredentials | None = None,
    ) -> list[Finding]:
        """One finding per secret; ``raw`` (live verification only) collects the raw value
        of each one reported, keyed by secret hash, as ``wabaguard scan`` does."""
        from wabaguard.reporters.text import count

        present = self.at_tip(walk.tip)
        values = {s.secret for s in self.secrets.values()}
        out: list[Finding] = []
        for key, secret in self.secrets.items():
            if key in accepted:
                self.suppressed += 1
                continue
            at_tip = key in present
            if at_tip and gone_only:
                continue  # a scan of the tip's files reports it
            last = walk.tip if at_tip and walk.tip else secret.last_sha
            first = secret.first
            notes = (
                f"introduced in commit {first.commit.sha[:12]} ({first.commit.author_date}, "
                f"{first.commit.author})",
                f"last held by commit {last[:12]}"
                + (f" ({walk.tip_name})" if at_tip else "")
                + f"; added in {count(secret.commits, 'commit')}, "
                f"found at {count(len(secret.paths), 'path')}",
                (AT_TIP_NOTE if at_tip else ROTATE_NOTE).format(tip=walk.tip_name),
            )
            properties = {
                **secret.facts,
                "commit": first.commit.sha,
                "author_date": first.commit.author_date,
                "author": first.commit.author,
                "author_email": first.commit.email,
                "last_commit": last,
                "removed_in": secret.removed_in if not at_tip else "",
                "commits": secret.commits,
                "paths": sorted(secret.paths),
                "at_head": at_tip,
                "head": walk.tip_name,
            }
            sink = FileFindings(first.path, self.config, _rule_ids(), raw=raw)
            sink.add_secret(secret.secret)
            for fact in secret.facts.values():  # masked where history also reports it
                if isinstance(fact, str) and fact in values:
                    sink.add_secret(fact)
            sink.add(
                Draft(
                    secret.rule,
                    secret.line,
                    secret.column,
                    secret.line,
                    secret.end_column,
                    detail=secret.detail,
                    identity=key,
                    secret=secret.secret,
                    secret_hash=key,
                    confidence=secret.confidence,
                    properties=properties,
                    notes=notes,
                ),
                secret.source,
            )
            made, _ = sink.finish()
            out.extend(made)
        out.sort(key=Finding.sort_key)
        return out


def _rule_ids() -> Callable[[], frozenset[str]]:
    from wabaguard.core.registry import rule_ids

    return rule_ids


# -- choosing what to walk ---------------------------------------------------------------------


def repository_root(path: str) -> str:
    """The top of the work tree (or the git directory of a bare repository) at ``path``."""
    if not os.path.isdir(path):
        raise GitError(f"{path}: not a directory")
    inside = git(path, "rev-parse", "--is-inside-work-tree", check=False).strip()
    if inside == "true":
        return git(path, "rev-parse", "--show-toplevel").strip()
    if git(path, "rev-parse", "--is-bare-repository", check=False).strip() == "true":
        return os.path.abspath(path)
    raise GitError(f"{path}: not a git repository")


def _commit_id(repo: str, rev: str) -> str | None:
    out = git(
        repo, "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}", check=False
    )
    return out.strip() or None


def choose_walk(
    repo: str,
    *,
    range_: str | None = None,
    since: str | None = None,
    branches: str = "all",
    exclude_remote: str | None = None,
) -> Walk:
    """The revisions to walk. ``range_`` "A..B": exactly the commits B has and A has not;
    ``since`` a revision (the commits after it) or a date; ``branches`` "all" (every ref) or
    "current" (HEAD); ``exclude_remote``: leave out what a remote already has (pre-push)."""
    if range_ is not None:
        if range_.startswith("-") or ".." not in range_:
            raise GitError(f"--range {range_!r}: expected A..B (two revisions)")
        start, _, end = range_.partition("...") if "..." in range_ else range_.partition("..")
        end = end or "HEAD"
        for rev in (start or "HEAD", end):
            if rev.startswith("-") or _commit_id(repo, rev) is None:
                raise GitError(f"--range {range_!r}: unknown revision {rev!r}")
        tip = _commit_id(repo, end)
        return Walk(("--end-of-options", range_), tip, end)
    tip = _commit_id(repo, "HEAD")
    if exclude_remote is not None:  # a first push: what the remote does not have yet
        if tip is None:
            return Walk((), None, "HEAD")
        return Walk(("HEAD", "--not", f"--remotes={exclude_remote}"), tip, "HEAD")
    revisions: list[str] = []
    if since is not None:
        if since.startswith("-"):
            raise GitError(f"--since {since!r}: expected a date or a revision")
        since_commit = _commit_id(repo, since)
        revisions.append(f"^{since_commit}" if since_commit else f"--since={since}")
    if branches == "current":
        return Walk((*revisions, "HEAD"), tip, "HEAD") if tip else Walk((), None, "HEAD")
    if tip is None and not git(repo, "for-each-ref", "--count=1", "--format=%(refname)").strip():
        return Walk((), None, "HEAD")  # an empty repository: nothing to walk
    return Walk((*revisions, "--all"), tip, "HEAD")


def count_commits(repo: str, walk: Walk) -> int:
    if not walk.revisions:
        return 0
    revisions = [r for r in walk.revisions if r != "--end-of-options"]
    if walk.subtree:
        revisions = ["--full-history", *revisions, "--", walk.subtree]
    out = git(repo, "rev-list", "--count", *revisions, check=False).strip()
    return int(out) if out.isdigit() else 0


def shallow_commits(repo: str) -> frozenset[str]:
    """The commits of a shallow clone whose parents are missing (none in a full clone)."""
    path = git(repo, "rev-parse", "--git-path", "shallow", check=False).strip()
    try:
        with open(os.path.join(repo, path), encoding="ascii") as fh:
            return frozenset(line.strip() for line in fh if line.strip())
    except (OSError, UnicodeDecodeError):
        return frozenset()


def scan_history(
    repo: str,
    walk: Walk,
    config: Config,
    *,
    accepted: frozenset[str] = frozenset(),
    excluded: Callable[[str], bool] = lambda path: False,
    progress: Callable[[int], None] | None = None,
    gone_only: bool = False,
    jobs: int = 1,
    raw: RawCredentials | None = None,
) -> tuple[ScanResult, HistoryStats]:
    """Walk and scan; the findings (one per secret) as a ``ScanResult``. GitError when git
    cannot walk what was asked. With ``raw`` (live verification only) the raw values of the
    credentials reported are collected into it, and the scan stays in this process so they
    never cross a process boundary."""
    started = time.perf_counter()
    scan = HistoryScan(repo, config, excluded=excluded, progress=progress)
    if walk.revisions:
        scan.run(walk, 1 if raw is not None else jobs)
    findings = scan.findings(walk, accepted, gone_only, raw)
    errors = list(scan.errors)
    if scan.stats.shallow:
        errors.append(ScanError(".", SHALLOW_NOTE, level="warning"))
    result = ScanResult(
        findings,
        errors,
        scan.skipped,
        scan.stats.changes,
        scan.stats.bytes,
        time.perf_counter() - started,
        scan.suppressed,
    )
    return result, scan.stats


def accepted_hashes(hashes: Sequence[tuple[str, str]]) -> frozenset[str]:
    """A baseline's secrets, by hash only: a value accepted at one path is accepted at
    every path it ever lived at."""
    return frozenset(h for _, h in hashes)
