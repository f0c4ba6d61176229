"""PowerShell ``run:`` scripts (``shell: pwsh``/``powershell``): the same facts, smaller scope.

There is no PowerShell parser here, so a small tokenizer understands quoting, comments,
variables and pipelines; the analysis stays conservative (precision first): only the sinks
the catalog names (``Write-Host``/``echo`` to the log, ``Out-File``/``>>`` to GitHub's files,
native commands' argv, environment dumps, ``Set-PSDebug -Trace``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from wabaguard.workflows.shells.facts import (
    ArgvUse,
    FactsBuilder,
    Output,
    Placeholder,
    ScriptFacts,
    Trace,
    url_part,
)
from wabaguard.workflows.shells.lookup import (
    Placeholders,
    blank_placeholders,
    env_lookup,
    in_scope,
)
from wabaguard.workflows.taint import Taint, union


@dataclass(frozen=True)
class _Tok:
    kind: str  # word, var, dq, sq, op, nl
    start: int
    end: int
    text: str


_PS_OPS = ("@{", "@(", "$(", ">>", "2>", "&&", "||", "|", ";", "&", "(", ")", "{", "}",
           "[", "]", ",", "=", ">")  # fmt: skip
_PS_KEYWORDS = frozenset(
    {"if", "elseif", "else", "foreach", "for", "while", "do", "until", "switch", "try",
     "catch", "finally", "function", "filter", "param", "return", "throw", "exit", "break",
     "continue", "trap", "begin", "process", "end", "class", "using", "not"}
)  # fmt: skip
_PS_PRINTERS = frozenset(
    {"write-host", "write-output", "echo", "write", "write-warning", "write-error",
     "write-information", "write-verbose", "write-debug", "out-host", "out-default"}
)  # fmt: skip
_PS_WRITERS = frozenset({"out-file", "set-content", "add-content", "tee-object"})
_PS_LISTERS = frozenset({"get-childitem", "gci", "dir", "ls", "get-item"})
_PS_TRANSFORMS = (
    "tobase64string", "substring", "convertfrom-json", "-replace", ".replace", "-split",
    ".split", "tochararray", "reverse", "tobytes",
)  # fmt: skip
_OPENERS = ("(", "@(", "$(", "@{")


# --- tokens -----------------------------------------------------------------------------------


def _ps_tokens(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            toks.append(_Tok("nl", i, i + 1, "\n"))
            i += 1
        elif ch == "`" and text[i + 1 : i + 2] in ("\n", "\r"):
            i += 3 if text[i + 1 : i + 3] == "\r\n" else 2  # line continuation
        elif ch in " \t\r`":
            i += 1
        elif text.startswith("<#", i):
            close = text.find("#>", i + 2)
            i = n if close < 0 else close + 2
        elif ch == "#":
            close = text.find("\n", i)
            i = n if close < 0 else close
        else:
            tok = _ps_token(text, i)
            toks.append(tok)
            i = tok.end
    return toks


def _ps_token(text: str, i: int) -> _Tok:
    """The string, variable, operator or word starting at ``text[i]``."""
    ch = text[i]
    if ch in "\"'":
        end = _ps_string_end(text, i)
        return _Tok("dq" if ch == '"' else "sq", i, end, text[i:end])
    if ch == "$" and not text.startswith("$(", i):
        end = _ps_variable_end(text, i)
        return _Tok("var", i, end, text[i:end])
    op = next((o for o in _PS_OPS if text.startswith(o, i)), None)
    if op is not None:
        return _Tok("op", i, i + len(op), op)
    j, n = i, len(text)
    while j < n and not text[j].isspace() and text[j] not in "|;&(){}[],=\"'$`#>":
        j += 1
    if j == i:
        j = i + 1
    # Keep `[Type]::Member` and `.\path` style words whole enough to classify.
    return _Tok("word", i, j, text[i:j])


def _ps_string_end(text: str, i: int) -> int:
    """One past the closing quote of the string opening at ``text[i]``.

    A doubled quote, and in double quotes a backtick escape, does not close it.
    """
    ch = text[i]
    n = len(text)
    j = i + 1
    while j < n:
        if text[j] == "`" and ch == '"':
            j += 2
            continue
        if text[j] == ch:
            if j + 1 < n and text[j + 1] == ch:
                j += 2
                continue
            break
        j += 1
    return min(j + 1, n)


def _ps_variable_end(text: str, i: int) -> int:
    """One past ``$name``, ``$env:NAME`` or ``${any name}`` at ``text[i]``."""
    n = len(text)
    j = i + 1
    if j < n and text[j] == "{":
        close = text.find("}", j)
        return n if close < 0 else close + 1
    while j < n and (text[j].isalnum() or text[j] in "_:?"):
        j += 1
    return j


def _ps_var_name(token_text: str) -> str:
    body = token_text[1:]
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1]
    return body


def _classify(tok: _Tok) -> tuple[str, str]:
    """(sink, file path) of a redirection or ``-FilePath`` target."""
    text = tok.text.strip("\"'")
    lowered = text.lower().replace("{", "").replace("}", "")
    for var, sink in (
        ("github_step_summary", "summary"),
        ("github_output", "github-output"),
        ("github_env", "github-env"),
        ("github_path", "github-path"),
    ):
        if lowered in (f"$env:{var}",):
            return sink, ""
    if lowered in ("$null", "nul"):
        return "null", ""
    return "file", text


def _redirections(toks: list[_Tok]) -> tuple[str, str, list[_Tok]]:
    """``> file``, ``>> $env:GITHUB_STEP_SUMMARY``: (sink, path, the tokens without them)."""
    dest = "log"
    path = ""
    body: list[_Tok] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind == "op" and tok.text in (">", ">>") and i + 1 < len(toks):
            dest, path = _classify(toks[i + 1])
            i += 2
            continue
        if tok.kind == "op" and tok.text == "2>":
            i += 2
            continue
        body.append(tok)
        i += 1
    return dest, path, body


def _statements(toks: list[_Tok]) -> Iterator[list[_Tok]]:
    current: list[_Tok] = []
    depth = 0  # parentheses and hashtables do not end a statement
    for tok in toks:
        if tok.kind == "op" and tok.text in _OPENERS:
            depth += 1
        elif tok.kind == "op" and tok.text == ")" and depth:
            depth -= 1
        elif tok.kind == "op" and tok.text == "}" and depth:
            depth -= 1
            current.append(tok)
            continue
        if depth == 0 and (tok.kind == "nl" or (tok.kind == "op" and tok.text in ";{}")):
            if current:
                yield current
            current = []
            continue
        if tok.kind != "nl":
            current.append(tok)
    if current:
        yield current


def _pipeline(toks: list[_Tok]) -> list[list[_Tok]]:
    """A statement's pipeline elements, split at ``|`` outside parentheses and hashtables."""
    elements: list[list[_Tok]] = [[]]
    depth = 0
    for tok in toks:
        if tok.kind == "op" and tok.text in _OPENERS:
            depth += 1
        elif tok.kind == "op" and tok.text in (")", "}") and depth:
            depth -= 1
        if depth == 0 and tok.kind == "op" and tok.text == "|":
            elements.append([])
        else:
            elements[-1].append(tok)
    return elements


# --- the walk ---------------------------------------------------------------------------------

_Flow = tuple[Taint | None, tuple[int, int] | None]  # what goes down the pipe, and from where


class _PwshWalker:
    def __init__(self, text: str, placeholders: Placeholders, env: Mapping[str, Taint]) -> None:
        self.text = text
        self.ph = placeholders
        self.env = env
        self.vars: dict[str, Taint] = {}
        self.facts = FactsBuilder()
        self.trace: tuple[int, int] | None = None
        self.trace_reported = False

    def var_taint(self, name: str) -> Taint | None:
        lowered = name.lower()
        if lowered.startswith("env:"):
            return env_lookup(self.env, name[4:], case_insensitive=True)
        return self.vars.get(lowered)

    def string_taint(self, tok: _Tok) -> Taint | None:
        taint = self.ph.taint(tok.start, tok.end)
        if tok.kind != "dq":
            return taint
        body = tok.text
        i = body.find("$")
        while i >= 0:
            j = i + 1
            if j < len(body) and body[j] == "{":
                close = body.find("}", j)
                name = body[j + 1 : close if close >= 0 else len(body)]
            else:
                while j < len(body) and (body[j].isalnum() or body[j] in "_:"):
                    j += 1
                name = body[i + 1 : j]
            if name and (i == 0 or body[i - 1] != "`"):
                taint = union(taint, self.var_taint(name))
            i = body.find("$", i + 1)
        return taint

    def tok_taint(self, tok: _Tok) -> Taint | None:
        if tok.kind == "var":
            return union(self.var_taint(_ps_var_name(tok.text)), self.ph.taint(tok.start, tok.end))
        if tok.kind in ("dq", "sq"):
            return self.string_taint(tok)
        if tok.kind == "word":
            return self.ph.taint(tok.start, tok.end)
        return None

    def taint_of(self, toks: Sequence[_Tok]) -> _Flow:
        out: Taint | None = None
        site: tuple[int, int] | None = None
        for tok in toks:
            t = self.tok_taint(tok)
            if t is not None:
                site = site or (tok.start, tok.end)
                out = union(out, t)
        if out is not None and any(
            tok.kind == "word" and any(x in tok.text.lower() for x in _PS_TRANSFORMS)
            for tok in toks
        ):
            out = out.as_derived()
        return out, site

    def run(self) -> FactsBuilder:
        for statement in _statements(_ps_tokens(self.text)):
            self.statement(statement)
        return self.facts

    def statement(self, toks: list[_Tok]) -> None:
        first = toks[0]
        if first.kind == "word" and first.text.lower() in _PS_KEYWORDS:
            return
        if first.kind == "var" and len(toks) > 2 and toks[1].text == "=":
            self.assign(first, toks[2:])
            return
        elements = _pipeline(toks)
        flowing: Taint | None = None
        site: tuple[int, int] | None = None
        for index, element in enumerate(elements):
            if not element:
                continue
            last = index == len(elements) - 1
            flowing, site = self.element(element, flowing, site, last)

    def assign(self, var: _Tok, value: list[_Tok]) -> None:
        taint, _ = self.taint_of(value)
        self.note_traced(taint)
        name = _ps_var_name(var.text).lower()
        if name.startswith("env:"):
            return
        if taint is None:
            self.vars.pop(name, None)
        else:
            self.vars[name] = taint

    def element(
        self,
        toks: list[_Tok],
        stdin: Taint | None,
        stdin_site: tuple[int, int] | None,
        last: bool,
    ) -> _Flow:
        """One pipeline element: what it passes on, or (last) where its output goes."""
        dest, path, body = _redirections(toks)
        if not body:
            return None, None
        head = body[0]
        name = head.text.lower() if head.kind == "word" else ""
        taint_all, site_all = self.taint_of(body)
        self.note_traced(taint_all)
        out, site = self.produces(head, name, body, (stdin, stdin_site), (taint_all, site_all))
        if out is None:
            return None, None
        if not last:
            return out, site
        self.output(out, dest, site or (head.start, head.end), name or "expression", path)
        return None, None

    def produces(self, head: _Tok, name: str, body: list[_Tok], stdin: _Flow, own: _Flow) -> _Flow:
        """What an element writes: an expression's value, a known cmdlet's output, or nothing.

        A native call writes nothing we follow (its argv is recorded). ``stdin`` is what flows
        in from the pipe, ``own`` what the element's own tokens carry.
        """
        if head.kind == "op" and head.text in ("&", ".") and len(body) > 1:
            self.native(body[1], body[2:])
            return None, None
        if head.kind in ("dq", "sq", "var") or (head.kind == "op" and head.text in ("(", "$(")):
            return own
        cmdlet = _CMDLETS.get(name)
        if cmdlet is not None:
            return cmdlet(self, body, stdin)
        if (
            name
            and "-" not in name.strip("-")
            and head.kind == "word"
            and ("." in name or "\\" in name or "/" in name)
        ):
            self.native(head, body[1:])
        return None, None

    # -- cmdlets, by name: (walker, tokens, stdin flow) -> what they write ------------------------

    def printer(self, body: list[_Tok], stdin: _Flow) -> _Flow:
        out, site = self.taint_of(body[1:])
        return union(out, stdin[0]), site or stdin[1]

    def lister(self, body: list[_Tok], stdin: _Flow) -> _Flow:
        """``Get-ChildItem env:``: an environment dump."""
        if any(t.text.lower().rstrip("\\/") == "env:" for t in body):
            scope = in_scope(self.env)
            if scope is not None:
                return Taint(scope.sources, dump=True), (body[0].start, body[0].end)
        return None, None

    def writer(self, body: list[_Tok], stdin: _Flow) -> _Flow:
        """``Out-File``/``Set-Content``/``Tee-Object``: the pipe's content to a file."""
        head = body[0]
        taint, site = stdin
        target = self.param(body, ("-filepath", "-path", "-literalpath"))
        if target is not None and taint is not None:
            sink, file_path = _classify(target)
            if sink != "log":
                self.output(
                    taint, sink, site or (head.start, head.end), head.text.lower(), file_path
                )
                return None, None
        return stdin

    def psdebug(self, body: list[_Tok], stdin: _Flow) -> _Flow:
        self.set_psdebug(body)
        return None, None

    def selector(self, body: list[_Tok], stdin: _Flow) -> _Flow:
        """``Select-Object``, ``Measure-Object``…: a dump no longer, anything else as is."""
        taint, site = stdin
        return (None if taint is not None and taint.dump else taint), site

    def passes(self, body: list[_Tok], stdin: _Flow) -> _Flow:
        return stdin

    # -- helpers ------------------------------------------------------------------------------

    def param(self, body: list[_Tok], names: tuple[str, ...]) -> _Tok | None:
        for i, tok in enumerate(body[:-1]):
            if tok.kind == "word" and tok.text.lower() in names:
                return body[i + 1]
        positional = [t for t in body[1:] if not (t.kind == "word" and t.text.startswith("-"))]
        return positional[0] if positional else None

    def output(self, taint: Taint, sink: str, site: tuple[int, int], cmd: str, path: str) -> None:
        if sink == "null":
            return
        if taint.dump and sink not in ("log", "summary"):
            return
        self.facts.outputs.append(
            Output(site[0], site[1], taint, sink, cmd, "", path)  # type: ignore[arg-type]
        )

    def native(self, command: _Tok, args: list[_Tok]) -> None:
        name = command.text.strip("\"'").replace("\\", "/").rsplit("/", 1)[-1]
        for tok in args:
            taint = self.tok_taint(tok)
            if taint is None:
                continue
            # Where the value sits in the word: its first `$` (or the placeholder).
            rel = tok.text.find("$")
            rel = rel if rel >= 0 else max(tok.text.find("_"), 0)
            part = url_part(tok.text, rel, rel + 1) if "://" in tok.text else ""
            self.facts.argv.append(
                ArgvUse(tok.start, tok.end, taint, name, "url" if part else "plain", part)
            )

    def set_psdebug(self, body: list[_Tok]) -> None:
        words = [t.text.lower() for t in body[1:]]
        if "-off" in words or (
            "-trace" in words and words[words.index("-trace") + 1 :][:1] == ["0"]
        ):
            self.trace = None
        elif "-trace" in words:
            self.trace = (body[0].start, body[-1].end)
            self.trace_reported = False

    def note_traced(self, taint: Taint | None) -> None:
        if self.trace is None or taint is None or self.trace_reported:
            return
        self.facts.traces.append(Trace(self.trace[0], self.trace[1], "Set-PSDebug -Trace", taint))
        self.trace_reported = True


_Cmdlet = Callable[[_PwshWalker, list[_Tok], _Flow], _Flow]
# What each known cmdlet (lower-cased) writes; other commands write nothing we follow.
_CMDLETS: Mapping[str, _Cmdlet] = {
    **dict.fromkeys(_PS_PRINTERS, _PwshWalker.printer),
    **dict.fromkeys(_PS_LISTERS, _PwshWalker.lister),
    **dict.fromkeys(_PS_WRITERS, _PwshWalker.writer),
    "set-psdebug": _PwshWalker.psdebug,
    **dict.fromkeys(("select-object", "measure-object", "foreach-object"), _PwshWalker.selector),
    **dict.fromkeys(
        ("sort-object", "where-object", "format-table", "format-list", "out-string"),
        _PwshWalker.passes,
    ),
}


def analyze_pwsh(
    script: str, placeholders: Sequence[Placeholder], env: Mapping[str, Taint]
) -> ScriptFacts:
    text = blank_placeholders(script, placeholders)
    return _PwshWalker(text, Placeholders(placeholders), env).run().freeze()
