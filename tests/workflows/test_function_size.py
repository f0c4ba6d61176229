"""The size limit ruff does not check: no function in workflows/ over 80 lines unexplained.

Ruff checks complexity (C901, at most 15) and statements (PLR0915, at most 50) there, per
pyproject.toml; a function can still run long on data or comments. One that must stay long
says why in its docstring, in a paragraph that starts with "Long because".
"""

from __future__ import annotations

import ast
from pathlib import Path

WORKFLOWS = Path(__file__).resolve().parents[2] / "src" / "wabaguard" / "workflows"
MAX_LINES = 80


def long_functions(source: str) -> list[tuple[str, int]]:
    """(qualified name, lines) of each function over MAX_LINES lines without a stated reason."""
    found: list[tuple[str, int]] = []
    stack: list[tuple[ast.AST, str]] = [(ast.parse(source), "")]
    while stack:
        node, prefix = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + child.name
                stack.append((child, name + "."))
                if isinstance(child, ast.ClassDef):
                    continue
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                lines = (child.end_lineno or child.lineno) - first + 1
                reason = "Long because" in (ast.get_docstring(child) or "")
                if lines > MAX_LINES and not reason:
                    found.append((name, lines))
            else:
                stack.append((child, prefix))
    return found


def _function(lines: int, docstring: str = "") -> str:
    body = [f'    """{docstring}"""'] if docstring else []
    body += [f"    x{i} = {i}" for i in range(lines - 1 - len(body))]
    return "def f() -> None:\n" + "\n".join(body) + "\n"


def test_the_check_counts_lines_and_reads_the_reason() -> None:
    assert long_functions(_function(MAX_LINES)) == []
    assert long_functions(_function(MAX_LINES + 1)) == [("f", MAX_LINES + 1)]
    nested = "class C:\n" + "".join("    " + line + "\n" for line in _function(90).splitlines())
    assert long_functions(nested) == [("C.f", 90)]
    assert long_functions(_function(90, "Sums.\n\n    Long because: one table.")) == []


def test_no_unexplained_long_function_in_workflows() -> None:
    files = sorted(WORKFLOWS.rglob("*.py"))
    assert len(files) > 30  # the whole package, its shells and rules
    found = {
        f"{path.relative_to(WORKFLOWS)}: {name}": lines
        for path in files
        for name, lines in long_functions(path.read_text(encoding="utf-8"))
    }
    assert not found, f"functions over {MAX_LINES} lines with no 'Long because' reason: {found}"
