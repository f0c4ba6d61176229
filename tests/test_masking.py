"""Secrets are masked by value: every occurrence of every value found in a file, in every
snippet and message of every format, whatever rule found it and whether that rule is enabled.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fakes

FORMATS = ("text", "json", "sarif", "github", "markdown")

# Builders of values some detector reports, and the name each is assigned to when it is
# written on a line of its own (so that it is found in the file at least once).
BUILDERS: dict[str, tuple[Callable[[int], str], str]] = {
    "meta": (lambda seed: fakes.meta_token(seed=seed), "WHATSAPP_TOKEN"),
    "aws": (lambda seed: fakes.aws_access_key_id(seed=seed), "AWS_ACCESS_KEY_ID"),
    "github": (lambda seed: fakes.github_token(seed=seed), "GH_TOKEN"),
    "infobip": (lambda seed: fakes.infobip_key(seed=seed), "INFOBIP_API_KEY"),
    "green": (lambda seed: fakes.green_api_token(seed=seed), "GREEN_API_TOKEN"),
    "d360": (lambda seed: fakes.d360_key(seed=seed), "D360_API_KEY"),
    "app-token": (lambda seed: fakes.meta_app_token(seed=seed), "FB_APP_TOKEN"),
    "gupshup": (lambda seed: fakes.gupshup_key(seed=seed), "GUPSHUP_API_KEY"),
}


def windows(value: str, width: int = 8) -> set[str]:
    # An app access token is ``APP_ID|SECRET``: the app id is public (findings name it).
    secret = value.rsplit("|", 1)[-1]
    return {secret[i : i + width] for i in range(len(secret) - width + 1)}


def all_outputs(run_cli: Any, root: Path, *extra: str) -> tuple[int, dict[str, str]]:
    """One scan, every format: stdout is text, the others go to report files."""
    reports = {fmt: root.parent / f"report.{fmt}" for fmt in FORMATS if fmt != "text"}
    args = [f"--report={fmt}={path}" for fmt, path in reports.items()]
    result = run_cli("scan", ".", "--no-progress", *args, *extra, cwd=root)
    outputs = {"text": result.out, "stderr": result.err}
    for fmt, path in reports.items():
        outputs[fmt] = path.read_text(encoding="utf-8")
    return result.code, outputs


def assert_masked(outputs: dict[str, str], values: list[str]) -> None:
    for fmt, text in outputs.items():
        for value in values:
            leaked = [w for w in windows(value) if w in text]
            assert not leaked, f"{fmt} shows {leaked[0]!r}… of a secret"


# -- the cases from the report ------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        'KEYS = ["{v}", "{v}"]\n',
        'T = "{v}" if x else "{v}"\n',
        'KEYS = {{"a": "{v}", "b": "{v}", "c": "{v}"}}  # three times\n',
    ],
)
@pytest.mark.parametrize("kind", ["aws", "meta", "github"])
def test_same_value_twice_on_a_line_is_masked_everywhere(
    run_cli: Any, tmp_path: Path, template: str, kind: str
) -> None:
    builder, _ = BUILDERS[kind]
    value = builder(7)
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text(template.format(v=value), encoding="utf-8")
    code, outputs = all_outputs(run_cli, root)
    assert code == 1
    assert_masked(outputs, [value])


def test_entropy_value_equal_to_its_key_is_masked(run_cli: Any, tmp_path: Path) -> None:
    # detect-secrets gives no position; a value that also occurs earlier on the line (here as
    # the key itself) was masked at the wrong place and printed in clear.
    value = fakes.alnum(30, seed=5)
    root = tmp_path / "repo"
    root.mkdir()
    (root / "conf.py").write_text(f'{value}_secret = "{value}"\n', encoding="utf-8")
    code, outputs = all_outputs(run_cli, root, "--entropy")
    assert code == 1
    assert_masked(outputs, [value])


def test_a_disabled_rule_still_masks_what_it_finds(run_cli: Any, tmp_path: Path) -> None:
    """A workflow finding on the line of a key whose credential rule is disabled."""
    key = fakes.aws_access_key_id(seed=11)
    root = tmp_path / "repo"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".wabaguard.toml").write_text('disable = ["aws-access-key", "hardcoded-credential"]\n')
    (root / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        f'      - run: echo "${{{{ secrets.TOKEN }}}}" {key}\n',
        encoding="utf-8",
    )
    code, outputs = all_outputs(run_cli, root)
    assert code == 1
    doc = json.loads(outputs["json"])
    rules = {f["rule"] for f in doc["findings"]}
    assert "secret-printed" in rules and "aws-access-key" not in rules, rules
    [printed] = [f for f in doc["findings"] if f["rule"] == "secret-printed"]
    assert key[:4] + "********" in printed["snippet"]
    assert_masked(outputs, [key])


def test_a_value_found_elsewhere_in_the_file_is_masked_in_every_snippet(
    run_cli: Any, tmp_path: Path
) -> None:
    token = fakes.github_token(seed=12)
    root = tmp_path / "repo"
    root.mkdir()
    # Line 2 holds the token glued to other text (no detector reports it there) beside a key
    # that is reported: the snippet of line 2 must not show the token.
    aws = fakes.aws_access_key_id(seed=13)
    (root / "app.py").write_text(
        f'TOKEN = "{token}"\nX = "{aws}" + "prefix{token}suffix"\n', encoding="utf-8"
    )
    code, outputs = all_outputs(run_cli, root)
    assert code == 1
    doc = json.loads(outputs["json"])
    assert {(f["line"], f["rule"]) for f in doc["findings"]} >= {
        (1, "github-token"),
        (2, "aws-access-key"),
    }
    assert_masked(outputs, [token, aws])


# -- the property ---------------------------------------------------------------------------

FILLER = st.text(
    alphabet=st.sampled_from(list("abcxyzQRS019 _-=:,;()[]{}\"'`./\\+#\t")), max_size=12
)


@st.composite
def planted(draw: st.DrawFn) -> tuple[list[str], list[str], str, list[str]]:
    kinds = draw(st.lists(st.sampled_from(sorted(BUILDERS)), min_size=1, max_size=3))
    seeds = draw(st.lists(st.integers(0, 10_000), min_size=len(kinds), max_size=len(kinds)))
    values = [BUILDERS[k][0](s) for k, s in zip(kinds, seeds, strict=True)]
    # The random line: the values in random order and repetition, with random text around.
    order = draw(st.lists(st.sampled_from(values), min_size=len(values), max_size=6))
    line = "".join(draw(FILLER) + v for v in order) + draw(FILLER)
    names = [BUILDERS[k][1] for k in kinds]
    flags = draw(st.lists(st.sampled_from(["--entropy", "--format=text"]), max_size=1))
    return values, names, line, flags


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=planted(), disable=st.booleans())
def test_no_output_shows_a_planted_value(run_cli: Any, case: Any, disable: bool) -> None:
    values, names, line, flags = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        (root / ".github" / "workflows").mkdir(parents=True)
        found_once = "".join(f'{n} = "{v}"\n' for n, v in zip(names, values, strict=True))
        (root / "app.py").write_text(f"{found_once}{line}\n", encoding="utf-8")
        # And in a workflow: literals in env (found there too) and the line in a script.
        script = line.replace("\\", "/").replace("\t", " ")
        env = "".join(f"      {n}: {v}\n" for n, v in zip(names, values, strict=True))
        (root / ".github" / "workflows" / "ci.yml").write_text(
            "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
            f"    env:\n{env}    steps:\n"
            f'      - run: |\n          echo "${{{{ secrets.X }}}}"\n          {script!r}\n',
            encoding="utf-8",
        )
        if disable:  # the rules that find them are off: they are masked all the same
            (root / ".wabaguard.toml").write_text(
                'disable = ["meta-access-token", "aws-access-key", "github-token"]\n'
            )
        _, outputs = all_outputs(run_cli, root, *flags)
        if not disable:  # the premise: each value is found on its own line, in each file
            found = {(f["path"], f["line"]) for f in json.loads(outputs["json"])["findings"]}
            assert {("app.py", n + 1) for n in range(len(values))} <= found, found
            workflow = ".github/workflows/ci.yml"
            assert {(workflow, n + 7) for n in range(len(values))} <= found, found
        assert_masked(outputs, values)
