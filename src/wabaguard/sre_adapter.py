"""Python's regex parser, the one private part of the standard library wabaguard uses.

The engine reads each prefilter's parsed form to derive its cheap first-stage gates
(``engine.build_gates``). ``re`` keeps its parser private: ``re._parser`` and
``re._constants`` since Python 3.11, the deprecated ``sre_parse`` and ``sre_constants``
before. Everything the engine relies on goes through here, and
``tests/perf/test_sre_adapter.py`` checks it on the running Python:

* ``parse(pattern, flags)`` returns a ``SubPattern`` whose ``data`` is a list of
  ``(opcode, argument)`` nodes, whose ``state`` builds further ``SubPattern(state, nodes)``,
  and whose ``getwidth()`` is ``(least, greatest)`` characters a match can span;
* the argument of each opcode used: ``LITERAL`` a code point; ``IN`` a list of
  ``(LITERAL, code)``, ``(RANGE, (low, high))``, ``(CATEGORY, CATEGORY_…)`` or
  ``(NEGATE, None)``; ``MAX_REPEAT``/``MIN_REPEAT`` ``(min, max, nodes)``; ``SUBPATTERN``
  ``(group, add_flags, del_flags, nodes)``; ``BRANCH`` ``(None, [nodes, …])``; ``AT`` a
  position code; ``ASSERT``/``ASSERT_NOT`` ``(direction, nodes)``.

The opcodes are ``re``'s own constant objects, compared with ``is``.
"""

from __future__ import annotations

import re
import sys
from typing import Any

if sys.version_info >= (3, 11):
    from re import _constants as constants  # type: ignore[attr-defined]
    from re import _parser as _parser  # type: ignore[attr-defined]
else:  # pragma: no cover
    import sre_constants as constants
    import sre_parse as _parser

# The Python releases this module is written against (pyproject.toml's classifiers).
SUPPORTED_PYTHONS = ((3, 10), (3, 15))  # lowest supported, first unsupported

LITERAL: Any = constants.LITERAL
IN: Any = constants.IN
RANGE: Any = constants.RANGE
NEGATE: Any = constants.NEGATE
CATEGORY: Any = constants.CATEGORY
CATEGORY_WORD: Any = constants.CATEGORY_WORD
CATEGORY_DIGIT: Any = constants.CATEGORY_DIGIT
AT: Any = constants.AT
ASSERT: Any = constants.ASSERT
ASSERT_NOT: Any = constants.ASSERT_NOT
MAX_REPEAT: Any = constants.MAX_REPEAT
MIN_REPEAT: Any = constants.MIN_REPEAT
SUBPATTERN: Any = constants.SUBPATTERN
BRANCH: Any = constants.BRANCH


def parse(pattern: re.Pattern[str]) -> Any:
    """The parsed form of a compiled pattern (a ``SubPattern``)."""
    return _parser.parse(pattern.pattern, pattern.flags)


def nodes(parsed: Any) -> Any:
    """The ``(opcode, argument)`` nodes of a parsed pattern, in order."""
    return parsed.data


def max_width(parsed: Any, part: Any | None = None) -> int:
    """The most characters a match of ``parsed`` (or of ``part``, a list of its nodes) spans
    (capped by ``re`` at its ``MAXREPEAT`` for unbounded patterns)."""
    subpattern = parsed if part is None else _parser.SubPattern(parsed.state, part)
    return int(subpattern.getwidth()[1])
