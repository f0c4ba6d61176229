"""The YAML model: exact positions for every scalar style, and hostile input."""

from __future__ import annotations

from typing import Any

import pytest

from complexity import CPU_LIMIT, STEPS_LIMIT, call_depth, cpu_seconds, growth, steps
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
        # The parser's own wording varies between PyYAML/libyaml releases: ours is the prefix.
        ("a: b: c\n", "invalid YAML", 1, 5),
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


def _billion_laughs(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_rejected_without_expanding() -> None:
    error = _error(_billion_laughs(12))
    assert "expand to too many nodes" in error.message
    # Each level multiplies the expansion by 10; rejecting it costs one more line's work.
    eleven = steps(lambda: _error(_billion_laughs(11)))
    twelve = steps(lambda: _error(_billion_laughs(12)))
    assert twelve < 1.5 * eleven, (eleven, twelve)


def test_alias_reuse_within_limits_is_fine() -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - &s {run: echo hi}\n" + "      - *s\n" * 200
    )
    assert list(analyze(".github/workflows/x.yml", text, Config())) == []


def _nested(unit: str, depth: int) -> str:
    return "a: " + unit * depth if unit == "[" else unit * depth + "x\n"


@pytest.mark.parametrize("unit", ["[", "- "], ids=["flow", "block"])
def test_deep_nesting_is_rejected_without_recursion(unit: str) -> None:
    # Rejected with a position in the file; the wording is the parser's or ours, whichever
    # limit is reached first (libyaml has its own since 0.2.5), so it is not asserted here.
    text = _nested(unit, 100_000)
    error = _error(text)
    assert error.message
    assert error.line == 1 and 1 <= error.column <= len(text)
    # Bounded: refused at a fixed depth, so 10x deeper input costs no more calls ...
    shallow = steps(lambda: _error(_nested(unit, 10_000)))
    deep = steps(lambda: _error(_nested(unit, 100_000)))
    assert deep < 1.5 * shallow, (shallow, deep)
    # ... and composed without recursion: the Python stack stays flat.
    assert call_depth(lambda: _error(text)) < 60


def test_deep_nesting_is_reported_by_path(run_cli, tmp_path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "deep.yml").write_text(_nested("[", 100_000), encoding="utf-8")
    (workflows / "ok.yml").write_text(
        HEAD + "      - run: curl -u x:${{ secrets.T }} https://example.invalid\n",
        encoding="utf-8",
    )
    result = run_cli("scan", "--format", "json", ".", cwd=tmp_path)
    doc = result.json()
    assert [e["path"] for e in doc["errors"]] == [".github/workflows/deep.yml"], doc["errors"]
    assert "line 1" in doc["errors"][0]["message"]
    # The rest of the scan goes on.
    assert result.code == 1
    assert {f["path"] for f in doc["findings"]} == {".github/workflows/ok.yml"}


def _analyze(text: str) -> list[Any]:
    return list(analyze(".github/workflows/x.yml", text, Config()))


def test_endless_expression_does_not_hang() -> None:
    def text(words: int) -> str:
        return HEAD + "      - run: echo ${{ secrets.X " + "a " * words + "\n"

    # Regex work on one long line: measured in CPU time, 10x the input.
    small, large = text(5_000), text(50_000)
    _analyze(small)
    ratio = growth(cpu_seconds(lambda: _analyze(small)), cpu_seconds(lambda: _analyze(large)), 10)
    assert ratio < CPU_LIMIT, ratio
    assert len(find_expressions("${{" * 100_000)) == 1


def test_long_lines_are_linear() -> None:
    def text(width: int) -> str:
        word = "a" * width
        return HEAD + f"      - run: echo {word} ${{{{ secrets.T }}}} {word}\n"

    small, large = text(10_000), text(100_000)
    found = _analyze(large)
    assert [(f.line, f.column, f.rule.id) for f in found] == [
        (6, 18 + 100_000 + 2, "secret-printed")
    ]
    ratio = growth(cpu_seconds(lambda: _analyze(small)), cpu_seconds(lambda: _analyze(large)), 10)
    assert ratio < CPU_LIMIT, ratio


def _many_steps(count: int) -> str:
    return HEAD + "".join(
        "      - env:\n          T: ${{ secrets.T }}\n"
        f'        run: curl -u "x:$T" https://x/{i}\n'
        for i in range(count)
    )


def test_many_steps_in_linear_time() -> None:
    found = _analyze(_many_steps(2_000))
    assert len(found) == 2_000
    assert {f.rule.id for f in found} == {"secret-env-in-argv"}
    # Counted in calls; the run above was the warm-up (first use imports lazily).
    small, large = _many_steps(200), _many_steps(2_000)
    ratio = growth(steps(lambda: _analyze(small)), steps(lambda: _analyze(large)), 10)
    assert ratio < STEPS_LIMIT, ratio


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


def _many_jobs(count: int) -> str:
    return "on: pull_request_target\njobs:\n" + "".join(
        f"  j{i}:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"
        "        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n"
        "      - uses: docker://img:1\n        with:\n          args: --t ${{ secrets.T }}\n"
        "      - run: make\n"
        for i in range(count)
    )


def test_many_jobs_and_container_steps_stay_linear() -> None:
    found = _analyze(_many_jobs(2_000))
    rules = [f.rule.id for f in found]
    assert rules.count("secrets-in-untrusted-trigger") == 2_000
    assert rules.count("secret-in-container-args") == 2_000
    small, large = _many_jobs(50), _many_jobs(500)
    ratio = growth(steps(lambda: _analyze(small)), steps(lambda: _analyze(large)), 10)
    assert ratio < STEPS_LIMIT, ratio
