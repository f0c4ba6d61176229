"""Each rule: a hit at the exact place, and near misses that must stay quiet."""

from __future__ import annotations

import pytest
from workflow_helpers import hits, scan, step

from wabaguard.config import Config
from wabaguard.findings import Kind
from wabaguard.workflows import all_rules
from wabaguard.workflows.rules import MODULES

RULE_IDS = {
    "secret-in-argv", "secret-in-url", "secret-env-in-argv", "secret-in-docker-args",
    "secret-in-container-args", "secret-printed", "env-dump-with-secrets",
    "trace-with-secrets", "verbose-client-with-secrets", "runner-debug-enabled",
    "secret-in-step-summary", "unmasked-secret-field", "transformed-secret-printed",
    "unmasked-minted-credential", "secret-in-artifact", "credential-in-cache",
    "secret-to-github-env", "hardcoded-credential", "all-secrets-exposed",
    "dynamic-secret-index", "secrets-inherit", "secrets-in-untrusted-trigger",
}  # fmt: skip


def test_rule_registry() -> None:
    rules = all_rules()
    assert {r.id for r in rules} == RULE_IDS
    assert len(rules) == len(RULE_IDS)
    for module, rule in zip(MODULES, rules, strict=True):
        assert module.__name__.rsplit(".", 1)[-1] == rule.id.replace("-", "_")
        assert rule.kind is Kind.WORKFLOW
        assert rule.fix and rule.title and "\n" not in rule.fix


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # secret-in-argv / secret-env-in-argv / secret-in-url / docker
        ("./deploy --token ${{ secrets.T }}", {(10, "secret-in-argv")}),
        ('curl -u "ci:$TOKEN" https://x', {(10, "secret-env-in-argv")}),
        ('git clone "https://x:$TOKEN@github.com/o/r"', {(10, "secret-in-url")}),
        ("wget https://x/?access_token=${{ secrets.T }}", {(10, "secret-in-url")}),
        ("docker login -u ci -p $TOKEN", {(10, "secret-in-docker-args")}),
        ("docker build --build-arg T=${{ secrets.T }} .", {(10, "secret-in-docker-args")}),
        # log sinks
        ('echo "token: $TOKEN"', {(10, "secret-printed")}),
        ('echo "::warning::bad ${{ secrets.T }}"', {(10, "secret-printed")}),
        ('echo "$TOKEN" | base64', {(10, "transformed-secret-printed")}),
        ('echo "$TOKEN" >> "$GITHUB_STEP_SUMMARY"', {(10, "secret-in-step-summary")}),
        ('echo "T=$TOKEN" >> "$GITHUB_ENV"', {(10, "secret-to-github-env")}),
        ("printenv | sort", {(10, "env-dump-with-secrets")}),
        ("set -x\n./tool $TOKEN", {(10, "trace-with-secrets"), (11, "secret-env-in-argv")}),
        ('curl -v -H @- https://x <<< "$TOKEN"', {(10, "verbose-client-with-secrets")}),
        (
            'T=$(./mint-token)\necho "t=$T" >> "$GITHUB_OUTPUT"',
            {(11, "unmasked-minted-credential")},
        ),
        ("curl -u admin:hunter2-not-real https://x", {(10, "hardcoded-credential")}),
        ("curl --user=admin:hunter2-not-real https://x", {(10, "hardcoded-credential")}),
        ("mytool --password=hunter2-not-real", {(10, "hardcoded-credential")}),
        ("mysql --password --host db.example.com", set()),
        ("curl -u admin https://x", set()),
        # the recommended fixes and near misses
        ('printf %s "$TOKEN" | docker login -u ci --password-stdin ghcr.io', set()),
        ('curl -H @- https://x <<< "Authorization: Bearer $TOKEN"', set()),
        ("docker run -e TOKEN img", set()),
        ('echo "${#TOKEN} chars"', set()),
        ('test -n "$TOKEN" && [ -n "$TOKEN" ]', set()),
        ('echo "::add-mask::$TOKEN"', set()),
        ("# ./deploy --token $TOKEN", set()),
        ("./build --ref ${{ github.sha }}", set()),
        ('T=$(./mint-token)\necho "::add-mask::$T"\necho "t=$T" >> "$GITHUB_OUTPUT"', set()),
        ("set -x\n./build\n{ set +x; } 2>/dev/null\n./deploy", set()),
        (
            'T=$(gcloud auth print-access-token)\necho "::add-mask::$T"\ncurl -u "x:$T" https://x',
            {(12, "secret-env-in-argv")},
        ),
        ("printenv | cut -d= -f1", set()),
        ("curl -v https://example.com", set()),
        ('curl -u "$GITHUB_ACTOR" https://x', set()),
        ('echo "$TOKEN" | sha256sum', set()),
    ],
)
def test_script_rules(script: str, expected: set[tuple[int, str]]) -> None:
    assert hits(step(script)) == expected


def test_findings_point_at_the_word() -> None:
    [finding] = scan(step('curl -sf -H "Authorization: Bearer ${{ secrets.T }}" https://x'))
    assert (finding.line, finding.column, finding.end_column) == (10, 46, 62)
    assert finding.route == ("jobs", "j", "steps", 0, "run")
    assert "secrets.T" in finding.detail


def test_secret_env_in_argv_can_be_turned_off() -> None:
    # GitHub's own docs show `cmd "$SECRET"` as acceptable, so teams may turn this off.
    config = Config(disable=frozenset({"secret-env-in-argv"}))
    assert hits(step('curl -u "ci:$TOKEN" https://x'), config=config) == set()


def test_disabled_rules_are_skipped() -> None:
    config = Config(disable=frozenset({"secret-in-argv"}))
    assert hits(step("./deploy --token ${{ secrets.T }}"), config=config) == set()


@pytest.mark.parametrize(
    ("shell", "script", "expected"),
    [
        ("pwsh", 'Write-Host "token: $env:TOKEN"', {(10, "secret-printed")}),
        ("pwsh", "& .\\deploy.exe --token $env:TOKEN", {(10, "secret-env-in-argv")}),
        ("pwsh", "Get-ChildItem env:", {(10, "env-dump-with-secrets")}),
        ("pwsh", "& ./deploy.exe `\n  --token $env:TOKEN", {(11, "secret-env-in-argv")}),
        ("pwsh", "Write-Output $env:TOKEN | Out-Null", set()),
        ("pwsh", '& git push "https://x:$env:TOKEN@github.com/o/r"', {(10, "secret-in-url")}),
        ("pwsh", "Get-ChildItem env: | Select-Object -ExpandProperty Name", set()),
        ("pwsh", 'if ($env:TOKEN) { Write-Host "set" }', set()),
        ("pwsh", 'Invoke-RestMethod -Headers @{ A = "Bearer $env:TOKEN" } -Uri x', set()),
        ("cmd", "echo token is %TOKEN%", {(10, "secret-printed")}),
        ("cmd", "if defined TOKEN echo token is set", set()),
        ("python", 'import os\nprint("t", os.environ["TOKEN"])', {(11, "secret-printed")}),
        ("python", 'import os\nprint(bool(os.environ.get("TOKEN")))', set()),
    ],
)
def test_other_shells(shell: str, script: str, expected: set[tuple[int, str]]) -> None:
    assert hits(step(script, shell=shell)) == expected


WORKFLOW_CASES = [
    (
        "all-secrets-exposed",
        "on: push\njobs:\n  a:\n    runs-on: x\n    env:\n      ALL: ${{ toJson(secrets) }}\n"
        "    steps:\n      - run: ./tool\n",
        {(6, "all-secrets-exposed")},
    ),
    (
        "dynamic-secret-index",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ./deploy\n"
        "        env:\n          T: ${{ secrets[format('T_{0}', matrix.env)] }}\n",
        {(8, "dynamic-secret-index")},
    ),
    (
        "literal index is fine",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ./deploy\n"
        "        env:\n          T: ${{ secrets['T'] }}\n",
        set(),
    ),
    (
        "unmasked-secret-field",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ./deploy\n"
        "        env:\n          P: ${{ fromJSON(secrets.DB).password }}\n",
        {(8, "unmasked-secret-field")},
    ),
    (
        "secrets-inherit",
        "on: push\njobs:\n  call:\n    uses: o/r/.github/workflows/d.yml@v1\n"
        "    secrets: inherit\n",
        {(5, "secrets-inherit")},
    ),
    (
        "explicit secrets are fine",
        "on: push\njobs:\n  call:\n    uses: o/r/.github/workflows/d.yml@v1\n"
        "    secrets:\n      t: ${{ secrets.T }}\n",
        set(),
    ),
    (
        "runner-debug-enabled",
        "on: push\nenv:\n  ACTIONS_STEP_DEBUG: true\njobs: {}\n",
        {(3, "runner-debug-enabled")},
    ),
    (
        "debug off is fine",
        "on: push\nenv:\n  ACTIONS_STEP_DEBUG: false\njobs: {}\n",
        set(),
    ),
    (
        "trace via shell",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - shell: bash -x {0}\n"
        '        env:\n          T: ${{ secrets.T }}\n        run: ./deploy "$T"\n',
        {(6, "trace-with-secrets"), (9, "secret-env-in-argv")},
    ),
    (
        "verbose env",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - env:\n"
        "          GIT_TRACE_CURL: '1'\n          T: ${{ secrets.T }}\n        run: git fetch\n",
        {(7, "verbose-client-with-secrets")},
    ),
    (
        "docker build-args input",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - uses: docker/build-push-action@v6\n        with:\n"
        "          build-args: T=${{ secrets.T }}\n",
        {(8, "secret-in-docker-args")},
    ),
    (
        "buildkit secrets are fine",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - uses: docker/build-push-action@v6\n        with:\n"
        "          secrets: t=${{ secrets.T }}\n",
        set(),
    ),
    (
        "container args",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: docker://img:1\n"
        "        with:\n          args: up --token ${{ secrets.T }}\n",
        {(8, "secret-in-container-args")},
    ),
    (
        "container options",
        "on: push\njobs:\n  a:\n    runs-on: x\n    container:\n      image: i\n"
        "      options: -e T=${{ secrets.T }}\n    steps: []\n",
        {(7, "secret-in-container-args")},
    ),
    (
        "secrets passed to actions are fine",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: o/a@v1\n"
        "        with:\n          token: ${{ secrets.T }}\n        env:\n"
        "          T: ${{ secrets.T }}\n",
        set(),
    ),
    (
        "hardcoded env and container password",
        "on: push\nenv:\n  DB_PASSWORD: hunter2-not-real\n  DB_PASSWORD_FILE: /run/x\n"
        "jobs:\n  a:\n    runs-on: x\n    container:\n      image: i\n      credentials:\n"
        "        username: u\n        password: hunter2-not-real\n    steps: []\n",
        {(3, "hardcoded-credential"), (12, "hardcoded-credential")},
    ),
    (
        "artifact",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        '      - run: echo "T=${{ secrets.T }}" > config/app.env\n'
        "      - uses: actions/upload-artifact@v4\n        with:\n          path: config/\n",
        {(6, "secret-in-artifact")},
    ),
    (
        "artifact skips hidden files on v4",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        '      - run: echo "T=${{ secrets.T }}" > .env\n'
        "      - uses: actions/upload-artifact@v4\n        with:\n          path: .\n",
        set(),
    ),
    (
        "artifact outside the workspace",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        '      - run: echo "T=${{ secrets.T }}" > "$RUNNER_TEMP/app.env"\n'
        "      - uses: actions/upload-artifact@v4\n        with:\n          path: .\n",
        set(),
    ),
    (
        "cache",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/cache@v4\n"
        "        with:\n          path: |\n            ~/.npm\n            ~/.npmrc\n"
        "          key: k\n",
        {(10, "credential-in-cache")},
    ),
    (
        "cache without credentials",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/cache@v4\n"
        "        with:\n          path: ~/.npm\n          key: k\n",
        set(),
    ),
    (
        "untrusted trigger",
        "on: pull_request_target\njobs:\n  b:\n    runs-on: x\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n"
        "          ref: ${{ github.event.pull_request.head.sha }}\n"
        "      - run: npm ci\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n",
        {(8, "secrets-in-untrusted-trigger")},
    ),
    (
        "untrusted trigger without PR checkout",
        "on: pull_request_target\njobs:\n  b:\n    runs-on: x\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: npm ci\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n",
        set(),
    ),
    (
        "PR checkout under pull_request is fine",
        "on: pull_request\njobs:\n  b:\n    runs-on: x\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n"
        "          ref: ${{ github.event.pull_request.head.sha }}\n"
        "      - run: npm ci\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n",
        set(),
    ),
    (
        "cross-step GITHUB_ENV and job outputs",
        "on: push\njobs:\n  a:\n    runs-on: x\n    outputs:\n"
        "      tok: ${{ steps.s.outputs.tok }}\n    steps:\n      - id: s\n        run: |\n"
        '          echo "tok=${{ secrets.T }}" >> "$GITHUB_OUTPUT"\n'
        '          echo "T2=${{ secrets.T }}" >> "$GITHUB_ENV"\n'
        '      - run: echo "$T2"\n  b:\n    needs: a\n    runs-on: x\n    steps:\n'
        '      - run: echo "${{ needs.a.outputs.tok }}"\n',
        {
            (10, "secret-to-github-env"),
            (11, "secret-to-github-env"),
            (12, "secret-printed"),
            (17, "secret-printed"),
        },
    ),
    (
        "parallel step groups",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - parallel:\n"
        "          - run: ./deploy --token ${{ secrets.T }}\n          - run: echo ok\n",
        {(7, "secret-in-argv")},
    ),
    (
        "anchors are reported once, at the anchor",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - &login\n"
        "        run: docker login -p ${{ secrets.P }} r\n      - *login\n  b:\n"
        "    runs-on: x\n    steps:\n      - *login\n",
        {(7, "secret-in-docker-args")},
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "expected"), WORKFLOW_CASES, ids=[c[0] for c in WORKFLOW_CASES]
)
def test_workflow_rules(name: str, text: str, expected: set[tuple[int, str]]) -> None:
    assert hits(text) == expected


@pytest.mark.parametrize(
    ("name", "secret"),
    [("token", True), ("github-token", True), ("API_KEY", True), ("client-secret", True),
     ("npm_auth", True), ("password", True), ("token-format", False),
     ("skip-token-revoke", False), ("version", False), ("secret-name", False)],
)  # fmt: skip
def test_credential_input_names(name: str, secret: bool) -> None:
    action = (
        f"name: a\ninputs:\n  {name}:\n    description: d\nruns:\n  using: composite\n"
        f'  steps:\n    - shell: bash\n      run: echo "${{{{ inputs.{name} }}}}"\n'
    )
    assert bool(hits(action, path="a/action.yml")) == secret


def test_composite_action_inputs() -> None:
    action = (
        "name: a\ninputs:\n  token:\n    description: API token\n  region:\n"
        "    description: where\nruns:\n  using: composite\n  steps:\n    - shell: bash\n"
        '      run: |\n        curl -H "Authorization: ${{ inputs.token }}" https://x\n'
        '        echo "${{ inputs.region }}"\n'
    )
    assert hits(action, path="deploy/action.yml") == {(12, "secret-in-argv")}


def test_action_input_defaults() -> None:
    action = (
        "name: a\ninputs:\n  api-key:\n    default: hunter2-not-real\n  token:\n"
        "    default: ${{ github.token }}\n  region:\n    default: eu-west-1\n"
        "runs:\n  using: composite\n  steps: []\n"
    )
    assert hits(action, path="a/action.yml") == {(4, "hardcoded-credential")}


def test_docker_action_args() -> None:
    action = (
        "name: a\ninputs:\n  api-key:\n    description: key\nruns:\n  using: docker\n"
        "  image: Dockerfile\n  args:\n    - --key\n    - ${{ inputs.api-key }}\n"
    )
    assert hits(action, path="d/action.yml") == {(10, "secret-in-container-args")}


def test_messages_never_contain_values(monkeypatch: pytest.MonkeyPatch) -> None:
    import fakes

    token = fakes.github_token(seed=7)
    text = (
        "on: push\nenv:\n  GH_TOKEN: " + token + "\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - run: curl -u admin:" + token + " https://x\n"
    )
    found = scan(text)
    assert {f.line for f in found} == {3, 8}
    assert all(token not in f.detail and token[4:20] not in f.detail for f in found)
