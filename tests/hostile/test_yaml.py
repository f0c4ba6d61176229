"""Untrusted YAML through the CLI: refused with a path and a position, never crashed on.

Each hostile workflow sits next to an ordinary file with a credential, whose finding must
still be reported: one bad file never stops the scan.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hostile_util import child_env, expected_exit

import fakes
from complexity import STEPS_LIMIT, growth, steps
from wabaguard.config import Config
from wabaguard.workflows import WorkflowError, analyze

BOMB_LEVELS = 9


def billion_laughs(levels: int = BOMB_LEVELS, width: int = 9) -> str:
    lines = ["on: push", 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        refs = ", ".join([f"*l{i - 1}"] * width)
        lines.append(f"l{i}: &l{i} [{refs}]")
    lines.append(f"jobs: *l{levels - 1}")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 12) -> str:
    lines = ["on: push", "m0: &m0 {a0: 1, b0: 2, c0: 3, d0: 4}"]
    for i in range(1, levels):
        lines.append(f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}], k{i}: {i}}}")
    lines.append(f"jobs:\n  x:\n    <<: *m{levels - 1}\n    runs-on: ubuntu-latest")
    return "\n".join(lines) + "\n"


def deep_alias_chain(levels: int = 60) -> str:
    """Aliases of aliases: cheap to parse, exponential if walked with aliases expanded."""
    lines = ["on: push", "a0: &a0 [x, y]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]")
    lines.append(f"jobs:\n  j:\n    runs-on: x\n    steps: *a{levels - 1}")
    return "\n".join(lines) + "\n"


HOSTILE: dict[str, str] = {
    "billion-laughs": billion_laughs(),
    "deep-alias-chain": deep_alias_chain(),
    "merge-key-bomb": merge_bomb(),
    "merge-key": "on: push\nbase: &b {runs-on: x}\njobs:\n  a:\n    <<: *b\n",
    "duplicate-keys": "on: push\njobs: {}\non: pull_request\n",
    "duplicate-nested-keys": "on: push\njobs:\n  a:\n    runs-on: x\n    runs-on: y\n",
    "python-object-tag": "on: push\njobs: !!python/object/apply:os.system ['touch /tmp/x']\n",
    "python-name-tag": "on: !!python/name:os.system push\njobs: {}\n",
    "custom-tag": "on: push\njobs: !include other.yml\n",
    "multi-document": "on: push\njobs: {}\n---\non: push\njobs: {}\n",
    "unclosed-flow": "on: push\njobs:\n  a: [unclosed\n",
    "bad-indentation": "on: push\njobs:\n  a:\n    runs-on: x\n   steps: []\n",
    "tab-indentation": "on: push\njobs:\n\ta: {}\n",
    "unknown-alias": "on: push\njobs: *nowhere\n",
    "recursive-alias": "on: push\njobs: &a [*a]\n",
    "top-level-scalar": "just a string\n",
    "top-level-list": "- on: push\n",
    "empty-file": "",
    "only-comments": "# nothing here\n",
    "nul-in-yaml": "on: push\njobs: {a\0b: 1}\n",
    "invalid-unicode-escape": 'on: push\njobs: {a: "\\ud800"}\n',
    "deep-nesting": "on: push\njobs: " + "[" * 5_000 + "]" * 5_000 + "\n",
    "huge-key": "on: push\njobs:\n  " + "k" * 200_000 + ": {}\n",
    "anchor-on-everything": "on: push\njobs:\n"
    + "".join(f"  j{i}: &j{i} {{runs-on: x}}\n" for i in range(2_000)),
}

# Valid YAML but not a valid workflow: analysed leniently or refused, never a crash.
INVALID_WORKFLOWS: dict[str, str] = {
    "steps-not-a-list": "on: push\njobs:\n  a:\n    runs-on: x\n    steps: 5\n",
    "jobs-a-list": "on: push\njobs: [1, 2]\n",
    "job-a-scalar": "on: push\njobs:\n  a: 5\n",
    "step-a-scalar": "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [5, null, [1]]\n",
    "run-a-mapping": "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: {a: 1}\n",
    "env-a-list": "on: push\nenv: [1]\njobs:\n  a:\n    runs-on: x\n    env: 5\n",
    "no-on-key": "jobs:\n  a:\n    runs-on: x\n",
    "null-everything": "on:\njobs:\n  a:\n    steps:\n      -\n",
    "numeric-keys": "1: 2\n3: [4]\n",
    "with-a-list": "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: a/b@v1\n"
    "        with: [1]\n",
}


def _plant_neighbour(root: Path) -> str:
    key = fakes.aws_access_key_id(seed=71)
    (root / "settings.py").write_text(f'AWS_KEY = "{key}"\n', encoding="utf-8")
    return key


def _write_workflow(root: Path, text: str, name: str = "x.yml") -> str:
    wf = root / ".github" / "workflows"
    wf.mkdir(parents=True, exist_ok=True)
    (wf / name).write_bytes(text.encode("utf-8", "surrogatepass"))
    return f".github/workflows/{name}"


def _scan(run_cli: Any, root: Path) -> tuple[int, dict[str, Any], str]:
    result = run_cli("scan", "--format", "json", "--max-file-size", "10000000", ".", cwd=root)
    assert result.code == expected_exit(result.json()), result.err
    return result.code, result.json(), result.err


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_yaml_is_reported_with_position(run_cli: Any, tmp_path: Path, case: str) -> None:
    key = _plant_neighbour(tmp_path)
    path = _write_workflow(tmp_path, HOSTILE[case])
    code, doc, err = _scan(run_cli, tmp_path)
    assert "Traceback" not in err
    # The rest of the scan goes on: the neighbour's finding is there.
    assert code == 1
    assert any(f["path"] == "settings.py" for f in doc["findings"])
    assert key not in str(doc)
    errors = [e for e in doc["errors"] if e["path"] == path]
    if case == "nul-in-yaml":  # a NUL byte makes it a binary file: listed, with the reason
        assert {"path": path, "reason": "binary file"} in doc["skipped"]
        return
    if case in ("empty-file", "only-comments", "anchor-on-everything"):
        assert all("internal error" not in e["message"] for e in errors)
        return
    assert len(errors) == 1, (case, doc["errors"])
    message = errors[0]["message"]
    assert "internal error" not in message, message
    assert "cannot analyse workflow at line " in message, message
    assert ", column " in message
    assert doc["stats"]["files_scanned"] == 2


@pytest.mark.parametrize("case", sorted(INVALID_WORKFLOWS))
def test_invalid_workflow_is_not_crashed_on(run_cli: Any, tmp_path: Path, case: str) -> None:
    _plant_neighbour(tmp_path)
    path = _write_workflow(tmp_path, INVALID_WORKFLOWS[case])
    code, doc, err = _scan(run_cli, tmp_path)
    assert code == 1
    assert "Traceback" not in err
    for error in doc["errors"]:
        assert error["path"] == path
        assert "internal error" not in error["message"], error
    assert any(f["path"] == "settings.py" for f in doc["findings"])


def test_other_workflows_findings_survive_a_bad_one(run_cli: Any, tmp_path: Path) -> None:
    _write_workflow(tmp_path, billion_laughs(), "bomb.yml")
    _write_workflow(
        tmp_path,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: curl -u user:${{ secrets.API_TOKEN }} https://example.invalid\n",
        "good.yml",
    )
    _, doc, _ = _scan(run_cli, tmp_path)
    assert {e["path"] for e in doc["errors"]} == {".github/workflows/bomb.yml"}
    assert any(f["path"] == ".github/workflows/good.yml" for f in doc["findings"]), doc


def test_yaml_tags_are_never_constructed(run_cli: Any, tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    _write_workflow(
        tmp_path,
        f"on: push\njobs: !!python/object/apply:os.system ['touch {marker}']\n",
    )
    _scan(run_cli, tmp_path)
    assert not marker.exists()


def test_alias_bomb_memory_is_bounded(tmp_path: Path) -> None:
    """A 10-level billion-laughs (10^9 nodes expanded) in a child: refused, small peak RSS."""
    import subprocess

    _write_workflow(tmp_path, billion_laughs(levels=10, width=10))
    code = (
        "import resource, sys\n"
        "from wabaguard.cli import main\n"
        "rc = main(['scan', '--format', 'json', '.'])\n"
        "sys.stderr.write('RSS_KB=%d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,  # hang guard only (an expanding parser would run for hours); ~0.5 s here
        env=child_env(),
    )
    assert proc.returncode == 2, proc.stderr  # a workflow not analysed fails the run
    assert "expand" in proc.stdout  # the error names the problem
    rss_kb = int(proc.stderr.rsplit("RSS_KB=", 1)[1].split()[0])
    assert rss_kb < 300_000, f"peak RSS {rss_kb} kB"


def _analysis(text: str) -> Callable[[], object]:
    def run() -> object:
        try:
            return list(analyze(".github/workflows/x.yml", text, Config()))
        except WorkflowError as error:
            return error

    return run


@pytest.mark.parametrize(
    ("build", "levels"),
    [(billion_laughs, 6), (deep_alias_chain, 30), (merge_bomb, 6)],
    ids=["billion-laughs", "deep-alias-chain", "merge-key-bomb"],
)
def test_alias_bombs_cost_what_their_text_costs(build: Callable[[int], str], levels: int) -> None:
    """Twice the levels is twice the text but 2**levels-fold the expansion: calls must follow
    the text. (Counted in calls, not timed; the scans above show the bombs are refused.)"""
    small, large = build(levels), build(2 * levels)
    _analysis(small)()
    ratio = growth(steps(_analysis(small)), steps(_analysis(large)), 2)
    assert ratio < STEPS_LIMIT, ratio
