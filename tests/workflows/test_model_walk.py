"""The walk over every scalar: document order, shared (aliased) nodes once, either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from wabaguard.workflows.analysis import Analysis
from wabaguard.workflows.model import Document, compose, iter_scalars, load

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
  b:
    runs-on: x
    steps: *s
"""


def _walk(doc: Document, shared: bool) -> list[tuple[int, tuple[str | int, ...]]]:
    return [(id(n), route) for n, route in iter_scalars(doc.root, (), None, shared)]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_tree_walk_is_the_tracked_walk(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = load(text, ".github/workflows/x.yml").doc
    if doc.shared:
        return
    assert _walk(doc, shared=False) == _walk(doc, shared=True)


def test_aliases_mark_the_document_shared() -> None:
    assert load(ALIASED, ".github/workflows/x.yml").doc.shared
    assert not load("on: push\njobs: {}\n", ".github/workflows/x.yml").doc.shared
    assert Document("a: 1\n", compose("a: 1\n")).shared  # unknown: assume shared


def test_shared_nodes_are_walked_once_at_their_first_route() -> None:
    doc = load(ALIASED, ".github/workflows/x.yml").doc
    routes = [route for _, route in iter_scalars(doc.root, ())]
    assert routes.count(("x",)) == 1
    assert ("jobs", "a", "env", "A") not in routes  # the alias of x, met second
    assert ("jobs", "a", "steps", 0, "run") in routes
    assert ("jobs", "b", "steps", 0, "run") not in routes


def test_expression_sites_keep_their_routes_with_aliases() -> None:
    analysis = Analysis(load(ALIASED, ".github/workflows/x.yml"))
    sites = [(site.route, site.label) for site in analysis.expressions()]
    assert sites == [
        (("x",), "secrets.A"),
        (("jobs", "a", "steps", 0, "run"), "secrets.B"),
        (("jobs", "a", "steps", 0, "if"), "secrets.B != ''"),
    ]
