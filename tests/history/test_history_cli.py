"""``wabaguard history`` over throwaway repositories: the exact report, every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from history_repos import Repo

import fakes


def _lifecycle(tmp_path: Path) -> tuple[Repo, str, dict[str, str]]:
    """A token added, moved to another file, deleted, then re-added on a branch."""
    repo = Repo(tmp_path / "repo")
    key = fakes.aws_access_key_id(seed=1501)
    c: dict[str, str] = {}
    repo.write("config.py", f'import os\nAWS_KEY = "{key}"\nDEBUG = False\n')
    c["add"] = repo.commit("add config", "alice")
    repo.write("config.py", "import os\nDEBUG = False\n")
    repo.write("settings/prod.py", f'NAME = "prod"\n\nAWS_KEY = "{key}"\n')
    c["move"] = repo.commit("move the key", "bob")
    repo.write("settings/prod.py", 'NAME = "prod"\n')
    c["delete"] = repo.commit("remove the key", "carol")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app.py", f'KEY = "{key}"\n')
    c["readd"] = repo.commit("oops", "dave")
    repo.git("checkout", "-q", "main")
    return repo, key, c


def test_lifecycle_exact_text_report(run_cli, tmp_path: Path) -> None:
    repo, key, c = _lifecycle(tmp_path)
    result = run_cli("history", "--no-progress", str(repo.path), cwd=tmp_path)
    assert result.code == 1, result.err
    expected = (
        "config.py\n"
        "config.py:2:12: high aws-access-key [high confidence] AWS access key 'AKIA…' (20 chars)."
        " Remove it from"
        " the code, load it from the environment or a secret manager, and rotate it\n"
        '    AWS_KEY = "AKIA********"\n'
        f"    introduced in commit {c['add'][:12]} (2024-01-01T12:00:00+00:00, Alice Doe)\n"
        f"    last held by commit {c['readd'][:12]}; added in 3 commits, found at 3 paths\n"
        "    gone from HEAD, still in history: rotate it now; rewriting history does not"
        " un-leak it\n"
        "\n"
    )
    assert result.out.startswith(expected), result.out
    assert "1 finding (1 high)" in result.out
    assert "wabaguard history: 4 commit(s), 3 file change(s), 1 distinct secret(s)" in result.err
    assert key not in result.out + result.err


def test_lifecycle_json_properties(run_cli, tmp_path: Path) -> None:
    repo, key, c = _lifecycle(tmp_path)
    result = run_cli("history", "--no-progress", "-f", "json", str(repo.path), cwd=tmp_path)
    [finding] = result.json()["findings"]
    assert finding["properties"] == {
        "commit": c["add"],
        "author_date": "2024-01-01T12:00:00+00:00",
        "author": "Alice Doe",
        "author_email": "alice@example.invalid",
        "last_commit": c["readd"],
        "removed_in": "",
        "commits": 3,
        "paths": ["app.py", "config.py", "settings/prod.py"],
        "at_head": False,
        "head": "HEAD",
    }
    assert (finding["path"], finding["line"], finding["column"]) == ("config.py", 2, 12)
    assert key not in result.out


def test_only_the_current_branch(run_cli, tmp_path: Path) -> None:
    """Without the branch, the last holder is the commit before the deletion."""
    repo, _key, c = _lifecycle(tmp_path)
    result = run_cli(
        "history", "--no-progress", "-f", "json", "--branches", "current", str(repo.path)
    )
    [finding] = result.json()["findings"]
    props = finding["properties"]
    assert props["last_commit"] == c["move"]
    assert props["removed_in"] == c["delete"]
    assert props["commits"] == 2
    assert props["paths"] == ["config.py", "settings/prod.py"]


def test_range_scans_exactly_those_commits(run_cli, tmp_path: Path) -> None:
    repo, _key, c = _lifecycle(tmp_path)
    result = run_cli(
        "history", "--no-progress", "-f", "json", "--range", f"{c['add']}..main", str(repo.path)
    )
    [finding] = result.json()["findings"]
    assert finding["path"] == "settings/prod.py"
    assert finding["line"] == 3
    assert finding["properties"]["commit"] == c["move"]
    assert finding["properties"]["head"] == "main"
    # Nothing added between the deletion and main.
    clean = run_cli("history", "--no-progress", "--range", f"{c['delete']}..main", str(repo.path))
    assert clean.code == 0, clean.out


def test_since_a_revision_and_a_date(run_cli, tmp_path: Path) -> None:
    repo, _, c = _lifecycle(tmp_path)
    after_move = run_cli(
        "history", "--no-progress", "-f", "json", "--since", c["move"], str(repo.path)
    )
    [finding] = after_move.json()["findings"]
    assert finding["path"] == "app.py"  # only the branch re-added it after the move
    by_date = run_cli(
        "history", "--no-progress", "-f", "json", "--since", "2024-01-02T00:00:00Z", str(repo.path)
    )
    [finding] = by_date.json()["findings"]
    assert finding["properties"]["commit"] == c["move"]


def test_still_at_head_after_a_rename(run_cli, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    key = fakes.github_token(seed=1502)
    repo.write("old/name.py", f'TOKEN = "{key}"\n' + "".join(f"x{i} = {i}\n" for i in range(20)))
    first = repo.commit("add")
    repo.git("mv", "old/name.py", "new_name.py")
    renamed = repo.commit("rename", "bob")
    result = run_cli("history", "--no-progress", "-f", "json", str(repo.path))
    [finding] = result.json()["findings"]
    assert finding["path"] == "old/name.py"
    props = finding["properties"]
    assert (props["commit"], props["last_commit"]) == (first, renamed)
    assert props["at_head"] is True
    assert props["paths"] == ["new_name.py", "old/name.py"]
    assert finding["notes"][-1] == "still at HEAD: remove it and rotate it"
    assert key not in result.out


def test_merges(run_cli, tmp_path: Path) -> None:
    """A branch's token is introduced by the branch's commit, not by the merge; a token the
    merge itself adds (an "evil" merge) is introduced by the merge."""
    repo = Repo(tmp_path / "repo")
    on_branch = fakes.aws_access_key_id(seed=1503)
    in_merge = fakes.aws_access_key_id(seed=1504)
    repo.write("a.py", "A = 1\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "topic")
    repo.write("b.py", f'K = "{on_branch}"\n')
    branch_commit = repo.commit("topic work", "bob")
    repo.git("checkout", "-q", "main")
    repo.write("c.py", "C = 3\n")
    repo.commit("main work", "carol")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "topic", env=repo.author_env("dave"))
    repo.write("c.py", f'C = 3\nM = "{in_merge}"\n')
    merge = repo.commit("merge topic", "dave")
    result = run_cli("history", "--no-progress", "-f", "json", str(repo.path))
    found = {f["path"]: f["properties"] for f in result.json()["findings"]}
    assert set(found) == {"b.py", "c.py"}
    assert (found["b.py"]["commit"], found["b.py"]["commits"]) == (branch_commit, 1)
    assert (found["c.py"]["commit"], found["c.py"]["commits"]) == (merge, 1)
    assert all(p["at_head"] for p in found.values())


def test_every_format_carries_the_history_facts(run_cli, tmp_path: Path) -> None:
    repo, key, c = _lifecycle(tmp_path)
    sarif = tmp_path / "h.sarif"
    md = tmp_path / "h.md"
    result = run_cli(
        "history", "--no-progress", "-f", "github", "--report", f"sarif={sarif}",
        "--report", f"markdown={md}", str(repo.path),
    )  # fmt: skip
    assert c["add"][:12] in result.out and "rotate it now" in result.out
    assert c["add"][:12] in md.read_text() and "rotate it now" in md.read_text()
    [res] = json.loads(sarif.read_text())["runs"][0]["results"]
    assert res["partialFingerprints"]["wabaguard/v1"]
    assert res["properties"]["commit"] == c["add"]
    assert res["properties"]["at_head"] is False
    assert "rotate it now" in res["message"]["text"]
    for text in (result.out, result.err, sarif.read_text(), md.read_text()):
        assert key not in text


def test_suppressions_baseline_and_config_apply(run_cli, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    ignored = fakes.aws_access_key_id(seed=1505)
    baselined = fakes.github_token(seed=1506)
    excluded = fakes.aws_access_key_id(seed=1507)
    repo.write("a.py", f'K = "{ignored}"  # wabaguard: ignore[aws-access-key]\n')
    repo.write("b.py", f'T = "{baselined}"\n')
    repo.write("vendor/c.py", f'K = "{excluded}"\n')
    repo.write(".wabaguard.toml", 'exclude = ["vendor/"]\n')
    repo.commit("add")
    baseline = tmp_path / "base.json"
    assert run_cli("baseline", str(baseline), str(repo.path / "b.py"), cwd=repo.path).code == 0
    repo.write("b.py", "T = 1\n")  # gone from the files, and from the baseline's path
    repo.git("mv", "b.py", "renamed.py")
    repo.commit("rename")
    result = run_cli(
        "history", "--no-progress", "-f", "json", "--baseline", str(baseline), str(repo.path),
        cwd=repo.path,
    )  # fmt: skip
    assert result.code == 0, result.out
    doc = result.json()
    assert doc["findings"] == []
    assert doc["stats"]["findings_suppressed"] == 2  # the ignore comment and the baseline
    without = run_cli("history", "--no-progress", "-f", "json", str(repo.path), cwd=repo.path)
    assert [f["path"] for f in without.json()["findings"]] == ["b.py"]
    disabled = tmp_path / "off.toml"
    disabled.write_text('disable = ["github-token"]\n')
    off = run_cli("history", "--no-progress", "--config", str(disabled), str(repo.path))
    assert "github-token" not in off.out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--range", "nope..main"], "unknown revision 'nope'"),
        (["--range", "main"], "expected A..B"),
        (["--range", "--output=x..y"], "expected A..B"),
        (["--since", "--all"], "expected a date or a revision"),
    ],
)
def test_bad_revisions_are_usage_errors(run_cli, tmp_path: Path, args, message) -> None:
    repo, _, _ = _lifecycle(tmp_path)
    result = run_cli("history", "--no-progress", *args, str(repo.path))
    assert result.code == 2
    assert message in result.err


def test_not_a_repository(run_cli, tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    result = run_cli("history", str(tmp_path / "plain"))
    assert result.code == 2
    assert "not a git repository" in result.err


def test_empty_repository(run_cli, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    result = run_cli("history", "--no-progress", str(repo.path))
    assert result.code == 0, result.err
    assert "no commits to scan" in result.err


def test_bare_repository(run_cli, tmp_path: Path) -> None:
    repo, _key, c = _lifecycle(tmp_path)
    bare = tmp_path / "bare.git"
    Repo(tmp_path).git("clone", "-q", "--mirror", str(repo.path), str(bare))
    result = run_cli("history", "--no-progress", "-f", "json", str(bare))
    [finding] = result.json()["findings"]
    assert finding["properties"]["commit"] == c["add"]


def test_shallow_clone_says_history_is_partial(run_cli, tmp_path: Path) -> None:
    repo, key, c = _lifecycle(tmp_path)
    shallow = tmp_path / "shallow"
    Repo(tmp_path).git(
        "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{repo.path}", str(shallow)
    )  # fmt: skip
    result = run_cli("history", "--no-progress", str(shallow))
    assert result.code == 1, result.out  # the finding fails the run, the warning does not
    assert "history is partial: this is a shallow clone" in result.out
    assert "fetch-depth: 0" in result.out
    as_json = run_cli("history", "--no-progress", "-f", "json", str(shallow)).json()
    assert [e["level"] for e in as_json["errors"]] == ["warning"]
    # The oldest commit there is all that is known: it introduced what it holds.
    [finding] = as_json["findings"]
    assert (finding["path"], finding["properties"]["commit"]) == ("app.py", c["readd"])
    assert key not in result.out


def test_binary_submodule_and_undecodable_content(run_cli, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    key = fakes.aws_access_key_id(seed=1508)
    repo.write("blob.bin", b"\x00\x01" + key.encode() + b"\x00")
    repo.write(b"caf\xe9.py", f"# caf\xe9\nK = '{key}'\n".encode("latin-1"))
    repo.commit("add")
    sub = repo.head()
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{sub},vendored")
    repo.commit("a submodule")
    result = run_cli("history", "--no-progress", "--entropy", "-f", "json", str(repo.path))
    doc = result.json()
    assert [(f["path"], f["line"]) for f in doc["findings"]] == [("caf\\xe9.py", 2)]
    assert doc["errors"] == []
    assert key not in result.out


def test_a_change_over_the_size_limit_is_reported_not_lost(run_cli, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    key = fakes.aws_access_key_id(seed=1509)
    repo.write("big.txt", f'K = "{key}"\n' + "x = 1\n" * 1000)
    repo.commit("big")
    result = run_cli(
        "history", "--no-progress", "-f", "json", "--max-file-size", "2000", str(repo.path)
    )
    doc = result.json()
    assert [f["line"] for f in doc["findings"]] == [1]  # what was read is still scanned
    [skip] = doc["skipped"]
    assert skip["path"].startswith("big.txt (commit ")
    assert "2000-byte limit" in skip["reason"]


def test_a_subdirectory_limits_the_walk_to_it(run_cli, tmp_path: Path) -> None:
    repo, _key, c = _lifecycle(tmp_path)
    result = run_cli("history", "--no-progress", "-f", "json", str(repo.path / "settings"))
    [finding] = result.json()["findings"]
    assert finding["path"] == "settings/prod.py"  # paths stay relative to the top
    assert finding["properties"]["commit"] == c["move"]
    assert "2 commit(s)" in result.err


def test_a_full_clone_is_not_called_partial(run_cli, tmp_path: Path) -> None:
    """A shallow clone deepened past the commits walked: the range is complete."""
    repo, _key, c = _lifecycle(tmp_path)
    shallow = tmp_path / "shallow"
    Repo(tmp_path).git(
        "clone", "-q", "--depth", "2", "--branch", "feature", f"file://{repo.path}", str(shallow)
    )  # fmt: skip
    result = run_cli("history", "--no-progress", "--range", f"{c['delete']}..feature", str(shallow))
    assert "history is partial" not in result.out
    assert result.code == 1


def test_gone_only_leaves_what_is_still_there_to_the_file_scan(run_cli, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    kept = fakes.aws_access_key_id(seed=1540)
    gone = fakes.aws_access_key_id(seed=1541)
    repo.write("kept.py", f'K = "{kept}"\n')
    repo.write("gone.py", f'K = "{gone}"\n')
    repo.commit("add")
    repo.remove("gone.py")
    repo.commit("remove one")
    both = run_cli("history", "--no-progress", "-f", "json", str(repo.path)).json()
    assert sorted(f["path"] for f in both["findings"]) == ["gone.py", "kept.py"]
    only = run_cli("history", "--no-progress", "-f", "json", "--gone-only", str(repo.path))
    assert [f["path"] for f in only.json()["findings"]] == ["gone.py"]


def test_two_processes_report_exactly_what_one_does(run_cli, tmp_path: Path) -> None:
    """The removal of a secret found in a change still with a worker is not missed."""
    repo, key, _ = _lifecycle(tmp_path)
    shas = []
    for n in range(12):  # changes go to the workers in batches: these are one batch
        repo.write(f"pad/f{n % 7}.py", f"x = {n}\n")
        if n == 5:
            repo.write("late.py", f'K = "{key}"\n')
        if n == 6:
            repo.remove("late.py")
        shas.append(repo.commit(f"pad {n}", "bob"))
    one = run_cli("history", "--no-progress", "-f", "json", "-j", "1", str(repo.path)).json()
    two = run_cli("history", "--no-progress", "-f", "json", "-j", "2", str(repo.path)).json()
    assert one["findings"] == two["findings"]
    assert one["stats"]["files_scanned"] == two["stats"]["files_scanned"] == 3 + 12 + 1
    [finding] = two["findings"]
    assert "late.py" in finding["properties"]["paths"]
    # Added at pad 5, removed at pad 6, while pad 5's results were still with a worker.
    assert finding["properties"]["last_commit"] == shas[5]
    assert finding["properties"]["removed_in"] == shas[6]


def test_a_path_that_became_a_directory_at_the_tip(run_cli, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    gone = fakes.aws_access_key_id(seed=1560)
    kept = fakes.aws_access_key_id(seed=1561)
    repo.write("conf", f'K = "{gone}"\n')
    repo.write("z.py", f'K = "{kept}"\n')
    repo.commit("add")
    repo.remove("conf")
    repo.write("conf/inner.py", "x = 1\n")
    repo.commit("conf is a directory now")
    doc = run_cli("history", "--no-progress", "-f", "json", str(repo.path)).json()
    at_head = {f["path"]: f["properties"]["at_head"] for f in doc["findings"]}
    assert at_head == {"conf": False, "z.py": True}


def test_still_there_means_a_scan_would_find_it_not_that_its_text_occurs(
    run_cli, tmp_path: Path
) -> None:
    """A short password later turned into a placeholder of the same name is gone."""
    repo = Repo(tmp_path / "repo")
    word = "hun" + "ter42x"  # not a password word (those are documentation examples)
    repo.write("README.md", f"Connect to `https://user:{word}@db.example.com/app`.\n")
    repo.commit("add")
    repo.write("README.md", f"Connect to `https://user:{{{word}}}@db.example.com/app`.\n")
    repo.commit("a placeholder")
    result = run_cli("history", "--no-progress", "-f", "json", str(repo.path))
    [finding] = result.json()["findings"]
    assert finding["rule"] == "basic-auth-credentials"
    assert finding["properties"]["at_head"] is False
    assert finding["notes"][-1].startswith("gone from HEAD, still in history")
