"""A secret in a URL's userinfo or query string on a command line."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule, scripts, what
from wabaguard.workflows.shells.facts import url_part

RULE = rule(
    "secret-in-url",
    "Secret embedded in a URL",
    Severity.HIGH,
    Confidence.HIGH,
    "Send the credential in a header read from stdin (`curl -H @-`) or a credential helper; "
    "never put it in the URL (user:password, path or query string)",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for use in script.argv:
            if use.category != "url" or use.taint.dump or use.taint.minted:
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
    # URL inputs of actions (`with: repository-url: https://user:${{ secrets.X }}@…`).
    for site in analysis.expressions():
        taint = site.info.taint
        if taint is None or taint.dump or len(site.route) < 2 or site.route[-2] != "with":
            continue
        part = url_part(site.node.value, site.span.start, site.span.end)
        if not part:
            continue
        yield analysis.finding(
            RULE,
            site.node,
            site.span.start,
            site.span.end,
            f"{what(taint)} is placed in the {part} of the URL given to `{site.route[-1]}`: "
            "actions log and store URLs",
            site.route,
        )
