"""cmd ``run:`` scripts (``shell: cmd``): ``echo`` to the log, ``set`` dumps, native argv.

Line by line, each line split into commands at unquoted ``&``, ``&&``, ``||`` and ``|``;
``%VAR%`` and ``!VAR!`` expand the step's environment (case-insensitively).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from wabaguard.workflows.shells.facts import (
    ArgvUse,
    FactsBuilder,
    Output,
    Placeholder,
    ScriptFacts,
)
from wabaguard.workflows.shells.lookup import (
    Placeholders,
    blank_placeholders,
    env_lookup,
    in_scope,
)
from wabaguard.workflows.taint import Taint, union

_Span = tuple[int, int]
_SILENT = frozenset({"rem", "::", "goto", "setlocal", "endlocal", "cd", "pushd", "popd", "exit"})
_REDIRECT_SINKS = {
    "%GITHUB_STEP_SUMMARY%": "summary",
    "%GITHUB_ENV%": "github-env",
    "%GITHUB_OUTPUT%": "github-output",
    "NUL": "null",
}


def analyze_cmd(
    script: str, placeholders: Sequence[Placeholder], env: Mapping[str, Taint]
) -> ScriptFacts:
    text = blank_placeholders(script, placeholders)
    ph = Placeholders(placeholders)
    facts = FactsBuilder()
    offset = 0
    for line in text.split("\n"):
        for start, end in _cmd_commands(line):
            _cmd_command(text, offset + start, offset + end, ph, env, facts)
        offset += len(line) + 1
    return facts.freeze()


def _cmd_commands(line: str) -> Iterator[_Span]:
    """Spans of the commands on one line, split at unquoted ``&``, ``&&``, ``||``, ``|``."""
    start = 0
    quoted = False
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "&|":
            yield start, i
            i += 2 if line[i : i + 2] in ("&&", "||") else 1
            start = i
            continue
        i += 1
    yield start, len(line)


def _cmd_words(text: str, start: int, end: int) -> list[_Span]:
    words: list[_Span] = []
    i = start
    while i < end:
        while i < end and text[i] in " \t\r":
            i += 1
        if i >= end:
            break
        j = i
        quoted = False
        while j < end and (quoted or text[j] not in " \t\r"):
            if text[j] == '"':
                quoted = not quoted
            j += 1
        words.append((i, j))
        i = j
    return words


def _cmd_taint(
    text: str, start: int, end: int, ph: Placeholders, env: Mapping[str, Taint]
) -> Taint | None:
    taint = ph.taint(start, end)
    word = text[start:end]
    for mark in "%!":
        i = word.find(mark)
        while i >= 0:
            close = word.find(mark, i + 1)
            if close < 0:
                break
            name = word[i + 1 : close].split(":", 1)[0]
            if name:
                taint = union(taint, env_lookup(env, name, case_insensitive=True))
            i = word.find(mark, close + 1)
    return taint


def _skip_conditions(text: str, words: list[_Span]) -> list[_Span]:
    """``if [/i] [not] defined X cmd…``: the words of the command after the condition."""
    while words and text[words[0][0] : words[0][1]].lower().lstrip("@") == "if":
        words = words[1:]
        while words and text[words[0][0] : words[0][1]].lower() in ("/i", "not"):
            words = words[1:]
        if words and text[words[0][0] : words[0][1]].lower() in ("defined", "exist", "errorlevel"):
            words = words[2:]
        else:
            words = words[1:]
    return words


def _redirect(text: str, words: list[_Span]) -> tuple[str, list[_Span]]:
    """(where stdout goes, the arguments before the first ``>``/``>>``)."""
    for i, (a, b) in enumerate(words[1:]):
        if text[a:b] in (">", ">>") and i + 2 < len(words):
            target = text[words[i + 2][0] : words[i + 2][1]].strip('"').upper()
            return _REDIRECT_SINKS.get(target, "file"), words[1 : i + 1]
    return "log", words[1:]


def _cmd_command(
    text: str,
    start: int,
    end: int,
    ph: Placeholders,
    env: Mapping[str, Taint],
    facts: FactsBuilder,
) -> None:
    words = _skip_conditions(text, _cmd_words(text, start, end))
    if not words:
        return
    name = text[words[0][0] : words[0][1]].lower().lstrip("@")
    if name in _SILENT:
        return
    dest, args = _redirect(text, words)
    if name == "set":
        scope = in_scope(env) if not args else None
        if scope is not None and dest in ("log", "summary"):
            _emit(facts, Taint(scope.sources, dump=True), dest, words[0], "set")
        return
    if name == "echo":
        for a, b in args:
            taint = _cmd_taint(text, a, b, ph, env)
            if taint is not None:
                if dest != "null":
                    _emit(facts, taint, dest, (a, b), "echo")
                return
        return
    for a, b in args:
        taint = _cmd_taint(text, a, b, ph, env)
        if taint is not None:
            facts.argv.append(ArgvUse(a, b, taint, name, "plain"))


def _emit(facts: FactsBuilder, taint: Taint, sink: str, site: _Span, cmd: str) -> None:
    facts.outputs.append(Output(site[0], site[1], taint, sink, cmd))  # type: ignore[arg-type]
