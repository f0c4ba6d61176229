"""Actions that run a shell script on another host over ssh (``appleboy/ssh-action`` and kin).

Their ``script:`` input is shell like ``run:``: GitHub substitutes ``${{ }}`` into it, the action
sends it to the remote host, where it sits in the process table and shell history, and prints
the remote output to the build log. Only the variables the action forwards (``envs:``) are set
over there.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from wabaguard.workflows.model import Node, Step
from wabaguard.workflows.taint import Taint

# By ``owner/repo`` (lower-case): the inputs that hold the remote script, first match wins, and
# the input naming the variables forwarded to the remote host ("" if none).
_SSH_ACTIONS: Mapping[str, tuple[tuple[str, ...], str]] = MappingProxyType(
    {
        "appleboy/ssh-action": (("script",), "envs"),
        "garygrossgarten/github-action-ssh": (("command",), ""),
        "d3rhase/ssh-command-action": (("command",), ""),
        "fifsky/ssh-action": (("command",), ""),
        "cross-the-world/ssh-pipeline": (("script",), ""),
        "easingthemes/ssh-deploy": (("SCRIPT_BEFORE", "SCRIPT_AFTER"), ""),
    }
)


class RemoteScript:
    __slots__ = ("env", "key", "node")

    def __init__(self, key: str, node: Node, env: Mapping[str, Taint]) -> None:
        self.key = key  # the `with:` input
        self.node = node  # its scalar
        self.env = env  # what the remote shell has of the step's variables


def remote_script(step: Step, env: Mapping[str, Taint]) -> RemoteScript | None:
    """The remote script of an ssh action step, if it is one (``env``: the step's env)."""
    if not step.uses or step.with_ is None:
        return None
    action = "/".join(step.uses.split("@", 1)[0].lower().split("/")[:2])
    spec = _SSH_ACTIONS.get(action)
    if spec is None:
        return None
    keys, envs_key = spec
    forwarded: dict[str, Taint] = {}
    if envs_key:
        names = (step.with_.get_str(envs_key) or "").replace(",", " ").split()
        forwarded = {n: env[n] for n in names if n in env}
    for key in keys:
        node = step.with_.get(key)
        if node is not None and node.is_scalar and node.value.strip():
            return RemoteScript(key, node, forwarded)
    return None
