"""Which files a scan covers: named paths, --files-from lists, .gitignore semantics outside git.

Gitignore semantics are checked against real git: random trees with nested .gitignore files
are built in a git repository, `git check-ignore` says which files git ignores, and the
scanner runs through the CLI on a copy of the tree without `.git` (so it walks the tree and
reads the .gitignore files itself). Every file holds a distinct fake key, so the findings
name exactly the files that were scanned.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import fakes

GIT = shutil.which("git")


def key_line(seed: int) -> str:
    return f'K = "{fakes.aws_access_key_id(seed=seed)}"\n'


# -- named paths: a usage error, never a silent skip -------------------------------------


@pytest.mark.parametrize(
    ("make", "named", "reason"),
    [
        (lambda root: None, "missing.py", "no such file or directory"),
        (lambda root: None, "typo/dir", "no such file or directory"),
        (lambda root: (root / "gone.py").symlink_to(root / "nowhere.py"), "gone.py", "broken"),
        (lambda root: (root / "me").symlink_to(root / "me"), "me", "symbolic link loop"),
        (lambda root: None, "a.py/below", "cannot read: Not a directory"),
    ],
)
def test_a_named_path_that_cannot_be_scanned_is_a_usage_error(
    run_cli: Any, tmp_path: Path, make: Any, named: str, reason: str
) -> None:
    (tmp_path / "a.py").write_text(key_line(1))
    make(tmp_path)
    for fmt in ("text", "json", "sarif"):
        result = run_cli("scan", "a.py", named, "--format", fmt, cwd=tmp_path)
        assert result.code == 2, (fmt, result.out)
        assert result.out == ""  # nothing scanned, no report
        assert f"wabaguard: error: cannot scan {named}: {reason}" in result.err


def test_a_named_file_that_cannot_be_opened_is_a_usage_error(
    run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EACCES, simulated (root opens chmod-000 files): named, it is an error, not a skip."""
    import wabaguard.discovery as discovery

    (tmp_path / "locked.py").write_text(key_line(2))
    real_open = os.open

    def deny(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("locked.py"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(discovery.os, "open", deny)
    result = run_cli("scan", "locked.py", cwd=tmp_path)
    assert result.code == 2
    assert "cannot scan locked.py: cannot read: Permission denied" in result.err


def test_a_missing_scan_path_fails_the_run_through_the_console_script(tmp_path: Path) -> None:
    proc = subprocess.run(
        [shutil.which("wabaguard") or "wabaguard", "scan", "--", "srcc"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "cannot scan srcc: no such file or directory" in proc.stderr


def test_files_from_entries_that_vanished_are_skipped_and_listed(
    run_cli: Any, tmp_path: Path
) -> None:
    # A list made by `git diff --name-only` names the files a change deleted: skipped, named
    # in every format, counted; the other entries are scanned.
    (tmp_path / "kept.py").write_text(key_line(3))
    (tmp_path / "list.txt").write_text("kept.py\ndeleted.py\n")
    doc = run_cli("scan", "--files-from", "list.txt", "--format", "json", cwd=tmp_path).json()
    assert [f["path"] for f in doc["findings"]] == ["kept.py"]
    assert doc["skipped"] == [{"path": "deleted.py", "reason": "no such file or directory"}]
    text = run_cli("scan", "--files-from", "list.txt", cwd=tmp_path)
    assert text.code == 1
    assert "deleted.py: skipped: no such file or directory\n" in text.out
    assert "in 1 file (1 skipped, 0 errors)" in text.out
    md = run_cli("scan", "--files-from", "list.txt", "--format", "markdown", cwd=tmp_path).out
    assert "1 file skipped: could not be read" in md and "`deleted.py`" in md
    gh = run_cli("scan", "--files-from", "list.txt", "--format", "github", cwd=tmp_path).out
    assert "::notice file=deleted.py,title=wabaguard skipped this file::" in gh


def test_files_found_by_walking_that_cannot_be_read_are_listed_in_text(
    run_cli: Any, tmp_path: Path
) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    result = run_cli("scan", cwd=tmp_path)
    assert result.code == 0
    assert "dangling.py: skipped: broken symbolic link\n" in result.out
    assert "0 findings in 1 file (1 skipped, 0 errors)" in result.out


def test_binary_files_are_counted_not_listed_in_text(run_cli: Any, tmp_path: Path) -> None:
    # Skipped by policy (not unreadable): in the count and the JSON, not a line each.
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    result = run_cli("scan", cwd=tmp_path)
    assert "logo.png" not in result.out
    assert "(1 skipped, 0 errors)" in result.out


# -- .gitignore outside git --------------------------------------------------------------


def test_nested_gitignore_negation_is_honoured_outside_git(run_cli: Any, tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.env\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / ".gitignore").write_text("!keep.env\n")
    (tmp_path / "svc" / "keep.env").write_text(key_line(4))
    (tmp_path / "svc" / "other.env").write_text(key_line(5))
    (tmp_path / "top.env").write_text(key_line(6))
    doc = run_cli("scan", "--format", "json", cwd=tmp_path).json()
    assert [f["path"] for f in doc["findings"]] == ["svc/keep.env"]


DIRS = ["", "a/", "a/b/", "c/", "a/b/logs/", "c/a/"]
FILES = ["keep.env", "x.env", "app.py", "notes.txt", "b.cfg", "logs.txt"]
PATTERNS = [
    "*.env", "!keep.env", "!*.env", "*.py", "!app.py", "/app.py", "a/", "!a/", "a", "b",
    "!b/", "b/", "logs/", "!logs/", "logs", "*.txt", "!notes.txt", "/*.txt", "a/*", "!a/b/",
    "a/b", "**/notes.txt", "a/**/app.py", "**/logs/", "*", "!*/", "!*.py", "c/*.cfg",
    "!/a", "keep.*", "*.cfg", "!b.cfg", "x.env", "/c/", "**/a/*.env", "n*s.txt", "[ab].cfg",
    "#comment", "", "a/**", "!a/**/", "\\!x.env", "c/a", "*/app.py", "[!a]pp.py", "?eep.env",
    "*.[ce][fn][gv]", "notes.txt ", "notes.txt\\ ", "a/**/b/", "**", "!**/keep.env",
    "[[:alpha:]].cfg", "x.env/", "\\#comment", "a/b/**/*.txt", "[a-c]/", "!c/**",
]  # fmt: skip


def _random_tree(rng: random.Random) -> dict[str, str]:
    """Relative path -> content: files with keys, and .gitignore files."""
    dirs = [d for d in DIRS if d == "" or rng.random() < 0.7]
    dirs = [d for d in dirs if all(p in dirs for p in _parents(d))]
    tree: dict[str, str] = {}
    seed = 1000
    for d in dirs:
        for name in rng.sample(FILES, rng.randint(1, 4)):
            seed += 1
            tree[d + name] = key_line(seed)
        if rng.random() < 0.6:
            lines = [rng.choice(PATTERNS) for _ in range(rng.randint(1, 5))]
            tree[d + ".gitignore"] = "\n".join(lines) + "\n"
    return tree


def _parents(d: str) -> list[str]:
    parts = d.rstrip("/").split("/") if d else []
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def _write(root: Path, tree: dict[str, str]) -> None:
    for rel, text in tree.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _git_ignored(repo: Path, files: list[str]) -> set[str]:
    env = {
        **os.environ,
        "HOME": str(repo.parent),
        "XDG_CONFIG_HOME": str(repo.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    proc = subprocess.run(
        [GIT or "git", "-c", "core.excludesFile=", "check-ignore", "--stdin", "-z"],
        cwd=repo,
        input="\0".join(files) + "\0",
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr  # 1: nothing ignored
    return {name for name in proc.stdout.split("\0") if name}


@pytest.mark.skipif(GIT is None, reason="needs git")
def test_gitignore_semantics_match_git_check_ignore(run_cli: Any, tmp_path: Path) -> None:
    rng = random.Random(7)
    cases = 0
    ignored_total = 0
    for case in range(120):
        tree = _random_tree(rng)
        repo = tmp_path / f"repo{case}"
        repo.mkdir()
        subprocess.run([GIT or "git", "init", "-q"], cwd=repo, check=True)
        _write(repo, tree)
        files = sorted(rel for rel in tree if not rel.endswith(".gitignore"))
        expected = set(files) - _git_ignored(repo, files)

        copy = tmp_path / f"copy{case}"  # outside any git repository: the walk is ours
        shutil.copytree(repo, copy, ignore=shutil.ignore_patterns(".git"))
        doc = run_cli("scan", "--format", "json", "--no-fail-on-error", cwd=copy).json()
        scanned = {f["path"] for f in doc["findings"]}
        gitignores = {rel: tree[rel] for rel in tree if rel.endswith(".gitignore")}
        assert scanned == expected, (case, gitignores, sorted(scanned ^ expected))
        cases += 1
        ignored_total += len(files) - len(expected)
    assert cases == 120
    assert ignored_total > 100  # the generated cases do exercise ignoring
