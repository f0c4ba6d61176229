"""Secrets in docker CLI arguments (`--build-arg`, `-e K=V`, `login -p`) or `build-args:`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import MappingProxyType

from wabaguard.core.config import Config
from wabaguard.core.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.identifiers import is_public_build_arg
from wabaguard.workflows.rules._common import rule, scripts, what

RULE = rule(
    "secret-in-docker-args",
    "Secret passed to docker on the command line or as a build argument",
    Severity.HIGH,
    Confidence.HIGH,
    "Use BuildKit secrets (`--secret id=…,env=…` / build-push-action `secrets:`), "
    "`docker run -e NAME` without a value, and `docker login --password-stdin`",
)

_HOW = MappingProxyType(
    {
        "--build-arg": "a build argument, stored in the image history",
        "-e": "`docker run -e NAME=value`, visible in argv and `docker inspect`",
        "--password": "`docker login -p`, visible in argv",
    }
)


_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _arg_name(text: str, start: int) -> str | None:
    """The ``NAME`` of ``NAME=`` right before ``text[start]`` (a quote may follow the ``=``).

    Scanned backwards by hand: a regex search for it rescans from every letter of the line.
    """
    end = start
    if end > 0 and text[end - 1] in "\"'":
        end -= 1
    if end == 0 or text[end - 1] != "=":
        return None
    begin = end - 1
    while begin > 0 and text[begin - 1] in _NAME_CHARS:
        begin -= 1
    name = text[begin : end - 1]
    return name if name and not name[0].isdigit() else None


def _public(text: str, start: int) -> bool:
    """Is the build arg at ``text[start]`` one a bundler publishes (``VITE_*``…)?"""
    name = _arg_name(text, start)
    if name is not None:
        return is_public_build_arg(name)
    # `--build-arg NAME` (the value comes from the variable of that name).
    bare = _BARE_NAME.match(text, start)
    return bare is not None and is_public_build_arg(bare.group(0))


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for use in script.argv:
            if use.category != "docker" or use.taint.dump or use.taint.minted:
                continue
            if use.detail == "--build-arg" and _public(facts.run_node.value, use.start):
                continue
            yield analysis.finding(
                RULE,
                facts.run_node,
                use.start,
                use.end,
                f"{what(use.taint)} is passed as {_HOW.get(use.detail, use.detail)}",
                route,
            )
    # docker/build-push-action (and look-alikes) `with: build-args:`.
    for site in analysis.expressions():
        route = site.route
        if len(route) < 2 or route[-1] != "build-args" or route[-2] != "with":
            continue
        taint = site.info.taint
        if taint is None or taint.dump or _public(site.node.value, site.span.start):
            continue
        yield analysis.finding(
            RULE,
            site.node,
            site.span.start,
            site.span.end,
            f"{what(taint)} is passed in `build-args:`, which persist in the image history "
            "and provenance",
            route,
        )
