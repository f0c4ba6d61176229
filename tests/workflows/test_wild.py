"""Issue 19, through the CLI: the shapes found in public workflows (hits and near misses).

The annotated corpus is ``tests/fixtures/workflows/wild/`` (compared line by line by
``test_fixtures.py``); these tests pin what the fixtures cannot: the wire format of related
places, the class boundaries (identifier names, public build args, fetching actions), the
messages that say where a remote command line ends up, and the rule's configuration.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest


def _write(tmp_path: Path, text: str, name: str = "ci.yml") -> Path:
    target = tmp_path / ".github" / "workflows" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(textwrap.dedent(text), encoding="utf-8")
    return target


def _findings(run_cli: Any, tmp_path: Path, text: str, *extra: str) -> list[dict[str, Any]]:
    target = _write(tmp_path, text)
    result = run_cli("scan", str(target), "--format", "json", "--no-progress", *extra)
    assert result.code in (0, 1), result.err
    findings: list[dict[str, Any]] = json.loads(result.out)["findings"]
    return findings


def _pairs(findings: list[dict[str, Any]]) -> set[tuple[int, str]]:
    return {(int(f["line"]), str(f["rule"])) for f in findings}


def _one_step(run: str, env: str) -> str:
    """A workflow whose only step runs ``run`` (line 9 is its first line) with ``env``."""
    body = "".join(f"          {line}\n" for line in run.splitlines())
    return (
        "on: push\n"
        "jobs:\n"
        "  j:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - env:\n"
        f"          {env}\n"
        "        run: |\n"
        f"{body}"
    )


# --- identifiers are not credentials ------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "DOCKERHUB_USERNAME",
        "NPM_USER",
        "SENTRY_LOGIN",
        "BOT_EMAIL",
        "AZURE_CLIENT_ID",
        "GH_APP_ID",
        "AWS_ACCOUNT_ID",
        "WHATSAPP_PHONE_NUMBER_ID",
        "DOCKER_REGISTRY",
        "DEPLOY_HOST",
        "STAGING_URL",
    ],
)
def test_identifier_secrets_on_argv_are_not_reported(
    run_cli: Any, tmp_path: Path, name: str
) -> None:
    findings = _findings(
        run_cli, tmp_path, _one_step(f'./deploy --who "${{{{ secrets.{name} }}}}"', "A: b")
    )
    assert findings == []


@pytest.mark.parametrize(
    "name",
    [
        "DOCKERHUB_TOKEN",
        "DB_PASSWORD",
        "SLACK_WEBHOOK_URL",  # a webhook URL is the credential
        "DATABASE_URL",  # a connection string holds the password
        "AZURE_CLIENT_SECRET",
        "USER_TOKEN",  # the suffix decides, not a prefix
    ],
)
def test_credential_secrets_on_argv_still_are(run_cli: Any, tmp_path: Path, name: str) -> None:
    findings = _findings(
        run_cli, tmp_path, _one_step(f'./deploy --who "${{{{ secrets.{name} }}}}"', "A: b")
    )
    assert _pairs(findings) == {(9, "secret-in-argv")}


def test_docker_login_with_a_username_secret_and_password_stdin_is_clean(
    run_cli: Any, tmp_path: Path
) -> None:
    text = _one_step(
        'docker login -u "$USER" --password-stdin <<< "$PASS"\n'
        "docker build -t ${{ secrets.DOCKERHUB_USERNAME }}/app:${{ github.sha }} .",
        "USER: ${{ secrets.REGISTRY_USERNAME }}\n          PASS: ${{ secrets.REGISTRY_PASSWORD }}",
    )
    assert _findings(run_cli, tmp_path, text) == []


# --- public build args --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("VITE_API_KEY", set()),
        ("NEXT_PUBLIC_SENTRY_DSN", set()),
        ("REACT_APP_MAPS_KEY", set()),
        ("GOOGLE_CLIENT_ID", set()),
        ("NPM_TOKEN", {(9, "secret-in-docker-args")}),
        ("VITE_TOKEN_PRIVATE_X", set()),  # the prefix publishes it, whatever follows
    ],
)
def test_public_build_args(
    run_cli: Any, tmp_path: Path, arg: str, expected: set[tuple[int, str]]
) -> None:
    run = f"docker build --build-arg {arg}=${{{{ secrets.SOME_VALUE }}}} ."
    assert _pairs(_findings(run_cli, tmp_path, _one_step(run, "A: b"))) == expected


def test_a_public_name_does_not_hide_a_secret_build_arg_from_env(
    run_cli: Any, tmp_path: Path
) -> None:
    run = "docker build --build-arg VITE_URL=x --build-arg NPM_TOKEN ."
    findings = _findings(run_cli, tmp_path, _one_step(run, "NPM_TOKEN: ${{ secrets.NPM_TOKEN }}"))
    assert _pairs(findings) == {(9, "secret-in-docker-args")}


# --- credentials fetched inside the job ---------------------------------------------------------

_VAULT = """\
on: push
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - id: vault
        uses: hashicorp/vault-action@v3
        with:
          url: https://vault.example.com
          exportEnv: {export}
          secrets: |
            secret/data/ci token | DEPLOY_TOKEN ;
            secret/data/ci region
      - run: |
          echo "$DEPLOY_TOKEN"
          echo "${{{{ steps.vault.outputs.DEPLOY_TOKEN }}}}"
          echo "$REGION"
"""


def test_vault_action_exports_and_outputs_are_secrets(run_cli: Any, tmp_path: Path) -> None:
    findings = _findings(run_cli, tmp_path, _VAULT.format(export="true"))
    # The exported variable and the output, and the default name of an un-aliased key.
    assert _pairs(findings) == {
        (15, "secret-printed"),
        (16, "secret-printed"),
        (17, "secret-printed"),
    }
    assert "vault:DEPLOY_TOKEN" in findings[0]["message"]


def test_vault_action_without_export_env_exports_nothing(run_cli: Any, tmp_path: Path) -> None:
    findings = _findings(run_cli, tmp_path, _VAULT.format(export="false"))
    assert _pairs(findings) == {(16, "secret-printed")}


def test_vault_action_export_token_exports_the_vault_token(run_cli: Any, tmp_path: Path) -> None:
    text = _VAULT.format(export="false").replace(
        "          exportEnv: false\n", "          exportEnv: false\n          exportToken: true\n"
    )
    text = text.replace('echo "$REGION"', 'curl -H "X-Vault-Token: $VAULT_TOKEN" https://v/x')
    assert _pairs(_findings(run_cli, tmp_path, text)) == {
        (17, "secret-printed"),
        (18, "secret-env-in-argv"),
    }


def test_configure_aws_credentials_outputs_only_the_secret_halves(
    run_cli: Any, tmp_path: Path
) -> None:
    text = """\
    on: push
    jobs:
      j:
        runs-on: ubuntu-latest
        steps:
          - id: aws
            uses: aws-actions/configure-aws-credentials@v4
            with:
              role-to-assume: arn:aws:iam::123456789012:role/ci
              aws-region: eu-west-1
              output-credentials: true
          - run: |
              echo "${{ steps.aws.outputs.aws-account-id }}"
              ./upload --key "${{ steps.aws.outputs.aws-secret-access-key }}"
              ./upload --key "$AWS_SESSION_TOKEN"
    """
    assert _pairs(_findings(run_cli, tmp_path, text)) == {
        (14, "secret-in-argv"),
        (15, "secret-env-in-argv"),
    }


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("terraform output -raw db_password", {(10, "unmasked-minted-credential")}),
        ("terraform output -raw bucket_name", set()),
        ("aws secretsmanager get-secret-value --secret-id x", {(10, "unmasked-minted-credential")}),
        ("aws ssm get-parameter --name /x --with-decryption", {(10, "unmasked-minted-credential")}),
        ("aws ssm get-parameter --name /x", set()),
        ("az keyvault secret show --name x --vault-name v", {(10, "unmasked-minted-credential")}),
        ("gcloud secrets versions access latest --secret x", {(10, "unmasked-minted-credential")}),
        ("op read op://ci/npm/token", {(10, "unmasked-minted-credential")}),
        ("kubectl get secret app -o jsonpath={.data.pw}", {(10, "unmasked-minted-credential")}),
        ("kubectl get pods -o name", set()),
    ],
)
def test_cli_reads_from_secrets_managers(
    run_cli: Any, tmp_path: Path, command: str, expected: set[tuple[int, str]]
) -> None:
    text = _one_step(f'V=$({command})\necho "$V"', "A: b")
    assert _pairs(_findings(run_cli, tmp_path, text)) == expected


def test_a_fetched_value_masked_first_is_not_reported(run_cli: Any, tmp_path: Path) -> None:
    text = _one_step(
        "V=$(terraform output -raw db_password)\n"
        'echo "::add-mask::$V"\n'
        'echo "v=$V" >> "$GITHUB_OUTPUT"',
        "A: b",
    )
    assert _findings(run_cli, tmp_path, text) == []


# --- uploads: reported on path:, related to the write -------------------------------------------


def test_artifact_finding_sits_on_path_and_names_the_write(run_cli: Any, tmp_path: Path) -> None:
    text = """\
    on: push
    jobs:
      j:
        runs-on: ubuntu-latest
        steps:
          - run: echo "K=${{ secrets.API_KEY }}" > build/app.env
          - run: echo "K=${{ secrets.API_KEY }}" > "$RUNNER_TEMP/app.env"
          - uses: actions/upload-artifact@v4
            with:
              name: build
              path: build/**
    """
    findings = _findings(run_cli, tmp_path, text)
    assert _pairs(findings) == {(11, "secret-in-artifact")}
    (finding,) = findings
    assert finding["properties"]["written_at"] == [
        {"line": 6, "column": 22, "file": "build/app.env"}
    ]
    assert any("line 6" in note for note in finding["notes"])
    # Text output carries the note too, and never the secret's value.
    target = tmp_path / ".github" / "workflows" / "ci.yml"
    out = run_cli("scan", str(target), "--no-progress").out
    assert "written at line 6" in out


# --- remote scripts -----------------------------------------------------------------------------


def test_argv_inside_an_ssh_heredoc_is_the_remote_hosts(run_cli: Any, tmp_path: Path) -> None:
    text = _one_step(
        'ssh deploy@host << EOF\n./migrate --password "$DB_PASSWORD"\nEOF',
        "DB_PASSWORD: ${{ secrets.DB_PASSWORD }}",
    )
    findings = _findings(run_cli, tmp_path, text)
    assert _pairs(findings) == {(10, "secret-env-in-argv")}
    assert "on the remote host, through `ssh`" in findings[0]["message"]


def test_a_quoted_ssh_heredoc_does_not_expand_runner_variables(
    run_cli: Any, tmp_path: Path
) -> None:
    text = _one_step(
        "ssh deploy@host << 'EOF'\n./migrate --password \"$DB_PASSWORD\"\nEOF",
        "DB_PASSWORD: ${{ secrets.DB_PASSWORD }}",
    )
    assert _findings(run_cli, tmp_path, text) == []


def test_a_heredoc_read_by_a_builtin_is_not_a_later_commands_script(
    run_cli: Any, tmp_path: Path
) -> None:
    text = _one_step(
        'read -r LINE << EOF\necho "$TOKEN"\nEOF\nssh deploy@host ./deploy.sh',
        "TOKEN: ${{ secrets.TOKEN }}",
    )
    assert _findings(run_cli, tmp_path, text) == []


def test_ssh_action_scripts_get_only_the_forwarded_variables(run_cli: Any, tmp_path: Path) -> None:
    text = """\
    on: push
    jobs:
      j:
        runs-on: ubuntu-latest
        steps:
          - uses: appleboy/ssh-action@v1
            env:
              FORWARDED: ${{ secrets.FORWARDED }}
              KEPT: ${{ secrets.KEPT }}
            with:
              host: example.com
              envs: FORWARDED
              script: |
                echo "$FORWARDED"
                echo "$KEPT"
                echo "$FORWARDED" > /srv/token
    """
    assert _pairs(_findings(run_cli, tmp_path, text)) == {(14, "secret-printed")}


# --- overexposure -------------------------------------------------------------------------------

_WIDE = """\
on: push
env:
  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm publish
"""


def test_workflow_env_credential_is_low_and_can_be_disabled(run_cli: Any, tmp_path: Path) -> None:
    findings = _findings(run_cli, tmp_path, _WIDE)
    assert _pairs(findings) == {(3, "overexposed-secret")}
    assert findings[0]["severity"] == "low"
    config = tmp_path / ".wabaguard.toml"
    config.write_text('disable = ["overexposed-secret"]\n', encoding="utf-8")
    assert _findings(run_cli, tmp_path, _WIDE, "--config", str(config)) == []


def test_a_single_step_workflow_is_not_overexposed(run_cli: Any, tmp_path: Path) -> None:
    text = _WIDE.replace("      - uses: actions/checkout@v4\n", "")
    assert _findings(run_cli, tmp_path, text) == []


def test_a_heredoc_fed_to_a_shell_in_a_container_is_walked(run_cli: Any, tmp_path: Path) -> None:
    text = _one_step(
        'docker exec -i app sh << EOF\necho "$TOKEN"\nEOF\n'
        "docker exec -i app sh << 'EOF'\necho \"$TOKEN\"\nEOF\n"
        "docker exec -i app psql << EOF\nselect 1;\nEOF",
        "TOKEN: ${{ secrets.TOKEN }}",
    )
    # Unquoted: the runner expands it and the container's output comes back to the log.
    assert _pairs(_findings(run_cli, tmp_path, text)) == {(10, "secret-printed")}


def test_app_token_outputs_are_secrets(run_cli: Any, tmp_path: Path) -> None:
    text = """\
    on: push
    jobs:
      j:
        runs-on: ubuntu-latest
        steps:
          - id: app
            uses: actions/create-github-app-token@v2
            with:
              app-id: ${{ vars.APP_ID }}
              private-key: ${{ secrets.APP_KEY }}
          - run: git clone "https://x-access-token:${{ steps.app.outputs.token }}@github.com/o/r"
          - run: gh pr list
            env:
              GH_TOKEN: ${{ steps.app.outputs.token }}
          - run: echo "${{ steps.app.outputs.installation-id }}"
    """
    assert _pairs(_findings(run_cli, tmp_path, text)) == {(11, "secret-in-url")}


def test_an_array_built_from_a_secret_printed_piece_by_piece(run_cli: Any, tmp_path: Path) -> None:
    text = _one_step(
        'parts=(${KEYS//,/ })\nfor p in "${parts[@]}"; do echo "$p"; done\necho "${#parts[@]}"',
        "KEYS: ${{ secrets.KEYS }}",
    )
    assert _pairs(_findings(run_cli, tmp_path, text)) == {(10, "transformed-secret-printed")}


@pytest.mark.parametrize(
    ("uses", "key", "expected"),
    [
        ("softprops/action-gh-release@v2", "files", {(10, "secret-in-artifact")}),
        ("ncipollo/release-action@v1", "artifacts", {(10, "secret-in-artifact")}),
        ("softprops/action-gh-release@v2", "body_path", set()),  # not what it uploads
        ("some-org/upload@v1", "path", set()),  # an unknown action
    ],
)
def test_release_assets_are_uploads(
    run_cli: Any, tmp_path: Path, uses: str, key: str, expected: set[tuple[int, str]]
) -> None:
    text = f"""\
    on: push
    jobs:
      j:
        runs-on: ubuntu-latest
        steps:
          - run: echo "K=${{{{ secrets.API_KEY }}}}" > dist/app.env
          - uses: {uses}
            with:
              name: x
              {key}: dist/*
    """
    assert _pairs(_findings(run_cli, tmp_path, text)) == expected


def test_ssh_argv_message_names_the_remote_process_table(run_cli: Any, tmp_path: Path) -> None:
    text = _one_step('ssh deploy@host "./migrate --password $DB_PASSWORD"', "DB_PASSWORD: x")
    text = text.replace("DB_PASSWORD: x", "DB_PASSWORD: ${{ secrets.DB_PASSWORD }}")
    (finding,) = _findings(run_cli, tmp_path, text)
    assert finding["rule"] == "secret-env-in-argv"
    assert "remote host, whose process table shows it too" in finding["message"]


def test_files_a_remote_script_writes_are_not_in_the_workspace(
    run_cli: Any, tmp_path: Path
) -> None:
    text = """\
    on: push
    jobs:
      j:
        runs-on: ubuntu-latest
        env:
          T: ${{ secrets.T }}
        steps:
          - run: |
              ssh deploy@host << EOF
              echo "$T" > app.env
              echo "T=$T" >> "$GITHUB_ENV"
              EOF
          - uses: actions/upload-artifact@v4
            with:
              path: .
              include-hidden-files: true
    """
    assert _findings(run_cli, tmp_path, text) == []


def test_bash_x_traces_the_secret_it_is_given(run_cli: Any, tmp_path: Path) -> None:
    run = 'bash -x ./deploy.sh "${{ secrets.DEPLOY_TOKEN }}"\nbash -x ./build.sh'
    text = _one_step(run, "A: b")
    assert _pairs(_findings(run_cli, tmp_path, text)) == {
        (9, "secret-in-argv"),
        (9, "trace-with-secrets"),
    }


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        ("cat /proc/self/environ | tr '\\\\0' '\\\\n'", {(9, "env-dump-with-secrets")}),
        ("env | gpg --symmetric --batch --passphrase x", {(9, "env-dump-with-secrets")}),
        ('echo "$T" | gpg --encrypt -r ops@example.com', set()),  # one secret, encrypted
        ("cat /proc/self/status", set()),
    ],
)
def test_more_environment_dumps(
    run_cli: Any, tmp_path: Path, run: str, expected: set[tuple[int, str]]
) -> None:
    text = _one_step(run, "T: ${{ secrets.T }}")
    assert _pairs(_findings(run_cli, tmp_path, text)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "https://api.callmebot.com/whatsapp.php?phone=34600000000&apikey=482913",
            {(9, "hardcoded-credential")},
        ),
        (  # not a literal: the secret in the URL is secret-in-url's
            "https://api.callmebot.com/whatsapp.php?phone=34600000000&apikey=${{ secrets.K }}",
            {(9, "secret-in-url")},
        ),
        ("https://api.callmebot.com/whatsapp.php?phone=34600000000&apikey=YOUR_API_KEY", set()),
        ("https://status.example.com/?page=2&sort=asc", set()),
    ],
)
def test_credential_query_parameters_in_with_urls(
    run_cli: Any, tmp_path: Path, value: str, expected: set[tuple[int, str]]
) -> None:
    text = f"""\
    on: push
    jobs:
      j:
        runs-on: ubuntu-latest
        steps:
          - uses: some-org/http-request-action@v1
            with:
              method: GET
              url: "{value}"
    """
    findings = _findings(run_cli, tmp_path, text)
    assert _pairs(findings) == expected
    for finding in findings:  # the key is masked in every output
        assert "482913" not in json.dumps(finding)
