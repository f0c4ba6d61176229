"""A secret in a URL's userinfo or query string on a command line."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import is_minted_only, rule, scripts, what

RULE = rule(
    "secret-in-url",
    "Secret embedded in a URL",
    Severity.HIGH,
    Confidence.HIGH,
    "send the credential in a header read from stdin (`curl -H @-`) or a credential helper; "
    "never put it in the URL's user:password part or query string",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for use in script.argv:
            if use.category != "url" or use.taint.dump or is_minted_only(use.taint):
                continue
            yield analysis.finding(
                RULE,
                facts.run_node,
                use.start,
                use.end,
                f"{what(use.taint)} is placed in the {use.detail} of a URL passed to "
                f"`{use.command}`: URLs end up on the command line, in server and proxy logs "
                "and in `.git/config`",
                route,
            )
