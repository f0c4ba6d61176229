"""A secret-bearing value written to ``$GITHUB_ENV`` or ``$GITHUB_OUTPUT``."""

from __future__ import annotations

from collections.abc import Iterator

from wabaguard.config import Config
from wabaguard.findings import Confidence, Severity
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules._common import rule, scripts, what
from wabaguard.workflows.taint import from_minting_only

RULE = rule(
    "secret-to-github-env",
    "Secret persisted to GITHUB_ENV or step outputs",
    Severity.MEDIUM,
    Confidence.HIGH,
    "Reference the secret in the `env:` of each step that needs it instead of copying it "
    "into `$GITHUB_ENV`/`$GITHUB_OUTPUT`",
)


def check(analysis: Analysis, config: Config) -> Iterator[Finding]:
    for facts, script, route in scripts(analysis):
        for out in script.outputs:
            if out.sink not in ("github-env", "github-output") or out.taint.dump:
                continue
            if out.taint.minted or from_minting_only(out.taint):
                # Unmasked: unmasked-minted-credential's business. Masked first, then passed
                # on through GITHUB_OUTPUT: GitHub's documented pattern.
                continue
            target = "$GITHUB_ENV" if out.sink == "github-env" else "$GITHUB_OUTPUT"
            reach = (
                "every later step of the job, third-party actions included"
                if out.sink == "github-env"
                else "later steps and jobs through outputs"
            )
            name = f" as `{out.name}`" if out.name else ""
            yield analysis.finding(
                RULE,
                facts.run_node,
                out.start,
                out.end,
                f"{what(out.taint)} is written to {target}{name}, exposing it to {reach}",
                route,
            )
