"""Actions that fetch or mint credentials: their outputs and the variables they export.

A value read from HashiCorp Vault, AWS Secrets Manager, Azure Key Vault, 1Password… or minted by
a login action is as secret as ``secrets.*``. These actions register what they hand on with the
runner's masker (``core.setSecret``), so their outputs and exported variables are tainted like a
registered secret: still a leak on argv, in a file, in ``GITHUB_ENV``, or in a transformed print.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from wabaguard.workflows.model import Step
from wabaguard.workflows.taint import Taint

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Fetched:
    """What one fetching step hands on: which outputs carry a secret, which variables."""

    __slots__ = ("env", "outputs")

    def __init__(self, outputs: frozenset[str] | None, env: Mapping[str, Taint]) -> None:
        self.outputs = outputs  # secret output names (lower-case); None: every output
        self.env = env  # exported variable -> taint

    def output(self, step_id: str, name: str) -> Taint | None:
        if self.outputs is not None and name.lower() not in self.outputs:
            return None
        return Taint(frozenset({f"steps.{step_id}.outputs.{name}"}))


def _with(step: Step, key: str) -> str:
    if step.with_ is None:
        return ""
    return step.with_.get_str(key) or ""


def _enabled(step: Step, key: str, default: bool) -> bool:
    value = _with(step, key).strip().lower()
    return default if not value else value == "true"


def _entries(text: str) -> list[str]:
    """Lines (and ``;``-separated parts) of a multi-line input."""
    return [p.strip() for line in text.splitlines() for p in line.split(";") if p.strip()]


def _exported(step: Step, names: list[str]) -> dict[str, Taint]:
    where = step.id or (step.uses or "step")
    return {
        name: Taint(frozenset({f"{where}:{name}"})) for name in names if _ENV_NAME.fullmatch(name)
    }


def _vault(step: Step) -> Fetched:
    """``secret/data/ci key | NAME ;``: the variable is NAME, or the key upper-cased."""
    names = []
    for entry in _entries(_with(step, "secrets")):
        path, _, alias = entry.partition("|")
        name = alias.strip() or (path.split()[-1] if path.split() else "")
        names.append(re.sub(r"\W", "_", name).upper() if not alias.strip() else name)
    env = _exported(step, names) if _enabled(step, "exportEnv", True) else {}
    if _enabled(step, "exportToken", False):  # the login token itself, for later `vault` calls
        env.update(_exported(step, ["VAULT_TOKEN"]))
    return Fetched(None, env)


def _conjur(step: Step) -> Fetched:
    names = [entry.partition("|")[2].strip() for entry in _entries(_with(step, "secrets"))]
    return Fetched(frozenset(), _exported(step, [n for n in names if n]))


def _bitwarden(step: Step) -> Fetched:
    names = [entry.partition(">")[2].strip() for entry in _entries(_with(step, "secrets"))]
    return Fetched(frozenset(), _exported(step, [n for n in names if n]))


def _aws_credentials(step: Step) -> Fetched:
    env: dict[str, Taint] = {}
    if _enabled(step, "output-env-credentials", True):
        env = _exported(step, ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"])
    return Fetched(frozenset({"aws-secret-access-key", "aws-session-token"}), env)


def _aws_secrets_manager(step: Step) -> Fetched:
    """``secret-ids: ALIAS,prod/db``: ALIAS, or the id upper-cased (``PROD_DB``)."""
    names = []
    for entry in _entries(_with(step, "secret-ids")):
        alias, comma, _ = entry.partition(",")
        name = alias if comma and alias.strip() else entry
        if "*" not in name:
            names.append(re.sub(r"\W", "_", name.strip()).upper())
    return Fetched(frozenset(), _exported(step, names))


def _one_password(step: Step) -> Fetched:
    """Step ``env:`` entries whose value is an ``op://`` reference."""
    names = [e.name for e in step.env if e.value.value.strip().startswith("op://")]
    env = _exported(step, names) if _enabled(step, "export-env", True) else {}
    return Fetched(frozenset(n.lower() for n in names), env)


def _outputs(*names: str) -> Callable[[Step], Fetched]:
    fixed = frozenset(names) if names else None
    return lambda step: Fetched(fixed, {})


# By ``owner/repo`` (lower-case); what each hands on.
_FETCHERS: Mapping[str, Callable[[Step], Fetched]] = MappingProxyType(
    {
        "hashicorp/vault-action": _vault,
        "cyberark/conjur-action": _conjur,
        "bitwarden/sm-action": _bitwarden,
        "aws-actions/configure-aws-credentials": _aws_credentials,
        "aws-actions/aws-secretsmanager-get-secrets": _aws_secrets_manager,
        "azure/get-keyvault-secrets": _outputs(),
        "1password/load-secrets-action": _one_password,
        "dopplerhq/secrets-fetch-action": _outputs(),
        "google-github-actions/get-secretmanager-secrets": _outputs(),
        "google-github-actions/auth": _outputs("access_token", "id_token", "auth_token"),
        "actions/create-github-app-token": _outputs("token"),
        "tibdex/github-app-token": _outputs("token"),
        "peter-murray/workflow-application-token-action": _outputs("token"),
    }
)


def fetched(step: Step) -> Fetched | None:
    """What a ``uses:`` step that fetches or mints credentials hands on (None: not one)."""
    if not step.uses:
        return None
    action = "/".join(step.uses.split("@", 1)[0].lower().split("/")[:2])
    make = _FETCHERS.get(action)
    return make(step) if make is not None else None
