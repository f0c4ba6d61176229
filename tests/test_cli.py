"""The CLI end to end: formats, exit codes, config, suppressions, discovery."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import fakes
from conftest import REPO, git
from sarif_check import assert_valid_sarif

FORMATS = ("text", "json", "sarif", "github", "markdown")


def plant(directory: Path) -> dict[str, str]:
    """Files with credentials detect-secrets' built-ins and ours report; returns the secrets."""
    secrets = {
        "aws-access-key": fakes.aws_access_key_id(seed=1),
        "github-token": fakes.github_token(seed=2),
    }
    (directory / "settings.py").write_text(
        f'import os\nAWS_KEY = "{secrets["aws-access-key"]}"\nDEBUG = True\n',
        encoding="utf-8",
    )
    (directory / "deploy.sh").write_text(
        f"#!/bin/sh\nexport GH={secrets['github-token']}\n", encoding="utf-8"
    )
    (directory / "clean.txt").write_text("nothing to see\n", encoding="utf-8")
    return secrets


def test_version(run_cli) -> None:
    result = run_cli("--version")
    assert result.code == 0
    assert "wabaguard" in result.out


def test_clean_tree_exits_zero(run_cli, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("print('hello')\n")
    result = run_cli("scan", str(tmp_path))
    assert result.code == 0, result.err
    assert "0 findings in 1 file" in result.out


def test_findings_exit_one_with_exact_positions(run_cli, tmp_path: Path) -> None:
    secrets = plant(tmp_path)
    result = run_cli("scan", "--format", "json", cwd=tmp_path)
    assert result.code == 1
    doc = result.json()
    got = {(f["path"], f["line"], f["column"], f["end_column"], f["rule"]) for f in doc["findings"]}
    aws = secrets["aws-access-key"]
    assert ("settings.py", 2, 12, 12 + len(aws), "aws-access-key") in got
    assert ("deploy.sh", 2, 11, 11 + len(secrets["github-token"]), "github-token") in got
    assert doc["version"] == 1
    assert doc["stats"]["files_scanned"] == 3
    assert doc["tool"]["name"] == "wabaguard"


@pytest.mark.parametrize(
    ("before", "after"),
    [("password: ", " x.n=x.m+1;"), ('password = "', '";y=z'), ("key=", "\tnext")],
)
def test_key_captured_with_its_delimiters_is_pointed_at_exactly(
    run_cli, tmp_path: Path, before: str, after: str
) -> None:
    # detect-secrets' Artifactory regex captures the space or quote on either side of the key;
    # the finding (and the snippet's mask) must cover the key, not the code after it.
    key = "AP" + "7" + fakes.alnum(20, seed=9)
    (tmp_path / "conf.txt").write_text(before + key + after + "\n", encoding="utf-8")
    result = run_cli("scan", "--format", "json", cwd=tmp_path)
    assert result.code == 1, result.err
    [finding] = [f for f in result.json()["findings"] if f["rule"] == "artifactory-credentials"]
    assert (finding["column"], finding["end_column"]) == (
        len(before) + 1,
        len(before) + 1 + len(key),
    )
    assert after.strip() in finding["snippet"]  # what follows the key is not masked


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_prints_a_secret(run_cli, tmp_path: Path, fmt: str) -> None:
    secrets = plant(tmp_path)
    result = run_cli("scan", "--format", fmt, cwd=tmp_path)
    assert result.code == 1
    assert "aws-access-key" in result.out
    for value in secrets.values():
        assert value not in result.out
        assert value not in result.err
        # Not even a long fragment of it.
        assert value[: len(value) // 2] not in result.out
    if fmt == "sarif":
        assert_valid_sarif(result.out)


def test_report_writes_every_format_from_one_scan(run_cli, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    secrets = plant(work)
    out = tmp_path / "out"
    out.mkdir()
    args = ["scan", str(work), "--format", "text", "--output", str(out / "report.txt")]
    for fmt in FORMATS:
        args += ["--report", f"{fmt}={out / ('r.' + fmt)}"]
    result = run_cli(*args, cwd=tmp_path)
    assert result.code == 1
    assert result.out == ""
    for fmt in FORMATS:
        text = (out / f"r.{fmt}").read_text()
        assert "aws-access-key" in text, fmt
        for value in secrets.values():
            assert value not in text
    assert json.loads((out / "r.json").read_text())["findings"]
    assert assert_valid_sarif(out / "r.sarif")["runs"][0]["results"]


def test_bad_report_spec_is_a_usage_error(run_cli, tmp_path: Path) -> None:
    result = run_cli("scan", str(tmp_path), "--report", "yaml=x")
    assert result.code == 2
    assert "FORMAT=FILE" in result.err


def test_fail_on_threshold(run_cli, tmp_path: Path) -> None:
    plant(tmp_path)
    assert run_cli("scan", "--fail-on", "critical", cwd=tmp_path).code == 0
    assert run_cli("scan", "--fail-on", "high", cwd=tmp_path).code == 1


def test_unknown_option_and_severity_are_usage_errors(run_cli, tmp_path: Path) -> None:
    assert run_cli("scan", "--nope").code == 2
    assert run_cli("scan", "--fail-on", "severe").code == 2
    assert run_cli("explain", "no-such-rule").code == 2


# -- configuration ----------------------------------------------------------------------


def test_config_disable_and_severity(run_cli, tmp_path: Path) -> None:
    plant(tmp_path)
    (tmp_path / ".wabaguard.toml").write_text(
        'disable = ["github-token"]\n[severity]\naws-access-key = "low"\n'
    )
    doc = run_cli("scan", "--format", "json", cwd=tmp_path).json()
    rules = {f["rule"]: f["severity"] for f in doc["findings"]}
    assert "github-token" not in rules
    assert rules["aws-access-key"] == "low"


def test_pyproject_section_and_fail_on(run_cli, tmp_path: Path) -> None:
    plant(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.wabaguard]\nfail-on = "critical"\nexclude = ["*.sh"]\n'
    )
    result = run_cli("scan", "--format", "json", cwd=tmp_path)
    assert result.code == 0
    assert {f["path"] for f in result.json()["findings"]} == {"settings.py"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("colour = true\n", "unknown key(s) colour"),
        ('fail-on = "severe"\n', "unknown severity 'severe'"),
        ('disable = ["no-such-rule"]\n', "unknown rule id(s) no-such-rule"),
        ("exclude = 3\n", "exclude must be a list of strings"),
        ("max-file-size = -1\n", "max-file-size must be a positive integer"),
        ("this is not toml\n", "invalid TOML"),
    ],
)
def test_bad_config_is_exit_two(run_cli, tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / ".wabaguard.toml").write_text(content)
    result = run_cli("scan", cwd=tmp_path)
    assert result.code == 2
    assert message in result.err
    assert ".wabaguard.toml" in result.err


def test_explicit_config_file_missing(run_cli, tmp_path: Path) -> None:
    result = run_cli("scan", "--config", str(tmp_path / "nope.toml"), cwd=tmp_path)
    assert result.code == 2
    assert "not found" in result.err


# -- suppressions -----------------------------------------------------------------------


def test_inline_suppressions(run_cli, tmp_path: Path) -> None:
    keys = [fakes.aws_access_key_id(seed=s) for s in range(10, 15)]
    (tmp_path / "s.py").write_text(
        f'a = "{keys[0]}"  # pragma: allowlist secret\n'
        "# pragma: allowlist nextline secret\n"
        f'b = "{keys[1]}"\n'
        f'c = "{keys[2]}"  # wabaguard: ignore[aws-access-key]\n'
        f'd = "{keys[3]}"  # wabaguard: ignore[github-token]\n'
        f'e = "{keys[4]}"  # wabaguard: ignore\n'
    )
    doc = run_cli("scan", "--format", "json", cwd=tmp_path).json()
    assert [(f["line"], f["rule"]) for f in doc["findings"]] == [(5, "aws-access-key")]


def test_baseline_round_trip_with_detect_secrets(run_cli, tmp_path: Path) -> None:
    secrets = plant(tmp_path)
    created = run_cli("baseline", ".secrets.baseline", cwd=tmp_path)
    assert created.code == 0, created.err
    baseline_text = (tmp_path / ".secrets.baseline").read_text()
    for value in secrets.values():
        assert value not in baseline_text
    doc = json.loads(baseline_text)
    assert set(doc["results"]) == {"settings.py", "deploy.sh"}
    assert run_cli("scan", "--baseline", ".secrets.baseline", cwd=tmp_path).code == 0
    # A new secret is still reported.
    fresh = fakes.aws_access_key_id(seed=99)
    (tmp_path / "new.py").write_text(f'K = "{fresh}"\n')
    result = run_cli("scan", "--baseline", ".secrets.baseline", "--format", "json", cwd=tmp_path)
    assert result.code == 1
    assert [f["path"] for f in result.json()["findings"]] == ["new.py"]
    # Plain detect-secrets opens it.
    report = subprocess.run(
        [sys.executable, "-m", "detect_secrets", "audit", "--report", ".secrets.baseline"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert report.returncode == 0, report.stderr
    types = {item["types"][0] for item in json.loads(report.stdout)["results"]}
    assert {"AWS Access Key", "GitHub Token"} <= types


def test_baseline_update_keeps_audit_labels(run_cli, tmp_path: Path) -> None:
    plant(tmp_path)
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    doc = json.loads((tmp_path / "b.json").read_text())
    doc["results"]["settings.py"][0]["is_secret"] = False
    (tmp_path / "b.json").write_text(json.dumps(doc))
    (tmp_path / "deploy.sh").unlink()
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    updated = json.loads((tmp_path / "b.json").read_text())
    assert set(updated["results"]) == {"settings.py"}
    assert updated["results"]["settings.py"][0]["is_secret"] is False


def test_bad_baseline_is_exit_two(run_cli, tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text("{not json")
    result = run_cli("scan", "--baseline", "b.json", cwd=tmp_path)
    assert result.code == 2
    assert "not a readable baseline" in result.err


# -- discovery --------------------------------------------------------------------------


def test_git_repo_scans_tracked_and_untracked_not_ignored(run_cli, git_repo: Path) -> None:
    plant(git_repo)
    (git_repo / ".gitignore").write_text("ignored/\n")
    (git_repo / "ignored").mkdir()
    (git_repo / "ignored" / "k.py").write_text(f'K = "{fakes.aws_access_key_id(seed=5)}"\n')
    git(git_repo, "add", "settings.py")
    doc = run_cli("scan", "--format", "json", cwd=git_repo).json()
    paths = {f["path"] for f in doc["findings"]}
    assert paths == {"settings.py", "deploy.sh"}


def test_outside_git_honours_gitignore_and_excludes(run_cli, tmp_path: Path) -> None:
    plant(tmp_path)
    (tmp_path / ".gitignore").write_text("*.sh\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / ".gitignore").write_text("secret.py\n")
    (sub / "secret.py").write_text(f'K = "{fakes.aws_access_key_id(seed=6)}"\n')
    (sub / "kept.py").write_text(f'K = "{fakes.aws_access_key_id(seed=7)}"\n')
    doc = run_cli("scan", "--format", "json", "--exclude", "settings.py", cwd=tmp_path).json()
    assert {f["path"] for f in doc["findings"]} == {"sub/kept.py"}


def test_binary_huge_and_symlinked_files_are_skipped_and_counted(run_cli, tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    key = fakes.aws_access_key_id(seed=8)
    (root / "blob.py").write_bytes(b"\0\1\2" + f'K = "{key}"'.encode())
    (root / "big.txt").write_text(f'K = "{key}"\n' + "x" * 5000)
    outside = tmp_path / "outside.py"
    outside.write_text(f'K = "{key}"\n')
    (root / "link.py").symlink_to(outside)
    result = run_cli("scan", ".", "--format", "json", "--max-file-size", "1000", cwd=root)
    doc = result.json()
    assert result.code == 0
    reasons = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert reasons["blob.py"] == "binary file"
    assert "larger than the 1000-byte limit" in reasons["big.txt"]
    assert reasons["link.py"] == "symbolic link pointing outside the scanned tree"
    assert doc["stats"]["files_skipped"] == 3


def test_invalid_utf8_is_reported_and_still_scanned(run_cli, tmp_path: Path) -> None:
    key = fakes.aws_access_key_id(seed=9)
    (tmp_path / "latin.py").write_bytes(b"# caf\xe9\n" + f'K = "{key}"\n'.encode())
    doc = run_cli("scan", "--format", "json", cwd=tmp_path).json()
    assert [f["line"] for f in doc["findings"]] == [2]
    assert doc["errors"][0]["path"] == "latin.py"
    assert "invalid UTF-8" in doc["errors"][0]["message"]


def test_files_from(run_cli, tmp_path: Path) -> None:
    plant(tmp_path)
    (tmp_path / "list.txt").write_text("deploy.sh\n\nclean.txt\n")
    doc = run_cli("scan", "--files-from", "list.txt", "--format", "json", cwd=tmp_path).json()
    assert {f["path"] for f in doc["findings"]} == {"deploy.sh"}
    assert doc["stats"]["files_scanned"] == 2


# -- output details ---------------------------------------------------------------------


def test_text_output_has_no_colour_when_piped(run_cli, tmp_path: Path) -> None:
    plant(tmp_path)
    result = run_cli("scan", cwd=tmp_path)
    assert "\033[" not in result.out
    assert result.out.rstrip().splitlines()[-1].startswith("2 findings (2 high) in 3 files")


def test_force_color_and_no_color(run_cli, tmp_path: Path, monkeypatch) -> None:
    plant(tmp_path)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\033[" in run_cli("scan", cwd=tmp_path).out
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in run_cli("scan", cwd=tmp_path).out


def test_github_annotations_escape_properties(run_cli, tmp_path: Path) -> None:
    odd = tmp_path / "a,b:c%d.py"
    odd.write_text(f'K = "{fakes.aws_access_key_id(seed=3)}"\n')
    out = run_cli("scan", "--format", "github", cwd=tmp_path).out
    line = out.splitlines()[0]
    assert line.startswith("::error file=a%2Cb%3Ac%25d.py,line=1,")
    assert "title=wabaguard aws-access-key (high; high confidence)::" in line


def test_rules_and_explain(run_cli) -> None:
    listed = run_cli("rules", "--format", "json")
    assert listed.code == 0
    ids = [r["id"] for r in json.loads(listed.out)]
    assert "aws-access-key" in ids
    assert len(ids) == len(set(ids))
    text = run_cli("rules").out
    assert "aws-access-key" in text
    page = run_cli("explain", "aws-access-key")
    assert page.code == 0
    assert page.out.startswith("# aws-access-key")


def test_subprocess_entry_point(tmp_path: Path) -> None:
    plant(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    proc = subprocess.run(
        [sys.executable, "-m", "wabaguard", "scan", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert proc.returncode == 1, proc.stderr
    assert {f["rule"] for f in json.loads(proc.stdout)["findings"]} >= {"aws-access-key"}


def test_repository_scans_clean(tmp_path: Path) -> None:
    """Dogfooding: this repository holds no token-shaped literal."""
    proc = subprocess.run(
        [sys.executable, "-m", "wabaguard", "scan", "--format", "json", "--no-progress", "."],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    doc = json.loads(proc.stdout)
    assert doc["findings"] == [], [(f["path"], f["line"], f["rule"]) for f in doc["findings"]]
    assert proc.returncode == 0


def test_demo_scans_a_generated_sample(run_cli) -> None:
    result = run_cli("demo", "--format", "json")
    assert result.code == 1
    rules = {f["rule"] for f in result.json()["findings"]}
    assert "meta-access-token" in rules
    assert "EAAB" not in result.out.replace("'EAAB…'", "").replace("EAAB********", "")


def test_parallel_scan_matches_serial(run_cli, tmp_path: Path) -> None:
    for i in range(80):
        body = f'K = "{fakes.aws_access_key_id(seed=100 + i)}"\n' if i % 7 == 0 else "x = 1\n"
        (tmp_path / f"m{i:03}.py").write_text(body * 3)
    serial = run_cli("scan", "--format", "json", "--jobs", "1", cwd=tmp_path).json()
    parallel = run_cli("scan", "--format", "json", "--jobs", "2", cwd=tmp_path).json()
    assert serial["findings"] == parallel["findings"]
    assert len(serial["findings"]) == 12 * 3
    assert parallel["stats"]["files_scanned"] == 80


@pytest.mark.slow  # waits past the one-second progress delay, twice
def test_progress_only_on_a_terminal(tmp_path: Path) -> None:
    """A slow scan on a terminal shows files done/total on stderr; piped, it never does."""
    import pty

    for i in range(3):
        (tmp_path / f"f{i}.txt").write_text("hello\n")
    code = (
        "import sys, time, wabaguard.cli.scan as s\n"
        "orig = s.scan_file\n"
        "def slow(*a, **k):\n"
        "    time.sleep(0.6)\n"
        "    return orig(*a, **k)\n"
        "s.scan_file = slow\n"
        "from wabaguard.cli import main\n"
        "sys.exit(main(['scan', '.', '--format', 'json', '-o', 'out.json']))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdout and stderr are the terminal
        os.chdir(tmp_path)
        os.execve(sys.executable, [sys.executable, "-c", code], env)
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"wabaguard: 3/3 files" in seen
    piped = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, check=False
    )
    assert b"/3 files" not in piped.stderr and b"\r" not in piped.stderr


def test_output_directories_are_created(run_cli, tmp_path: Path) -> None:
    plant(tmp_path)
    result = run_cli(
        "scan", "-o", "out/deep/report.txt", "--report", "sarif=out/x/r.sarif", cwd=tmp_path
    )
    assert result.code == 1
    assert (tmp_path / "out" / "deep" / "report.txt").read_text().count("aws-access-key") == 1
    assert_valid_sarif(tmp_path / "out" / "x" / "r.sarif")


def test_files_from_keeps_spaces_in_names(run_cli, tmp_path: Path) -> None:
    name = " lead and trail .py "
    (tmp_path / name).write_text(f'K = "{fakes.aws_access_key_id(seed=41)}"\n')
    (tmp_path / "list.txt").write_text(f"{name}\r\n")
    doc = run_cli("scan", "--files-from", "list.txt", "--format", "json", cwd=tmp_path).json()
    assert [f["path"] for f in doc["findings"]] == [name]


def test_basic_auth_points_at_the_password_not_an_earlier_word(run_cli, tmp_path: Path) -> None:
    password = fakes.alnum(14, seed=51)
    line = f'# the password goes here: url = "https://admin:{password}@db.example.com/x"\n'
    (tmp_path / "a.py").write_text(line)
    doc = run_cli("scan", "--format", "json", cwd=tmp_path).json()
    [finding] = doc["findings"]
    assert finding["rule"] == "basic-auth-credentials"
    assert line[finding["column"] - 1 : finding["end_column"] - 1] == password
    assert password not in finding["snippet"]


def test_an_ignored_directory_named_explicitly_is_scanned(run_cli, git_repo: Path) -> None:
    (git_repo / ".gitignore").write_text("vendor/\n")
    (git_repo / "vendor").mkdir()
    (git_repo / "vendor" / "k.py").write_text(f'K = "{fakes.aws_access_key_id(seed=52)}"\n')
    assert run_cli("scan", "--format", "json", cwd=git_repo).json()["findings"] == []
    doc = run_cli("scan", "vendor", "--format", "json", cwd=git_repo).json()
    assert [f["path"] for f in doc["findings"]] == ["vendor/k.py"]


def test_a_clean_hook_run_imports_no_network_stack(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("print('hello')\n")
    code = (
        "import sys\nfrom wabaguard.cli import main\nrc = main(['scan', 'a.py'])\n"
        "heavy = [m for m in ('requests', 'detect_secrets', 'pathspec') if m in sys.modules]\n"
        "print(rc, heavy)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip().splitlines()[-1] == "0 []"


def test_a_workflow_pinning_images_by_digest_loads_no_detect_secrets(tmp_path: Path) -> None:
    # "@sha256:" then 64 hex digits once matched the Telegram prefilter (one digit, a colon,
    # 35 token characters), so every such workflow imported detect-secrets and requests.
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    digest = fakes.hex_string(64, seed=61)
    (wf / "ci.yml").write_text(
        "on: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
        f"    container:\n      image: ghcr.io/acme/build@sha256:{digest}\n"
        "    steps:\n      - run: make test\n"
    )
    code = (
        "import sys\nfrom wabaguard.cli import main\nrc = main(['scan', '.'])\n"
        "print(rc, 'detect_secrets' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip().splitlines()[-1] == "0 False"


@pytest.mark.parametrize(
    ("config", "rules_loaded"),
    [('exclude = ["vendor/"]\n', False), ('disable = ["github-token"]\n', True)],
)
def test_a_config_naming_no_rule_loads_no_rule_module(
    tmp_path: Path, config: str, rules_loaded: bool
) -> None:
    # Checking rule ids imports every rule module (workflow analysis and its shell parser);
    # a hook run with a config that names no rule does without.
    (tmp_path / ".wabaguard.toml").write_text(config)
    (tmp_path / "a.py").write_text("print('hello')\n")
    code = (
        "import sys\nfrom wabaguard.cli import main\nrc = main(['scan', 'a.py'])\n"
        "print(rc, 'wabaguard.workflows.rules' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip().splitlines()[-1] == f"0 {rules_loaded}"


# -- where reports go ---------------------------------------------------------------------


def test_output_to_a_file_prints_the_summary_on_stderr(run_cli, tmp_path: Path) -> None:
    plant(tmp_path)
    result = run_cli(
        "scan", "--format", "sarif", "-o", "out.sarif", "--exclude", "out.*", cwd=tmp_path
    )
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith("2 findings (2 high) in 3 files (0 skipped, 0 errors) in ")
    assert result.err.count("\n") == 1
    assert_valid_sarif(tmp_path / "out.sarif")
    # To stdout, the report is all there is: no extra line on stderr.
    assert run_cli("scan", "--format", "json", cwd=tmp_path).err == ""


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "r.txt", "--report", "json=r.txt"],
        ["-o", "r.txt", "--report", "json=./sub/../r.txt"],
        ["--report", "json=r.json", "--report", "sarif=r.json"],
        ["--report", "json=-"],  # stdout, where the main report goes
        ["-o", "-", "--report", "sarif=-"],
        ["-o", "link.txt", "--report", "json=r.txt"],  # the same file through a symlink
        ["--baseline", "b.json", "--report", "json=b.json"],  # would destroy the baseline
    ],
)
def test_two_outputs_to_one_file_are_a_usage_error(run_cli, tmp_path: Path, args) -> None:
    plant(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.txt").symlink_to(tmp_path / "r.txt")
    assert run_cli("baseline", "b.json", cwd=tmp_path).code == 0
    baseline = (tmp_path / "b.json").read_text()
    result = run_cli("scan", *args, cwd=tmp_path)
    assert result.code == 2
    assert "wabaguard: error: " in result.err
    assert result.out == ""
    assert not (tmp_path / "r.txt").exists() and not (tmp_path / "r.json").exists()
    assert (tmp_path / "b.json").read_text() == baseline


@pytest.mark.parametrize("n", [1, 2])
def test_counts_in_human_output_are_pluralised(run_cli, tmp_path: Path, n: int) -> None:
    for i in range(n):
        (tmp_path / f"k{i}.py").write_text(f'K = "{fakes.aws_access_key_id(seed=300 + i)}"\n')
        (tmp_path / f"latin{i}.txt").write_bytes(b"caf\xe9\n")  # a warning each
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    for i in range(n):
        (wf / f"broken{i}.yml").write_text("on: push\njobs: [unclosed\n")  # an error each
    outputs = []
    for fmt in ("text", "markdown"):
        result = run_cli("scan", "--format", fmt, cwd=tmp_path)
        outputs += [result.out, result.err]
    to_file = run_cli("scan", "-o", str(tmp_path.parent / f"r{n}.txt"), cwd=tmp_path)
    outputs.append(to_file.err)
    everything = "\n".join(outputs)
    s = "" if n == 1 else "s"
    files = 3 * n
    assert (
        f"{n} finding{s} ({n} high) in {files} files (0 skipped, {n} error{s}, {n} warning{s})"
        in everything
    )
    assert f"**{n} finding{s}** in {files} files." in everything
    assert f"{n} file{s} could not be fully analysed" in everything
    assert f"{n} file{s} analysed with a warning" in everything
    assert "(s)" not in everything
    assert not re.search(r"\b1 (files|findings|errors|warnings|secrets)\b", everything)


def test_one_clean_file_is_one_file(run_cli, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    assert "0 findings in 1 file (0 skipped, 0 errors) in" in run_cli("scan", cwd=tmp_path).out
    md = run_cli("scan", "--format", "markdown", cwd=tmp_path).out
    assert "No findings in 1 file. :white_check_mark:" in md
