"""Typed configuration, loaded once and passed explicitly.

Sources, later ones winning: defaults, one config file, then command-line flags.

The config file is ``--config FILE`` when given; otherwise the nearest of, in each directory
from the start directory upward (``.wabaguard.toml`` first, then a ``pyproject.toml`` that
has a ``[tool.wabaguard]`` table), stopping at the repository root (a directory holding
``.git``) or the filesystem root. The start directory is chosen by the CLI (the common parent
of what is scanned). ``exclude`` patterns of a found file are relative to its directory; those
of ``--config FILE`` to the current directory, as ruff does.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from wabaguard.core.findings import Confidence, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
CONFIG_NAME = ".wabaguard.toml"


class ConfigError(Exception):
    """A configuration problem the user must fix (exit code 2)."""


@dataclass(frozen=True)
class Config:
    exclude: tuple[str, ...] = ()
    disable: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.LOW
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    entropy: bool = False
    # The `rotation` table, as written: only `wabaguard rotation` reads (and validates) it,
    # so a scan never pays for it (wabaguard.online.rotation.RotationPolicy.from_config).
    rotation: Mapping[str, Any] = field(default_factory=dict)
    # The lowest confidence reported; None: medium, or low with ``entropy`` (the generic
    # detectors are all low-confidence: asking for them is asking to see them).
    min_confidence: Confidence | None = None
    source: str = ""  # where it was read from, for messages
    # The directory ``exclude`` patterns are relative to; None: the working directory.
    base_dir: str | None = None

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def confidence_floor(self) -> Confidence:
        if self.min_confidence is not None:
            return self.min_confidence
        return Confidence.LOW if self.entropy else Confidence.MEDIUM


_KNOWN_KEYS = {
    "exclude", "disable", "severity", "fail-on", "max-file-size", "entropy", "rules",
    "min-confidence",
}  # fmt: skip
_KNOWN_KEYS |= {"rotation"}  # a table only `wabaguard rotation` reads
# Per-rule options: ``[rules.ID] enabled = false`` is ``disable = ["ID"]``, and
# ``[rules.ID] severity = "low"`` is ``[severity] ID = "low"``.
_RULE_KEYS = {"enabled", "severity"}


def find_config_file(start: Path) -> Path | None:
    """The nearest config file from ``start`` upward to the repository or filesystem root.

    Raises ``ConfigError`` for a ``pyproject.toml`` on the way that cannot be parsed but
    holds a ``[tool.wabaguard]`` table: that configuration must not be dropped silently.
    """
    directory = start
    while True:
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _has_our_table(pyproject):
            return pyproject
        if (directory / ".git").exists() or directory.parent == directory:
            return None
        directory = directory.parent


def _has_our_table(pyproject: Path) -> bool:
    try:
        raw = pyproject.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"{pyproject}: cannot read it ({exc.strerror or type(exc).__name__}), so cannot "
            "tell whether it configures wabaguard (pass --config to choose a file)"
        ) from None
    text = raw.decode("utf-8", "replace")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        if not _mentions_our_table(text):
            return False  # somebody else's broken pyproject: not ours to report
        reason = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else f"invalid TOML: {exc}"
        raise ConfigError(f"{pyproject} [tool.wabaguard]: {reason}") from None
    tool = data.get("tool")
    return isinstance(tool, dict) and "wabaguard" in tool


_KEY = r"""(?:wabaguard|"wabaguard"|'wabaguard')"""
_TOOL = r"""(?:tool|"tool"|'tool')"""
# `[tool.wabaguard]`, `[tool.wabaguard.rules.x]`, or a dotted key `tool.wabaguard.x = ...`.
_OUR_HEADER = re.compile(rf"^\s*\[\[?\s*{_TOOL}\s*\.\s*{_KEY}\s*(?:[\].]|$)")
_OUR_DOTTED_KEY = re.compile(rf"^\s*{_TOOL}\s*\.\s*{_KEY}\s*[.=]")
_TOOL_HEADER = re.compile(rf"^\s*\[\s*{_TOOL}\s*\]")
_KEY_UNDER_TOOL = re.compile(rf"^\s*{_KEY}\s*[.=]")
_ANY_HEADER = re.compile(r"^\s*\[")


def _mentions_our_table(text: str) -> bool:
    """Whether a pyproject that does not parse defines ``tool.wabaguard`` anywhere.

    Line by line, so a syntax error elsewhere does not hide it: a ``[tool.wabaguard...]``
    header, a top-level ``tool.wabaguard...`` key, or a ``wabaguard`` key under ``[tool]``.
    A ``wabaguard = "^0.1"`` dependency under some other table is not ours.
    """
    table: str | None = ""  # "" top level, "tool" under [tool], None under any other table
    for line in text.splitlines():
        if _OUR_HEADER.match(line):
            return True
        if _TOOL_HEADER.match(line):
            table = "tool"
        elif _ANY_HEADER.match(line):
            table = None
        elif (table == "" and _OUR_DOTTED_KEY.match(line)) or (
            table == "tool" and _KEY_UNDER_TOOL.match(line)
        ):
            return True
    return False


def load_config(
    path: Path | None,
    known_rules: Callable[[], frozenset[str]],
    relative_to: Path | None = None,
) -> Config:
    """The config in ``path``; its ``exclude`` patterns are relative to ``relative_to``
    (default: the file's directory).

    ``known_rules`` is called only when the config names a rule: listing every rule
    imports every rule module, which a commit hook with a plain config does without."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        where = f"{path} [tool.wabaguard]"
        if not isinstance(tool, dict) or "wabaguard" not in tool:
            raise ConfigError(f"{path}: has no [tool.wabaguard] table")
        section = tool["wabaguard"]
    else:
        section = data
        where = str(path)
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: expected a table")
    base = relative_to if relative_to is not None else path.parent
    return replace(parse_config(section, known_rules, where), base_dir=str(base.absolute()))


def parse_config(
    section: Mapping[str, Any], known_rules: Callable[[], frozenset[str]], where: str
) -> Config:
    unknown = sorted(set(section) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)} "
            f"(known: {', '.join(sorted(_KNOWN_KEYS))})"
        )
    exclude = _str_list(section.get("exclude", []), f"{where}: exclude")
    disable = set(_str_list(section.get("disable", []), f"{where}: disable"))
    _check_rules(sorted(disable), known_rules, f"{where}: disable")
    severity_table = section.get("severity", {})
    if not isinstance(severity_table, dict):
        raise ConfigError(f"{where}: severity must be a table of rule = severity")
    _check_rules(list(severity_table), known_rules, f"{where}: severity")
    severity: dict[str, Severity] = {}
    for rule, value in severity_table.items():
        severity[rule] = _severity(value, f"{where}: severity.{rule}")
    _merge_rule_tables(section.get("rules", {}), known_rules, where, disable, severity)
    fail_on = _severity(section.get("fail-on", "low"), f"{where}: fail-on")
    max_size = section.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size <= 0:
        raise ConfigError(f"{where}: max-file-size must be a positive integer (bytes)")
    entropy = section.get("entropy", False)
    if not isinstance(entropy, bool):
        raise ConfigError(f"{where}: entropy must be true or false")
    rotation = section.get("rotation", {})
    if not isinstance(rotation, dict):
        raise ConfigError(f"{where}: rotation must be a table")
    min_confidence = None
    if "min-confidence" in section:
        min_confidence = _confidence(section["min-confidence"], f"{where}: min-confidence")
    return Config(
        exclude=tuple(exclude),
        disable=frozenset(disable),
        severity=severity,
        fail_on=fail_on,
        max_file_size=max_size,
        entropy=entropy,
        rotation=rotation,
        min_confidence=min_confidence,
        source=where,
    )


def _merge_rule_tables(
    rules_table: Any,
    known_rules: Callable[[], frozenset[str]],
    where: str,
    disable: set[str],
    severity: dict[str, Severity],
) -> None:
    """Fold ``[rules.ID]`` tables into ``disable`` and ``severity``; a rule set two
    different ways (``disable`` and ``enabled = true``, two severities) is an error."""
    if not isinstance(rules_table, dict) or not all(
        isinstance(v, dict) for v in rules_table.values()
    ):
        raise ConfigError(
            f"{where}: rules must be a table of per-rule tables ([rules.RULE-ID] with "
            f"{' and/or '.join(sorted(_RULE_KEYS))})"
        )
    _check_rules(list(rules_table), known_rules, f"{where}: rules")
    for rule, options in rules_table.items():
        here = f"{where}: rules.{rule}"
        unknown = sorted(set(options) - _RULE_KEYS)
        if unknown:
            known = ", ".join(sorted(_RULE_KEYS))
            raise ConfigError(f"{here}: unknown key(s) {', '.join(unknown)} (known: {known})")
        if "enabled" in options:
            enabled = options["enabled"]
            if not isinstance(enabled, bool):
                raise ConfigError(f"{here}.enabled must be true or false")
            if enabled and rule in disable:
                raise ConfigError(f"{here}.enabled = true, but `disable` lists {rule}")
            if not enabled:
                disable.add(rule)
        if "severity" in options:
            value = _severity(options["severity"], f"{here}.severity")
            if severity.get(rule, value) is not value:
                raise ConfigError(
                    f"{here}.severity = {value.value!r}, but [severity] sets "
                    f"{rule} = {severity[rule].value!r}"
                )
            severity[rule] = value


def _str_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return list(value)


def _check_rules(rules: list[str], known: Callable[[], frozenset[str]], where: str) -> None:
    if not rules:
        return
    bad = sorted(set(rules) - known())
    if bad:
        raise ConfigError(f"{where}: unknown rule id(s) {', '.join(bad)} (see `wabaguard rules`)")


def _severity(value: Any, where: str) -> Severity:
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a string")
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _confidence(value: Any, where: str) -> Confidence:
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a string")
    try:
        return Confidence.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
