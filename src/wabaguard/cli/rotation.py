"""`wabaguard rotation`: credentials older than the rotation policy, from GitHub's secret
metadata (names and dates, never values) or the config's inventory (no network).

The network code (``wabaguard.online``) is imported inside the command, only when it runs."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

from wabaguard.cli._common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_USAGE,
    FORMATS,
    config_for,
    config_option,
    fail,
    parse_reports,
    use_color,
    with_options,
    write,
)

_ROTATION_OPTIONS: tuple[Callable[[Any], Any], ...] = (
    click.option(
        "--repo", "repos", multiple=True, metavar="OWNER/NAME", help="A repository (repeatable)."
    ),
    click.option("--org", metavar="ORG", help="An organisation's own secrets."),
    click.option("--all-repos", is_flag=True, help="With --org: also every repository's."),
    click.option("--inventory", is_flag=True, help="The config's rotation.inventory (no network)."),
    click.option("--max-age", metavar="DAYS", help="Rotation policy, e.g. 90d (default 90d)."),
    click.option("--warn-within", metavar="DAYS", help="Warn this long before due (default 14d)."),
    click.option(
        "--match", "patterns", multiple=True, metavar="PATTERN", help="Names to check (repeatable)."
    ),
    click.option("--all", "check_all", is_flag=True, help="Check every secret, whatever its name."),
    click.option(
        "-f",
        "--format",
        "fmt",
        default="text",
        metavar="FORMAT",
        help="text (default), json, sarif, github or markdown.",
    ),
    click.option("-o", "--output", metavar="FILE", help="Write the report to FILE."),
    click.option(
        "--report",
        "reports",
        multiple=True,
        metavar="FORMAT=FILE",
        help="Also write another format (repeatable).",
    ),
    click.option("--fail-on", metavar="SEVERITY", help="Lowest severity that fails the run."),
    click.option("--api-url", metavar="URL", help="GitHub API URL (default: $GITHUB_API_URL)."),
    config_option,
    click.option("--now", hidden=True),  # a fixed "today", for tests and what-if checks
)


@click.command(
    "rotation", context_settings={"ignore_unknown_options": True, "allow_extra_args": True}
)
@with_options(_ROTATION_OPTIONS)
@click.pass_context
def rotation(ctx: click.Context, /, **options: Any) -> int:
    """Flag credentials older than the rotation policy (default 90 days).

    Reads the names and last-update dates (never the values) of a repository's Actions,
    environment, organisation and Dependabot secrets from GitHub, with a token from
    WABAGUARD_GITHUB_TOKEN, GH_TOKEN or GITHUB_TOKEN, never from an argument. It needs the
    "Secrets" read permission (a fine-grained or GitHub App token): the GITHUB_TOKEN of a
    workflow cannot list secrets. By default only WhatsApp, Meta and BSP credential names
    are checked. See docs/rotation.md.
    """
    from wabaguard.core.config import ConfigError
    from wabaguard.online import rotation as check

    try:
        outcome, threshold, extra_reports = _check(ctx, options)
    except check.RotationError as exc:
        raise fail(exc.message) from None
    except (ConfigError, ValueError) as exc:
        raise fail(str(exc)) from None
    return _report(outcome, options, extra_reports, threshold)


def _check(ctx: click.Context, o: dict[str, Any]) -> tuple[Any, Any, list[tuple[str, str]]]:
    from wabaguard.core.findings import Severity
    from wabaguard.core.registry import rule_ids
    from wabaguard.online import rotation as check
    from wabaguard.online.rotation_command import refuse_credentials_in_arguments, run

    given = [o["max_age"] or "", o["warn_within"] or "", *o["patterns"], o["fmt"]]
    given += [o["output"] or "", *o["reports"], o["fail_on"] or "", o["api_url"] or ""]
    given += [o["config_path"] or "", o["now"] or ""]
    refuse_credentials_in_arguments(given, ctx.args, names=[*o["repos"], o["org"] or ""])
    if o["fmt"] not in FORMATS:
        raise check.RotationError(f"--format: choose from {', '.join(FORMATS)}")
    extra_reports = parse_reports(o["reports"])
    config = config_for(o["config_path"], os.getcwd())
    policy = check.RotationPolicy.from_config(config.rotation, config.source or "config")
    policy = policy.with_options(o["max_age"], o["warn_within"], o["patterns"])
    threshold = Severity.parse(o["fail_on"]) if o["fail_on"] else config.fail_on
    outcome = run(
        repos=o["repos"],
        org=o["org"],
        all_repos=o["all_repos"],
        inventory=o["inventory"],
        check_all=o["check_all"],
        policy=policy,
        now=check.parse_now(o["now"]),
        config=config,
        env=os.environ,
        api_url=o["api_url"],
        known_rules=rule_ids,
    )
    return outcome, threshold, extra_reports


def _report(
    outcome: Any, o: dict[str, Any], extra_reports: list[tuple[str, str]], threshold: Any
) -> int:
    from wabaguard.core.registry import all_rules
    from wabaguard.online.rotation_report import render as render_rotation
    from wabaguard.online.rotation_report import summary_line as rotation_summary

    fmt, output = o["fmt"], o["output"]
    needs_rules = fmt == "sarif" or any(extra == "sarif" for extra, _ in extra_reports)
    rules = all_rules() if needs_rules else ()
    color = use_color(output) if fmt == "text" else False
    write(output, render_rotation(fmt, outcome, rules, color), color)
    for extra_fmt, dest in extra_reports:
        write(dest, render_rotation(extra_fmt, outcome, rules, False))
    if output is not None and output != "-":
        click.echo(rotation_summary(outcome), err=True)  # the report went to a file
    if outcome.result.errors:
        n = len(outcome.result.errors)
        click.echo(
            f"wabaguard: error: the check is incomplete: {n} listing(s) could not be read "
            "(see the report)",
            err=True,
        )
        return EXIT_USAGE
    failing = any(f.severity.rank >= threshold.rank for f in outcome.result.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN
