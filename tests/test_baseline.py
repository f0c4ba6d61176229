"""Baselines through the CLI: every finding kind, updates, file modes, the baseline file never
scanned as content, and ``wabaguard audit``. Round trips through plain detect-secrets are in
tests/detectors/test_detect_secrets_plugins.py."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import fakes

GENERIC = {"Base64HighEntropyString", "HexHighEntropyString", "KeywordDetector"}
SKIP_REASON = "detect-secrets baseline, not scanned as content"

WORKFLOW = """\
name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: deploy
        run: ./deploy --token ${{ secrets.DEPLOY_TOKEN }}
"""
NEW_STEP = """\
      - name: upload
        run: ./upload --key ${{ secrets.UPLOAD_KEY }}
"""


def secrets() -> dict[str, str]:
    return {
        "meta": fakes.meta_token(seed=700),
        "aws": fakes.aws_access_key_id(seed=701),
        "password": fakes.alnum(22, seed=702),
        "hex": fakes.hex_string(40, seed=703),
        "basic": fakes.alnum(18, seed=704),
    }


def plant(root: Path, s: dict[str, str]) -> None:
    (root / "bot.py").write_text(f'TOKEN = "{s["meta"]}"\nAWS = "{s["aws"]}"\n')
    (root / "settings.py").write_text(
        f'import os\ndb_password = "{s["password"]}"\nSIGNING = "{s["hex"]}"\n'
    )
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        WORKFLOW + f"      - run: curl -u admin:{s['basic']} https://example.com/\n"
    )


def fragments(value: str) -> Iterator[str]:
    half = len(value) // 2
    yield from (value, value[:half], value[half:], value[half // 2 : half // 2 + half])


def assert_no_secret(text: str, s: dict[str, str]) -> None:
    for name, value in s.items():
        for piece in fragments(value):
            assert piece not in text, f"output shows (part of) the {name} secret"


def findings(run_cli: Any, root: Path, *args: str) -> list[tuple[str, int, str]]:
    result = run_cli("scan", "--format", "json", "--no-progress", *args, cwd=root)
    assert result.code in (0, 1), result.err
    return [(f["path"], f["line"], f["rule"]) for f in result.json()["findings"]]


def workflow_table(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    (entry,) = [
        f
        for f in doc["filters_used"]
        if f["path"] == "wabaguard.baseline.accepted_workflow_findings"
    ]
    table: dict[str, list[dict[str, Any]]] = entry["results"]
    return table


def load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text())
    return doc


# -- every finding kind --------------------------------------------------------------------------


def test_workflow_findings_are_recorded_and_suppressed(run_cli: Any, tmp_path: Path) -> None:
    plant(tmp_path, secrets())
    before = findings(run_cli, tmp_path)
    assert (".github/workflows/ci.yml", 9, "secret-in-argv") in before
    created = run_cli("baseline", ".secrets.baseline", cwd=tmp_path)
    assert created.code == 0, created.err
    assert "2 workflow finding(s)" in created.err
    doc = load(tmp_path / ".secrets.baseline")
    table = workflow_table(doc)
    assert sorted(e["rule"] for e in table[".github/workflows/ci.yml"]) == [
        "hardcoded-credential",
        "secret-in-argv",
    ]
    assert all(len(e["fingerprint"]) == 32 for e in table[".github/workflows/ci.yml"])
    # Workflow findings stay out of detect-secrets' own table.
    assert set(doc["results"]) == {"bot.py"}
    assert findings(run_cli, tmp_path, "--baseline", ".secrets.baseline") == []


def test_workflow_key_is_rule_file_and_yaml_route(run_cli: Any, tmp_path: Path) -> None:
    """Committed baselines depend on this key: a change to how it is computed turns every
    accepted workflow finding into a new one, so it is pinned here."""
    ci = tmp_path / ".github" / "workflows" / "ci.yml"
    ci.parent.mkdir(parents=True)
    ci.write_text(WORKFLOW)
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    identity = "secret-in-argv\0.github/workflows/ci.yml\0jobs/build/steps/1/run#0"
    expected = hashlib.sha256(identity.encode()).hexdigest()[:32]
    (entry,) = workflow_table(load(tmp_path / "b.json"))[".github/workflows/ci.yml"]
    assert entry == {"rule": "secret-in-argv", "fingerprint": expected, "line_number": 9}


def test_moved_workflow_finding_stays_suppressed_and_a_new_one_is_reported(
    run_cli: Any, tmp_path: Path
) -> None:
    ci = tmp_path / ".github" / "workflows" / "ci.yml"
    ci.parent.mkdir(parents=True)
    ci.write_text(WORKFLOW)
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    assert findings(run_cli, tmp_path, "--baseline", "b.json") == []
    # Five lines further down, same place in the YAML: still accepted.
    ci.write_text("# build and deploy\n" * 5 + WORKFLOW)
    assert findings(run_cli, tmp_path) == [(".github/workflows/ci.yml", 14, "secret-in-argv")]
    assert findings(run_cli, tmp_path, "--baseline", "b.json") == []
    # A new step with the same problem is new.
    ci.write_text("# build and deploy\n" * 5 + WORKFLOW + NEW_STEP)
    assert findings(run_cli, tmp_path, "--baseline", "b.json") == [
        (".github/workflows/ci.yml", 16, "secret-in-argv")
    ]


def test_update_keeps_workflow_labels_and_drops_deleted_files(run_cli: Any, tmp_path: Path) -> None:
    plant(tmp_path, secrets())
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    doc = load(tmp_path / "b.json")
    for entry in workflow_table(doc)[".github/workflows/ci.yml"]:
        entry["is_secret"] = entry["rule"] == "hardcoded-credential"
    doc["results"]["bot.py"][0]["is_secret"] = False
    (tmp_path / "b.json").write_text(json.dumps(doc))
    ci = tmp_path / ".github" / "workflows" / "ci.yml"
    ci.write_text("# moved\n" * 5 + ci.read_text())

    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    updated = load(tmp_path / "b.json")
    labels = {
        (e["rule"], e["line_number"], e["is_secret"])
        for e in workflow_table(updated)[".github/workflows/ci.yml"]
    }
    assert labels == {("secret-in-argv", 14, False), ("hardcoded-credential", 15, True)}
    assert [e.get("is_secret") for e in updated["results"]["bot.py"]] == [False, None]

    ci.unlink()
    (tmp_path / "bot.py").unlink()
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    final = load(tmp_path / "b.json")
    assert final["results"] == {}
    assert all(
        f["path"] != "wabaguard.baseline.accepted_workflow_findings" for f in final["filters_used"]
    )


def test_update_of_some_paths_keeps_entries_of_the_others(run_cli: Any, tmp_path: Path) -> None:
    plant(tmp_path, secrets())
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    first = load(tmp_path / "b.json")
    (tmp_path / "bot.py").write_text('import os\nTOKEN = os.environ["TOKEN"]\n')
    # Only the workflows are rescanned: bot.py's entries stay although its secrets are gone.
    assert run_cli("baseline", "b.json", ".github", cwd=tmp_path).code == 0
    partial = load(tmp_path / "b.json")
    assert partial["results"] == first["results"]
    assert workflow_table(partial) == workflow_table(first)
    # A full update drops them.
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    assert load(tmp_path / "b.json")["results"] == {}


def test_update_keeps_filters_added_for_detect_secrets(run_cli: Any, tmp_path: Path) -> None:
    plant(tmp_path, secrets())
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    doc = load(tmp_path / "b.json")
    added = {"path": "detect_secrets.filters.regex.should_exclude_file", "pattern": ["^vendor/"]}
    doc["filters_used"].append(added)
    (tmp_path / "b.json").write_text(json.dumps(doc))
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    updated = load(tmp_path / "b.json")["filters_used"]
    assert added in updated
    assert [f["path"] for f in updated] == sorted((f["path"] for f in updated), key=str.lower)
    assert len(updated) == len(doc["filters_used"])


def test_existing_file_that_is_not_a_baseline_is_not_overwritten(
    run_cli: Any, tmp_path: Path
) -> None:
    (tmp_path / "package.json").write_text('{"name": "app"}\n')
    result = run_cli("baseline", "package.json", cwd=tmp_path)
    assert result.code == 2
    assert "not a detect-secrets baseline" in result.err
    assert (tmp_path / "package.json").read_text() == '{"name": "app"}\n'


def test_malformed_workflow_table_is_a_clear_error(run_cli: Any, tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text(
        json.dumps(
            {
                "results": {},
                "filters_used": [
                    {
                        "path": "wabaguard.baseline.accepted_workflow_findings",
                        "results": {"ci.yml": [{"rule": "secret-in-argv"}]},
                    }
                ],
            }
        )
    )
    result = run_cli("scan", "--baseline", "b.json", cwd=tmp_path)
    assert result.code == 2
    assert "'rule' and 'fingerprint'" in result.err


# -- generic plugins and file modes ----------------------------------------------------------


def test_entropy_baseline_lists_the_generic_plugins(run_cli: Any, tmp_path: Path) -> None:
    plant(tmp_path, secrets())
    assert run_cli("baseline", "--entropy", "b.json", cwd=tmp_path).code == 0
    doc = load(tmp_path / "b.json")
    listed = {p["name"] for p in doc["plugins_used"]}
    assert listed >= GENERIC
    types = {e["type"] for entries in doc["results"].values() for e in entries}
    assert {"Secret Keyword", "Hex High Entropy String"} <= types
    assert findings(run_cli, tmp_path, "--entropy", "--baseline", "b.json") == []
    # Without --entropy the generic plugins are not listed (nothing needs them).
    assert run_cli("baseline", "plain.json", cwd=tmp_path).code == 0
    assert not {p["name"] for p in load(tmp_path / "plain.json")["plugins_used"]} & GENERIC


@pytest.fixture
def umask() -> Iterator[Any]:
    saved = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(saved)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_new_baseline_gets_the_umask_mode(
    run_cli: Any, tmp_path: Path, umask: Any, mask: int, expected: int
) -> None:
    plant(tmp_path, secrets())
    umask(mask)
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    assert (tmp_path / "b.json").stat().st_mode & 0o777 == expected


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_update_keeps_the_file_mode(run_cli: Any, tmp_path: Path, umask: Any, mode: int) -> None:
    plant(tmp_path, secrets())
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    (tmp_path / "b.json").chmod(mode)
    assert run_cli("baseline", "--entropy", "b.json", cwd=tmp_path).code == 0
    assert (tmp_path / "b.json").stat().st_mode & 0o777 == mode
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".wabaguard-")] == []


# -- the baseline is never content -----------------------------------------------------------


@pytest.fixture
def entropy_repo(run_cli: Any, tmp_path: Path) -> Path:
    """A repository whose config turns the generic plugins on, with a baseline made with them,
    and the baselined secrets since removed from the code."""
    plant(tmp_path, secrets())
    (tmp_path / ".wabaguard.toml").write_text("entropy = true\n")
    assert run_cli("baseline", ".secrets.baseline", cwd=tmp_path).code == 0
    for name in ("bot.py", "settings.py"):
        (tmp_path / name).write_text("import os\n")
    shutil.rmtree(tmp_path / ".github")
    return tmp_path


def skipped(run_cli: Any, root: Path, *args: str) -> tuple[list[Any], list[Any]]:
    result = run_cli("scan", "--format", "json", "--no-progress", *args, cwd=root)
    doc = result.json()
    return doc["findings"], doc["skipped"]


def test_baseline_in_the_tree_is_skipped_with_entropy_on(run_cli: Any, entropy_repo: Path) -> None:
    # The hashes are long hex strings: scanned as content, the hex plugin flags each one.
    found, skips = skipped(run_cli, entropy_repo, ".")
    assert found == []
    assert {"path": ".secrets.baseline", "reason": SKIP_REASON} in skips


def test_baseline_named_explicitly_is_skipped(run_cli: Any, entropy_repo: Path) -> None:
    """As the pre-commit hook calls it: staged file names, no --baseline."""
    found, skips = skipped(run_cli, entropy_repo, "--entropy", ".secrets.baseline", "bot.py")
    assert found == []
    assert skips == [{"path": ".secrets.baseline", "reason": SKIP_REASON}]


def test_baseline_is_recognised_by_content_not_name(run_cli: Any, entropy_repo: Path) -> None:
    (entropy_repo / "security").mkdir()
    (entropy_repo / ".secrets.baseline").rename(entropy_repo / "security" / "known.json")
    found, skips = skipped(run_cli, entropy_repo, "--entropy", ".")
    assert found == []
    assert {"path": "security/known.json", "reason": SKIP_REASON} in skips


def test_a_detect_secrets_baseline_by_hand_is_skipped(run_cli: Any, tmp_path: Path) -> None:
    # detect-secrets' own layout (slim: no generated_at), with a UTF-8 BOM for good measure.
    doc = {
        "version": "1.5.0",
        "plugins_used": [{"name": "HexHighEntropyString", "limit": 3.0}],
        "filters_used": [],
        "results": {"a.py": [{"type": "Hex High Entropy String", "hashed_secret": "0" * 40}]},
    }
    (tmp_path / "ds.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(doc, indent=2).encode())
    found, skips = skipped(run_cli, tmp_path, "--entropy", "ds.json")
    assert (found, skips) == ([], [{"path": "ds.json", "reason": SKIP_REASON}])


@pytest.mark.parametrize(
    "shape",
    [
        '{{"results": [{{"token": "{aws}"}}], "generated_at": "x"}}',  # results is no table
        '{{"results": {{"a": []}}, "note": "{aws}"}}',  # neither plugins_used nor generated_at
        '{{"plugins_used": [], "results": {{}}, "key": "{aws}"',  # not JSON (truncated)
        '[{{"plugins_used": [], "results": {{}}, "key": "{aws}"}}]',  # not an object
        'x = {{"plugins_used": [], "results": {{}}, "key": "{aws}"}}',  # not at the start
    ],
)
def test_other_json_is_still_scanned(run_cli: Any, tmp_path: Path, shape: str) -> None:
    (tmp_path / "data.json").write_text(shape.format(aws=fakes.aws_access_key_id(seed=710)))
    found, skips = skipped(run_cli, tmp_path, "data.json")
    assert [(f["path"], f["rule"]) for f in found] == [("data.json", "aws-access-key")]
    assert skips == []


@pytest.mark.slow
def test_console_script_as_the_hook_runs_it(entropy_repo: Path) -> None:
    """The hook's entry (``wabaguard scan --no-progress`` + staged names), as a process."""
    script = shutil.which("wabaguard")
    base = [script] if script else [sys.executable, "-m", "wabaguard"]
    proc = subprocess.run(
        [*base, "scan", "--no-progress", ".secrets.baseline", "settings.py", ".wabaguard.toml"],
        cwd=entropy_repo, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 skipped" in proc.stdout


# -- wabaguard audit -------------------------------------------------------------------------


def audit(run_cli: Any, root: Path, answers: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    return run_cli("audit", "b.json", cwd=root)


def labels(root: Path) -> dict[tuple[str, str], Any]:
    """Every entry's label, in the order the audit asks: by file, then line."""
    doc = load(root / "b.json")
    rows = [
        (filename, e["line_number"], e["type"], e.get("is_secret"))
        for filename, entries in doc["results"].items()
        for e in entries
    ]
    rows.extend(
        (filename, e["line_number"], e["rule"], e.get("is_secret"))
        for filename, entries in workflow_table(doc).items()
        for e in entries
    )
    return {(name, what): label for name, _, what, label in sorted(rows, key=lambda r: r[:2])}


@pytest.fixture
def audited(run_cli: Any, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    s = secrets()
    plant(tmp_path, s)
    assert run_cli("baseline", "--entropy", "b.json", cwd=tmp_path).code == 0
    return tmp_path, s


def test_audit_labels_every_kind_and_never_shows_a_secret(
    run_cli: Any, audited: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, s = audited
    order = list(labels(root))
    assert order[:3] == [
        (".github/workflows/ci.yml", "secret-in-argv"),
        (".github/workflows/ci.yml", "hardcoded-credential"),
        ("bot.py", "Meta Access Token"),
    ]
    result = audit(run_cli, root, "n\nn\ny\n" + "n\n" * 20, monkeypatch)
    assert result.code == 0, result.err
    assert_no_secret(result.out + result.err, s)
    assert "Is this a real secret?" in result.out
    assert "Is this a real problem?" in result.out
    assert 'TOKEN = "EAAB********"' in result.out  # the redacted line, as reports show it
    got = labels(root)
    assert set(got) == set(order)
    assert sum(1 for v in got.values() if v is True) == 1
    assert all(v is not None for v in got.values())
    assert got[("bot.py", "Meta Access Token")] is True
    assert got[(".github/workflows/ci.yml", "hardcoded-credential")] is False
    # Everything labelled: nothing left to ask.
    again = audit(run_cli, root, "", monkeypatch)
    assert again.code == 0
    assert "every entry of b.json is labelled" in again.err


def test_audit_back_skip_quit_and_end_of_input(
    run_cli: Any, audited: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = audited
    # 1: yes; 2: what?, no; back to 2; skip it (takes the "no" back); 3: no; quit.
    result = audit(run_cli, root, "y\nwhat\nn\nb\ns\nn\nq\n", monkeypatch)
    assert result.code == 0, result.err
    assert "please answer one of: y, n, s, b, q" in result.out
    values = [v for v in labels(root).values()]
    assert values[:3] == [True, None, False]
    assert all(v is None for v in values[3:])
    # End of input stops and keeps what was answered.
    result = audit(run_cli, root, "y\n", monkeypatch)
    assert "End of input." in result.out
    assert [v for v in labels(root).values()][:4] == [True, True, False, None]


def test_audit_interrupted_keeps_the_answers(
    run_cli: Any, audited: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = audited
    replies = iter(["n\n", "y\n"])

    class CtrlC:
        def readline(self) -> str:
            reply = next(replies, None)
            if reply is None:
                raise KeyboardInterrupt
            return reply

    monkeypatch.setattr(sys, "stdin", CtrlC())
    result = run_cli("audit", "b.json", cwd=root)
    assert result.code == 2  # click turns Ctrl-C into an abort
    assert "wabaguard: aborted" in result.err
    assert "saved b.json: 2 of 6" in result.err
    assert list(labels(root).values())[:3] == [False, True, None]


def test_audit_of_an_entry_no_longer_in_the_file(
    run_cli: Any, audited: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = audited
    (root / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs: {}\n")
    result = audit(run_cli, root, "y\ns\nq\n", monkeypatch)
    assert "not found in the file as it is now" in result.out
    # Only skip, back and quit are offered for it: "y" is refused.
    assert "please answer one of: s, q" in result.out
    assert all(v is None for v in labels(root).values())


def test_audit_reads_no_file_outside_the_tree(
    run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A committed baseline may name any path; the audit only reads inside the tree."""
    root = tmp_path / "repo"
    root.mkdir()
    keys = [fakes.aws_access_key_id(seed=seed) for seed in (711, 712)]
    (root / "inside.py").write_text("".join(f'AWS = "{key}"\n' for key in keys))
    assert run_cli("baseline", "b.json", cwd=root).code == 0
    doc = load(root / "b.json")
    outside = {str(tmp_path / "outside.py"): keys[0], "../other.py": keys[1]}
    for name, key in outside.items():
        (root / name).write_text(f'AWS = "{key}"\n')
    doc["results"] = {
        name: [dict(e, filename=name) for e in doc["results"]["inside.py"] if e["line_number"] == n]
        for n, name in enumerate(outside, start=1)
    }
    (root / "b.json").write_text(json.dumps(doc))
    result = audit(run_cli, root, "s\ns\n", monkeypatch)
    for name in outside:
        assert f"{name}:" in result.out
    assert result.out.count("not found in the file as it is now") == 2
    assert 'AWS = "AKIA' not in result.out


def test_audit_stats(
    run_cli: Any, audited: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = audited
    audit(run_cli, root, "y\nn\n", monkeypatch)
    stats = run_cli("audit", "--stats", "--json", "b.json", cwd=root)
    assert stats.code == 0, stats.err
    doc = stats.json()
    assert doc["workflow"]["secret-in-argv"] == {"real": 1, "false_positive": 0, "unlabelled": 0}
    assert doc["workflow"]["hardcoded-credential"]["false_positive"] == 1
    assert doc["credentials"]["Meta Access Token"]["unlabelled"] == 1
    text = run_cli("audit", "--stats", "b.json", cwd=root).out
    assert "  secret-in-argv        1 real, 0 false positive(s), 0 unlabelled" in text


@pytest.mark.slow
def test_audit_through_a_pipe(audited: tuple[Path, dict[str, str]]) -> None:
    root, s = audited
    script = shutil.which("wabaguard")
    base = [script] if script else [sys.executable, "-m", "wabaguard"]
    proc = subprocess.run(
        [*base, "audit", "b.json"], input="n\n" * 30,
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert_no_secret(proc.stdout + proc.stderr, s)
    assert all(v is False for v in labels(root).values())


def test_audit_of_a_missing_baseline_is_exit_two(run_cli: Any, tmp_path: Path) -> None:
    result = run_cli("audit", "nope.json", cwd=tmp_path)
    assert result.code == 2
    assert "baseline not found" in result.err


# -- the format, as documented ---------------------------------------------------------------


def test_docs_describe_what_the_code_writes() -> None:
    from conftest import REPO
    from wabaguard import baseline

    docs = (REPO / "docs" / "detect-secrets.md").read_text(encoding="utf-8")
    assert f'"path": "{baseline.WORKFLOW_FILTER}"' in docs
    assert f'"version": {baseline.WORKFLOW_FORMAT}' in docs
    assert SKIP_REASON in docs
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "wabaguard audit FILE" in readme
    assert "docs/detect-secrets.md#baselines-written-by-wabaguard-baseline" in readme
    assert "## Baselines written by `wabaguard baseline`" in docs


def test_the_workflow_filter_is_a_function_detect_secrets_never_calls() -> None:
    """detect-secrets imports it by ``path`` and calls a filter only when every parameter it
    asks for is one detect-secrets injects; it asks for none."""
    import importlib

    from detect_secrets.util.inject import get_injectable_variables

    from wabaguard import baseline

    module, name = baseline.WORKFLOW_FILTER.rsplit(".", 1)
    function = getattr(importlib.import_module(module), name)
    assert get_injectable_variables(function) == ()
    assert function() is False


def test_baseline_uses_the_config_scan_finds_for_its_paths(run_cli: Any, tmp_path: Path) -> None:
    """A config beside the scanned directory (not in the working directory) applies to
    `baseline` exactly as it does to `scan`."""
    project = tmp_path / "project"
    project.mkdir()
    (project / ".git").mkdir()  # the repository root: the config lookup stops here
    (project / ".wabaguard.toml").write_text('exclude = ["vendor/"]\n')
    (project / "vendor").mkdir()
    (project / "vendor" / "sdk.py").write_text(f'KEY = "{fakes.aws_access_key_id(seed=61)}"\n')
    (project / "app.py").write_text(f'KEY = "{fakes.aws_access_key_id(seed=62)}"\n')
    scanned = run_cli("scan", "project", "--format", "json", cwd=tmp_path).json()
    assert {f["path"] for f in scanned["findings"]} == {"project/app.py"}
    assert run_cli("baseline", "b.json", "project", cwd=tmp_path).code == 0
    recorded = json.loads((tmp_path / "b.json").read_text())["results"]
    assert set(recorded) == {"project/app.py"}
