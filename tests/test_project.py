"""Docs, manifests and code cannot drift: these tests read them."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

from conftest import REPO
from wabaguard.core.findings import Kind
from wabaguard.core.registry import all_rules

RULES = all_rules()


def test_rule_ids_are_unique_kebab_case() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rule_id in ids:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule_id), rule_id


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_is_documented(rule) -> None:
    page = REPO / "docs" / "rules" / f"{rule.id}.md"
    assert page.is_file(), f"missing docs/rules/{rule.id}.md"
    first = page.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(f"# {rule.id}"), first
    assert rule.help_uri.endswith(f"/docs/rules/{rule.id}.md")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_a_one_line_fix(rule) -> None:
    assert rule.title and "\n" not in rule.title
    assert rule.fix and "\n" not in rule.fix and len(rule.fix) < 200
    if rule.kind is Kind.CREDENTIAL:
        assert rule.secret_type, "credential rules need a detect-secrets secret_type"


def test_no_orphan_rule_pages() -> None:
    ids = {r.id for r in RULES}
    pages = {p.stem for p in (REPO / "docs" / "rules").glob("*.md")} - {"README"}
    assert pages <= ids, f"pages without a rule: {sorted(pages - ids)}"


def test_rules_index_lists_every_rule() -> None:
    index = (REPO / "docs" / "rules" / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"[{rule.id}]({rule.id}.md)" in index, rule.id


def test_hooks_manifest_is_documented() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert {h["id"] for h in hooks} == {"wabaguard", "wabaguard-workflows", "wabaguard-push"}
    for hook in hooks:
        assert f"id: {hook['id']}" in readme
        command = "wabaguard history" if hook["id"] == "wabaguard-push" else "wabaguard scan"
        assert hook["entry"].startswith(command)
        assert hook["language"] == "python"


def _readme_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()


def test_readme_starts_with_the_two_setup_commands() -> None:
    install, test = _readme_commands()
    assert install.startswith("python3 -m pip install ."), install
    assert test.startswith("python3 -m pip install -e '.[test]' && "), test
    assert "pytest" in test


def test_ci_runs_the_readme_test_command_in_a_fresh_venv() -> None:
    """.ci/run is a fresh machine: a new venv, then the README's command, verbatim."""
    _, test_command = _readme_commands()
    lines = [
        line.strip()
        for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert test_command in lines, "the README's test command is not in .ci/run, verbatim"
    at = lines.index(test_command)
    before = lines[:at]
    assert any(re.match(r'python3 -m venv "?\$\w+', line) for line in before), before
    assert any(re.match(r'(source|\.) "?\$\w+.*/bin/activate', line) for line in before), before
    # Nothing else is installed, before or after: what the README says is all there is.
    others = [line for i, line in enumerate(lines) if i != at and "pip install" in line]
    assert others == [], others
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    runs = [step.get("run", "") for step in workflow["jobs"]["tests"]["steps"]]
    assert "bash .ci/run" in runs
    assert not [r for r in runs if "pip install" in r], "CI must not install on its own"


def test_ruff_clean() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


@pytest.mark.slow  # ~10 s without a .mypy_cache (a fresh checkout, CI)
def test_mypy_strict_clean() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_rules_index_is_current(run_cli) -> None:
    """Regenerate with: wabaguard rules --format markdown > docs/rules/README.md"""
    generated = run_cli("rules", "--format", "markdown").out
    assert (REPO / "docs" / "rules" / "README.md").read_text(encoding="utf-8") == generated


@pytest.mark.slow  # detect-secrets over the whole repository
def test_repository_scans_clean_with_plain_detect_secrets() -> None:
    """Fake credentials are built at run time: detect-secrets finds nothing committed."""
    import json

    proc = subprocess.run(
        [sys.executable, "-m", "detect_secrets", "scan"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout)["results"]
    hits = [
        (path, item["line_number"], item["type"])
        for path, items in results.items()
        for item in items
    ]
    assert hits == [], hits


def test_ruff_format_clean() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "src", "tests", "benchmarks", "fuzz"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_fix_advice_is_a_capitalised_sentence_for_every_rule(run_cli) -> None:
    """Messages are "{what was found}. {fix}": the fix starts a sentence."""
    listed = json.loads(run_cli("rules", "--format", "json").out)
    assert len(listed) == len(RULES)
    for rule in listed:
        fix = rule["fix"]
        assert fix[:1].isupper(), (rule["id"], fix)
        assert not fix.endswith("."), rule["id"]  # reporters add the full stop
    # And so it appears in findings, credential and workflow rules alike.
    demo = run_cli("demo", "--format", "json").json()
    fixes = {r["id"]: r["fix"] for r in listed}
    kinds = {r["id"]: r["kind"] for r in listed}
    assert {kinds[f["rule"]] for f in demo["findings"]} == {"credential", "workflow"}
    for finding in demo["findings"]:
        assert finding["message"].endswith(". " + fixes[finding["rule"]]), finding["message"]


def test_the_readme_hook_snippet_runs_as_documented(run_cli, tmp_path) -> None:
    """The pre-commit snippet's rev is the released tag and its args work as the hook's."""
    import tomllib

    import fakes

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("# .pre-commit-config.yaml\n", 1)[1].split("```", 1)[0]
    [repo] = yaml.safe_load(snippet)["repos"]
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert repo["rev"] == f"v{version}"
    [hook] = repo["hooks"]
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    entry = hooks[hook["id"]]["entry"].split()[1:]  # as pre-commit runs it, with file names
    (tmp_path / "old.py").write_text(f'K = "{fakes.aws_access_key_id(seed=400)}"\n')
    assert run_cli("baseline", ".secrets.baseline", cwd=tmp_path).code == 0
    assert run_cli(*entry, *hook["args"], "old.py", cwd=tmp_path).code == 0
    (tmp_path / "new.py").write_text(f'K = "{fakes.aws_access_key_id(seed=401)}"\n')
    assert run_cli(*entry, *hook["args"], "old.py", "new.py", cwd=tmp_path).code == 1


def test_the_readme_env_advice_holds(run_cli, tmp_path) -> None:
    """A real token in .env is reported; the placeholders of a .env.example are not."""
    import fakes

    (tmp_path / ".env.example").write_text(
        "WHATSAPP_TOKEN=your-token-here\nD360_API_KEY=<your 360dialog key>\n"
    )
    (tmp_path / ".env").write_text(f"WHATSAPP_TOKEN={fakes.meta_token(seed=402)}\n")
    result = run_cli("scan", "--format", "json", cwd=tmp_path)
    assert result.code == 1
    assert {f["path"] for f in result.json()["findings"]} == {".env"}
