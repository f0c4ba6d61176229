"""Properties over random input: detectors, the workflow parser and the shell analysis.

Example counts are modest (the whole of tests/hostile stays well under 90 s); set
``HOSTILE_EXAMPLES=5000`` for a longer search.
"""

from __future__ import annotations

import dataclasses
import os
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import fakes

HOSTILE = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize="HOSTILE_EXAMPLES" not in os.environ,
)


def _detectors() -> tuple[Any, ...]:
    from wabaguard.detectors import all_detectors

    return all_detectors()


DETECTORS = _detectors()
PATHS = ("a.py", "config.env", "app.json", ".github/workflows/x.yml", "Dockerfile", "README.md")

# Pieces that steer random lines towards what the detectors look for.
NEAR = (
    "EAA", "EAAB", "D360-API-KEY", "D360_API_KEY", "waInstance", "idInstance", "apiTokenInstance",
    "WHATSAPP_TOKEN", "whatsapp", "verify_token", "hub.verify_token", "app_secret", "secret",
    "Authorization", "Bearer ", "App ", "x-api-key", "token", "api_key", "|", "%7C", "=", ":",
    ": ", "=>", ":=", '"', "'", "`", "\\\"", "${{", "}}", "${", "$(", "os.environ[", "getenv(",
    "process.env.", "<", ">", "#", "//", " ", "\t", "-", "_", ".", "/", "?", "&", "https://",
    "graph.facebook.com", "api.green-api.com", "infobip", "gupshup", "kaleyra", "chat-api.com",
    "your_token_here", "xxxx", "0", "9", "a", "f", "Z", "é", "\u2028", "\x00",
)  # fmt: skip


def _secrets() -> list[str]:
    return [
        fakes.meta_token(seed=1),
        fakes.meta_token(seed=2, body_len=60),
        fakes.infobip_key(seed=3),
        fakes.green_api_token(seed=4),
        fakes.meta_app_token(seed=5),
        fakes.hex_string(32, seed=6),
        fakes.d360_key(seed=7),
        fakes.gupshup_key(seed=8),
        fakes.kaleyra_key(seed=9),
        fakes.alnum(25, seed=10),
        fakes.uuid4(seed=11),
    ]


piece = st.one_of(
    st.sampled_from(NEAR),
    st.sampled_from(_secrets()),
    st.text(min_size=1, max_size=12),
    st.text(alphabet=string.hexdigits + "xyzEA", min_size=1, max_size=90),
)
lines = st.lists(piece, max_size=14).map("".join).filter(lambda s: "\n" not in s)


@HOSTILE
@given(line=lines, path=st.sampled_from(PATHS), before=st.lists(lines, max_size=3))
@example(line='D360-API-KEY: "' + "a1" * 16 + '"', path="a.env", before=[])
@example(line="EAA" + "A" * 200, path="a.py", before=[])
def test_detectors_on_random_lines(line: str, path: str, before: list[str]) -> None:
    from wabaguard.detectors.base import LineContext

    window = [*before, line]
    context = LineContext(window, len(before), path)
    for detector in DETECTORS:
        matches = list(detector.scan_line(line, context))  # never raises
        for m in matches:
            assert 0 <= m.start < m.end <= len(line), (type(detector).__name__, m)
            assert line[m.start : m.end] == m.secret, (type(detector).__name__, m)
            # The prefilter contract: a superset of every line the detector reports.
            assert detector.prefilter.search(line), (type(detector).__name__, line)
            assert m.secret not in m.detail


# -- workflows --------------------------------------------------------------------------------

NAMES = st.sampled_from(["TOKEN", "WA_TOKEN", "API_KEY", "PASSWORD", "USER", "DEBUG", "x"])
EXPRESSIONS = st.sampled_from(
    [
        "${{ secrets.WA_TOKEN }}", "${{ secrets.API_KEY }}", "${{ github.event.issue.title }}",
        "${{ toJSON(secrets) }}", "${{ secrets[matrix.name] }}", "${{ env.TOKEN }}",
        "${{ steps.a.outputs.token }}", "${{ secrets.X || 'dflt' }}", "${{", "}}", "plain",
    ]
)  # fmt: skip
SCRIPT_LINES = st.one_of(
    st.sampled_from(
        [
            "echo $TOKEN", 'curl -H "Authorization: Bearer $TOKEN" https://graph.facebook.com',
            "set -x", "env", "printenv", 'echo "TOKEN=$TOKEN" >> "$GITHUB_ENV"',
            "echo ::add-mask::$TOKEN", "mysql -p$PASSWORD", "docker login -p $API_KEY",
            "export A=$(curl -s https://x)", "cat <<EOF\n$TOKEN\nEOF",
            "for i in 1 2; do echo $i; done",
            "if [ -n \"$TOKEN\" ]; then echo ok; fi", "f() { echo $1; }; f $TOKEN",
            "echo ${TOKEN:0:3}", "base64 <<< $TOKEN", "echo $((1+2))", "case $x in a) ;; esac",
            "((", "$(", "`", "'", '"', "\\", "<<", "}", "esac", "fi", "done",
        ]
    ),
    EXPRESSIONS.map(lambda e: f"echo {e}"),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n"), max_size=30),
)  # fmt: skip
scripts = st.lists(SCRIPT_LINES, min_size=1, max_size=6).map("\n".join)


@st.composite
def workflows(draw: st.DrawFn) -> dict[str, Any]:
    jobs = {}
    for j in range(draw(st.integers(1, 2))):
        steps = []
        for _ in range(draw(st.integers(1, 3))):
            step: dict[str, Any] = {"run": draw(scripts)}
            if draw(st.booleans()):
                step["env"] = {draw(NAMES): draw(EXPRESSIONS)}
            if draw(st.booleans()):
                step["shell"] = draw(st.sampled_from(["bash", "sh", "pwsh", "python", "cmd"]))
            steps.append(step)
        job: dict[str, Any] = {"runs-on": "ubuntu-latest", "steps": steps}
        if draw(st.booleans()):
            job["env"] = {draw(NAMES): draw(EXPRESSIONS)}
        jobs[f"job{j}"] = job
    wf: dict[str, Any] = {"on": draw(st.sampled_from(["push", "pull_request_target"]))}
    if draw(st.booleans()):
        wf["env"] = {draw(NAMES): draw(EXPRESSIONS)}
    wf["jobs"] = jobs
    return wf


def _dump(doc: dict[str, Any], indent: int) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
        style = "|" if "\n" in data else None  # PyYAML falls back when | cannot hold it
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Dumper.add_representer(str, str_presenter)
    # No line folding: a folded quoted scalar moves text to another line, which is a real
    # change of position, not a reformatting that should leave findings alone.
    return yaml.dump(
        doc, Dumper=Dumper, indent=indent, sort_keys=False, allow_unicode=True, width=10**9
    )


def _analyze(text: str) -> list[Any]:
    from wabaguard.config import Config
    from wabaguard.workflows import WorkflowError, analyze

    try:
        return list(analyze(".github/workflows/x.yml", text, Config()))
    except WorkflowError as exc:
        assert 0 <= exc.line <= text.count("\n") + 1
        assert exc.column >= 0
        return []


def _check_positions(text: str, findings: list[Any]) -> None:
    lines = text.split("\n")
    for f in findings:
        assert 1 <= f.line <= len(lines), f
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1, f
        assert (f.end_line, f.end_column) >= (f.line, f.column), f
        assert f.end_line <= len(lines), f


@HOSTILE
@given(doc=workflows())
def test_random_workflows(doc: dict[str, Any]) -> None:
    text = _dump(doc, 2)
    findings = _analyze(text)
    _check_positions(text, findings)


@HOSTILE
@given(doc=workflows(), indent=st.sampled_from([3, 4, 6]))
def test_findings_stable_under_reindentation(doc: dict[str, Any], indent: int) -> None:
    """Changing the indentation width changes no finding: same rules, routes and lines."""
    narrow, wide = _dump(doc, 2), _dump(doc, indent)
    assume(narrow.count("\n") == wide.count("\n"))

    def key(f: Any) -> tuple[str, tuple[Any, ...], int, str]:
        return (f.rule.id, f.route, f.line, f.detail)

    assert sorted(map(key, _analyze(narrow))) == sorted(map(key, _analyze(wide)))


@HOSTILE
@given(text=st.text(alphabet=st.sampled_from(list("ab: -[]{}&*!|>'\"#\n\t%@`?,")), max_size=80))
@example(text="a: &x [*x]")
@example(text="a: !!python/object:os.system b")
@example(text="? [a]\n: b")
def test_random_yaml_only_raises_workflow_error(text: str) -> None:
    _check_positions(text, _analyze("on: push\njobs:\n" + text))
    _check_positions(text, _analyze(text))


def _offsets(obj: Any) -> list[tuple[str, int]]:
    found = []
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.name in ("start", "end") and isinstance(value, int):
                found.append((f.name, value))
            elif isinstance(value, tuple):
                for item in value:
                    found.extend(_offsets(item))
    return found


@HOSTILE
@given(script=st.one_of(scripts, st.text(max_size=60)))
@example(script="$(" * 300 + ")" * 300)
@example(script="echo \udcff \u2028 \x00")
def test_shell_analysis_on_random_scripts(script: str) -> None:
    from wabaguard.workflows.shells.bash import analyze_script

    facts = analyze_script(script, [], {})
    for name, offset in _offsets(facts):
        assert 0 <= offset <= len(script), (name, offset)


@pytest.mark.parametrize("indent", [2, 4])
def test_reformat_helper_produces_what_the_parser_reads(indent: int) -> None:
    """The reindentation property is only meaningful if both dumps are real workflows."""
    import yaml

    doc = {"on": "push", "jobs": {"a": {"runs-on": "x", "steps": [{"run": "echo a\necho b"}]}}}
    assert yaml.safe_load(_dump(doc, indent)) == doc
