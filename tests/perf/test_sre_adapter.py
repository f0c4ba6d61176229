"""The regex-parser adapter: every shape the engine's gate builder reads, on this Python.

A Python release that changes ``re``'s private parser fails here (and names the shape that
changed) rather than silently weakening the prefilter gates.
"""

from __future__ import annotations

import re
import sys

import pytest

from wabaguard import sre_adapter as sre


def _nodes(source: str, flags: int = 0) -> list[tuple[object, object]]:
    return list(sre.nodes(sre.parse(re.compile(source, flags))))


def test_running_python_is_a_supported_release() -> None:
    lowest, first_unsupported = sre.SUPPORTED_PYTHONS
    assert lowest <= sys.version_info[:2] < first_unsupported


def test_opcodes_are_res_own_constants() -> None:
    names = [
        "LITERAL", "IN", "RANGE", "NEGATE", "CATEGORY", "CATEGORY_WORD", "CATEGORY_DIGIT",
        "AT", "ASSERT", "ASSERT_NOT", "MAX_REPEAT", "MIN_REPEAT", "SUBPATTERN", "BRANCH",
    ]  # fmt: skip
    for name in names:
        assert getattr(sre, name) is getattr(sre.constants, name), name
        assert str(getattr(sre, name)) == name


def test_literal() -> None:
    assert _nodes("a") == [(sre.LITERAL, ord("a"))]


def test_character_class_items() -> None:
    [(op, items)] = _nodes(r"[a-z_\w\d]")
    assert op is sre.IN
    assert items == [
        (sre.RANGE, (ord("a"), ord("z"))),
        (sre.LITERAL, ord("_")),
        (sre.CATEGORY, sre.CATEGORY_WORD),
        (sre.CATEGORY, sre.CATEGORY_DIGIT),
    ]
    [(op, items)] = _nodes("[^xy]")
    assert op is sre.IN and items[0] == (sre.NEGATE, None)


@pytest.mark.parametrize(
    ("source", "opcode"), [("a{2,5}", "MAX_REPEAT"), ("a{2,5}?", "MIN_REPEAT")]
)
def test_repeats(source: str, opcode: str) -> None:
    [(op, (least, most, inner))] = _nodes(source)
    assert op is getattr(sre, opcode)
    assert (least, most) == (2, 5)
    assert list(inner) == [(sre.LITERAL, ord("a"))]


def test_groups_carry_their_flags() -> None:
    [(op, (group, add, remove, inner))] = _nodes("(?i:a)")
    assert op is sre.SUBPATTERN
    assert group is None and add & re.IGNORECASE and not remove
    assert list(inner) == [(sre.LITERAL, ord("a"))]
    [(op, (group, _, _, _))] = _nodes("(a)")
    assert op is sre.SUBPATTERN and group == 1


def test_alternation() -> None:
    [(op, (first, alternatives))] = _nodes("ab|cd")
    assert op is sre.BRANCH and first is None
    assert [list(alt) for alt in alternatives] == [
        [(sre.LITERAL, ord("a")), (sre.LITERAL, ord("b"))],
        [(sre.LITERAL, ord("c")), (sre.LITERAL, ord("d"))],
    ]


def test_zero_width_nodes() -> None:
    (op, _), _literal = _nodes(r"\bx")
    assert op is sre.AT
    [(ahead, (direction, inner))] = _nodes("(?=a)")
    assert ahead is sre.ASSERT and direction == 1 and list(inner) == [(sre.LITERAL, ord("a"))]
    [(behind, (direction, _))] = _nodes("(?<!a)")
    assert behind is sre.ASSERT_NOT and direction == -1


def test_widths() -> None:
    parsed = sre.parse(re.compile("ab{2,7}c"))
    assert sre.max_width(parsed) == 9
    assert sre.max_width(parsed, list(sre.nodes(parsed))[1:2]) == 7
    assert sre.max_width(sre.parse(re.compile("a+"))) >= 2**16  # unbounded: re's MAXREPEAT
