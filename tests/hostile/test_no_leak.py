"""Nothing wabaguard writes contains a secret it read: not a full one, not half of one.

Fake secrets are built at run time (``tests/fakes.py``), planted in many files and shapes,
including files that make wabaguard report errors, and every output is searched: the five
report formats, stderr, ``--report`` and ``--output`` files, the step summary, the baseline,
and every other file that appeared or changed in the tree.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile_util import FORMATS

import fakes
from sarif_check import assert_valid_sarif


def secrets() -> dict[str, str]:
    return {
        "meta": fakes.meta_token(seed=301),
        "meta-2": fakes.meta_token(seed=302, body_len=90),
        "aws": fakes.aws_access_key_id(seed=303),
        "github": fakes.github_token(seed=304),
        "infobip": fakes.infobip_key(seed=305),
        "green": fakes.green_api_token(seed=306),
        "app-token": fakes.meta_app_token(seed=307),
        "d360": fakes.d360_key(seed=308),
        "gupshup": fakes.gupshup_key(seed=309),
        # Literals no detector knows; workflow analysis reports them (hardcoded-credential).
        "registry-password": fakes.alnum(18, seed=311),
        "db-password": fakes.alnum(16, seed=312),
        "codecov": fakes.uuid4(seed=313),
        "flow-password": fakes.alnum(20, seed=314),
    }


WORKFLOW_ONLY = ("registry-password", "db-password", "codecov", "flow-password")

# No detector knows this one, so a snippet of its line may show it (snippets mask what was
# found); but no error message may quote it: parsers' messages are scrubbed of token-like runs.
UNDETECTED = fakes.alnum(44, seed=310)


def fragments(value: str) -> Iterator[str]:
    """The value, each half of it, and its middle half."""
    half = len(value) // 2
    yield value
    yield value[:half]
    yield value[half:]
    yield value[half // 2 : half // 2 + half]


def plant(root: Path, s: dict[str, str]) -> None:
    (root / "settings.py").write_text(
        f'META_TOKEN = "{s["meta"]}"\nAWS = "{s["aws"]}"\n', encoding="utf-8"
    )
    (root / ".env").write_text(
        f"GITHUB_TOKEN={s['github']}\nINFOBIP_API_KEY={s['infobip']}\n"
        f"D360-API-KEY={s['d360']}\nGUPSHUP_API_KEY={s['gupshup']}\n",
        encoding="utf-8",
    )
    (root / "green.js").write_text(
        f'const url = "https://api.green-api.com/waInstance1101/sendMessage/{s["green"]}";\n',
        encoding="utf-8",
    )
    (root / "app.json").write_text(
        f'{{"facebook": {{"app_token": "{s["app-token"]}"}}}}\n', encoding="utf-8"
    )
    (root / "notebook.ipynb").write_text(
        '{"cells": [{"source": ["TOKEN = \\"' + s["meta-2"] + '\\"\\n"]}]}\n', encoding="utf-8"
    )
    # Invalid UTF-8 on the very line of the secret, and UTF-16.
    (root / "latin1.py").write_bytes(
        b"# caf\xe9\n" + f'TOKEN = "{s["meta"]}"  # '.encode() + b"caf\xe9\n"
    )
    (root / "utf16.env").write_bytes(f"AWS_KEY={s['aws']}\n".encode("utf-16"))
    # Very long line holding a secret (snippets are capped, not the secret's masking).
    (root / "long.js").write_text("x" * 5000 + f' t="{s["github"]}" ' + "y" * 5000 + "\n")
    wf = root / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "hardcoded.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env:\n"
        f"      WHATSAPP_TOKEN: {s['meta']}\n    steps:\n"
        "      - run: |\n"
        f'          curl -H "Authorization: Bearer {s["meta-2"]}" https://graph.facebook.com\n'
        f"      - run: echo {s['github']}\n",
        encoding="utf-8",
    )
    (wf / "literals.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    container:\n      image: ghcr.io/acme/x\n      credentials:\n"
        f"        username: bot\n        password: {s['registry-password']}\n"
        "    services:\n      db:\n        image: postgres\n        env:\n"
        f"          POSTGRES_PASSWORD: {s['db-password']}\n"
        "    steps:\n      - uses: codecov/codecov-action@v4\n        with:\n"
        f"          token: {s['codecov']}\n"
        # One line with a detector's secret and a literal beside it: both masked.
        f"      - env: {{AWS_KEY: {s['aws']}, DEPLOY_PASSWORD: {s['flow-password']}}}\n"
        "        run: make deploy\n",
        encoding="utf-8",
    )
    # Malformed YAML with secrets in the very places a parser error would quote.
    (wf / "broken.yml").write_text(
        f"on: push\njobs:\n  a: [{s['meta']}, {UNDETECTED}\n", encoding="utf-8"
    )
    (wf / "dupkey.yml").write_text(
        f"on: push\njobs: {{}}\n{UNDETECTED}: 1\n{UNDETECTED}: 2\n", encoding="utf-8"
    )
    (wf / "alias.yml").write_text(f"on: push\njobs: *{UNDETECTED}\n", encoding="utf-8")
    (wf / "tag.yml").write_text(f"on: push\njobs: !{UNDETECTED} {{}}\n", encoding="utf-8")


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def assert_clean(where: str, text: str, s: dict[str, str]) -> None:
    for name, value in s.items():
        for piece in fragments(value):
            assert piece not in text, f"{where} contains (part of) the {name} secret"


def assert_errors_clean(doc: dict[str, Any], err: str) -> None:
    for piece in fragments(UNDETECTED):
        assert piece not in err
        for error in doc["errors"]:
            assert piece not in error["message"], error


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "repo"
    root.mkdir()
    s = secrets()
    plant(root, s)
    return root, s


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_leaks(run_cli: Any, tree: tuple[Path, dict[str, str]], fmt: str) -> None:
    root, s = tree
    result = run_cli("scan", "--format", fmt, ".", cwd=root)
    assert result.code == 1, result.err
    assert_clean(f"{fmt} output", result.out, s)
    assert_clean("stderr", result.err, s)
    if fmt == "sarif":
        assert_valid_sarif(result.out)


def test_findings_and_errors_are_there(run_cli: Any, tree: tuple[Path, dict[str, str]]) -> None:
    """The leak tests above are only meaningful if the secrets were found and errors raised."""
    root, _ = tree
    result = run_cli("scan", "--format", "json", ".", cwd=root)
    doc = result.json()
    assert_errors_clean(doc, result.err)
    found = {f["path"] for f in doc["findings"]}
    assert {"settings.py", ".env", ".github/workflows/hardcoded.yml", "utf16.env"} <= found
    assert "latin1.py" in found
    errors = {e["path"] for e in doc["errors"]}
    assert ".github/workflows/hardcoded.yml" not in errors
    # The workflow rule found the Meta token too: one value, one finding, the other related.
    assert any(
        f["path"] == ".github/workflows/hardcoded.yml"
        and f["rule"] == "meta-access-token"
        and f["related_rules"] == ["hardcoded-credential"]
        for f in doc["findings"]
    ), doc["findings"]
    literal_lines = {
        f["line"]
        for f in doc["findings"]
        if f["path"] == ".github/workflows/literals.yml" and f["rule"] == "hardcoded-credential"
    }
    assert {9, 18, 19} <= literal_lines, doc["findings"]  # registry, codecov, flow mapping
    assert {
        ".github/workflows/broken.yml",
        ".github/workflows/dupkey.yml",
        ".github/workflows/alias.yml",
        ".github/workflows/tag.yml",
        "latin1.py",
    } <= errors


def test_report_files_summary_and_baseline(
    run_cli: Any, tree: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, s = tree
    out = root.parent / "out"
    out.mkdir()
    summary = out / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    before = snapshot(root)
    args = ["scan", ".", "--format", "sarif", "--output", str(out / "main.sarif")]
    for fmt in FORMATS:
        args += ["--report", f"{fmt}={out / ('r.' + fmt)}"]
    args += ["--report", f"markdown={summary}"]
    result = run_cli(*args, cwd=root)
    assert result.code == 1
    assert_clean("stderr", result.err, s)
    base = run_cli("baseline", ".secrets.baseline", ".", cwd=root)
    assert base.code == 0, base.err
    assert_clean("baseline stderr", base.err, s)
    written = sorted(out.iterdir())
    assert len(written) == len(FORMATS) + 2
    assert_valid_sarif(out / "main.sarif")
    assert_valid_sarif(out / "r.sarif")
    for path in written:
        assert_clean(str(path), path.read_text(encoding="utf-8"), s)
    # Every file wabaguard created or changed in the scanned tree (the baseline, nothing else).
    after = snapshot(root)
    changed = [p for p, data in after.items() if before.get(p) != data]
    assert changed == [root / ".secrets.baseline"], changed
    for path in changed:
        assert_clean(str(path), path.read_text(encoding="utf-8"), s)
    # No temporary file left behind next to the baseline.
    assert not [p for p in root.iterdir() if p.name.startswith(".wabaguard-")]


def test_internal_error_in_a_detector_does_not_leak(
    run_cli: Any, tree: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A detector that raises with the line in its message: reported by path, no content."""
    from wabaguard.detectors.meta import MetaAccessTokenDetector

    root, s = tree

    def explode(self: object, line: str, context: object) -> Iterator[object]:
        raise ValueError(f"cannot handle {line!r}")

    monkeypatch.setattr(MetaAccessTokenDetector, "scan_line", explode)
    for fmt in FORMATS:
        result = run_cli("scan", "--format", fmt, ".", cwd=root)
        assert result.code == 1, result.err  # other files' findings win over the error
        assert_clean(f"{fmt} output", result.out, s)
        assert_clean("stderr", result.err, s)
        assert "Traceback" not in result.err
        if fmt == "sarif":
            assert_valid_sarif(result.out)
    doc = run_cli("scan", "--format", "json", ".", cwd=root).json()
    messages = {e["path"]: e["message"] for e in doc["errors"]}
    assert "internal error" in messages["settings.py"]
    assert "ValueError" in messages["settings.py"]
    # The rest of the scan went on: other files' findings are still reported.
    assert any(f["path"] == ".env" for f in doc["findings"])


def test_internal_error_in_workflow_analysis_does_not_leak(
    run_cli: Any, tree: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import wabaguard.workflows as workflows

    root, s = tree

    def explode(path: str, text: str, config: object) -> Iterator[object]:
        raise RuntimeError(text)

    monkeypatch.setattr(workflows, "analyze", explode)
    result = run_cli("scan", "--format", "json", ".", cwd=root)
    # With the analysis gone, its literals are undetected (a snippet of a credential found
    # on the same line may show them, as with UNDETECTED); the detectors' secrets never are.
    known = {name: value for name, value in s.items() if name not in WORKFLOW_ONLY}
    assert_clean("json output", result.out, known)
    assert_clean("stderr", result.err, known)
    for value in (s[name] for name in WORKFLOW_ONLY):
        assert value not in result.err
    doc = result.json()
    hard = [e for e in doc["errors"] if e["path"] == ".github/workflows/hardcoded.yml"]
    assert hard and "internal error in the workflow analysis" in hard[0]["message"]
    # The credential pass over the same file still reported its findings.
    assert any(f["path"] == ".github/workflows/hardcoded.yml" for f in doc["findings"])


def test_debug_traceback_only_when_asked(
    run_cli: Any, tree: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from wabaguard.detectors.meta import MetaAccessTokenDetector

    root, _ = tree

    def explode(self: object, line: str, context: object) -> Iterator[object]:
        raise ValueError("boom")

    monkeypatch.setattr(MetaAccessTokenDetector, "scan_line", explode)
    assert "Traceback" not in run_cli("scan", ".", cwd=root).err
    monkeypatch.setenv("WABAGUARD_DEBUG", "1")
    assert "Traceback" in run_cli("scan", ".", cwd=root).err


def test_top_level_internal_error_does_not_leak(
    run_cli: Any, tree: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception escaping everything (a reporter bug) quoting a secret: exit 2, no text."""
    import wabaguard.reporters as reporters

    root, s = tree

    def explode(*args: object, **kwargs: object) -> str:
        raise RuntimeError(s["meta"])

    monkeypatch.setattr(reporters, "render", explode)
    result = run_cli("scan", ".", cwd=root)
    assert result.code == 2
    assert "internal error (RuntimeError)" in result.err
    assert_clean("stderr", result.err, s)


def test_temporary_files_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The baseline is written through a 0600 temporary file, then renamed."""
    import tempfile

    import wabaguard.baseline as baseline

    modes: list[int] = []
    real_mkstemp = tempfile.mkstemp

    def spy(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        modes.append(os.stat(name).st_mode & 0o777)
        return fd, name

    monkeypatch.setattr(baseline.tempfile, "mkstemp", spy)
    target = tmp_path / "b.json"
    baseline.write_baseline(str(target), [])
    assert modes == [0o600]
    assert [p.name for p in tmp_path.iterdir()] == ["b.json"]
