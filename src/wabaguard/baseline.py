"""detect-secrets-compatible baselines: read to suppress known secrets, write to record them."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from wabaguard.config import ConfigError
from wabaguard.findings import Finding, Kind


@dataclass(frozen=True)
class Baseline:
    path: str
    known: frozenset[tuple[str, str]]  # (filename, hashed_secret)
    doc: Mapping[str, Any]

    def suppresses(self, finding: Finding) -> bool:
        return finding.kind is Kind.CREDENTIAL and (finding.path, finding.secret_hash) in self.known


def load_baseline(path: str) -> Baseline:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: baseline not found (create it with `wabaguard baseline {path}`)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable baseline ({type(exc).__name__})") from None
    results = doc.get("results") if isinstance(doc, dict) else None
    if not isinstance(results, dict):
        raise ConfigError(f"{path}: not a detect-secrets baseline (no 'results' table)")
    known: set[tuple[str, str]] = set()
    for filename, entries in results.items():
        if not isinstance(entries, list):
            raise ConfigError(f"{path}: results for {filename!r} must be a list")
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("hashed_secret"), str):
                known.add((str(entry.get("filename", filename)), entry["hashed_secret"]))
    return Baseline(path, frozenset(known), doc)


def _plugins_used(secret_types: Iterable[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """plugins_used and filters_used as detect-secrets itself would write them."""
    from wabaguard.builtin import BUILTIN_PLUGINS
    from wabaguard.ds_adapter import DetectSecrets

    # Our own configuration, not detect-secrets' process-global one (which is left alone).
    settings = DetectSecrets(
        [b.class_name for b in BUILTIN_PLUGINS if not b.generic]
    ).settings_json()
    plugins: list[dict[str, Any]] = list(settings["plugins_used"])
    wanted = set(secret_types)
    for name, secret_type, path in _our_plugins():
        if secret_type in wanted:
            plugins.append({"name": name, "path": f"file://{path}"})
    plugins.sort(key=lambda p: str(p["name"]).lower())
    return plugins, list(settings["filters_used"])


def _our_plugins() -> list[tuple[str, str, str]]:
    try:
        from wabaguard import detect_secrets_plugins as module
    except ImportError:
        return []
    from detect_secrets.plugins.base import BasePlugin

    found = []
    for name in dir(module):
        obj = getattr(module, name)
        if (
            isinstance(obj, type)
            and issubclass(obj, BasePlugin)
            and not name.startswith("_")
            and obj.__module__ == module.__name__
        ):
            found.append((name, str(obj.secret_type), os.path.abspath(module.__file__ or "")))
    return found


def write_baseline(path: str, findings: Iterable[Finding]) -> int:
    """Create or update ``path``; keeps audit labels (``is_secret``) of entries still found."""
    previous: dict[tuple[str, str, str], dict[str, Any]] = {}
    if os.path.exists(path):
        old = load_baseline(path)
        for filename, entries in old.doc.get("results", {}).items():
            for entry in entries:
                if isinstance(entry, dict):
                    key = (filename, str(entry.get("hashed_secret")), str(entry.get("type")))
                    previous[key] = entry
    results: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[str, str, str]] = set()
    types: set[str] = set()
    for f in findings:
        if f.kind is not Kind.CREDENTIAL or not f.secret_hash:
            continue
        key = (f.path, f.secret_hash, f.secret_type)
        if key in seen:
            continue  # detect-secrets keys a secret by (file, hash, type): once per file
        seen.add(key)
        types.add(f.secret_type)
        record: dict[str, Any] = {
            "type": f.secret_type,
            "filename": f.path,
            "hashed_secret": f.secret_hash,
            "is_verified": False,
            "line_number": f.line,
        }
        if "is_secret" in previous.get(key, {}):
            record["is_secret"] = previous[key]["is_secret"]
        results.setdefault(f.path, []).append(record)
    plugins, filters = _plugins_used(types)
    doc = {
        "version": "1.5.0",
        "plugins_used": plugins,
        "filters_used": filters,
        "results": dict(sorted(results.items())),
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    _atomic_write(path, json.dumps(doc, indent=2) + "\n")
    return sum(len(v) for v in results.values())


def _atomic_write(path: str, text: str) -> None:
    directory = str(Path(path).parent) or "."
    fd, tmp = tempfile.mkstemp(prefix=".wabaguard-", dir=directory)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
