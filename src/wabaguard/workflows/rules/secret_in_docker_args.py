"""Secrets in docker CLI arguments (`--build-arg`, `-e K=V`, `login -p`) or `build-args:`."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
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


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for use in script.argv:
            if use.category != "docker" or use.taint.dump or use.taint.minted:
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
        if taint is None or taint.dump:
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
