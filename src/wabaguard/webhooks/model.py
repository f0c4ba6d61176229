"""The language-neutral model: each front-end turns a file into functions and their facts.

A front-end (Python's ``ast``, tree-sitter for JavaScript/TypeScript, PHP and Go) reports
what a function does that matters for webhook signature verification; the analysis
(``analysis.py``) links handlers to the helpers, decorators and middleware they reach by
name, and the rules read the result. Nothing here knows a language.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Site:
    """A span in the file: 1-based lines and columns, end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Mac:
    """A digest computed in the function: an HMAC (``keyed``) or a plain hash."""

    site: Site
    algorithm: str  # "sha256", "sha1", "md5", "" (unknown)
    keyed: bool
    # The serialiser the message went through ("JSON.stringify", "json.dumps"...), or "".
    reserialised: str = ""


@dataclass(frozen=True)
class Compare:
    """A comparison of a signature or digest with another value."""

    site: Site
    operator: str  # "==", "===", "startswith", "strcmp", "compare_digest"...
    safe: bool  # a constant-time comparison


@dataclass(frozen=True)
class Literal:
    """A string literal the function uses as its HMAC key or compares with hub.verify_token.

    ``value`` is the raw secret: it goes to the finding constructor's ``add_secret`` and
    nowhere else (never into a message, a property or a repr)."""

    role: str  # "app secret" or "verify token"
    site: Site  # the literal itself, in this file
    value: str = field(repr=False)
    via: str = ""  # how the use reaches it: "the constant `APP_SECRET`"; "" written in place
    fallback: bool = False  # the default of an environment lookup (``os.getenv("X", "...")``)


@dataclass(frozen=True)
class Check:
    """An ``if`` whose condition decides on a verification result."""

    site: Site
    direct: bool  # the condition holds a signature compare itself
    calls: frozenset[str]  # functions called by the condition (verifier helpers)
    # The failure path (the branch taken when the check fails) neither returns, raises nor
    # aborts, and more code follows the ``if``: processing goes on after a failed check.
    falls_through: bool


@dataclass(frozen=True)
class Route:
    """How the function is exposed over HTTP, as far as the file shows."""

    framework: str  # "flask", "express", "nextjs", "laravel", "net/http"...
    methods: frozenset[str] = frozenset()  # upper case; empty: unknown / any
    path: str = ""
    # The application is created in this file (the whole middleware chain is visible),
    # rather than a router or controller mounted elsewhere with middleware we cannot see.
    app_in_file: bool = True


@dataclass
class Function:
    name: str  # "" for anonymous closures; "<script>" for a PHP file's top level
    site: Site  # the function's header: where a handler finding points
    reads_payload: bool = False
    evidence: bool = False  # answers hub.challenge or walks entry[].changes[]
    header_256: list[Site] = field(default_factory=list)  # reads X-Hub-Signature-256
    header_sha1: list[Site] = field(default_factory=list)  # reads X-Hub-Signature (SHA-1)
    macs: list[Mac] = field(default_factory=list)
    compares: list[Compare] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    calls: set[str] = field(default_factory=set)  # names called (last segment)
    # Calls whose result is thrown away, by name and where (a verdict nobody reads).
    discarded: list[tuple[str, Site]] = field(default_factory=list)
    returns_verdict: bool = False  # returns a compare's result (a helper's bool)
    route: Route | None = None
    middleware: set[str] = field(default_factory=set)  # decorators, guards, route middleware
    owner: str = ""  # the class a method belongs to
    takes_signature: bool = False  # a parameter holds the signature (a verifier helper)
    # The parser recovered from a syntax error inside: what the function does not do cannot
    # be told (what it does still holds).
    recovered: bool = False
    # Read from another file of the tree (an imported verifier): "path:line" of its def.
    origin: str = ""
    literals: list[Literal] = field(default_factory=list)  # hardcoded key / verify token

    @property
    def verifies(self) -> bool:
        """Something here takes part in signature verification."""
        return bool(self.header_256 or self.header_sha1 or self.macs or self.compares)


@dataclass
class Module:
    path: str
    language: str
    functions: list[Function] = field(default_factory=list)
    mounts: set[str] = field(default_factory=set)  # app-wide middleware / hooks, by name
    evidence: bool = False  # the file answers hub.challenge or walks the payload somewhere
