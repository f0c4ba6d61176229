"""The YAML model: exact positions for every scalar style, and hostile input."""

from __future__ import annotations

import time

import pytest

from wabaguard.config import Config
from wabaguard.workflows import WorkflowError, analyze
from wabaguard.workflows.expressions import find_expressions
from wabaguard.workflows.model import Document, ModelError, compose, load


def _expression_positions(text: str) -> list[tuple[int, int, int, int, str]]:
    """(line, col, end_line, end_col, source text) of every ``${{ }}`` in every run: value."""
    wf = load(text, ".github/workflows/x.yml")
    out = []
    for job in wf.jobs:
        for step in job.steps:
            assert step.run is not None
            for span in find_expressions(step.run.value):
                a, b = wf.doc.value_span(step.run, span.start, span.end)
                out.append((*wf.doc.span(a, b), text[a:b]))
    return out


HEAD = "on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n"
EXPR = "${{ secrets.T }}"


@pytest.mark.parametrize(
    "run",
    [
        # literal block: script line k is file line start + k, column = indentation + col
        "      - run: |\n          echo a\n          curl -u x:${{ secrets.T }} h\n",
        # blank lines and whitespace-only lines inside the block
        "      - run: |\n          a\n\n          \n          b ${{ secrets.T }}\n",
        # folded block: one shell line, but positions stay on the file's lines
        "      - run: >\n          ./deploy --env prod\n          --token ${{ secrets.T }}\n",
        # chomping and explicit indentation (|+2): content indented 2 past the parent
        "      - run: |+2\n            ./deploy --token ${{ secrets.T }}\n\n",
        "      - run: |-\n          x ${{ secrets.T }}\n",
        "      - name: n\n        run: >-\n            a\n\n            b ${{ secrets.T }}\n",
        # double-quoted with escapes before the expression
        '      - run: "a\\tb \\"q\\" \\u00e9 ${{ secrets.T }}"\n',
        # double-quoted with an escaped line break
        '      - run: "echo \\\n          x ${{ secrets.T }}"\n',
        # single-quoted with a doubled quote, and folded over two lines
        "      - run: 'it''s\n          ${{ secrets.T }}'\n",
        # plain multi-line scalar
        "      - run: echo a\n          b ${{ secrets.T }}\n",
        # non-ASCII before the expression: columns count characters
        "      - run: echo 'h\u00e9llo \U0001f600' ${{ secrets.T }}\n",
    ],
)
def test_expression_positions_map_to_the_file(run: str) -> None:
    text = HEAD + run
    [(line, col, end_line, end_col, source)] = _expression_positions(text)
    offset = text.index("${{")
    assert line == text.count("\n", 0, offset) + 1
    assert col == offset - (text.rfind("\n", 0, offset) + 1) + 1
    assert source == EXPR
    assert (end_line, end_col) == (line, col + len(EXPR))


def test_crlf_line_endings() -> None:
    text = (HEAD + "      - run: |\n          echo a\n          x ${{ secrets.T }}\n").replace(
        "\n", "\r\n"
    )
    [(line, col, _, _, source)] = _expression_positions(text)
    assert (line, col, source) == (8, 13, EXPR)


def test_multiline_expression_in_folded_scalar() -> None:
    text = HEAD + "      - run: >\n          a ${{ secrets.X\n          && 'y' }} b\n"
    [(line, col, end_line, end_col, source)] = _expression_positions(text)
    assert (line, col, end_line, end_col) == (7, 13, 8, 20)
    assert source.startswith("${{ secrets.X") and source.endswith("}}")


def test_line_col_of_offsets() -> None:
    doc = Document("ab\ncd\n", compose("a: 1"))
    assert doc.line_col(0) == (1, 1)
    assert doc.line_col(3) == (2, 1)
    assert doc.line_col(4) == (2, 2)


# --- hostile and malformed input ------------------------------------------------------------


def _error(text: str) -> WorkflowError:
    with pytest.raises(WorkflowError) as info:
        analyze(".github/workflows/x.yml", text, Config())
    return info.value


@pytest.mark.parametrize(
    ("text", "fragment", "line", "column"),
    [
        ("on: push\njobs: [\n", "invalid YAML", 3, 1),
        ("a: b: c\n", "mapping values are not allowed", 1, 5),
        ("on: push\non: pull_request\n", "duplicate key 'on'", 2, 1),
        ("a: !!python/object:os.system x\n", "custom YAML tags", 1, 4),
        ("a: !custom x\n", "custom YAML tags", 1, 4),
        ("--- {a: 1}\n--- {b: 2}\n", "multiple YAML documents", 2, 1),
        ("- a\n- b\n", "expected a mapping", 1, 1),
        ("just text\n", "expected a mapping", 1, 1),
        ("", "empty document", 1, 1),
        ("x: &a {k: 1}\ny:\n  <<: *a\n", "merge keys", 3, 3),
        ("a: *nowhere\n", "unknown or enclosing anchor", 1, 4),
        ("a: 1\nb: x\x00\n", "is not allowed", 2, 5),
        ("a: &x [1, *x]\n", "unknown or enclosing anchor", 1, 11),
    ],
)
def test_unusable_input_is_reported_with_a_position(
    text: str, fragment: str, line: int, column: int
) -> None:
    error = _error(text)
    assert fragment in error.message
    assert (error.line, error.column) == (line, column)


def test_billion_laughs_is_rejected_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    start = time.perf_counter()
    error = _error("\n".join(lines) + "\n")
    assert "expand to too many nodes" in error.message
    assert time.perf_counter() - start < 1.0


def test_alias_reuse_within_limits_is_fine() -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - &s {run: echo hi}\n" + "      - *s\n" * 200
    )
    assert list(analyze(".github/workflows/x.yml", text, Config())) == []


@pytest.mark.parametrize("text", ["a: " + "[" * 100_000, "- " * 100_000 + "x\n"])
def test_deep_nesting_is_rejected_without_recursion(text: str) -> None:
    assert "nested deeper" in _error(text).message


def test_endless_expression_does_not_hang() -> None:
    text = HEAD + "      - run: echo ${{ secrets.X " + "a " * 50_000 + "\n"
    start = time.perf_counter()
    list(analyze(".github/workflows/x.yml", text, Config()))
    assert time.perf_counter() - start < 2.0
    assert len(find_expressions("${{" * 100_000)) == 1


def test_long_lines_are_linear() -> None:
    long_word = "a" * 100_000
    text = HEAD + f"      - run: echo {long_word} ${{{{ secrets.T }}}} {long_word}\n"
    start = time.perf_counter()
    found = list(analyze(".github/workflows/x.yml", text, Config()))
    assert time.perf_counter() - start < 2.0
    assert [(f.line, f.column, f.rule.id) for f in found] == [
        (6, 18 + 100_000 + 2, "secret-printed")
    ]


def test_ten_thousand_steps_in_linear_time() -> None:
    steps = "".join(
        "      - env:\n          T: ${{ secrets.T }}\n"
        f'        run: curl -u "x:$T" https://x/{i}\n'
        for i in range(10_000)
    )
    text = HEAD + steps
    start = time.perf_counter()
    found = list(analyze(".github/workflows/x.yml", text, Config()))
    elapsed = time.perf_counter() - start
    assert len(found) == 10_000
    assert {f.rule.id for f in found} == {"secret-env-in-argv"}
    assert elapsed < 20.0, elapsed


def test_model_error_carries_offsets() -> None:
    with pytest.raises(ModelError) as info:
        compose("a: 1\na: 2\n")
    assert info.value.offset == 5


def test_bare_on_key_and_action_detection() -> None:
    wf = load("on: [push, pull_request_target]\njobs: {}\n", ".github/workflows/x.yml")
    assert wf.triggers == {"push", "pull_request_target"}
    action = load("name: x\nruns:\n  using: composite\n  steps: []\n", "a/action.yml")
    assert action.is_action
    named_like_an_action = load(
        "on: push\njobs:\n  j:\n    runs-on: x\n    steps: []\n", ".github/workflows/action.yml"
    )
    assert not named_like_an_action.is_action and len(named_like_an_action.jobs) == 1


def test_deeply_nested_script_is_an_error_at_the_run_key() -> None:
    script = "echo " + "$(echo " * 2000 + "$T" + ")" * 2000
    text = HEAD + f'      - run: "{script}"\n'
    error = _error(text)
    assert "nested too deeply" in error.message
    assert (error.line, error.column) == (6, 14)


def test_many_jobs_and_container_steps_stay_linear() -> None:
    jobs = "".join(
        f"  j{i}:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
        "        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n"
        "      - uses: docker://img:1\n        with:\n          args: --t ${{ secrets.T }}\n"
        "      - run: make\n"
        for i in range(2_000)
    )
    text = "on: pull_request_target\njobs:\n" + jobs
    start = time.perf_counter()
    found = list(analyze(".github/workflows/x.yml", text, Config()))
    assert time.perf_counter() - start < 10.0
    rules = [f.rule.id for f in found]
    assert rules.count("secrets-in-untrusted-trigger") == 2_000
    assert rules.count("secret-in-container-args") == 2_000
