"""Typed configuration, loaded once and passed explicitly.

Sources, later ones winning: defaults, ``[tool.wabaguard]`` in ``pyproject.toml`` or
``.wabaguard.toml`` (``--config FILE`` names one explicitly), then command-line flags.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from wabaguard.findings import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024


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
    # Per-rule options, e.g. {"secret-env-in-argv": {"enabled": True}}.
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # The `rotation` table, as written: only `wabaguard rotation` reads (and validates) it,
    # so a scan never pays for it (wabaguard.online.rotation.RotationPolicy.from_config).
    rotation: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""  # where it was read from, for messages

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def option(self, rule: str, name: str, default: Any) -> Any:
        return self.rule_options.get(rule, {}).get(name, default)


_KNOWN_KEYS = {"exclude", "disable", "severity", "fail-on", "max-file-size", "entropy", "rules"}
_KNOWN_KEYS |= {"rotation"}  # a table only `wabaguard rotation` reads


def find_config_file(start: Path) -> Path | None:
    """``.wabaguard.toml`` or a ``pyproject.toml`` with ``[tool.wabaguard]``, in ``start``."""
    candidate = start / ".wabaguard.toml"
    if candidate.is_file():
        return candidate
    pyproject = start / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None  # somebody else's pyproject; only ours is an error to report
        if isinstance(data.get("tool"), dict) and "wabaguard" in data["tool"]:
            return pyproject
    return None


def load_config(path: Path | None, known_rules: Callable[[], frozenset[str]]) -> Config:
    """``known_rules`` is called only when the config names a rule: listing every rule
    imports every rule module, which a commit hook with a plain config does without."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        section = tool.get("wabaguard", {}) if isinstance(tool, dict) else {}
        where = f"{path} [tool.wabaguard]"
    else:
        section = data
        where = str(path)
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: expected a table")
    return parse_config(section, known_rules, where)


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
    disable = _str_list(section.get("disable", []), f"{where}: disable")
    _check_rules(disable, known_rules, f"{where}: disable")
    severity_table = section.get("severity", {})
    if not isinstance(severity_table, dict):
        raise ConfigError(f"{where}: severity must be a table of rule = severity")
    _check_rules(list(severity_table), known_rules, f"{where}: severity")
    severity: dict[str, Severity] = {}
    for rule, value in severity_table.items():
        severity[rule] = _severity(value, f"{where}: severity.{rule}")
    fail_on = _severity(section.get("fail-on", "low"), f"{where}: fail-on")
    max_size = section.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size <= 0:
        raise ConfigError(f"{where}: max-file-size must be a positive integer (bytes)")
    entropy = section.get("entropy", False)
    if not isinstance(entropy, bool):
        raise ConfigError(f"{where}: entropy must be true or false")
    rules_table = section.get("rules", {})
    if not isinstance(rules_table, dict) or not all(
        isinstance(v, dict) for v in rules_table.values()
    ):
        raise ConfigError(f"{where}: rules must be a table of per-rule option tables")
    _check_rules(list(rules_table), known_rules, f"{where}: rules")
    rotation = section.get("rotation", {})
    if not isinstance(rotation, dict):
        raise ConfigError(f"{where}: rotation must be a table")
    return Config(
        exclude=tuple(exclude),
        disable=frozenset(disable),
        severity=severity,
        fail_on=fail_on,
        max_file_size=max_size,
        entropy=entropy,
        rule_options={k: dict(v) for k, v in rules_table.items()},
        rotation=rotation,
        source=where,
    )


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
