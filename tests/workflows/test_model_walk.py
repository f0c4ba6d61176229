"""The walk for expressions: ``iter_scalars`` filtered, in document order, shared nodes once."""

from __future__ import annotations

from pathlib import Path

import pytest

from wabaguard.workflows.analysis import Analysis, expression_scalars, may_hold_expression
from wabaguard.workflows.model import Document, Node, compose, iter_scalars, load

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures" / "workflows").rglob("*.yml"))

ALIASED = """\
on: push
x: &x '${{ secrets.A }}'
jobs:
  a:
    runs-on: x
    env: {A: *x}
    steps: &s
      - run: echo ${{ secrets.B }}
        if: secrets.B != ''
      - {? [a, b] : "${{ secrets.C }}", if: "${{ secrets.D }}"}
  b:
    runs-on: x
    steps: *s
"""


# Aliases of aliases, the last one holding steps with expressions.
CHAIN = "on: push\na0: &a0 [{run: '${{ secrets.X }}'}, {if: secrets.Y}]\n" + "".join(
    f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, 12)
)


def _reference(root: Node) -> list[tuple[int, tuple[str | int, ...]]]:
    return [
        (id(node), route)
        for node, route in iter_scalars(root, ())
        if may_hold_expression(node.value, route[-1] if route else None)
    ]


def _fast(root: Node, shared: bool) -> list[tuple[int, tuple[str | int, ...]]]:
    return [(id(node), route) for node, route in expression_scalars(root, shared)]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_expression_walk_is_the_filtered_walk(path: Path) -> None:
    doc = load(path.read_text(encoding="utf-8"), ".github/workflows/x.yml").doc
    assert _fast(doc.root, doc.shared) == _reference(doc.root)
    assert _fast(doc.root, True) == _reference(doc.root)


@pytest.mark.parametrize("text", [ALIASED, CHAIN, "a: '${{ x }}'\n"])
def test_expression_walk_with_aliases(text: str) -> None:
    doc = load(text, ".github/workflows/x.yml").doc
    assert doc.shared == ("*" in text)
    assert _fast(doc.root, doc.shared) == _reference(doc.root)


def test_documents_are_shared_unless_known_otherwise() -> None:
    assert not load("on: push\njobs: {}\n", ".github/workflows/x.yml").doc.shared
    assert Document("a: 1\n", compose("a: 1\n")).shared


def test_expression_sites_keep_their_first_route() -> None:
    analysis = Analysis(load(ALIASED, ".github/workflows/x.yml"))
    sites = [(site.route, site.label) for site in analysis.expressions()]
    assert sites == [
        (("x",), "secrets.A"),
        (("jobs", "a", "steps", 0, "run"), "secrets.B"),
        (("jobs", "a", "steps", 0, "if"), "secrets.B != ''"),
        (("jobs", "a", "steps", 1, "?"), "secrets.C"),
        (("jobs", "a", "steps", 1, "if"), "secrets.D"),
    ]
