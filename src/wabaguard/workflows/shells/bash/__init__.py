"""Bash and sh ``run:`` scripts, analysed with tree-sitter-bash.

Each ``${{ … }}`` is replaced by a same-length placeholder word before parsing (bash cannot
parse template syntax, and GitHub substitutes it before the shell runs, even inside single
quotes). The walker then follows secret-bearing values through variables, ``$(…)``, pipes
and redirections in program order, and records *facts*: a secret on an external command's
argv, a secret written to the log/summary/``GITHUB_ENV``/a file, an environment dump, a
trace, a verbose client. Rules turn facts into findings; nothing here knows about rules.

The parts: ``walker`` (statements and where their output goes), ``words`` (words and
expansions), ``redirects`` (redirections and heredocs), ``commands`` (one simple command and
the output handlers by program), ``programs`` (what known programs do with their words).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wabaguard.workflows.shells.bash.walker import Walker, parser
from wabaguard.workflows.shells.facts import Placeholder, ScriptFacts
from wabaguard.workflows.taint import Taint


def sanitize(script: str, placeholders: Sequence[Placeholder]) -> str:
    """Same-length text for tree-sitter: placeholders become ``_`` runs, non-ASCII ``x``.

    Keeping every character one byte long makes tree-sitter's byte offsets equal to our
    character offsets, with no conversion table.
    """
    chars = list(script)
    for ph in placeholders:
        for i in range(ph.start, min(ph.end, len(chars))):
            chars[i] = "_"
    out = "".join(chars)
    if not out.isascii():
        out = "".join(c if c < "\x80" else "x" for c in out)
    return out.replace("\r", " ")


def analyze_script(
    script: str,
    placeholders: Sequence[Placeholder],
    env: Mapping[str, Taint],
    *,
    trace_from_start: bool = False,
) -> ScriptFacts:
    """Parse ``script`` once and collect what happens to secret-bearing values in it."""
    text = sanitize(script, placeholders)
    tree = parser().parse(text.encode("ascii"))
    walker = Walker(text, sorted(placeholders, key=lambda p: p.start), env, trace_from_start)
    walker.run(tree.root_node)
    return walker.facts.freeze()
