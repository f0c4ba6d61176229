"""``wabaguard rotation --repo/--org`` against a local GitHub that answers as the docs say."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest

import fakes
from rotation.fake_github import FakeGitHub, Reply, ago, org_secret, rate_limited, secret

REPO = "acme/app"
SECRETS = f"/repos/{REPO}/actions/secrets"


def by_location(result: Any) -> dict[str, dict[str, Any]]:
    return {f["logical_location"]: f for f in result.json()["findings"]}


def one_repo(github: FakeGitHub, owner_type: str = "Organization") -> None:
    """acme/app with a secret in every scope, old and fresh, credential names and others."""
    github.repository(REPO, owner_type)
    github.secrets(
        SECRETS,
        secret("WHATSAPP_TOKEN", ago(340)),
        secret("META_APP_SECRET", ago(10)),  # fresh
        secret("WHATSAPP_PHONE_NUMBER_ID", ago(900)),  # a setting, not a credential
        secret("NPM_TOKEN", ago(500)),  # not a WhatsApp, Meta or BSP name
    )
    github.environments(REPO, "production", "release/eu west")
    github.secrets(
        f"/repos/{REPO}/environments/production/secrets", secret("WA_ACCESS_TOKEN", ago(128))
    )
    github.secrets(
        f"/repos/{REPO}/environments/release/eu west/secrets", secret("D360_API_KEY", ago(88))
    )
    github.secrets(
        f"/repos/{REPO}/actions/organization-secrets",
        org_secret("INFOBIP_API_KEY", ago(705), "selected"),
    )
    github.secrets(f"/repos/{REPO}/dependabot/secrets", secret("FB_GRAPH_TOKEN", ago(95)))


def test_every_scope_of_a_repository_is_read_and_judged(rotation: Any, github: FakeGitHub) -> None:
    one_repo(github)
    result = rotation("--repo", REPO, "-f", "json")

    assert result.code == 1, result.err
    found = by_location(result)
    assert list(found) == [  # oldest first
        "acme: org: INFOBIP_API_KEY",
        "acme/app: repo: WHATSAPP_TOKEN",
        "acme/app: environment production: WA_ACCESS_TOKEN",
        "acme/app: dependabot: FB_GRAPH_TOKEN",
        "acme/app: environment release/eu west: D360_API_KEY",
    ]
    repo = found["acme/app: repo: WHATSAPP_TOKEN"]
    assert repo["rule"] == "stale-credential"
    assert repo["severity"] == "medium"
    assert repo["path"] == ""
    assert repo["properties"] == {
        "name": "WHATSAPP_TOKEN",
        "scope": "repo",
        "repository": REPO,
        "updated_at": ago(340),
        "created_at": "2019-08-10T14:59:22Z",
        "age_days": 340,
        "due_date": "2026-04-01",
        "last_rotated": "2026-01-01",
        "status": "overdue",
        "max_age_days": 90,
    }
    assert "340 days ago" in repo["message"] and "overdue since 2026-04-01" in repo["message"]
    env = found["acme/app: environment production: WA_ACCESS_TOKEN"]["properties"]
    assert (env["scope"], env["environment"], env["age_days"]) == ("environment", "production", 128)
    org = found["acme: org: INFOBIP_API_KEY"]["properties"]
    assert (org["scope"], org["organization"], org["visibility"]) == ("org", "acme", "selected")
    assert found["acme/app: dependabot: FB_GRAPH_TOKEN"]["properties"]["scope"] == "dependabot"
    soon = found["acme/app: environment release/eu west: D360_API_KEY"]
    assert soon["severity"] == "low"
    assert soon["properties"]["status"] == "due-soon"
    assert soon["properties"]["due_date"] == "2026-12-09"
    # The environment name with a slash and a space is one escaped path segment.
    targets = [s.raw_target.split("?")[0] for s in github.requests]
    assert f"/repos/{REPO}/environments/release%2Feu%20west/secrets" in targets


def test_all_checks_every_name(rotation: Any, github: FakeGitHub) -> None:
    one_repo(github)
    names = {
        f["properties"]["name"]
        for f in rotation("--repo", REPO, "--all", "-f", "json").json()["findings"]
    }
    assert {"NPM_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"} <= names
    assert "META_APP_SECRET" not in names  # fresh stays fresh
    default = rotation("--repo", REPO, "-f", "json").json()["findings"]
    assert not {"NPM_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"} & {
        f["properties"]["name"] for f in default
    }


def test_match_replaces_the_name_patterns(rotation: Any, github: FakeGitHub) -> None:
    one_repo(github)
    result = rotation("--repo", REPO, "--match", "npm_*", "-f", "json")
    assert [f["properties"]["name"] for f in result.json()["findings"]] == ["NPM_TOKEN"]


def test_text_report_is_a_table_sorted_by_age(rotation: Any, github: FakeGitHub) -> None:
    one_repo(github)
    result = rotation("--repo", REPO)
    assert result.code == 1
    lines = result.out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("AGE"))
    rows = lines[head + 1 : head + 6]
    assert [r.split()[0] for r in rows] == ["705d", "340d", "128d", "95d", "88d"]
    assert rows[1].split() == [
        "340d",
        "2026-04-01",
        "overdue",
        "acme/app:",
        "repo:",
        "WHATSAPP_TOKEN",
    ]
    assert "due soon" in rows[4]
    assert "4 overdue, 1 due soon" in lines[-1]
    assert "8 credentials listed, 6 checked" in lines[-1]


def test_sarif_names_the_secret_and_its_scope_as_a_logical_location(
    rotation: Any, github: FakeGitHub
) -> None:
    one_repo(github)
    result = rotation("--repo", REPO, "-f", "sarif")  # run_cli validates it against the schema
    run = json.loads(result.out)["runs"][0]
    results = {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r for r in run["results"]
    }
    hit = results["acme/app: environment production: WA_ACCESS_TOKEN"]
    assert hit["ruleId"] == "stale-credential"
    assert "physicalLocation" not in json.dumps(hit)
    assert hit["properties"]["age_days"] == 128
    assert hit["properties"]["environment"] == "production"
    assert results["acme/app: environment release/eu west: D360_API_KEY"]["level"] == "note"
    assert "stale-credential" in {r["id"] for r in run["tool"]["driver"]["rules"]}


def test_github_and_markdown_reports(rotation: Any, github: FakeGitHub, tmp_path: Any) -> None:
    one_repo(github)
    summary = tmp_path / "summary.md"
    result = rotation("--repo", REPO, "-f", "github", "--report", f"markdown={summary}")
    lines = result.out.splitlines()
    assert len(lines) == 5
    assert lines[0].startswith(
        "::warning title=wabaguard stale-credential (medium; high confidence)::"
        "acme: org: INFOBIP_API_KEY: "
    )
    assert "file=" not in result.out  # not a place in a file
    table = summary.read_text(encoding="utf-8")
    assert "**4 overdue, 1 due within 14 days**" in table
    assert "| 340 | 2026-04-01 | overdue | `acme/app: repo: WHATSAPP_TOKEN` |" in table


def test_pagination_follows_link_headers(rotation: Any, github: FakeGitHub) -> None:
    github.page_size = 2
    github.repository(REPO)
    github.secrets(SECRETS, *(secret(f"WHATSAPP_TOKEN_{i}", ago(100 + i)) for i in range(5)))
    github.environments(REPO, "a", "b", "c")
    for env in "abc":
        github.secrets(f"/repos/{REPO}/environments/{env}/secrets", secret("WA_KEY", ago(200)))
    github.secrets(f"/repos/{REPO}/actions/organization-secrets")
    github.secrets(f"/repos/{REPO}/dependabot/secrets")

    result = rotation("--repo", REPO, "-f", "json")
    names = sorted(f["logical_location"] for f in result.json()["findings"])
    assert names == sorted(
        [f"acme/app: repo: WHATSAPP_TOKEN_{i}" for i in range(5)]
        + [f"acme/app: environment {e}: WA_KEY" for e in "abc"]
    )
    pages = [s.query.get("page", "1") for s in github.requests if s.path == SECRETS]
    assert pages == ["1", "2", "3"]  # 5 items, 2 a page, then no rel="next"
    assert all(s.query.get("per_page") == "100" for s in github.requests if s.path == SECRETS)
    env_pages = [s for s in github.requests if s.path == f"/repos/{REPO}/environments"]
    assert len(env_pages) == 2


def test_a_link_to_another_origin_is_not_followed(rotation: Any, github: FakeGitHub) -> None:
    github.page_size = 1
    port = github.url.rsplit(":", 1)[1]
    github.link_origin = f"http://localhost:{port}"  # the same server, another origin
    github.repository(REPO)
    github.secrets(SECRETS, secret("WA_A", ago(100)), secret("WA_B", ago(100)))

    result = rotation("--repo", REPO)
    assert result.code == 2
    assert "pointed to another origin (http://localhost:" in result.err
    assert "token is not sent there" in result.err
    assert [s.query.get("page", "1") for s in github.requests if s.path == SECRETS] == ["1"]


def test_the_token_travels_only_in_the_authorization_header(
    rotation: Any, github: FakeGitHub, token: str
) -> None:
    one_repo(github)
    github.script(f"/repos/{REPO}/dependabot/secrets", Reply(403, {"message": f"no {token}"}))
    result = rotation("--repo", REPO, "-f", "json")

    assert github.requests
    for seen in github.requests:
        headers = {k.lower(): v for k, v in seen.headers.items()}
        assert headers["authorization"] == f"Bearer {token}"
        assert token not in seen.raw_target
        others = {k: v for k, v in headers.items() if k != "authorization"}
        assert token not in json.dumps(others)
        assert headers["accept"] == "application/vnd.github+json"
        assert headers["x-github-api-version"] == "2022-11-28"
        assert headers["user-agent"].startswith("wabaguard/")
    # Never printed, not even when the server echoes it back.
    assert token not in result.out + result.err
    assert token[4:] not in result.out + result.err


@pytest.mark.parametrize(
    ("env", "used"),
    [
        ({"WABAGUARD_GITHUB_TOKEN": "right", "GH_TOKEN": "wrong", "GITHUB_TOKEN": "wrong"}, ""),
        ({"GH_TOKEN": "right", "GITHUB_TOKEN": "wrong"}, ""),
        ({"GITHUB_TOKEN": "right"}, ""),
        ({"WABAGUARD_GITHUB_TOKEN": "wrong", "GH_TOKEN": "right"}, "WABAGUARD_GITHUB_TOKEN"),
    ],
)
def test_token_variables_in_order(
    rotation: Any,
    github: FakeGitHub,
    token: str,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    used: str,
) -> None:
    one_repo(github)
    monkeypatch.delenv("WABAGUARD_GITHUB_TOKEN")
    for name, which in env.items():
        monkeypatch.setenv(name, token if which == "right" else "not-" + token[4:])
    result = rotation("--repo", REPO)
    if used:  # the first variable set wins, even when it is the wrong one
        assert result.code == 2
        assert f"GitHub rejected the token in {used}" in result.err
    else:
        assert result.code == 1, result.err


def test_no_token_is_a_clear_error(rotation: Any, github: FakeGitHub, monkeypatch: Any) -> None:
    monkeypatch.delenv("WABAGUARD_GITHUB_TOKEN")
    result = rotation("--repo", REPO)
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "no GitHub token: set WABAGUARD_GITHUB_TOKEN (or GH_TOKEN, GITHUB_TOKEN)" in result.err
    assert "cannot list secrets" in result.err
    assert github.requests == []


@pytest.mark.parametrize(
    "args",
    [
        ["--token", "TOKEN"],
        ["--github-token=TOKEN"],
        ["TOKEN"],
        ["--match", "TOKEN"],
    ],
)
def test_a_token_on_the_command_line_is_refused(
    rotation: Any, github: FakeGitHub, token: str, args: list[str]
) -> None:
    one_repo(github)
    result = rotation("--repo", REPO, *[a.replace("TOKEN", token) for a in args])
    assert result.code == 2
    assert "refusing a token on the command line" in result.err
    assert "WABAGUARD_GITHUB_TOKEN environment variable" in result.err
    assert token not in result.out + result.err
    assert github.requests == []  # refused before anything was sent


def test_an_unknown_argument_is_refused_without_echoing_it(
    rotation: Any, github: FakeGitHub
) -> None:
    result = rotation("--repo", REPO, "oops")
    assert result.code == 2
    assert "unexpected argument (not shown: it may be a credential)" in result.err
    assert "oops" not in result.err
    assert rotation("--repo", REPO, "--max-ag", "3").err.startswith(
        "wabaguard: error: no such option: --max-ag"
    )


def test_401_names_the_variable(rotation: Any, github: FakeGitHub, monkeypatch: Any) -> None:
    one_repo(github)
    monkeypatch.setenv("WABAGUARD_GITHUB_TOKEN", "revoked")
    result = rotation("--repo", REPO)
    assert result.code == 2
    assert result.err == (
        "wabaguard: error: repository acme/app: 401 Unauthorized: GitHub rejected the token in "
        "WABAGUARD_GITHUB_TOKEN (expired, revoked or mistyped)\n"
    )
    assert len(github.requests) == 1  # nothing more is asked with a rejected token


def test_403_names_the_missing_permission(rotation: Any, github: FakeGitHub) -> None:
    one_repo(github)
    message = {"message": "Resource not accessible by integration", "documentation_url": "x"}
    github.script(SECRETS, Reply(403, message))
    github.script(
        f"/repos/{REPO}/dependabot/secrets",
        Reply(403, message, {"X-Accepted-GitHub-Permissions": "dependabot_secrets=read"}),
    )
    result = rotation("--repo", REPO, "-f", "json")

    assert result.code == 2  # incomplete, even with findings
    errors = {e["path"]: e["message"] for e in result.json()["errors"]}
    assert errors["acme/app: repo"] == (
        "Actions secrets of acme/app: 403 Forbidden (Resource not accessible by integration): "
        'the token in WABAGUARD_GITHUB_TOKEN cannot read them; it needs the "Secrets" '
        "repository permission (read); the GITHUB_TOKEN Actions gives a workflow cannot list "
        "secrets: use a fine-grained token or a GitHub App token"
    )
    assert "GitHub says it needs dependabot_secrets=read" in errors["acme/app: dependabot"]
    # The other listings were read and judged.
    assert "acme/app: environment production: WA_ACCESS_TOKEN" in by_location(result)
    assert "the check is incomplete: 2 listing(s) could not be read" in result.err


def test_a_listing_that_cannot_be_read_is_a_run_annotation(
    rotation: Any, github: FakeGitHub
) -> None:
    one_repo(github)
    github.script(
        f"/repos/{REPO}/environments/production/secrets", Reply(404, {"message": "Not Found"})
    )
    result = rotation("--repo", REPO, "-f", "github")
    assert result.code == 2
    errors = [line for line in result.out.splitlines() if line.startswith("::error")]
    assert errors == [
        "::error title=wabaguard rotation%3A a listing could not be read::acme/app: environment "
        "production: secrets of environment 'production' of acme/app: 404 Not Found: it does not "
        "exist, or the token in WABAGUARD_GITHUB_TOKEN cannot see it (GitHub answers 404 for "
        "private resources a token has no access to)"
    ]


def test_404_repository(rotation: Any, github: FakeGitHub) -> None:
    result = rotation("--repo", "acme/nope")
    assert result.code == 2
    assert result.err.startswith("wabaguard: error: repository acme/nope: 404 Not Found: ")
    assert result.err.count("\n") == 1
    assert github.paths() == ["/repos/acme/nope"]  # its listings would fail the same way


def test_a_user_repository_has_no_organisation_secrets(rotation: Any, github: FakeGitHub) -> None:
    one_repo(github, owner_type="User")
    result = rotation("--repo", REPO, "-f", "json")
    assert result.code == 1
    assert f"/repos/{REPO}/actions/organization-secrets" not in github.paths()
    assert "acme: org: INFOBIP_API_KEY" not in by_location(result)


def _reset_now() -> str:
    return str(int(time.time()))  # reset "now" on the server's clock: no real wait


@pytest.mark.parametrize(
    "reply",
    [
        rate_limited(403, **{"X-RateLimit-Remaining": "0"}),  # reset header filled in below
        rate_limited(429, **{"Retry-After": "0"}),
        Reply(403, {"message": "You have exceeded a secondary rate limit."}, {"Retry-After": "0"}),
    ],
    ids=["primary-reset", "429-retry-after", "secondary"],
)
def test_a_rate_limit_is_waited_for_and_retried(
    rotation: Any, github: FakeGitHub, reply: Reply
) -> None:
    one_repo(github)
    if "X-RateLimit-Remaining" in reply.headers:
        reply.headers["X-RateLimit-Reset"] = _reset_now()
    github.script(SECRETS, reply)
    result = rotation("--repo", REPO, "-f", "json")
    assert result.code == 1, result.err
    assert "acme/app: repo: WHATSAPP_TOKEN" in by_location(result)
    assert github.paths().count(SECRETS) == 2


def test_a_long_rate_limit_is_reported_not_waited(rotation: Any, github: FakeGitHub) -> None:
    one_repo(github)
    reset = int(time.time()) + 3600
    production = f"/repos/{REPO}/environments/production/secrets"
    github.script(
        production,
        rate_limited(403, **{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}),
    )
    result = rotation("--repo", REPO, "-f", "json")
    assert result.code == 2
    (error,) = result.json()["errors"]
    expected = time.strftime("%Y-%m-%d %H:%M", time.gmtime(reset))
    assert "rate limit: it asks to wait" in error["message"]
    assert f"until {expected}" in error["message"]
    assert error["message"].endswith("; nothing more was asked")
    assert github.paths().count(production) == 1  # not waited for, not retried
    assert github.paths()[-1] == production  # and nothing asked after it
    # What was read before is still judged.
    assert "acme/app: repo: WHATSAPP_TOKEN" in by_location(result)


def test_a_rate_limit_on_the_first_request_is_one_line(rotation: Any, github: FakeGitHub) -> None:
    one_repo(github)
    github.script(f"/repos/{REPO}", rate_limited(429, **{"Retry-After": "7200"}))
    result = rotation("--repo", REPO)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("wabaguard: error: repository acme/app: http://127.0.0.1:")
    assert "rate limit: it asks to wait 7200 s" in result.err
    assert result.err.count("\n") == 1


def test_retries_are_bounded(rotation: Any, github: FakeGitHub) -> None:
    one_repo(github)
    github.script(SECRETS, *[rate_limited(429, **{"Retry-After": "0"}) for _ in range(10)])
    result = rotation("--repo", REPO)
    assert result.code == 2
    assert "still rate limiting after 3 retries" in result.err
    assert github.paths().count(SECRETS) == 4


def test_an_unreachable_api_is_one_line(rotation: Any, run_cli: Any, tmp_path: Any) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_cli(
        "rotation", "--repo", REPO, "--api-url", f"http://127.0.0.1:{port}", cwd=tmp_path
    )
    assert result.code == 2
    assert result.err == (
        f"wabaguard: error: repository acme/app: cannot reach http://127.0.0.1:{port}: "
        "connection refused\n"
    )


def test_plain_http_elsewhere_is_refused_before_sending(
    run_cli: Any, token: str, monkeypatch: Any, tmp_path: Any
) -> None:
    monkeypatch.setenv("GH_TOKEN", token)
    result = run_cli(
        "rotation", "--repo", REPO, "--api-url", "http://github.example.com", cwd=tmp_path
    )
    assert result.code == 2
    assert "refusing to send a token over plain http to github.example.com" in result.err


def test_github_api_url_sets_an_enterprise_base(
    rotation: Any, github: FakeGitHub, monkeypatch: Any
) -> None:
    one_repo(github)
    github.routes = {f"/api/v3{path}": route for path, route in github.routes.items()}
    monkeypatch.setenv("GITHUB_API_URL", f"{github.url}/api/v3")
    result = rotation("--repo", REPO, "-f", "json", api=False)
    assert result.code == 1, result.err
    assert len(result.json()["findings"]) == 5
    assert all(p.startswith("/api/v3/repos/") for p in github.paths())


def test_an_organisation_and_all_its_repositories(rotation: Any, github: FakeGitHub) -> None:
    github.secrets(
        "/orgs/acme/actions/secrets",
        org_secret("WHATSAPP_TOKEN", ago(200), "all"),
        org_secret("GUPSHUP_API_KEY", ago(20), "private"),
    )
    github.secrets("/orgs/acme/dependabot/secrets", org_secret("META_TOKEN", ago(120), "private"))
    github.org_repositories("acme", "acme/api", "acme/web")
    for full in ("acme/api", "acme/web"):
        github.secrets(f"/repos/{full}/actions/secrets", secret("WA_TOKEN", ago(91)))
        github.environments(full)
        github.secrets(f"/repos/{full}/dependabot/secrets")

    only_org = rotation("--org", "acme", "-f", "json")
    assert sorted(by_location(only_org)) == [
        "acme: org dependabot: META_TOKEN",
        "acme: org: WHATSAPP_TOKEN",
    ]
    org = by_location(only_org)["acme: org: WHATSAPP_TOKEN"]
    assert "organisation secret, visible to all repositories" in org["message"]
    assert not any(p.startswith("/repos/") for p in github.paths())

    everything = rotation("--org", "acme", "--all-repos", "-f", "json")
    assert sorted(by_location(everything)) == [
        "acme/api: repo: WA_TOKEN",
        "acme/web: repo: WA_TOKEN",
        "acme: org dependabot: META_TOKEN",
        "acme: org: WHATSAPP_TOKEN",
    ]
    # Each repository's view of the organisation secrets is the organisation's listing.
    assert not any(p.endswith("/organization-secrets") for p in github.paths())


def test_an_org_secret_seen_twice_is_reported_once(rotation: Any, github: FakeGitHub) -> None:
    one_repo(github)
    github.secrets("/orgs/acme/actions/secrets", org_secret("INFOBIP_API_KEY", ago(705), "all"))
    github.secrets("/orgs/acme/dependabot/secrets")
    result = rotation("--repo", REPO, "--org", "acme", "-f", "json")
    hits = [f for f in result.json()["findings"] if f["properties"]["name"] == "INFOBIP_API_KEY"]
    assert len(hits) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "say what to check: --repo OWNER/NAME, --org ORG, or --inventory"),
        (["--repo", "acme"], "--repo 'acme': expected OWNER/NAME"),
        (["--repo", "acme/.."], "--repo 'acme/..': expected OWNER/NAME"),
        (["--org", "ac/me"], "--org 'ac/me': expected an organisation's login"),
        (["--all-repos", "--repo", REPO], "--all-repos needs --org ORG"),
        (["--repo", REPO, "-f", "yaml"], "--format: choose from text, json, sarif, github"),
        (["--repo", REPO, "--report", "x=y"], "--report 'x=y': expected FORMAT=FILE"),
    ],
)
def test_usage_errors(rotation: Any, github: FakeGitHub, args: list[str], message: str) -> None:
    result = rotation(*args)
    assert result.code == 2
    assert message in result.err
    assert github.requests == []


def test_plain_http_to_loopback_never_goes_through_a_proxy(
    rotation: Any, github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token must not be handed to an HTTP_PROXY in clear text on the way."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{dead}")
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{dead}")
    one_repo(github)
    result = rotation("--repo", REPO, "-f", "json")
    assert result.code == 1, result.err
    assert github.requests


def test_a_clean_repository(rotation: Any, github: FakeGitHub, tmp_path: Any) -> None:
    github.repository(REPO)
    github.secrets(SECRETS, secret("WHATSAPP_TOKEN", ago(10)), secret("NPM_TOKEN", ago(900)))
    github.environments(REPO)
    github.secrets(f"/repos/{REPO}/actions/organization-secrets")
    github.secrets(f"/repos/{REPO}/dependabot/secrets")
    summary = tmp_path / "summary.md"
    result = rotation("--repo", REPO, "--report", f"markdown={summary}")
    assert result.code == 0, result.err
    assert "AGE" not in result.out
    assert result.out.splitlines()[-1] == (
        "0 overdue, 0 due soon; 2 credentials listed, 1 checked (1 without a WhatsApp, Meta or "
        "BSP credential name: --all checks every one)"
    )
    text = summary.read_text(encoding="utf-8")
    assert "No credential is older than the 90-day rotation policy, as of 2026-12-07" in text


def test_a_long_mixed_case_repository_name_is_not_a_token(
    rotation: Any, github: FakeGitHub
) -> None:
    # Joined at run time: the literal would itself look like a high-entropy string.
    full = "acme/" + "".join(("WhatsApp", "Webhook", "Relay", "Service", "2024", "Edition"))
    github.repository(full)
    github.secrets(f"/repos/{full}/actions/secrets", secret("WA_TOKEN", ago(100)))
    github.environments(full)
    github.secrets(f"/repos/{full}/actions/organization-secrets")
    github.secrets(f"/repos/{full}/dependabot/secrets")
    result = rotation("--repo", full, "-f", "json")
    assert result.code == 1, result.err
    assert by_location(result)[f"{full}: repo: WA_TOKEN"]


def test_a_token_given_as_a_target_is_never_echoed(
    rotation: Any, github: FakeGitHub, token: str
) -> None:
    for value in (token, fakes.alnum(40, seed=7)):
        for option in ("--repo", "--org"):
            result = rotation(option, value)
            assert result.code == 2
            assert value not in result.err
            assert value[4:20] not in result.err
    assert github.requests == []
