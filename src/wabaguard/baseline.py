"""detect-secrets-compatible baselines: read to suppress known findings, write to record them.

Credential findings are entries of detect-secrets' own ``results`` table, written as
detect-secrets writes them (file, type, SHA-1 of the secret), so plain detect-secrets loads,
updates and audits them. Workflow findings cannot go there: every detect-secrets rewrite
(``scan --baseline``, its hook when line numbers move, ``audit``) rebuilds ``results`` from
what its own plugins find and drops unknown top-level keys. What it does copy verbatim is the
settings of each ``filters_used`` entry, so workflow findings live in one of those::

    {"path": "wabaguard.baseline.accepted_workflow_findings", "version": 1,
     "results": {".github/workflows/ci.yml": [
         {"rule": "secret-in-argv", "fingerprint": "…", "line_number": 9}]}}

A workflow entry is keyed by file and ``Finding.fingerprint`` (rule, file and YAML route), so
it survives lines moving; ``line_number`` is for readers only.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from wabaguard.config import ConfigError
from wabaguard.findings import Finding, Kind

if TYPE_CHECKING:
    from wabaguard.scan import ScanResult

# The filters_used entry holding workflow findings. Permanent: baselines name it.
WORKFLOW_FILTER = "wabaguard.baseline.accepted_workflow_findings"
WORKFLOW_FORMAT = 1
DS_VERSION = "1.5.0"


def accepted_workflow_findings() -> bool:
    """The function ``WORKFLOW_FILTER`` names; it never filters anything.

    detect-secrets imports a baseline's filters and calls each one only when its parameters
    include those it injects (``filename``, ``line``, ``secret``...): this one takes none, so
    it is never called. It exists so that detect-secrets finds a real function at that path.
    """
    return False


@dataclass(frozen=True)
class Baseline:
    path: str
    known: frozenset[tuple[str, str]]  # (filename, hashed_secret)
    accepted: frozenset[tuple[str, str]]  # (filename, fingerprint) of workflow findings
    doc: Mapping[str, Any]

    def suppresses(self, finding: Finding) -> bool:
        if finding.kind is Kind.WORKFLOW:
            return (finding.path, finding.fingerprint) in self.accepted
        return (finding.path, finding.secret_hash) in self.known


def load_baseline(path: str) -> Baseline:
    doc = _read(path)
    known: set[tuple[str, str]] = set()
    for filename, entries in doc["results"].items():
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("hashed_secret"), str):
                known.add((str(entry.get("filename", filename)), entry["hashed_secret"]))
    accepted = {
        (filename, entry["fingerprint"])
        for filename, entries in workflow_results(doc, path).items()
        for entry in entries
    }
    return Baseline(path, frozenset(known), frozenset(accepted), doc)


def _read(path: str) -> dict[str, Any]:
    import json

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
    for filename, entries in results.items():
        if not isinstance(entries, list):
            raise ConfigError(f"{path}: results for {filename!r} must be a list")
    checked: dict[str, Any] = doc
    return checked


def _workflow_filter(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    filters = doc.get("filters_used")
    if not isinstance(filters, list):
        return None
    for item in filters:
        if isinstance(item, dict) and item.get("path") == WORKFLOW_FILTER:
            return item
    return None


def workflow_results(doc: Mapping[str, Any], path: str) -> dict[str, list[dict[str, Any]]]:
    """The accepted workflow findings of a loaded baseline, by file (checked)."""
    item = _workflow_filter(doc)
    if item is None:
        return {}
    where = f"{path}: filters_used entry {WORKFLOW_FILTER!r}"
    version = item.get("version", WORKFLOW_FORMAT)
    if version != WORKFLOW_FORMAT:
        raise ConfigError(f"{where}: unsupported version {version!r} (a newer wabaguard wrote it?)")
    results = item.get("results", {})
    if not isinstance(results, dict):
        raise ConfigError(f"{where}: 'results' must be a table of files")
    for filename, entries in results.items():
        if not isinstance(entries, list) or not all(
            isinstance(e, dict)
            and isinstance(e.get("rule"), str)
            and isinstance(e.get("fingerprint"), str)
            for e in entries
        ):
            raise ConfigError(
                f"{where}: entries for {filename!r} must be objects with 'rule' and 'fingerprint'"
            )
    return results


# -- writing ----------------------------------------------------------------------------------


class Written(NamedTuple):
    secrets: int
    workflow: int


def unread_files(targets: Sequence[str], cwd: str, result: ScanResult) -> Callable[[str], bool]:
    """Whether an earlier entry's file still exists but was not read by this scan (outside
    the scanned paths, skipped or unreadable): its entries are kept, not dropped."""
    roots = [_relative(t, cwd) for t in targets]
    not_read = {s.relpath for s in result.skipped} | {e.path for e in result.errors}

    def unread(filename: str) -> bool:
        if not os.path.lexists(os.path.join(cwd, filename)):
            return False
        name = _relative(filename, cwd)
        covered = any(
            root == "." or name == root or name.startswith(root.rstrip("/") + "/") for root in roots
        )
        return not covered or filename in not_read

    return unread


def _relative(path: str, cwd: str) -> str:
    return os.path.relpath(os.path.join(cwd, path), cwd).replace(os.sep, "/")


def write_baseline(
    path: str,
    findings: Iterable[Finding],
    *,
    entropy: bool = False,
    keep: Callable[[str], bool] | None = None,
    cwd: str | None = None,
) -> Written:
    """Create or update ``path`` with every finding (credentials and workflow findings).

    Audit labels (``is_secret``) of entries found again are kept. Entries of files this run
    did not read are kept when ``keep`` says so (see ``unread_files``); the others, including
    those of deleted files, are replaced by what was found now.
    """
    keep = keep or (lambda _: False)
    old_creds: dict[str, list[dict[str, Any]]] = {}
    old_flows: dict[str, list[dict[str, Any]]] = {}
    old_filters: list[dict[str, Any]] = []
    if os.path.exists(path):
        old = _read(path)
        listed = old.get("filters_used")
        if isinstance(listed, list):
            old_filters = [
                f for f in listed if isinstance(f, dict) and isinstance(f.get("path"), str)
            ]
        old_creds = {
            name: [e for e in entries if isinstance(e, dict)]
            for name, entries in old["results"].items()
        }
        old_flows = workflow_results(old, path)
    labels = _labels(old_creds, old_flows)

    creds: dict[str, list[dict[str, Any]]] = {}
    flows: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[str, ...]] = set()
    key: tuple[str, ...]
    for f in findings:
        if f.kind is Kind.WORKFLOW:
            record: dict[str, Any] = {
                "rule": f.rule,
                "fingerprint": f.fingerprint,
                "line_number": f.line,
            }
            table, key = flows, _flow_key(f.path, record)
        elif f.secret_hash:
            record = {
                "type": f.secret_type,
                "filename": f.path,
                "hashed_secret": f.secret_hash,
                "is_verified": False,
                "line_number": f.line,
            }
            table, key = creds, _cred_key(f.path, record)
        else:
            continue
        if key in seen:
            continue  # detect-secrets keys a secret by (file, hash, type): once per file
        seen.add(key)
        if key in labels:
            record["is_secret"] = labels[key]
        table.setdefault(f.path, []).append(record)
    # A file this run did not read (or not all of) keeps its earlier entries.
    for old_table, table, identity in (
        (old_creds, creds, _cred_key),
        (old_flows, flows, _flow_key),
    ):
        for filename, entries in old_table.items():
            if not entries or not keep(filename):
                continue
            current = table.setdefault(filename, [])
            present = {identity(filename, e) for e in current}
            current.extend(e for e in entries if identity(filename, e) not in present)

    for entries in creds.values():
        entries.sort(key=lambda e: (entry_line(e), str(e.get("hashed_secret")), str(e.get("type"))))
    for entries in flows.values():
        entries.sort(key=lambda e: (entry_line(e), str(e["rule"]), str(e["fingerprint"])))
    types = {str(e.get("type")) for entries in creds.values() for e in entries}
    plugins, filters = _plugins_used(types, entropy)
    # detect-secrets adds these two itself whenever it loads the file (the first unless run
    # with --no-verify): written now, its first rewrite does not show up as a change.
    rel = _relative(path, cwd or os.getcwd())
    by_path = {str(item["path"]): item for item in filters}
    by_path["detect_secrets.filters.common.is_ignored_due_to_verification_policies"] = {
        "path": "detect_secrets.filters.common.is_ignored_due_to_verification_policies",
        "min_level": 2,  # VerifiedResult.UNVERIFIED: what every run without --no-verify adds
    }
    by_path["detect_secrets.filters.common.is_baseline_file"] = {
        "path": "detect_secrets.filters.common.is_baseline_file",
        "filename": rel,
    }
    # Filters someone added for detect-secrets (--exclude-files, a word list...) stay: wabaguard
    # does not apply them, detect-secrets goes on doing so.
    for item in old_filters:
        if item["path"] != WORKFLOW_FILTER:
            by_path.setdefault(item["path"], item)
    if flows:
        by_path[WORKFLOW_FILTER] = {
            "path": WORKFLOW_FILTER,
            "version": WORKFLOW_FORMAT,
            "results": dict(sorted(flows.items())),
        }
    filters = sorted(by_path.values(), key=lambda item: str(item["path"]).lower())
    doc = {
        "version": DS_VERSION,
        "plugins_used": plugins,
        "filters_used": filters,
        "results": dict(sorted(creds.items())),
        "generated_at": _now(),
    }
    save_document(path, doc)
    return Written(
        sum(len(v) for v in creds.values()),
        sum(len(v) for v in flows.values()),
    )


def entry_line(entry: Mapping[str, Any]) -> int:
    line = entry.get("line_number")
    return line if isinstance(line, int) else 0


def _cred_key(filename: str, entry: Mapping[str, Any]) -> tuple[str, ...]:
    return ("credential", filename, str(entry.get("hashed_secret")), str(entry.get("type")))


def _flow_key(filename: str, entry: Mapping[str, Any]) -> tuple[str, ...]:
    return ("workflow", filename, str(entry.get("fingerprint")))


def _labels(
    creds: Mapping[str, list[dict[str, Any]]], flows: Mapping[str, list[dict[str, Any]]]
) -> dict[tuple[str, ...], Any]:
    labels: dict[tuple[str, ...], Any] = {}
    for table, identity in ((creds, _cred_key), (flows, _flow_key)):
        for filename, entries in table.items():
            for e in entries:
                if e.get("is_secret") is not None:
                    labels[identity(filename, e)] = e["is_secret"]
    return labels


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def generic_plugin_names() -> frozenset[str]:
    from wabaguard.builtin import BUILTIN_PLUGINS

    return frozenset(b.class_name for b in BUILTIN_PLUGINS if b.generic)


def _plugins_used(
    secret_types: Iterable[str], entropy: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """plugins_used and filters_used as detect-secrets itself would write them.

    The generic plugins are listed when the scan ran them (``--entropy``) or an entry needs
    them: detect-secrets only runs, and so only keeps the entries of, the plugins listed.
    """
    from wabaguard.builtin import BUILTIN_PLUGINS
    from wabaguard.ds_adapter import DetectSecrets

    wanted = set(secret_types)
    # Our own configuration, not detect-secrets' process-global one (which is left alone).
    settings = DetectSecrets(
        [
            b.class_name
            for b in BUILTIN_PLUGINS
            if not b.generic or entropy or b.secret_type in wanted
        ]
    ).settings_json()
    plugins: list[dict[str, Any]] = list(settings["plugins_used"])
    for name, secret_type, plugin_file in _our_plugins():
        if secret_type in wanted:
            plugins.append({"name": name, "path": f"file://{plugin_file}"})
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


def save_document(path: str, doc: Mapping[str, Any]) -> None:
    """Write a baseline document the way detect-secrets does (two-space JSON)."""
    import json

    _atomic_write(path, json.dumps(doc, indent=2) + "\n")


def _atomic_write(path: str, text: str) -> None:
    """Through a private temporary file renamed over ``path``: a reader never sees half a
    file. The result keeps ``path``'s mode, or gets the umask's usual one when new."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".wabaguard-", dir=directory)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    current = os.umask(0o077)  # reading the umask means setting it; put it straight back
    os.umask(current)
    return current
