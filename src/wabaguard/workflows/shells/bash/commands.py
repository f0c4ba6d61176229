"""One simple command: its parts, the program it runs, its argv, and what it writes to stdout.

``command`` resolves wrappers (``sudo``, ``env``, ``xargs``…) to the program they run and, for
an external program, records its secret-bearing argv and what else its command line reveals.
Then the output handler of that program, looked up by name, says what the command writes to
stdout: printers (``echo``, ``printf``), ``set`` and ``read``, environment dumps (``env``,
``printenv``), filters that pass their input through or transform it. A command with no
handler prints nothing secret unless it mints a credential. The result goes to ``emit``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from wabaguard.workflows.shells.bash.programs import (
    BUILTINS,
    DOCKERS,
    DUMP_SANITIZERS,
    JQ_TOKEN,
    NAME,
    PASSTHROUGH,
    SHELLS,
    TRANSFORMERS,
    argv_category,
    docker_subcommand,
    effective_command,
    hardcoded_passwords,
    is_minting,
    is_verbose_flag,
    markers,
    minted,
    short_flags,
)
from wabaguard.workflows.shells.bash.redirects import (
    REDIRECTS,
    Dest,
    apply_redirects,
    classify_path,
)
from wabaguard.workflows.shells.bash.words import Word, expanded_names, value_taint, word
from wabaguard.workflows.shells.facts import ArgvUse, Trace, Verbose
from wabaguard.workflows.taint import Taint, union

if TYPE_CHECKING:
    from wabaguard.workflows.shells.bash.walker import Walker


class Call:
    """A simple command with its words evaluated and its program resolved."""

    __slots__ = (
        "args",
        "base",
        "dest",
        "effective",
        "is_builtin",
        "name",
        "name_word",
        "node",
        "prefix_taint",
        "site",
        "stdin",
        "stdin_site",
        "words",
    )

    def __init__(
        self,
        node: Any,
        name_word: Word,
        name: str,
        base: str,
        words: list[Word],
        eff_index: int,
        effective: str,
        is_builtin: bool,
        prefix_taint: Taint | None,
        stdin: Taint | None,
        stdin_site: tuple[int, int] | None,
        dest: Dest,
    ) -> None:
        self.node: Final = node
        self.name_word: Final = name_word
        self.name: Final = name  # as written: `./deploy`, `/usr/bin/env`
        self.base: Final = base  # the name without its directory
        self.words: Final = words  # every argument, the wrapped program's included
        self.args: Final = words[eff_index:]  # the arguments of the effective program
        self.effective: Final = effective  # the program run, through wrappers ("": dynamic)
        self.is_builtin: Final = is_builtin  # runs inside the shell: no argv anyone sees
        self.prefix_taint: Final = prefix_taint  # `VAR=value cmd`: what cmd's env carries
        self.stdin: Final = stdin
        self.stdin_site: Final = stdin_site
        self.dest: Final = dest
        self.site: Final = (name_word.node.start_byte, name_word.node.end_byte)


def command(
    w: Walker,
    node: Any,
    stdin: Taint | None,
    dest: Dest,
    stdin_site: tuple[int, int] | None = None,
) -> Taint | None:
    """Walk one simple command; what it writes to stdout when that goes on (pipe, capture)."""
    prefix_env, name_node, args, redirects = _parts(node)
    if redirects:
        stdin, stdin_site, dest = apply_redirects(w, redirects, stdin, stdin_site, dest)
    if name_node is None:
        for assignment in prefix_env:
            w.assign(assignment)
        return None
    call = _resolve(w, node, name_node, args, prefix_env, stdin, stdin_site, dest)
    if call.name in w.functions:
        return w.call(call.name, stdin, dest)
    if not call.is_builtin:
        _external(w, call)
    handler = _OUTPUT_HANDLERS.get(call.effective)
    out, site = handler(w, call) if handler is not None else (None, call.site)
    effective = call.effective
    if effective and not call.is_builtin and is_minting(effective, call.args, dest.sink):
        out = union(out, minted(effective))
    if out is None:
        return None
    printed = call.words if effective in ("echo", "printf") else None
    return w.emit(out, dest, site, effective or call.base, printed)


def _parts(node: Any) -> tuple[list[Any], Any, list[Any], list[Any]]:
    """A command node's ``VAR=value`` prefixes, its name, its arguments and its redirects."""
    prefix_env: list[Any] = []
    name_node = None
    args: list[Any] = []
    redirects: list[Any] = []
    for child in node.children:
        kind = child.type  # a new string on every access: read it once
        if kind == "variable_assignment":
            prefix_env.append(child)
        elif kind == "command_name":
            name_node = child
        elif kind in REDIRECTS:
            redirects.append(child)
        elif child.is_named and kind != "comment":
            args.append(child)
    return prefix_env, name_node, args, redirects


def _resolve(
    w: Walker,
    node: Any,
    name_node: Any,
    args: list[Any],
    prefix_env: list[Any],
    stdin: Taint | None,
    stdin_site: tuple[int, int] | None,
    dest: Dest,
) -> Call:
    """Evaluate the command's words (in program order) and resolve the program it runs."""
    name_word = word(w, name_node.named_children[0] if name_node.named_child_count else name_node)
    words = [word(w, a) for a in args]
    prefix_taint = _prefix_env(w, prefix_env) if prefix_env else None
    name = name_word.literal if name_word.literal is not None else ""
    base = name.rsplit("/", 1)[-1]
    # Resolve wrappers (sudo, env, xargs…) to the command they run.
    effective, eff_index = effective_command(base, words)
    is_builtin = (
        "/" not in name and base in BUILTINS and base not in ("command", "builtin", "exec")
    ) or name in w.functions
    if base in ("command", "builtin") and effective in BUILTINS:
        is_builtin = True
    if w.trace is not None and not w.trace_reported:  # most scripts never trace: skip the calls
        for x in (name_word, *words):
            w.note_traced(x.node, x.taint)
    return Call(
        node,
        name_word,
        name,
        base,
        words,
        eff_index,
        effective,
        is_builtin,
        prefix_taint,
        stdin,
        stdin_site,
        dest,
    )


def _prefix_env(w: Walker, prefix_env: list[Any]) -> Taint | None:
    """``VAR=value cmd``: the values go to cmd's environment, not its argv."""
    prefix_taint: Taint | None = None
    for assignment in prefix_env:
        value = assignment.child_by_field_name("value")
        name = assignment.child_by_field_name("name")
        if value is not None:
            taint = value_taint(w, value)[0]
            w.note_traced(assignment, taint)
            prefix_taint = union(prefix_taint, taint)
            if name is not None:
                w.check_verbose_assignment(w.src(name), value, assignment)
    return prefix_taint


# --- an external program's command line --------------------------------------------------------


def _external(w: Walker, call: Call) -> None:
    """What an external program's command line exposes: argv, passwords, verbosity, traces."""
    name_word, effective, args = call.name_word, call.effective, call.args
    if name_word.taint is not None:
        w.facts.argv.append(ArgvUse(*name_word.site, name_word.taint, "(dynamic)", "plain"))
    _external_argv(w, call)
    if call.base == "xargs" and call.stdin is not None:
        w.facts.argv.append(
            ArgvUse(
                name_word.node.start_byte, name_word.node.end_byte, call.stdin, "xargs", "plain"
            )
        )
    hardcoded = hardcoded_passwords(effective, args)
    if hardcoded:
        w.facts.hardcoded.extend(hardcoded)
    _verbose_flags(w, call)
    left = markers(effective, args, name_word)
    if left:
        w.facts.markers.extend(left)
    if effective in SHELLS:
        if any(x.literal is not None and short_flags(x.literal, "x") for x in args):
            _trace_child(w, name_word)
        _nested_script(w, args, call.stdin, call.dest)


def _external_argv(w: Walker, call: Call) -> None:
    effective, words = call.effective, call.words
    sub = docker_subcommand(effective, call.args)
    for i, x in enumerate(words):
        if x.taint is None:
            if (
                effective in DOCKERS
                and sub == "build"
                and i > 0
                and (words[i - 1].literal == "--build-arg")
                and x.literal is not None
                and x.literal in w.vars
                and "=" not in x.literal
            ):
                taint = w.vars[x.literal]
                w.facts.argv.append(
                    ArgvUse(
                        x.node.start_byte,
                        x.node.end_byte,
                        taint,
                        effective,
                        "docker",
                        "--build-arg",
                    )
                )
            continue
        prev = words[i - 1].literal if i > 0 else None
        category, detail = argv_category(effective, sub, x, prev)
        w.facts.argv.append(ArgvUse(*x.site, x.taint, effective or "(dynamic)", category, detail))


def _verbose_flags(w: Walker, call: Call) -> None:
    effective, args = call.effective, call.args
    flag = next((x for x in args if is_verbose_flag(effective, x.literal or "")), None)
    if flag is None:
        return
    uses = (
        call.stdin is not None
        or call.prefix_taint is not None
        or any(x.taint is not None for x in args)
    )
    if effective not in ("curl", "wget"):
        uses = uses or w.in_scope_secrets() is not None
    if uses:
        w.facts.verbose.append(
            Verbose(flag.node.start_byte, flag.node.end_byte, effective, flag.literal or "")
        )


def _trace_child(w: Walker, name_word: Word) -> None:
    """``bash -x script``: the child shell traces with every secret in scope."""
    scope = w.in_scope_secrets()
    if scope is not None:
        w.facts.traces.append(
            Trace(
                name_word.node.start_byte,
                name_word.node.end_byte,
                f"{name_word.literal} -x",
                scope,
            )
        )


def _nested_script(w: Walker, words: list[Word], stdin: Taint | None, dest: Dest) -> None:
    """``bash -c '…'``: the single-quoted script runs in a child shell with our env.

    It is parsed in place (everything else blanked), so its offsets are the script's own.
    Double-quoted scripts were expanded by this shell already and are argv as a whole.
    """
    for i, x in enumerate(words[:-1]):
        lit = x.literal or ""
        if not (short_flags(lit, "c") and lit.endswith("c")):
            continue
        inner = words[i + 1]
        if inner.node.type != "raw_string" or w.depth > 8:
            return
        start, end = inner.node.start_byte + 1, inner.node.end_byte - 1
        blank = "".join(c if c == "\n" else " " for c in w.text[:start])
        w.nested(blank + w.text[start:end], stdin, dest)
        return


# --- what a command writes to stdout, by program -------------------------------------------------

_Output = tuple[Taint | None, tuple[int, int]]  # what is written, and where the secret sits


def _print(w: Walker, call: Call) -> _Output:
    """``echo``/``printf`` (the builtins, or ``/bin/echo``), and ``::add-mask::``."""
    if not (call.is_builtin or "/" in call.name or call.base == call.effective):
        return None, call.site
    out, site = _printed(w, call.effective, call.args, call.node)
    if out is None:
        _mask(w, call.args)
    return out, site


def _printed(
    w: Walker, effective: str, words: list[Word], node: Any
) -> tuple[Taint | None, tuple[int, int]]:
    out: Taint | None = None
    site = (node.start_byte, node.end_byte)
    skip_next = False
    for i, x in enumerate(words):
        if skip_next:
            skip_next = False
            continue
        if effective == "printf" and x.literal == "-v" and i + 1 < len(words):
            skip_next = True
            continue
        if x.taint is not None:
            if out is None:
                site = x.site
            out = out.union(x.taint) if out is not None else x.taint
    if effective == "printf" and words and words[0].literal == "-v" and len(words) > 1:
        target = words[1].literal
        if target:
            if out is None:
                w.vars.pop(target, None)
            else:
                w.vars[target] = out
        return None, site
    first = next((x for x in words if not (x.literal or "").startswith("-")), None)
    if first is not None and "::add-mask::" in first.text[:20]:
        return None, site
    return out, site


def _mask(w: Walker, words: list[Word]) -> None:
    """``echo "::add-mask::$V"``: V becomes a registered secret (a minted one is safe)."""
    first = next((x for x in words if not (x.literal or "").startswith("-")), None)
    if first is None or "::add-mask::" not in first.text[:20]:
        return
    for x in words:
        for name in expanded_names(w, x.node):
            taint = w.vars.get(name)
            if taint is None:
                continue
            # Masked from here on: no longer a transform or an unregistered credential,
            # but still a secret (on argv, in a file, printed).
            w.vars[name] = taint.masked()


def _set(w: Walker, call: Call) -> _Output:
    """``set -x``/``set +x``/``set -o xtrace`` switch the trace; a bare ``set`` dumps."""
    if not (call.is_builtin and call.base == "set"):
        return None, call.site
    words = call.words
    start = call.name_word.node.start_byte
    i = 0
    while i < len(words):
        lit = words[i].literal or ""
        if lit in ("-o", "+o") and i + 1 < len(words):
            if words[i + 1].literal == "xtrace":
                w.set_trace(lit == "-o", start, words[i + 1].node.end_byte)
            i += 2
            continue
        if lit.startswith("-") and short_flags(lit, "x"):
            w.set_trace(True, start, words[i].node.end_byte)
        elif lit.startswith("+") and "x" in lit[1:]:
            w.set_trace(False, start, words[i].node.end_byte)
        i += 1
    return (w.dump_taint(call.site, "set") if not words else None), call.site


def _read(w: Walker, call: Call) -> _Output:
    """``read``/``mapfile``: the named variables take what stdin carries."""
    if call.is_builtin and call.base in ("read", "mapfile", "readarray"):
        for lit in [x.literal for x in call.words]:
            if lit is not None and NAME.fullmatch(lit) and call.stdin is not None:
                w.vars[lit] = call.stdin
    return None, call.site


def _env(w: Walker, call: Call) -> _Output:
    """``env`` with only options (no ``VAR=value``, no program): a dump."""
    if all((x.literal or "").startswith("-") for x in call.args) and not any(
        "=" in (x.literal or "") for x in call.words
    ):
        return w.dump_taint(call.site, "env"), call.site
    return None, call.site


def _printenv(w: Walker, call: Call) -> _Output:
    rest = [x.literal for x in call.args if not (x.literal or "").startswith("-")]
    if not rest:
        return w.dump_taint(call.site, "printenv"), call.site
    out: Taint | None = None
    for var in rest:
        if var is not None and var in w.vars:
            out = union(out, w.vars[var])
    return out, call.site


def _filter_input(w: Walker, call: Call) -> _Output:
    """What a filter reads: its stdin (reported where the secret entered it) and its files."""
    site = call.site
    if call.stdin is not None and call.stdin_site is not None:
        site = call.stdin_site
    return union(call.stdin, _read_files(w, call.args)), site


def _passthrough(w: Walker, call: Call) -> _Output:
    """``cat``, ``grep``, ``tee``…: the input goes on unchanged (``tee`` copies it to files)."""
    out, site = _filter_input(w, call)
    if call.effective == "grep" and any(short_flags(x.literal or "", "cqlL") for x in call.args):
        out = None
    if call.effective == "tee":
        for x in call.args:
            if (x.literal is not None and not x.literal.startswith("-")) or (
                x.literal is None and x.taint is None
            ):
                target = classify_path(x.text)
                if out is not None and target.sink != "null":
                    w.emit(out, target, (x.node.start_byte, x.node.end_byte), "tee", None)
    return out, site


def _transform(w: Walker, call: Call) -> _Output:
    """``base64``, ``jq``, ``sed``…: the input goes on transformed (masking misses it)."""
    effective, args = call.effective, call.args
    out, site = _filter_input(w, call)
    if effective == "openssl" and [x.literal for x in args][:1] not in (["enc"], ["base64"]):
        out = None  # digests, HMACs and signatures do not reveal their input
    if out is not None and out.dump:
        out = None if effective in DUMP_SANITIZERS else out
    elif out is not None:
        out = out.as_derived()
    # `curl …/oauth/token | jq -r .access_token` mints; jq over a secret transforms it.
    fed_secret = call.stdin is not None and not call.stdin.minted
    if effective == "jq" and not fed_secret and any(JQ_TOKEN.search(x.text) for x in args):
        out = union(out, minted(effective))
    return out, site


def _nothing(w: Walker, call: Call) -> _Output:
    """``wc``: counts reveal nothing."""
    return None, call.site


def _read_files(w: Walker, words: list[Word]) -> Taint | None:
    """What file arguments contain: files written earlier, or `<(…)` output."""
    out: Taint | None = None
    for x in words:
        if x.text.startswith("-"):
            continue
        out = union(out, w.files.get(x.text.strip("\"'")))
        for start, taint in w.fd_content.items():
            if x.node.start_byte <= start < x.node.end_byte:
                out = union(out, taint)
    return out


# Output handlers by effective program name; every other program prints nothing secret.
_OUTPUT_HANDLERS: Mapping[str, Callable[[Walker, Call], _Output]] = {
    "echo": _print,
    "printf": _print,
    "set": _set,
    "read": _read,
    "mapfile": _read,
    "readarray": _read,
    "env": _env,
    "printenv": _printenv,
    **dict.fromkeys(PASSTHROUGH, _passthrough),
    **dict.fromkeys(TRANSFORMERS, _transform),
    "wc": _nothing,
}
