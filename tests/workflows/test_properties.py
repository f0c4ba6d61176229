"""Property tests: random scripts and workflows never crash and findings stay inside the file."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wabaguard.config import Config
from wabaguard.workflows import WorkflowError, analyze
from wabaguard.workflows.expressions import analyze_expression, find_expressions
from wabaguard.workflows.shells.bash import analyze_script
from wabaguard.workflows.shells.facts import Placeholder
from wabaguard.workflows.taint import Taint

WORDS = [
    "echo", "printf", "curl", "./deploy", "docker", "login", "build", "--build-arg", "-e",
    "-p", "-u", "set", "-x", "+x", "env", "printenv", "export", "-p", "base64", "jq", "cat",
    "tee", "sudo", "xargs", "test", "-n", "[", "]", "$TOKEN", '"$TOKEN"', "${TOKEN}",
    "${TOKEN:0:4}", "${#TOKEN}", "'$TOKEN'", "${{ secrets.T }}", "${{ github.sha }}",
    "https://u:$TOKEN@h", "https://h?k=$TOKEN", "$GITHUB_ENV", "$GITHUB_STEP_SUMMARY",
    "X=$TOKEN", "$(echo $TOKEN)", "`cat f`", "::add-mask::$T", "T=$(./mint-token)", "f.txt",
    "--password-stdin", "@-", "é", "\\",
]  # fmt: skip
OPERATORS = [
    " ",
    " ",
    " ",
    " | ",
    " && ",
    " || ",
    "; ",
    " > ",
    " >> ",
    " <<< ",
    "\n",
    " 2>&1 ",
    " & ",
    " ( ",
    " ) ",
    " { ",
    " } ",
    " <<EOF\nbody $TOKEN\nEOF\n",
    " $( ",
    " ) ",
]

scripts = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(OPERATORS)), min_size=1, max_size=30
).map(lambda parts: "".join(w + op for w, op in parts))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scripts)
def test_random_scripts_stay_inside_the_script(script: str) -> None:
    placeholders = [
        Placeholder(s.start, s.end, Taint(frozenset({"secrets.T"})), "secrets.T")
        for s in find_expressions(script)
    ]
    facts = analyze_script(script, placeholders, {"TOKEN": Taint(frozenset({"secrets.T"}))})
    spans = [(u.start, u.end) for u in facts.argv] + [(o.start, o.end) for o in facts.outputs]
    spans += [(t.start, t.end) for t in facts.traces if t.start >= 0]
    spans += [(v.start, v.end) for v in facts.verbose]
    for start, end in spans:
        assert 0 <= start <= end <= len(script)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_random_expressions_never_crash(source: str) -> None:
    analyze_expression(source, lambda path: None)
    find_expressions("${{" + source)


SCALAR_STYLES = [
    lambda s: "|\n" + "".join(f"          {line}\n" for line in s.split("\n")),
    lambda s: ">\n" + "".join(f"          {line}\n" for line in s.split("\n")),
    lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"\n',
    lambda s: "'" + s.replace("'", "''").replace("\n", "\n\n          ") + "'\n",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(scripts, st.integers(0, len(SCALAR_STYLES) - 1)), min_size=1, max_size=4),
    st.sampled_from(["bash", "sh", "pwsh", "cmd", "python", "bash -x {0}"]),
    st.booleans(),
)
def test_random_workflows_stay_inside_the_file(
    steps: list[tuple[str, int]], shell: str, crlf: bool
) -> None:
    text = "on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n"
    for script, style in steps:
        text += (
            f"      - shell: {shell}\n        env:\n          TOKEN: ${{{{ secrets.T }}}}\n"
            f"        run: {SCALAR_STYLES[style](script)}"
        )
    if crlf:
        text = text.replace("\n", "\r\n")
    lines = text.split("\n")
    try:
        found = list(analyze(".github/workflows/x.yml", text, Config()))
    except WorkflowError as error:
        assert 0 <= error.line <= len(lines)
        return
    for f in found:
        assert 1 <= f.line <= f.end_line <= len(lines)
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1
        assert 1 <= f.end_column <= len(lines[f.end_line - 1]) + 1
        if f.line == f.end_line:
            assert f.column <= f.end_column


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\n ,?$%{}")), max_size=120))
def test_random_yaml_is_an_error_or_a_result(text: str) -> None:
    try:
        list(analyze(".github/workflows/x.yml", text, Config()))
    except WorkflowError as error:
        assert error.message
