"""PowerShell, cmd and Python ``run:`` scripts: the same facts as ``shell.py``, smaller scope.

Python scripts are parsed with the standard library's ``ast``. PowerShell and cmd have no
parser available here, so each gets a small tokenizer that understands quoting, comments,
variables and pipelines; the analysis stays conservative (precision first): only the sinks
the catalog names (``Write-Host``/``echo`` to the log, ``Out-File``/``>>`` to GitHub's files,
native commands' argv, environment dumps, ``Set-PSDebug -Trace``).
"""

from __future__ import annotations

import ast
import bisect
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from wabaguard.workflows.shell import (
    ArgvUse,
    FactsBuilder,
    Output,
    Placeholder,
    ScriptFacts,
    Trace,
    url_part,
)
from wabaguard.workflows.taint import Taint, union


class _Placeholders:
    def __init__(self, placeholders: Sequence[Placeholder]) -> None:
        self.items = sorted(placeholders, key=lambda p: p.start)
        self.starts = [p.start for p in self.items]

    def taint(self, start: int, end: int) -> Taint | None:
        out: Taint | None = None
        i = bisect.bisect_right(self.starts, end) - 1
        while i >= 0 and self.items[i].end > start:
            if self.items[i].taint is not None:
                out = union(out, self.items[i].taint.as_inline())  # type: ignore[union-attr]
            i -= 1
        return out


def _emit(facts: FactsBuilder, taint: Taint, sink: str, site: tuple[int, int], cmd: str) -> None:
    facts.outputs.append(Output(site[0], site[1], taint, sink, cmd))  # type: ignore[arg-type]


def _env_lookup(env: Mapping[str, Taint], name: str, *, case_insensitive: bool) -> Taint | None:
    if name in env:
        return env[name]
    if case_insensitive:
        lowered = name.lower()
        for key, value in env.items():
            if key.lower() == lowered:
                return value
    return None


def _in_scope(env: Mapping[str, Taint]) -> Taint | None:
    out: Taint | None = None
    for name, taint in env.items():
        if not taint.minted and not taint.dump:
            out = union(out, Taint(frozenset({f"${name}"}) | taint.sources))
    return out


# --- PowerShell -------------------------------------------------------------------------------


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
        elif ch in "\"'":
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
            end = min(j + 1, n)
            toks.append(_Tok("dq" if ch == '"' else "sq", i, end, text[i:end]))
            i = end
        elif ch == "$" and not text.startswith("$(", i):
            j = i + 1
            if j < n and text[j] == "{":
                close = text.find("}", j)
                j = n if close < 0 else close + 1
            else:
                while j < n and (text[j].isalnum() or text[j] in "_:?"):
                    j += 1
            toks.append(_Tok("var", i, j, text[i:j]))
            i = j
        else:
            op = next((o for o in _PS_OPS if text.startswith(o, i)), None)
            if op is not None:
                toks.append(_Tok("op", i, i + len(op), op))
                i += len(op)
                continue
            j = i
            while j < n and not text[j].isspace() and text[j] not in "|;&(){}[],=\"'$`#>":
                j += 1
            if j == i:
                j = i + 1
            # Keep `[Type]::Member` and `.\path` style words whole enough to classify.
            toks.append(_Tok("word", i, j, text[i:j]))
            i = j
    return toks


def _ps_var_name(token_text: str) -> str:
    body = token_text[1:]
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1]
    return body


class _PwshWalker:
    def __init__(self, text: str, placeholders: _Placeholders, env: Mapping[str, Taint]) -> None:
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
            return _env_lookup(self.env, name[4:], case_insensitive=True)
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

    def taint_of(self, toks: Sequence[_Tok]) -> tuple[Taint | None, tuple[int, int] | None]:
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
        for statement in self.statements(_ps_tokens(self.text)):
            self.statement(statement)
        return self.facts

    def statements(self, toks: list[_Tok]) -> Iterator[list[_Tok]]:
        current: list[_Tok] = []
        depth = 0  # parentheses and hashtables do not end a statement
        for tok in toks:
            if tok.kind == "op" and tok.text in ("(", "@(", "$(", "@{"):
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

    def statement(self, toks: list[_Tok]) -> None:
        first = toks[0]
        if first.kind == "word" and first.text.lower() in _PS_KEYWORDS:
            return
        if first.kind == "var" and len(toks) > 2 and toks[1].text == "=":
            taint, _ = self.taint_of(toks[2:])
            self.note_traced(taint)
            name = _ps_var_name(first.text).lower()
            if name.startswith("env:"):
                return
            if taint is None:
                self.vars.pop(name, None)
            else:
                self.vars[name] = taint
            return
        elements: list[list[_Tok]] = [[]]
        depth = 0
        for tok in toks:
            if tok.kind == "op" and tok.text in ("(", "@(", "$(", "@{"):
                depth += 1
            elif tok.kind == "op" and tok.text in (")", "}") and depth:
                depth -= 1
            if depth == 0 and tok.kind == "op" and tok.text == "|":
                elements.append([])
            else:
                elements[-1].append(tok)
        flowing: Taint | None = None
        site: tuple[int, int] | None = None
        for index, element in enumerate(elements):
            if not element:
                continue
            last = index == len(elements) - 1
            flowing, site = self.element(element, flowing, site, last)

    def element(
        self,
        toks: list[_Tok],
        stdin: Taint | None,
        stdin_site: tuple[int, int] | None,
        last: bool,
    ) -> tuple[Taint | None, tuple[int, int] | None]:
        # Redirections: `> file`, `>> $env:GITHUB_STEP_SUMMARY`.
        dest = "log"
        path = ""
        body: list[_Tok] = []
        i = 0
        while i < len(toks):
            tok = toks[i]
            if tok.kind == "op" and tok.text in (">", ">>") and i + 1 < len(toks):
                dest, path = self.classify(toks[i + 1])
                i += 2
                continue
            if tok.kind == "op" and tok.text == "2>":
                i += 2
                continue
            body.append(tok)
            i += 1
        if not body:
            return None, None
        head = body[0]
        name = head.text.lower() if head.kind == "word" else ""
        out: Taint | None = None
        site: tuple[int, int] | None = None
        taint_all, site_all = self.taint_of(body)
        self.note_traced(taint_all)
        if head.kind == "op" and head.text in ("&", ".") and len(body) > 1:
            self.native(body[1], body[2:])
            return None, None
        if head.kind in ("dq", "sq", "var") or (head.kind == "op" and head.text in ("(", "$(")):
            out, site = taint_all, site_all
        elif name in _PS_PRINTERS:
            out, site = self.taint_of(body[1:])
            out = union(out, stdin)
            site = site or stdin_site
        elif name in _PS_LISTERS and any(t.text.lower().rstrip("\\/") == "env:" for t in body):
            scope = _in_scope(self.env)
            if scope is not None:
                out, site = Taint(scope.sources, dump=True), (head.start, head.end)
        elif name in _PS_WRITERS:
            target = self.param(body, ("-filepath", "-path", "-literalpath"))
            if target is not None and stdin is not None:
                sink, file_path = self.classify(target)
                if sink != "log":
                    self.output(stdin, sink, stdin_site or (head.start, head.end), name, file_path)
                    return None, None
            out, site = stdin, stdin_site
        elif name == "set-psdebug":
            self.set_psdebug(body)
            return None, None
        elif name in ("select-object", "measure-object", "foreach-object"):
            out = None if stdin is not None and stdin.dump else stdin
            site = stdin_site
        elif name in ("sort-object", "where-object", "format-table", "format-list", "out-string"):
            out, site = stdin, stdin_site
        elif (
            name
            and "-" not in name.strip("-")
            and head.kind == "word"
            and ("." in name or "\\" in name or "/" in name)
        ):
            self.native(head, body[1:])
            return None, None
        if out is None:
            return None, None
        if not last:
            return out, site
        self.output(out, dest, site or (head.start, head.end), name or "expression", path)
        return None, None

    def classify(self, tok: _Tok) -> tuple[str, str]:
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


def analyze_pwsh(
    script: str, placeholders: Sequence[Placeholder], env: Mapping[str, Taint]
) -> ScriptFacts:
    text = _blank_placeholders(script, placeholders)
    return _PwshWalker(text, _Placeholders(placeholders), env).run().freeze()


def _blank_placeholders(script: str, placeholders: Sequence[Placeholder]) -> str:
    chars = list(script)
    for ph in placeholders:
        for i in range(ph.start, min(ph.end, len(chars))):
            if chars[i] != "\n":
                chars[i] = "_"
    return "".join(chars)


# --- cmd ------------------------------------------------------------------------------------


def analyze_cmd(
    script: str, placeholders: Sequence[Placeholder], env: Mapping[str, Taint]
) -> ScriptFacts:
    text = _blank_placeholders(script, placeholders)
    ph = _Placeholders(placeholders)
    facts = FactsBuilder()
    offset = 0
    for line in text.split("\n"):
        for start, end in _cmd_commands(line):
            _cmd_command(text, offset + start, offset + end, ph, env, facts)
        offset += len(line) + 1
    return facts.freeze()


def _cmd_commands(line: str) -> Iterator[tuple[int, int]]:
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


def _cmd_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    words: list[tuple[int, int]] = []
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
    text: str, start: int, end: int, ph: _Placeholders, env: Mapping[str, Taint]
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
                taint = union(taint, _env_lookup(env, name, case_insensitive=True))
            i = word.find(mark, close + 1)
    return taint


def _cmd_command(
    text: str,
    start: int,
    end: int,
    ph: _Placeholders,
    env: Mapping[str, Taint],
    facts: FactsBuilder,
) -> None:
    words = _cmd_words(text, start, end)
    # `if [/i] [not] defined X cmd…`: the command after the condition.
    while words and text[words[0][0] : words[0][1]].lower().lstrip("@") == "if":
        words = words[1:]
        while words and text[words[0][0] : words[0][1]].lower() in ("/i", "not"):
            words = words[1:]
        if words and text[words[0][0] : words[0][1]].lower() in ("defined", "exist", "errorlevel"):
            words = words[2:]
        else:
            words = words[1:]
    if not words:
        return
    name = text[words[0][0] : words[0][1]].lower().lstrip("@")
    if name in ("rem", "::", "goto", "setlocal", "endlocal", "cd", "pushd", "popd", "exit"):
        return
    dest, args = "log", words[1:]
    for i, (a, b) in enumerate(words[1:]):
        if text[a:b] in (">", ">>") and i + 2 < len(words):
            target = text[words[i + 2][0] : words[i + 2][1]].strip('"').upper()
            dest = {
                "%GITHUB_STEP_SUMMARY%": "summary",
                "%GITHUB_ENV%": "github-env",
                "%GITHUB_OUTPUT%": "github-output",
                "NUL": "null",
            }.get(target, "file")
            args = words[1 : i + 1]
            break
    if name == "set" and not args:
        scope = _in_scope(env)
        if scope is not None and dest in ("log", "summary"):
            _emit(facts, Taint(scope.sources, dump=True), dest, words[0], "set")
        return
    if name == "set":
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


# --- Python ---------------------------------------------------------------------------------

_SUBPROCESS = frozenset({"run", "call", "check_call", "check_output", "Popen", "system"})
_NO_VALUE_CALLS = frozenset({"bool", "len", "hash", "isinstance", "int", "type", "id"})
_DERIVING_CALLS = frozenset(
    {"b64encode", "b64decode", "urlsafe_b64encode", "hexlify", "encode", "loads", "upper",
     "lower", "replace", "split", "reversed", "hex"}
)  # fmt: skip


def analyze_python(
    script: str, placeholders: Sequence[Placeholder], env: Mapping[str, Taint]
) -> ScriptFacts:
    text = _blank_placeholders(script, placeholders)
    text = "".join(c if c < "\x80" else "x" for c in text)  # byte columns == char columns
    facts = FactsBuilder()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        facts.parse_errors += 1
        return facts.freeze()
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    _PythonWalker(text, starts, _Placeholders(placeholders), env, facts).visit(tree)
    return facts.freeze()


class _PythonWalker(ast.NodeVisitor):
    def __init__(
        self,
        text: str,
        starts: list[int],
        ph: _Placeholders,
        env: Mapping[str, Taint],
        facts: FactsBuilder,
    ) -> None:
        self.text = text
        self.starts = starts
        self.ph = ph
        self.env = env
        self.facts = facts
        self.vars: dict[str, Taint] = {}

    def span(self, node: ast.AST) -> tuple[int, int]:
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        end_line = getattr(node, "end_lineno", line) or line
        end_col = getattr(node, "end_col_offset", col) or col
        return self.starts[line - 1] + col, self.starts[end_line - 1] + end_col

    def env_name(self, node: ast.AST) -> str | None:
        """``os.environ["X"]``, ``os.environ.get("X")``, ``os.getenv("X")`` -> X."""
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return key.value
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            key = node.args[0]
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            if isinstance(func, ast.Attribute) and (
                (func.attr == "get" and _is_environ(func.value)) or func.attr == "getenv"
            ):
                return key.value
            if isinstance(func, ast.Name) and func.id == "getenv":
                return key.value
        return None

    def taint(self, node: ast.AST | None) -> Taint | None:
        if node is None:
            return None
        name = self.env_name(node)
        if name is not None:
            return self.env.get(name)
        if isinstance(node, ast.Name):
            return union(self.vars.get(node.id), self.ph.taint(*self.span(node)))
        if isinstance(node, ast.Constant):
            return self.ph.taint(*self.span(node))
        if isinstance(node, ast.Call):
            func = node.func
            fname = (
                func.id
                if isinstance(func, ast.Name)
                else (func.attr if isinstance(func, ast.Attribute) else "")
            )
            if fname in _NO_VALUE_CALLS or (
                isinstance(func, ast.Attribute)
                and (isinstance(func.value, ast.Name) and func.value.id == "hashlib")
            ):
                return None
            out: Taint | None = None
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                out = union(out, self.taint(arg))
            if isinstance(func, ast.Attribute):
                out = union(out, self.taint(func.value))
            if out is not None and fname in _DERIVING_CALLS:
                out = out.as_derived()
            return out
        if isinstance(node, ast.Subscript):
            base = self.taint(node.value)
            return base.as_derived() if base is not None else None
        if isinstance(node, ast.Compare):
            return None
        out = None
        for child in ast.iter_child_nodes(node):
            out = union(out, self.taint(child))
        return out

    def visit_Assign(self, node: ast.Assign) -> None:
        taint = self.taint(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name):
                if taint is None:
                    self.vars.pop(target.id, None)
                else:
                    self.vars[target.id] = taint
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        is_print = (
            isinstance(func, ast.Name)
            and func.id == "print"
            and not any(k.arg == "file" for k in node.keywords)
        )
        is_write = (
            isinstance(func, ast.Attribute)
            and func.attr == "write"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr in ("stdout", "stderr")
        )
        if is_print or is_write:
            for arg in node.args:
                taint = self.taint(arg)
                if taint is not None:
                    a, b = self.span(arg)
                    self.facts.outputs.append(Output(a, b, taint, "log", "print"))
                    break
        elif isinstance(func, ast.Attribute) and func.attr in _SUBPROCESS:
            for arg in node.args:
                for element in arg.elts if isinstance(arg, ast.List | ast.Tuple) else [arg]:
                    taint = self.taint(element)
                    if taint is not None:
                        a, b = self.span(element)
                        self.facts.argv.append(ArgvUse(a, b, taint, func.attr, "plain"))
        self.generic_visit(node)


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )
