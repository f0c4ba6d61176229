"""The webhook pass inside ``wabaguard scan``: prefilter, findings' shape, suppressions,
identity, grammars missing, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "webhooks"

UNVERIFIED_FLASK = textwrap.dedent(
    """\
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/webhook", methods=["POST"])
    def webhook():
        for entry in request.get_json()["entry"]:
            print(entry["changes"][0]["value"]["messages"])
        return "ok"
    """
)

_PROBE = textwrap.dedent(
    """\
    import json, sys
    {setup}
    from wabaguard.cli import main
    code = main(["scan", "--format", "json", "--output", "report.json", *sys.argv[1:]])
    loaded = sorted(m for m in sys.modules if m.startswith(("tree_sitter", "wabaguard.webhooks")))
    print(json.dumps({{"code": code, "loaded": loaded}}))
    """
)


def _probe(cwd: Path, *paths: str, setup: str = "") -> dict[str, object]:
    """Scan in a fresh interpreter; report the exit code and which parsers were imported."""
    script = _PROBE.format(setup=setup)
    out = subprocess.run(
        [sys.executable, "-c", script, *paths], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, object] = json.loads(out.splitlines()[-1])
    result["report"] = json.loads((cwd / "report.json").read_text(encoding="utf-8"))
    return result


def test_files_without_markers_never_load_a_parser(tmp_path: Path) -> None:
    (tmp_path / "server.js").write_text(
        "const app = require('express')();\napp.post('/x', (req, res) => res.json(req.body));\n"
    )
    (tmp_path / "main.go").write_text('package main\n\nfunc main() { println("github.com") }\n')
    (tmp_path / "index.php").write_text("<?php echo $_POST['name'];\n")
    (tmp_path / "app.py").write_text("import json\nprint(json.dumps({'changes': 1}))\n")
    result = _probe(tmp_path, ".")
    assert result["code"] == 0
    # The prefilter module itself is imported; no front-end, no grammar, no tree-sitter.
    assert result["loaded"] == ["wabaguard.webhooks"]


def test_a_handler_file_loads_only_its_own_grammar(tmp_path: Path) -> None:
    shutil_copy(FIXTURES / "generated" / "express.not-verified.js", tmp_path / "server.js")
    result = _probe(tmp_path, "server.js")
    assert result["code"] == 1
    loaded = result["loaded"]
    assert isinstance(loaded, list)
    assert "tree_sitter_javascript" in loaded
    assert not {"tree_sitter_php", "tree_sitter_go", "tree_sitter_typescript"} & set(loaded)


def test_a_missing_grammar_is_a_warning_that_names_the_language(tmp_path: Path) -> None:
    shutil_copy(FIXTURES / "generated" / "php.not-verified.php", tmp_path / "webhook.php")
    (tmp_path / "app.py").write_text(UNVERIFIED_FLASK)
    block = (
        "import importlib.abc\n"
        "class _Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'tree_sitter_php':\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, _Block())\n"
    )
    result = _probe(tmp_path, ".", setup=block)
    report = result["report"]
    assert isinstance(report, dict)
    [error] = report["errors"]
    assert error["path"] == "webhook.php"
    assert error["level"] == "warning"
    assert "php webhook handlers not analysed" in error["message"]
    assert "tree-sitter-php" in error["message"]
    # The rest of the scan goes on: the Python handler is still reported, exit 1 (findings).
    assert [f["path"] for f in report["findings"]] == ["app.py"]
    assert result["code"] == 1


def shutil_copy(source: Path, dest: Path) -> None:
    dest.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")


def test_finding_names_the_handler_and_the_framework_fix(run_cli, tmp_path: Path) -> None:
    shutil_copy(FIXTURES / "generated" / "flask.timing-unsafe.py", tmp_path / "app.py")
    result = run_cli("scan", "app.py", "--format", "json", cwd=tmp_path)
    [finding] = result.json()["findings"]
    assert finding["rule"] == "webhook-signature-timing-unsafe"
    assert finding["properties"] == {
        "function": "receive",
        "function_line": 18,
        "framework": "flask",
    }
    assert "in `receive` at line 18" in finding["notes"]
    assert any(note.startswith("Fix for flask: ") for note in finding["notes"])
    text = run_cli("scan", "app.py", cwd=tmp_path).out
    assert "in `receive` at line 18" in text


def test_suppression_and_disable(run_cli, tmp_path: Path) -> None:
    lines = UNVERIFIED_FLASK.splitlines()
    target = lines.index("def webhook():")
    lines[target] += "  # wabaguard: ignore[webhook-signature-not-verified]"
    (tmp_path / "app.py").write_text("\n".join(lines) + "\n")
    assert run_cli("scan", "app.py", cwd=tmp_path).code == 0
    (tmp_path / "app.py").write_text(UNVERIFIED_FLASK)
    assert run_cli("scan", "app.py", cwd=tmp_path).code == 1
    (tmp_path / ".wabaguard.toml").write_text('disable = ["webhook-signature-not-verified"]\n')
    disabled = run_cli("scan", "app.py", cwd=tmp_path)
    assert disabled.code == 0, disabled.out


def test_identity_survives_moving_the_handler(run_cli, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(UNVERIFIED_FLASK)
    before = run_cli("scan", "app.py", "--format", "json", cwd=tmp_path).json()["findings"]
    (tmp_path / "app.py").write_text("# a comment\n\n\n" + UNVERIFIED_FLASK)
    after = run_cli("scan", "app.py", "--format", "json", cwd=tmp_path).json()["findings"]
    assert [f["line"] + 3 for f in before] == [f["line"] for f in after]
    assert [f["fingerprint"] for f in before] == [f["fingerprint"] for f in after]


def test_invalid_python_is_a_warning_and_the_credential_scan_still_runs(
    run_cli, tmp_path: Path
) -> None:
    (tmp_path / "app.py").write_text(UNVERIFIED_FLASK + "def broken(:\n")
    document = run_cli("scan", "app.py", "--format", "json", cwd=tmp_path).json()
    [error] = document["errors"]
    assert error["level"] == "warning"
    assert "not valid Python" in error["message"]
    assert document["findings"] == []


def test_the_sarif_report_carries_the_rules(run_cli, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(UNVERIFIED_FLASK)
    sarif = run_cli("scan", "app.py", "--format", "sarif", cwd=tmp_path).json()
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "webhook-signature-not-verified"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 7


def test_test_code_is_not_analysed(run_cli, tmp_path: Path) -> None:
    """Handlers in tests are fakes: the same file under tests/ or named test_*.py is skipped."""
    for relpath in ("tests/app.py", "test_app.py", "src/app.test.js", "handler_test.go"):
        target = tmp_path / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(UNVERIFIED_FLASK)
    (tmp_path / "app.py").write_text(UNVERIFIED_FLASK)
    document = run_cli("scan", ".", "--format", "json", cwd=tmp_path).json()
    assert [f["path"] for f in document["findings"]] == ["app.py"]


def _long_handler(language: str, assignments: int) -> str:
    if language == "javascript":
        body = [
            'app.post("/webhook", (req, res) => {',
            '  const signature = req.headers["x-hub-signature-256"];',
            *(
                f"  const v{i} = signature + v{max(i - 1, 0)} + req.body.entry;"
                for i in range(assignments)
            ),
            f"  if (v{assignments - 1} !== signature) {{ console.log(1); }}",
            "  res.sendStatus(200);",
            "});",
        ]
    else:
        body = [
            '@app.route("/webhook", methods=["POST"])',
            "def webhook():",
            '    signature = request.headers.get("X-Hub-Signature-256")',
            *(
                f"    v{i} = signature + v{max(i - 1, 0)} + str(request.json)"
                for i in range(assignments)
            ),
            f"    if v{assignments - 1} != signature:",
            "        pass",
        ]
    return "\n".join(body) + "\n"


@pytest.mark.parametrize(("language", "suffix"), [("javascript", "js"), ("python", "py")])
def test_analysis_time_grows_linearly_with_a_handlers_length(language: str, suffix: str) -> None:
    """A generous ratio, measured in the same test: 4x the code must cost well under 16x."""
    from wabaguard.core.config import Config
    from wabaguard.webhooks import analyze

    def cost(assignments: int) -> float:
        text = _long_handler(language, assignments)
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            found = list(analyze(f"app.{suffix}", text, Config()))
            best = min(best, time.process_time() - started)
        assert any(f.rule.id == "webhook-signature-timing-unsafe" for f in found)
        return best

    small, large = cost(400), cost(1600)
    assert large < 10 * max(small, 0.005)
