"""Credential literals in `env:`, `with:`, container/service credentials and scripts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.model import Job, Node, Route
from wabaguard.workflows.rules._common import rule, scripts
from wabaguard.workflows.shells.bash.programs import looks_like_dummy

RULE = rule(
    "hardcoded-credential",
    "Credential written in the workflow file",
    Severity.HIGH,
    Confidence.MEDIUM,
    "Rotate it, store it as an encrypted secret and reference it as `${{ secrets.NAME }}` "
    "(or use OIDC instead of a long-lived key)",
    reports_secret=True,  # each finding's span is the literal: masked in every output
)

_CREDENTIAL_KEY = re.compile(
    r"(?i)(passw(or)?d|passwd|(^|[_-])pwd$|secret|token|api[_-]?key|private[_-]?key|"
    r"access[_-]?key|credential)"
)
# Keys that name, locate or describe a credential rather than hold it.
_DESCRIPTIVE_KEY = re.compile(
    r"(?i)([_-](name|id|path|file|url|uri|user|username|header|type|env|var|mode|format|"
    r"version|enabled|length|ttl|expiry|expires|scope|scopes|region|endpoint|key-id|kind|"
    r"source|field|ref|arn)s?$)"
)
# Documented credential formats (vendor docs); enough to flag a value under any key.
_FORMATS = (
    ("an AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,})")),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20}")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a Stripe live key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}")),
    ("an npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a Slack webhook", re.compile(r"hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/")),
)


def _literal(value: Node) -> bool:
    text = value.value.strip()
    return bool(text) and "${{" not in text and not text.startswith(("$", "%"))


def _by_name(key: str, value: Node) -> bool:
    if not _CREDENTIAL_KEY.search(key) or _DESCRIPTIVE_KEY.search(key):
        return False
    text = value.value.strip()
    if not _literal(value) or len(text) < 8 or looks_like_dummy(text):
        return False
    if any(ch.isspace() for ch in text) or text.startswith(("./", "~/", "/", "http")):
        return False
    return text.lower() not in ("true", "false", "null", "none", "required", "optional")


# One search for "any format": most values match none, and nine searches cost more.
_ANY_FORMAT = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _FORMATS))


def _by_format(value: Node) -> str:
    """The first format the value matches, or ""."""
    if _ANY_FORMAT.search(value.value) is None:
        return ""
    for label, pattern in _FORMATS:
        if pattern.search(value.value):
            return label
    return ""


_Entry = tuple[str, Node, Node, Route, str]  # key, key node, value node, route, where


def _mapping_entries(analysis: Analysis) -> Iterator[_Entry]:
    """(key, key node, value node, route, where) for env: and with: entries everywhere."""
    wf = analysis.wf
    if wf.is_action:
        yield from _input_defaults(wf.doc.root.get("inputs"))
    for entry in wf.env:
        yield entry.name, entry.key, entry.value, entry.route, "env"
    for job in wf.jobs:
        for entry in job.env:
            yield entry.name, entry.key, entry.value, entry.route, "env"
        for node, where in _containers(job):
            yield from _container_env(node, where)
        for step in job.steps:
            for entry in step.env:
                yield entry.name, entry.key, entry.value, entry.route, "env"
            if step.with_ is not None:
                for k, v in step.with_.str_items():
                    if v.is_scalar:
                        yield k.value, k, v, (*step.route, "with", k.value), "with"


def _input_defaults(inputs: Node | None) -> Iterator[_Entry]:
    """An action's ``inputs: <name>: default:`` values."""
    if inputs is not None and inputs.is_mapping:
        for k, spec in inputs.str_items():
            default = spec.get("default") if spec.is_mapping else None
            if default is not None and default.is_scalar:
                yield k.value, k, default, ("inputs", k.value, "default"), "inputs"


def _containers(job: Job) -> list[tuple[Node, Route]]:
    """The job's ``container:`` and ``services:`` mappings, with their routes."""
    containers: list[tuple[Node, Route]] = []
    container = job.node.get("container")
    if container is not None and container.is_mapping:
        containers.append((container, (*job.route, "container")))
    services = job.node.get("services")
    if services is not None and services.is_mapping:
        for name, service in services.str_items():
            if service.is_mapping:
                containers.append((service, (*job.route, "services", name.value)))
    return containers


def _container_env(node: Node, where: Route) -> Iterator[_Entry]:
    env = node.get("env")
    if env is not None and env.is_mapping:
        label = "service env" if where[-2] == "services" else "env"
        for k, v in env.str_items():
            if v.is_scalar:
                yield k.value, k, v, (*where, "env", k.value), label


def _container_passwords(analysis: Analysis) -> Iterator[tuple[Node, Route]]:
    for job in analysis.wf.jobs:
        for node, route in _containers(job):
            creds = node.get("credentials")
            password = creds.get("password") if creds is not None and creds.is_mapping else None
            if password is not None and password.is_scalar and _literal(password):
                yield password, (*route, "credentials", "password")


# A password a service container's env sets (POSTGRES_PASSWORD, MYSQL_ROOT_PASSWORD, …) is
# the password of a database created for this job and reachable only from it: GitHub's own
# service-container guide writes it literally. Tokens and API keys there are not exempt.
_SERVICE_PASSWORD_KEY = re.compile(r"(?i)(passw(or)?d|passwd|(^|[_-])pass$|(^|[_-])pwd$)")


def _service_passwords(entries: list[_Entry]) -> dict[Route, set[str]]:
    """Per job route, the literal passwords its service containers set up."""
    found: dict[Route, set[str]] = {}
    for key, _key_node, value, route, where in entries:
        if where == "service env" and _SERVICE_PASSWORD_KEY.search(key) and _literal(value):
            found.setdefault(route[:2], set()).add(value.value.strip())
    return found


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    seen: set[int] = set()
    entries = list(_mapping_entries(analysis))
    throwaway = _service_passwords(entries)
    for key, _key_node, value, route, where in entries:
        if id(value) in seen:
            continue
        if value.value.strip() in throwaway.get(route[:2], ()) and not _by_format(value):
            continue  # the job's own service password, or the same value passed to a step
        fmt = _by_format(value)
        if fmt:
            seen.add(id(value))
            yield analysis.finding_at(
                RULE, value, f"the value of `{where}: {key}` looks like {fmt}", route
            )
        elif _by_name(key, value):
            seen.add(id(value))
            yield analysis.finding_at(
                RULE, value, f"`{where}: {key}` holds a literal credential", route
            )
    for password, route in _container_passwords(analysis):
        if id(password) not in seen:
            seen.add(id(password))
            yield analysis.finding_at(
                RULE, password, "container registry password written in the workflow", route
            )
    for facts, script, route in scripts(analysis):
        for hit in script.hardcoded:
            yield analysis.finding(
                RULE,
                facts.run_node,
                hit.start,
                hit.end,
                f"{hit.what} written in the script",
                route,
            )
