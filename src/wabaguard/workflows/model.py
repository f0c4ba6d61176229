"""A YAML node graph with exact positions, and the workflow/action structure built on it.

PyYAML's event stream (the C parser when available) is composed here by an iterative
composer of our own, for three reasons: every node keeps its character span in the file;
nesting depth, node count and alias expansion are bounded while composing (the C composer is
recursive and a 100k-deep flow collection crashes the interpreter); and duplicate keys,
custom tags, merge keys and multiple documents are reported instead of silently accepted.
Nothing is ever constructed into Python objects beyond strings.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping
from itertools import accumulate
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Final, Literal

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

Route = tuple[str | int, ...]
NodeKind = Literal["scalar", "mapping", "sequence"]

# GitHub workflows are shallow; anything deeper than this is hostile or broken.
MAX_DEPTH = 200
# Aliases share nodes, so composing is linear; what explodes is walking the expanded tree.
# Refuse documents whose expanded size is both large and far beyond their real size.
MAX_EXPANDED = 400_000
EXPANSION_RATIO = 8

_STANDARD_TAG = "tag:yaml.org,2002:"
# Explicit tags that only restate a plain type; anything else (``!!python/…``, ``!custom``) is
# refused even though we never construct objects: GitHub rejects them too.
_PLAIN_TAGS = frozenset({"str", "int", "float", "bool", "null", "map", "seq"})

_CParser: type | None
try:  # the C parser when PyYAML was built with libyaml
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on the PyYAML build
    _CParser = None


class ModelError(Exception):
    """Unusable input, with a 0-based character offset into the file."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


_NO_KEYS: Mapping[str, Node] = MappingProxyType({})


class Node:
    """One YAML node. ``start``/``end`` are character offsets in the file (end exclusive).

    Immutable by contract (``Final``, checked by mypy), not a frozen dataclass: the composer
    builds one per scalar, and a frozen ``__init__`` (one ``object.__setattr__`` per field)
    was a third of the composing time. Equality is identity, as aliases share nodes.
    """

    __slots__ = ("children", "end", "items", "keys", "kind", "size", "start", "style", "value")

    def __init__(
        self,
        kind: NodeKind,
        start: int,
        end: int,
        value: str = "",  # scalars only
        style: str = "",  # scalars: "", "'", '"', "|", ">"
        items: tuple[tuple[Node, Node], ...] = (),  # mappings
        children: tuple[Node, ...] = (),  # sequences
        size: int = 1,  # node count with aliases expanded
        keys: Mapping[str, Node] = _NO_KEYS,  # mapping: scalar key -> value
    ) -> None:
        self.kind: Final = kind
        self.start: Final = start
        self.end: Final = end
        self.value: Final = value
        self.style: Final = style
        self.items: Final = items
        self.children: Final = children
        self.size: Final = size
        self.keys: Final = keys

    def __repr__(self) -> str:
        return f"Node({self.kind!r}, {self.start}, {self.end})"

    @property
    def is_scalar(self) -> bool:
        return self.kind == "scalar"

    @property
    def is_mapping(self) -> bool:
        return self.kind == "mapping"

    @property
    def is_sequence(self) -> bool:
        return self.kind == "sequence"

    def get(self, key: str) -> Node | None:
        return self.keys.get(key)

    def get_str(self, key: str) -> str | None:
        node = self.keys.get(key)
        return node.value if node is not None and node.is_scalar else None

    def key_node(self, key: str) -> Node | None:
        for k, _ in self.items:
            if k.is_scalar and k.value == key:
                return k
        return None

    def str_items(self) -> Iterator[tuple[Node, Node]]:
        """Mapping entries whose key is a scalar."""
        for k, v in self.items:
            if k.is_scalar:
                yield k, v


class Document:
    """The parsed file: root node, the text, and conversion from offsets to line/column."""

    def __init__(self, text: str, root: Node, shared: bool = True) -> None:
        self.text = text
        self.root = root
        # Whether aliases make some nodes reachable twice (False only when known not to).
        self.shared = shared
        # 0, then one past each "\n": running sums of the lines' lengths plus one, in C
        # (the last sum is one past the end of the text, not a line start).
        starts = list(accumulate(map(_PLUS_ONE, map(len, text.split("\n"))), initial=0))
        starts.pop()
        self._line_starts = starts
        # Offset maps for scalars, computed on demand, keyed by node identity.
        self._offsets: dict[int, list[int]] = {}

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def span(self, start: int, end: int) -> tuple[int, int, int, int]:
        """1-based (line, column, end_line, end_column exclusive) of ``[start, end)``."""
        line, col = self.line_col(start)
        end_line, end_col = self.line_col(max(end, start))
        return line, col, end_line, end_col

    def scalar_offsets(self, node: Node) -> list[int]:
        """File offset of every character of ``node.value`` (plus one entry for its end)."""
        cached = self._offsets.get(id(node))
        if cached is None:
            cached = map_scalar(self.text, node)
            self._offsets[id(node)] = cached
        return cached

    def value_span(self, node: Node, start: int, end: int) -> tuple[int, int]:
        """File offsets ``[a, b)`` of ``node.value[start:end]``."""
        offsets = self.scalar_offsets(node)
        last = len(offsets) - 1
        start = max(0, min(start, last))
        end = max(start, min(end, last))
        if end == start:
            return offsets[start], offsets[start]
        return offsets[start], offsets[end - 1] + 1


def _events(text: str) -> Iterator[Any]:
    # ``Any``: the stubs make marks optional, but both parsers always set them.
    if _CParser is not None:
        # ``get_event`` until it returns None: the loop stays in C, where ``yaml.parse``
        # makes two Python-level calls per event.
        return iter(_CParser(text).get_event, None)
    return yaml.parse(text, Loader=yaml.SafeLoader)  # pragma: no cover - no libyaml


def compose(text: str) -> Node:
    """Compose the single YAML document in ``text`` into a ``Node`` graph, or raise."""
    return _compose(text)[0]


def _compose(text: str) -> tuple[Node, bool]:
    """The root node, and whether any alias shares a node."""
    try:
        entries, aliased = _compose_events(_events(text))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise ModelError(f"invalid YAML: {problem}", mark.index if mark else 0) from None
    except yaml.reader.ReaderError as exc:
        raise ModelError(
            f"invalid YAML: character {exc.character!r} is not allowed", exc.position
        ) from None
    except yaml.YAMLError as exc:
        raise ModelError(f"invalid YAML: {exc.__class__.__name__}", 0) from None
    # Top-level nodes land in the last ``entries`` list with an empty stack.
    if not entries:
        raise ModelError("empty document: expected a mapping", 0)
    return entries[-1], aliased


def _compose_events(events: Iterator[Any]) -> tuple[list[Node], bool]:
    """The top-level nodes built from the parser's events, and whether any alias shares one.

    Kept as one loop with the frequent events (scalars, collections) handled inline: it runs
    once per YAML event of every workflow file, where a function call per event shows.
    """
    # Open collections: (kind, start offset, anchor, entries); ``entries`` is the top one's.
    stack: list[tuple[NodeKind, int, str | None, list[Node]]] = []
    entries: list[Node] = []
    anchors: dict[str, Node] = {}
    documents = 0
    real_nodes = 0
    aliased = False
    node: Node
    # Dispatch on the exact event class: the parser never yields subclasses.
    for event in events:
        cls = event.__class__
        if cls is ScalarEvent:
            start = event.start_mark.index
            if event.tag is not None:
                _check_tag(event.tag, start)
            node = Node("scalar", start, event.end_mark.index, event.value, event.style or "")
            real_nodes += 1
            if event.anchor is not None:
                anchors[event.anchor] = node
            entries.append(node)  # size 1: never an expansion bomb
            continue
        if cls is MappingStartEvent or cls is SequenceStartEvent:
            start = event.start_mark.index
            if event.tag is not None:
                _check_tag(event.tag, start)
            if len(stack) >= MAX_DEPTH:
                raise ModelError(f"YAML nested deeper than {MAX_DEPTH} levels", start)
            entries = []
            kind: NodeKind = "mapping" if cls is MappingStartEvent else "sequence"
            stack.append((kind, start, event.anchor, entries))
            continue
        if cls is MappingEndEvent or cls is SequenceEndEvent:
            kind, start, anchor, done = stack.pop()
            node = _finish(kind, start, event.end_mark.index, done)
            real_nodes += 1
            if anchor is not None:
                anchors[anchor] = node
            entries = stack[-1][3] if stack else []
        elif cls is AliasEvent:
            node = _alias_target(anchors, event)
            aliased = True
        else:
            if cls is DocumentStartEvent:
                documents = _document_start(documents, event)
            continue
        if node.size > MAX_EXPANDED and node.size > EXPANSION_RATIO * real_nodes:
            raise ModelError(
                "YAML aliases expand to too many nodes (alias expansion bomb?)", node.start
            )
        entries.append(node)
    return entries, aliased


def _alias_target(anchors: Mapping[str, Node], event: Any) -> Node:
    target = anchors.get(event.anchor or "")
    if target is None:
        raise ModelError(
            f"alias *{event.anchor} refers to an unknown or enclosing anchor",
            event.start_mark.index,
        )
    return target


def _document_start(documents: int, event: Any) -> int:
    """How many documents have started, counting this one (GitHub reads only one)."""
    if documents >= 1:
        raise ModelError(
            "multiple YAML documents in one file (GitHub reads only one)",
            event.start_mark.index,
        )
    return documents + 1


def _check_tag(tag: str, offset: int) -> None:
    if tag == "!":
        return
    if tag.startswith(_STANDARD_TAG) and tag[len(_STANDARD_TAG) :] in _PLAIN_TAGS:
        return
    raise ModelError("custom YAML tags are not supported in workflows", offset)


_SIZE = attrgetter("size")
_PLUS_ONE = (1).__add__


def _finish(kind: NodeKind, start: int, end: int, entries: list[Node]) -> Node:
    if kind == "sequence":
        return Node(
            "sequence", start, end, "", "", (), tuple(entries), 1 + sum(map(_SIZE, entries))
        )
    # One pass over the (key, value) pairs: size, items and keys together (a mapping is
    # finished for every step, ``with:`` and ``env:``; slicing and summing apart cost more).
    size = 1
    keys: dict[str, Node] = {}
    items: list[tuple[Node, Node]] = []
    pairs = iter(entries)
    for key, value in zip(pairs, pairs, strict=False):
        size += key.size + value.size
        items.append((key, value))
        if key.kind != "scalar":
            continue
        name = key.value
        if name in keys or name == "<<":  # rare: decide which error, if any
            if name == "<<" and key.style == "":
                raise ModelError(
                    "YAML merge keys (<<) are not supported by GitHub Actions", key.start
                )
            if name in keys:
                raise ModelError(f"duplicate key {_short(name)!r}", key.start)
        keys[name] = value
    return Node("mapping", start, end, "", "", tuple(items), (), size, keys)


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


# --- scalar offset maps ---------------------------------------------------------------------

_ESCAPES = MappingProxyType(
    {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
    "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
)  # fmt: skip
_HEX_LEN = MappingProxyType({"x": 2, "u": 4, "U": 8})
# Source characters the value may drop (indentation, folded breaks, doubled quotes); the
# aligner skips only these, so one odd character cannot shift everything after it.
_SKIPPABLE = frozenset(" \t\r\n'")


def map_scalar(text: str, node: Node) -> list[int]:
    """File offset for each character of a scalar's value, plus its end offset.

    The value differs from the source by indentation, folding, quotes and escapes. We list
    the source characters that can contribute to the value (with escapes decoded), then
    align the value against them greedily: each value character takes the next source
    character equal to it (a folded line break may become a space or a newline).
    """
    value = node.value
    if not value:
        return [node.start]
    candidates = _candidates(text, node)
    out: list[int] = []
    j = 0
    n = len(candidates)
    for ch in value:
        k = j
        while k < n:
            src = candidates[k][1]
            if src == ch or (src in "\r\n" and ch in " \n"):
                break
            if src not in _SKIPPABLE:
                k = -1  # a source character the value lacks: map here, consume nothing
                break
            k += 1
        if k < 0 or k >= n:
            out.append(candidates[j][0] if j < n else (out[-1] if out else node.start))
            continue
        out.append(candidates[k][0])
        j = k + 1
    out.append(out[-1] + 1 if out else node.end)
    return out


def _candidates(text: str, node: Node) -> list[tuple[int, str]]:
    start, end = node.start, min(node.end, len(text))
    style = node.style
    if style in ("|", ">"):
        return _block_candidates(text, start, end)
    if style == "'":
        return [(i, text[i]) for i in range(start + 1, max(start + 1, end - 1))]
    if style == '"':
        return _double_quoted_candidates(text, start + 1, max(start + 1, end - 1))
    return [(i, text[i]) for i in range(start, end)]


def _block_candidates(text: str, start: int, end: int) -> list[tuple[int, str]]:
    header_end = text.find("\n", start, end)
    if header_end < 0:
        return []
    pos = header_end + 1
    indent = _explicit_indent(text, start, header_end)
    # Otherwise the content indentation is that of the first non-blank line.
    probe = pos if indent < 0 else end
    indent = max(indent, 0)
    while probe < end:
        line_end = text.find("\n", probe, end)
        line_end = end if line_end < 0 else line_end
        stripped = len(text[probe:line_end].lstrip(" "))
        if stripped and text[probe:line_end].strip(" \r\t"):
            indent = (line_end - probe) - stripped
            break
        probe = line_end + 1
    out: list[tuple[int, str]] = []
    while pos < end:
        line_end = text.find("\n", pos, end)
        line_end = end if line_end < 0 else line_end + 1
        skip = 0
        while skip < indent and pos + skip < line_end and text[pos + skip] == " ":
            skip += 1
        out.extend((i, text[i]) for i in range(pos + skip, line_end))
        pos = line_end
    return out


def _explicit_indent(text: str, start: int, header_end: int) -> int:
    """Content indentation fixed by an indicator (``|2``, ``>+4``), or -1."""
    header = text[start:header_end].split("#", 1)[0]
    digits = [ch for ch in header if ch.isdigit()]
    if not digits:
        return -1
    line_start = text.rfind("\n", 0, start) + 1
    # The parent's indentation: the line's first key, after any "- " sequence entries.
    col = line_start
    while col < start and text[col] in " -":
        if text[col] == "-" and text[col + 1 : col + 2] not in (" ", "\t"):
            break
        col += 1
    return (col - line_start) + int(digits[0])


def _double_quoted_candidates(text: str, start: int, end: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    i = start
    while i < end:
        ch = text[i]
        if ch != "\\" or i + 1 >= end:
            out.append((i, ch))
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in "\r\n":  # escaped line break: joins lines, drops the next indentation
            i += 2
            if nxt == "\r" and i < end and text[i] == "\n":
                i += 1
            while i < end and text[i] in " \t":
                i += 1
            continue
        if nxt in _HEX_LEN:
            digits = text[i + 2 : i + 2 + _HEX_LEN[nxt]]
            try:
                out.append((i, chr(int(digits, 16))))
            except (ValueError, OverflowError):
                out.append((i, "?"))
            i += 2 + _HEX_LEN[nxt]
            continue
        out.append((i, _ESCAPES.get(nxt, nxt)))
        i += 2
    return out


# --- the workflow / action structure --------------------------------------------------------

# Composite-action inputs that carry credentials: the name ends in a credential word
# (`token`, `github-token`, `api-key`, `client-secret`), so `token-format` or
# `skip-token-revoke` do not count.
_CREDENTIAL_NAME = re.compile(
    r"(?i)(^|[_-])(token|passw(or)?d|passwd|secret|api[_-]?key|private[_-]?key|"
    r"access[_-]?key|credentials?|pat|auth)$"
)


# The records below are built for every step of every file. They are slotted classes,
# immutable by contract (``Final``, checked by mypy) and compared by identity, not frozen
# dataclasses: a frozen ``__init__`` sets each field through ``object.__setattr__``, and
# defining one costs about 1 ms of start-up.


class EnvEntry:
    __slots__ = ("key", "name", "route", "value")

    def __init__(self, name: str, key: Node, value: Node, route: Route) -> None:
        self.name: Final = name
        self.key: Final = key
        self.value: Final = value
        self.route: Final = route


class Step:
    __slots__ = (
        "env",
        "id",
        "index",
        "node",
        "route",
        "run",
        "shell",
        "shell_node",
        "uses",
        "uses_node",
        "with_",
        "working_directory",
    )

    def __init__(
        self,
        node: Node,
        route: Route,
        index: int,
        id: str | None,
        uses: str | None,
        uses_node: Node | None,
        run: Node | None,
        shell: str,
        shell_node: Node | None,
        env: tuple[EnvEntry, ...],
        with_: Node | None,
        working_directory: str,
    ) -> None:
        self.node: Final = node
        self.route: Final = route
        self.index: Final = index
        self.id: Final = id
        self.uses: Final = uses
        self.uses_node: Final = uses_node
        self.run: Final = run
        self.shell: Final = shell
        self.shell_node: Final = shell_node  # where the effective shell was set
        self.env: Final = env
        self.with_: Final = with_
        self.working_directory: Final = working_directory


class Job:
    __slots__ = ("env", "id", "needs", "node", "route", "steps", "uses")

    def __init__(
        self,
        id: str,  # the job's key
        node: Node,
        route: Route,
        env: tuple[EnvEntry, ...],
        steps: tuple[Step, ...],
        uses: str | None,  # a reusable-workflow call
        needs: tuple[str, ...],
    ) -> None:
        self.id: Final = id
        self.node: Final = node
        self.route: Final = route
        self.env: Final = env
        self.steps: Final = steps
        self.uses: Final = uses
        self.needs: Final = needs


class Workflow:
    __slots__ = ("doc", "env", "is_action", "jobs", "runs", "secret_inputs", "triggers")

    def __init__(
        self,
        doc: Document,
        is_action: bool,
        triggers: frozenset[str],
        env: tuple[EnvEntry, ...],
        jobs: tuple[Job, ...],
        secret_inputs: frozenset[str],
        runs: Node | None,
    ) -> None:
        self.doc: Final = doc
        self.is_action: Final = is_action
        self.triggers: Final = triggers
        self.env: Final = env
        self.jobs: Final = jobs
        # Composite/Docker action inputs that carry credentials (by name or description).
        self.secret_inputs: Final = secret_inputs
        self.runs: Final = runs  # ``runs:`` of an action (None for workflows)


def load(text: str, path: str = "") -> Workflow:
    """Parse ``text`` into a ``Workflow``; ``ModelError`` for anything unusable."""
    root, aliased = _compose(text)
    if not root.is_mapping:
        raise ModelError("expected a mapping at the top level of the file", root.start)
    doc = Document(text, root, aliased)
    in_workflows_dir = ".github/workflows/" in "/" + path.replace("\\", "/")
    named_action = path.rsplit("/", 1)[-1].split(".")[0] == "action"
    is_action = root.get("jobs") is None and (
        (named_action and not in_workflows_dir) or root.get("runs") is not None
    )
    if is_action:
        return _load_action(doc)
    return _load_workflow(doc)


def _env_entries(node: Node | None, route: Route) -> tuple[EnvEntry, ...]:
    if node is None or not node.is_mapping:
        return ()
    return tuple(
        EnvEntry(k.value, k, v, (*route, k.value)) for k, v in node.str_items() if v.is_scalar
    )


def _default_shell(node: Node | None) -> Node | None:
    if node is None or not node.is_mapping:
        return None
    run = node.get("defaults")
    run = run.get("run") if run is not None and run.is_mapping else None
    shell = run.get("shell") if run is not None and run.is_mapping else None
    return shell if shell is not None and shell.is_scalar else None


def _triggers(node: Node | None) -> frozenset[str]:
    if node is None:
        return frozenset()
    if node.is_scalar:
        return frozenset({node.value})
    if node.is_sequence:
        return frozenset(c.value for c in node.children if c.is_scalar)
    return frozenset(k.value for k, _ in node.str_items())


def _load_workflow(doc: Document) -> Workflow:
    root = doc.root
    # PyYAML 1.1 resolves a bare ``on`` key as boolean, but we read the raw key text.
    on_node = root.get("on")
    wf_env = _env_entries(root.get("env"), ("env",))
    wf_shell = _default_shell(root)
    jobs: list[Job] = []
    jobs_node = root.get("jobs")
    if jobs_node is not None and jobs_node.is_mapping:
        for key, job_node in jobs_node.str_items():
            if job_node.is_mapping:
                jobs.append(_load_job(key.value, job_node, ("jobs", key.value), wf_shell))
    return Workflow(doc, False, _triggers(on_node), wf_env, tuple(jobs), frozenset(), None)


def _load_job(job_id: str, node: Node, route: Route, wf_shell: Node | None) -> Job:
    shell_node = _default_shell(node) or wf_shell
    runs_on = node.get("runs-on")
    windows = runs_on is not None and "windows" in _flat_text(runs_on).lower()
    steps_node = node.get("steps")
    steps = _load_steps(steps_node, (*route, "steps"), shell_node, windows)
    needs_node = node.get("needs")
    needs: tuple[str, ...] = ()
    if needs_node is not None:
        if needs_node.is_scalar:
            needs = (needs_node.value,)
        elif needs_node.is_sequence:
            needs = tuple(c.value for c in needs_node.children if c.is_scalar)
    return Job(
        job_id,
        node,
        route,
        _env_entries(node.get("env"), (*route, "env")),
        steps,
        node.get_str("uses"),
        needs,
    )


def _load_steps(
    steps_node: Node | None, route: Route, shell_node: Node | None, windows: bool
) -> tuple[Step, ...]:
    if steps_node is None or not steps_node.is_sequence:
        return ()
    steps: list[Step] = []
    # ``parallel:`` groups (2026) hold steps too; ``index`` is the order of execution.
    pending: list[tuple[Node, Route]] = [
        (step, (*route, i)) for i, step in enumerate(steps_node.children)
    ]
    pending.reverse()
    while pending:
        step, step_route = pending.pop()
        if not step.is_mapping:
            continue
        group = step.get("parallel")
        if group is not None and group.is_sequence and step.get("run") is None:
            inner = [
                (child, (*step_route, "parallel", j)) for j, child in enumerate(group.children)
            ]
            pending.extend(reversed(inner))
            continue
        own_shell = step.get("shell")
        effective = own_shell if own_shell is not None and own_shell.is_scalar else shell_node
        shell = effective.value if effective is not None else ("pwsh" if windows else "bash")
        run = step.get("run")
        with_ = step.get("with")
        steps.append(
            Step(
                node=step,
                route=step_route,
                index=len(steps),
                id=step.get_str("id"),
                uses=step.get_str("uses"),
                uses_node=step.get("uses"),
                run=run if run is not None and run.is_scalar else None,
                shell=shell,
                shell_node=effective,
                env=_env_entries(step.get("env"), (*step_route, "env")),
                with_=with_ if with_ is not None and with_.is_mapping else None,
                working_directory=step.get_str("working-directory") or "",
            )
        )
    return tuple(steps)


def _load_action(doc: Document) -> Workflow:
    root = doc.root
    secret_inputs: set[str] = set()
    inputs = root.get("inputs")
    if inputs is not None and inputs.is_mapping:
        for key, _spec in inputs.str_items():
            if _CREDENTIAL_NAME.search(key.value):
                secret_inputs.add(key.value)
    runs = root.get("runs")
    jobs: tuple[Job, ...] = ()
    if runs is not None and runs.is_mapping:
        steps = _load_steps(runs.get("steps"), ("runs", "steps"), None, False)
        jobs = (
            Job(
                "(composite)",
                runs,
                ("runs",),
                _env_entries(runs.get("env"), ("runs", "env")),
                steps,
                None,
                (),
            ),
        )
    return Workflow(doc, True, frozenset(), (), jobs, frozenset(secret_inputs), runs)


def _flat_text(node: Node) -> str:
    if node.is_scalar:
        return node.value
    if node.is_sequence:
        return " ".join(_flat_text(c) for c in node.children)
    return " ".join(_flat_text(v) for _, v in node.items)


def iter_scalars(node: Node, route: Route) -> Iterator[tuple[Node, Route]]:
    """Every scalar value (not keys) under ``node``, each shared node visited once."""
    seen: set[int] = set()
    stack: list[tuple[Node, Route]] = [(node, route)]
    while stack:
        current, where = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.is_scalar:
            yield current, where
        elif current.is_mapping:
            for k, v in reversed(current.items):
                key: str | int = k.value if k.is_scalar else "?"
                stack.append((v, (*where, key)))
        else:
            for i in range(len(current.children) - 1, -1, -1):
                stack.append((current.children[i], (*where, i)))
