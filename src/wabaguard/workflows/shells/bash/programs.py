"""What programs do with their arguments: command tables and predicates over literal words.

Nothing here walks a tree or keeps state: given a command's effective name and its words, these
say which program a wrapper runs, whether a flag makes a client verbose, whether the command
mints a credential, where a literal password sits on its command line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import MappingProxyType

from wabaguard.workflows.shells.bash.words import Word
from wabaguard.workflows.shells.facts import ArgvCategory, Hardcoded, Marker, url_part
from wabaguard.workflows.taint import Taint

# Builtins run inside the shell: no exec, nothing in /proc/<pid>/cmdline.
BUILTINS = frozenset(
    {"echo", "printf", "test", "[", "[[", "read", "export", "local", "declare", "typeset",
     "readonly", ":", "true", "false", "cd", "pushd", "popd", "set", "unset", "shift",
     "source", ".", "eval", "exit", "return", "trap", "wait", "let", "mapfile", "readarray",
     "alias", "unalias", "type", "hash", "umask", "ulimit", "getopts", "shopt", "builtin",
     "command", "kill", "jobs", "fg", "bg", "history", "caller", "compgen", "complete",
     "dirs", "disown", "enable", "help", "logout", "pwd", "suspend", "times", "break",
     "continue"}
)  # fmt: skip
# Commands that run another command given as their arguments (all of it is argv).
WRAPPERS = frozenset(
    {"sudo", "env", "nohup", "time", "timeout", "nice", "stdbuf", "doas", "xargs", "exec",
     "command", "builtin", "retry", "unbuffer"}
)  # fmt: skip
# Filters whose stdout is a transformation of their input: masking no longer matches it.
TRANSFORMERS = frozenset(
    {"base64", "base32", "basenc", "xxd", "od", "hexdump", "rev", "cut", "tr", "sed", "awk",
     "gawk", "mawk", "jq", "yq", "openssl", "gzip", "fold", "iconv", "perl"}
)  # fmt: skip
# Filters that pass their input through unchanged (a line, or all of it).
PASSTHROUGH = frozenset(
    {"cat", "tee", "head", "tail", "sort", "uniq", "grep", "egrep", "fgrep", "tac", "column",
     "less", "more", "strings", "nl"}
)  # fmt: skip
DUMP_SANITIZERS = frozenset({"cut", "awk", "gawk", "sed", "wc", "md5sum", "sha256sum"})
DOCKERS = frozenset({"docker", "podman", "nerdctl", "docker-compose"})
_MYSQL = frozenset({"mysql", "mysqldump", "mariadb", "mysqladmin"})
SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ksh"})
# Script names that say they produce a credential: mint-token, make-jwt, get-creds.sh…
_MINT_NAME = re.compile(
    r"(?i)(mint|make|get|create|gen|issue|fetch|print|new|sign|request|obtain|exchange)"
    # \w{0,40}? bounds each attempt: unbounded, a long word rescans from every "get"/"new"…
    r"[-_]?\w{0,40}?(token|jwt|cred|secret|passw|otp)|^(jwt|token)[-_]?(mint|gen|create|issue)"
)
JQ_TOKEN = re.compile(r"(?i)token|jwt|password|secret")
VERBOSE_ENV = MappingProxyType(
    {
    "GIT_TRACE": None, "GIT_TRACE_CURL": None, "GIT_CURL_VERBOSE": None,
    "GIT_TRACE_PACKET": None, "TF_LOG": {"debug", "trace"}, "CURLOPT_VERBOSE": None,
}
)  # fmt: skip
_FALSY = frozenset({"", "0", "false", "no", "off"})
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DUMMY_VALUES = frozenset(
    {"password", "passwd", "secret", "changeme", "example", "dummy", "test", "testing",
     "root", "admin", "user", "xxxxxx", "******", "redacted", "placeholder"}
)  # fmt: skip


def verbose_env(name: str, value: str) -> bool:
    """Does setting ``name=value`` make a client log HTTP traffic (auth headers included)?"""
    if name not in VERBOSE_ENV:
        return False
    allowed = VERBOSE_ENV[name]
    lowered = value.strip().strip("'\"").lower()
    if allowed is None:
        return lowered not in _FALSY
    return lowered in allowed


def looks_like_dummy(value: str) -> bool:
    lowered = value.lower()
    return (
        len(value) < 6
        or lowered in _DUMMY_VALUES
        or lowered.startswith(("<", "$", "%", "{{"))
        or len(set(lowered)) <= 2
    )


_VERBOSE_FLAGS = MappingProxyType(
    {
        "curl": frozenset({"--verbose", "--trace", "--trace-ascii"}),
        "wget": frozenset({"-d", "--debug"}),
        "aws": frozenset({"--debug"}),
        "az": frozenset({"--debug"}),
        "helm": frozenset({"--debug"}),
        "gcloud": frozenset({"--log-http", "--verbosity=debug"}),
        "npm": frozenset({"--verbose", "--loglevel=silly", "--loglevel=verbose", "-dd", "-ddd"}),
    }
)


def is_verbose_flag(command: str, literal: str) -> bool:
    if literal in _VERBOSE_FLAGS.get(command, ()):
        return True
    if command == "curl":
        return short_flags(literal, "v")
    if command == "kubectl" and literal.startswith(("-v=", "--v=")):
        level = literal.rsplit("=", 1)[-1]
        return level.isdigit() and int(level) >= 6
    return False


def short_flags(literal: str, letters: str) -> bool:
    """``-x``, ``-euxo``: a short-option cluster containing one of ``letters``."""
    if len(literal) < 2 or literal[0] != "-" or literal[1] == "-":
        return False
    body = literal[1:]
    return body.isalpha() and any(ch in body for ch in letters)


def docker_subcommand(effective: str, words: list[Word]) -> str:
    if effective not in DOCKERS:
        return ""
    lits = [w.literal or "" for w in words]
    positional = [x for x in lits if x and not x.startswith("-")]
    if not positional:
        return ""
    if positional[0] in ("buildx", "image", "builder", "compose") and len(positional) > 1:
        return positional[1]
    if positional[0] == "container" and len(positional) > 1:
        return positional[1]
    return positional[0]


def assignment_name(words: list[Word]) -> str:
    """``echo "NAME=…"`` / ``printf 'NAME=%s' …`` / ``echo "NAME<<EOF"`` -> NAME."""
    for w in words:
        raw = w.text.lstrip("\"'")
        if raw.startswith("-"):
            continue
        match = NAME.match(raw)
        if match and raw[match.end() : match.end() + 1] in ("=", "<"):
            return match.group(0)
        return ""
    return ""


def effective_command(base: str, words: list[Word]) -> tuple[str, int]:
    """The program a wrapper runs (``sudo -E env A=1 ./x`` -> ``x``) and its first word's index.

    ``""`` when the program is an expansion; ``base`` itself when it wraps nothing.
    """
    index = 0
    current = base
    while current in WRAPPERS:
        # Skip options and VAR=value words, and timeout's duration.
        while index < len(words):
            lit = words[index].literal
            raw = words[index].text
            name = NAME.match(raw)
            if name and raw[name.end() : name.end() + 1] == "=":
                index += 1  # VAR=value, expansions allowed
                continue
            if lit is None:
                break
            if lit.startswith("-") or (current == "timeout" and lit[:1].isdigit()):
                index += 1
                continue
            break
        if index >= len(words):
            return current, index
        nxt = words[index].literal
        if nxt is None:
            return "", index
        current = nxt.rsplit("/", 1)[-1]
        index += 1
    return current, index


def argv_category(effective: str, sub: str, w: Word, prev: str | None) -> tuple[ArgvCategory, str]:
    """How a secret-bearing argv word is passed: a docker option, part of a URL, or plain."""
    text = w.text
    if effective in DOCKERS:
        if sub == "build" and (prev == "--build-arg" or text.startswith("--build-arg=")):
            return "docker", "--build-arg"
        if sub in ("run", "create", "exec") and (
            prev in ("-e", "--env") or text.startswith(("--env=", "-e"))
        ):
            return "docker", "-e"
        if sub == "login" and (
            prev in ("-p", "--password") or text.startswith(("--password=", "-p"))
        ):
            return "docker", "--password"
    part = url_part(text, w.site[0] - w.node.start_byte, w.site[1] - w.node.start_byte)
    if part:
        return "url", part
    return "plain", ""


# --- credentials minted in the job ---------------------------------------------------------


def minted(command: str) -> Taint:
    return Taint(frozenset({f"minted:{command}"}), minted=True)


def _aws_mints(lits: list[str], words: list[Word]) -> bool:
    return (
        "get-login-password" in lits
        or "get-authorization-token" in lits
        or (
            "sts" in lits
            and any(
                x.startswith(("assume-role", "get-session-token", "get-federation-token"))
                for x in lits
            )
        )
    )


def _http_mints(lits: list[str], words: list[Word]) -> bool:
    return any(
        ("oauth" in w.text.lower() or "/token" in w.text.lower()) and "://" in w.text for w in words
    )


# CLIs that print a credential they create, by what their words say: (literals, words) -> bool.
_MINTING_CLIS: MappingProxyType[str, Callable[[list[str], list[Word]], bool]] = MappingProxyType(
    {
        "gcloud": lambda lits, _: "print-access-token" in lits or "print-identity-token" in lits,
        "aws": _aws_mints,
        "az": lambda lits, _: "get-access-token" in lits,
        "vault": lambda lits, _: any(x.startswith("-field") for x in lits) or "token" in lits[:1],
        "gh": lambda lits, _: lits[:2] == ["auth", "token"],
        "openssl": lambda lits, _: "-sign" in lits or "sign" in lits[:1],
        "curl": _http_mints,
        "wget": _http_mints,
    }
)


def is_minting(effective: str, words: list[Word], sink: str) -> bool:
    """Does this command print a credential it creates (an access token, a JWT…)?

    Known CLIs count wherever their output goes; scripts named like ``mint-token`` only
    when their output is captured or piped (``./use-token.sh`` prints other things).
    """
    check = _MINTING_CLIS.get(effective)
    if check is not None:
        return check([w.literal or "" for w in words], words)
    if effective in TRANSFORMERS or effective in PASSTHROUGH or effective in BUILTINS:
        return False
    return sink in ("pipe", "capture") and bool(_MINT_NAME.search(effective))


# --- what a command line reveals without any secret ------------------------------------------


def hardcoded_passwords(effective: str, words: list[Word]) -> list[Hardcoded]:
    """Literal passwords on the command line (``curl -u user:pass``, ``--password x``)."""
    found: list[Hardcoded] = []
    for i, w in enumerate(words):
        lit = w.literal
        if lit is None:
            continue
        prev = words[i - 1].literal if i else None
        flag, value = prev, lit
        if lit.startswith("--") and "=" in lit:
            flag, value = lit.split("=", 1)  # --password=value, --user=u:p
        what = ""
        if effective in ("curl", "wget") and flag in ("-u", "--user"):
            user, sep, password = value.partition(":")
            if user and sep and not looks_like_dummy(password):
                what = f"`{effective} {flag}` user:password"
        elif effective in _MYSQL and lit.startswith("-p") and len(lit) > 2:
            if not looks_like_dummy(lit[2:]):
                what = f"`{effective} -p` password"
        elif flag == "--password" or (effective in (*DOCKERS, "sshpass") and flag == "-p"):
            if not value.startswith("-") and not looks_like_dummy(value):
                what = f"`{effective} {flag}` value"
        elif "://" in lit:
            what = _url_password(lit)
        if what:
            found.append(Hardcoded(w.node.start_byte, w.node.end_byte, what))
    return found


def _url_password(lit: str) -> str:
    """A literal password in a URL's userinfo (between ``://`` and ``@``), or ""."""
    scheme = lit.find("://")
    at = lit.find("@", scheme + 3)
    slash = lit.find("/", scheme + 3)
    if at > 0 and (slash < 0 or at < slash):
        _, sep, password = lit[scheme + 3 : at].partition(":")
        if sep and not looks_like_dummy(password):
            return "password in a URL"
    return ""


def markers(effective: str, words: list[Word], name_word: Word) -> list[Marker]:
    """PR checkouts and credential files a command leaves behind (no taint needed)."""
    lits = [w.literal or "" for w in words]
    site = (name_word.node.start_byte, name_word.node.end_byte)
    found: list[Marker] = []
    if effective == "gh" and lits[:2] == ["pr", "checkout"]:
        found.append(Marker(*site, "pr-checkout", "gh pr checkout"))
    if (
        effective == "git"
        and lits[:1] in (["fetch"], ["pull"])
        and any("pull/" in x or "refs/pull" in x for x in lits)
    ):
        found.append(Marker(*site, "pr-checkout", "git fetch pull/…"))
    secretful = any(w.taint is not None for w in words)
    if effective in DOCKERS and lits[:1] == ["login"]:
        found.append(Marker(*site, "credential-file", "~/.docker/config.json"))
    if effective == "npm" and lits[:2] == ["config", "set"] and secretful:
        found.append(Marker(*site, "credential-file", "~/.npmrc"))
    if (
        effective == "git"
        and lits[:1] == ["clone"]
        and any(w.taint is not None and "@" in w.text for w in words)
    ):
        found.append(Marker(*site, "credential-file", ".git/config"))
    return found
