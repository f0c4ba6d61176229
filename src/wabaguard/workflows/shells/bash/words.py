"""Words and expansions: a word's literal text, and what its ``$VAR``/``$(…)``/``${{ }}`` carry.

Functions over the walker's state (``Walker``): its variables, the script's placeholders and
what ``<(…)`` process substitutions produce. Command substitutions run their statements
through ``Walker.substitution``, so evaluating a word may record facts.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

from wabaguard.workflows.taint import Taint, union

if TYPE_CHECKING:
    from wabaguard.workflows.shells.bash.walker import Walker


class Word:
    # A slotted class, immutable by contract (``Final``): one is built per word of every
    # script, and a frozen dataclass instance cost five times as much.
    __slots__ = ("literal", "node", "site", "taint", "text")

    def __init__(
        self,
        node: Any,
        literal: str | None,
        text: str,
        taint: Taint | None,
        site: tuple[int, int],
    ) -> None:
        self.node: Final = node
        self.literal: Final = literal  # text when it has no expansion (quotes removed)
        self.text: Final = text  # raw sanitized source of the word
        self.taint: Final = taint
        self.site: Final = site  # the tainted part (or the whole word)


def word(w: Walker, node: Any) -> Word:
    taint, site = value_taint(w, node)
    return Word(node, literal(w, node), w.src(node), taint, site)


def literal(w: Walker, node: Any) -> str | None:
    kind = node.type
    if kind in ("word", "number", "test_operator", "file_descriptor"):
        return w.src(node)
    if kind == "raw_string":
        return w.src(node)[1:-1]
    if kind == "string":
        parts: list[str] = []
        for child in node.named_children:
            if child.type != "string_content":
                return None
            parts.append(w.src(child))
        return "".join(parts)
    if kind == "concatenation":
        pieces: list[str] = []
        for child in node.named_children:
            lit = literal(w, child)
            if lit is None:
                return None
            pieces.append(lit)
        return "".join(pieces)
    return None


def placeholder_taint(w: Walker, start: int, end: int) -> tuple[Taint | None, tuple[int, int]]:
    """What the ``${{ }}`` expressions overlapping ``[start, end)`` carry, and where."""
    taint: Taint | None = None
    site = (start, end)
    i = bisect.bisect_left(w.ph_starts, end) - 1
    while i >= 0:
        ph = w.placeholders[i]
        if ph.end <= start:
            break
        if ph.taint is not None:
            if taint is None:
                site = (max(ph.start, start), min(ph.end, end))
            taint = union(taint, ph.taint.as_inline())
        i -= 1
    return taint, site


def value_taint(w: Walker, node: Any) -> tuple[Taint | None, tuple[int, int]]:
    """What a word (or any expansion-bearing node) carries, and where the carrier is."""
    kind = node.type
    start, end = node.start_byte, node.end_byte
    if kind in ("word", "string_content", "raw_string", "number", "test_operator",
                "heredoc_content", "regex", "extglob_pattern"):  # fmt: skip
        return placeholder_taint(w, start, end)
    if kind == "simple_expansion":
        name_node = node.named_children[0] if node.named_child_count else None
        if name_node is None:
            return None, (start, end)
        taint = w.vars.get(w.src(name_node))
        if taint is None:
            ph, site = placeholder_taint(w, start, end)
            return ph, site
        return taint, (start, end)
    if kind == "expansion":
        return expansion_taint(w, node), (start, end)
    if kind == "command_substitution":
        return w.substitution(node), (start, end)
    if kind == "process_substitution":
        out = w.substitution(node)
        if out is not None:
            w.fd_content[start] = out
        return None, (start, end)
    if kind in ("arithmetic_expansion", "ansi_c_string", "translated_string"):
        return placeholder_taint(w, start, end)
    taint = None
    site = (start, end)
    for child in node.named_children:
        child_taint, child_site = value_taint(w, child)
        if child_taint is not None and taint is None:
            site = child_site
        taint = union(taint, child_taint)
    return taint, site


def expansion_taint(w: Walker, node: Any) -> Taint | None:
    children = node.children
    name: str | None = None
    operators: list[str] = []
    rest: list[Any] = []
    for child in children:
        if child.type == "variable_name" and name is None:
            name = w.src(child)
        elif child.type in ("${", "}"):
            continue
        elif not child.is_named:
            operators.append(child.type)
        else:
            rest.append(child)
    if (
        operators
        and operators[0] in ("#", "!")
        and (name is None or children[1].type in ("#", "!"))
    ):
        return None  # ${#VAR} (length) and ${!VAR} (indirection) do not carry the value
    base = w.vars.get(name) if name else None
    if base is None:
        ph, _ = placeholder_taint(w, node.start_byte, node.end_byte)
        base = ph
    if operators and operators[0] not in (":-", "-", ":=", "=", ":?", "?", ":+", "+"):
        base = base.as_derived() if base is not None else None  # substring, replace, case
    for child in rest:
        base = union(base, value_taint(w, child)[0])
    return base


def expanded_names(w: Walker, node: Any) -> Iterator[str]:
    """The variables a word expands (``$V``, ``${V…}``), at any depth."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("simple_expansion", "expansion"):
            for child in current.named_children:
                if child.type == "variable_name":
                    yield w.src(child)
                    break
            continue
        stack.extend(current.named_children)
