"""Shell analysis: which words are argv, where output goes, how taint travels."""

from __future__ import annotations

import pytest

from wabaguard.workflows.expressions import find_expressions
from wabaguard.workflows.shells.bash import analyze_script, sanitize
from wabaguard.workflows.shells.facts import Placeholder, ScriptFacts
from wabaguard.workflows.taint import Taint

SECRET = Taint(frozenset({"secrets.API_TOKEN"}))
ENV = {"TOKEN": SECRET}


def facts(script: str, env: dict[str, Taint] | None = None) -> ScriptFacts:
    placeholders = []
    for span in find_expressions(script):
        inner = script[span.inner_start : span.inner_end]
        taint = Taint(frozenset({inner.strip()})) if "secrets" in inner else None
        placeholders.append(Placeholder(span.start, span.end, taint, inner.strip()))
    return analyze_script(script, placeholders, ENV if env is None else env)


def argv(script: str) -> list[tuple[str, str, str]]:
    """(command, category, the offending text) for each secret on an argv."""
    f = facts(script)
    return [(u.command, u.category, script[u.start : u.end]) for u in f.argv]


def sinks(script: str) -> list[tuple[str, str, str, bool]]:
    """(sink, command, offending text, derived) for each secret-bearing output."""
    f = facts(script)
    return [(o.sink, o.command, script[o.start : o.end], o.taint.derived) for o in f.outputs]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('curl -H "Authorization: Bearer $TOKEN" https://x', [("curl", "plain", "$TOKEN")]),
        ("./deploy --token=${TOKEN}", [("deploy", "plain", "${TOKEN}")]),
        ("sudo -E ./deploy $TOKEN", [("deploy", "plain", "$TOKEN")]),
        ("env X=$TOKEN ./tool", [("tool", "plain", "$TOKEN")]),
        ("/bin/echo $TOKEN", [("echo", "plain", "$TOKEN")]),
        ('bash -c "curl -u x:$TOKEN h"', [("bash", "plain", "$TOKEN")]),
        ("bash -c 'curl -u x:$TOKEN h'", [("curl", "plain", "$TOKEN")]),
        ("sh -ec 'echo $TOKEN | docker login --password-stdin'", []),
        ("echo $TOKEN | xargs ./tool", [("xargs", "plain", "xargs")]),
        ('./deploy \\\n  --key "$TOKEN"', [("deploy", "plain", "$TOKEN")]),
        ("./deploy --token ${{ secrets.X }}", [("deploy", "plain", "${{ secrets.X }}")]),
        ("T=$TOKEN; U=$T; ./deploy $U", [("deploy", "plain", "$U")]),
        ('T=$(printf %s "$TOKEN"); ./deploy "$T"', [("deploy", "plain", "$T")]),
        ('git push "https://x:${TOKEN}@github.com/o/r"', [("git", "url", "${TOKEN}")]),
        ('curl "https://h/api?key=$TOKEN"', [("curl", "url", "$TOKEN")]),
        ('curl "https://h/bot$TOKEN/send"', [("curl", "url", "$TOKEN")]),
        ('curl "https://$TOKEN.example.com/x"', [("curl", "plain", "$TOKEN")]),
        ('curl "https://h/" "$TOKEN"', [("curl", "plain", "$TOKEN")]),
        ("docker build --build-arg T=$TOKEN .", [("docker", "docker", "$TOKEN")]),
        ("docker build --build-arg TOKEN .", [("docker", "docker", "TOKEN")]),
        ("docker run -e T=$TOKEN img", [("docker", "docker", "$TOKEN")]),
        ("docker login -p $TOKEN ghcr.io", [("docker", "docker", "$TOKEN")]),
        ("docker run img --token $TOKEN", [("docker", "plain", "$TOKEN")]),
        ("docker compose run -e T=$TOKEN svc", [("docker", "docker", "$TOKEN")]),
        ("podman login -p $TOKEN quay.io", [("podman", "docker", "$TOKEN")]),
        # builtins, assignments, stdin, names and lengths are not argv
        ('echo "$TOKEN" > f', []),
        ("printf '%s' \"$TOKEN\" | docker login -u ci --password-stdin", []),
        ('curl -H @- https://x <<< "Authorization: Bearer $TOKEN"', []),
        ("auth() { printf 'Bearer %s' \"$TOKEN\"; }\ncurl -H @<(auth) https://x", []),
        ("f() { f; ./tool $TOKEN; }\nf", [("tool", "plain", "$TOKEN")]),
        ('[ -n "$TOKEN" ] && test -n "$TOKEN" && [[ -n $TOKEN ]]', []),
        ("export T=$TOKEN; local U=$TOKEN", []),
        ("X=$TOKEN ./tool", []),
        ('./tool "${#TOKEN}" "${!TOKEN}"', []),
        ("docker run -e TOKEN img", []),
        ("./tool $OTHER ${{ github.sha }}", []),
        ("# curl -u x:$TOKEN h", []),
        ("f() { echo hi; }; f $TOKEN", []),
        ("T=$TOKEN; T=safe; ./deploy $T", []),
        ("unset TOKEN; ./deploy $TOKEN", []),
        ('sha=$(printf %s "$TOKEN" | sha256sum); ./tool $sha', []),
    ],
)
def test_argv(script: str, expected: list[tuple[str, str, str]]) -> None:
    assert argv(script) == expected


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('echo "token $TOKEN"', [("log", "echo", "$TOKEN", False)]),
        ("printf '%s\\n' \"$TOKEN\"", [("log", "printf", "$TOKEN", False)]),
        ('echo "$TOKEN" >&2', [("log", "echo", "$TOKEN", False)]),
        ('echo "$TOKEN" | base64', [("log", "base64", "base64", True)]),
        ('echo "${TOKEN:0:8}"', [("log", "echo", "${TOKEN:0:8}", True)]),
        ("echo ${TOKEN//a/b}", [("log", "echo", "${TOKEN//a/b}", True)]),
        ('echo "$TOKEN" | tr a-z A-Z | cat', [("log", "cat", "cat", True)]),
        ('X=$(echo "$TOKEN" | jq -r .k); echo "k=$X"', [("log", "echo", "$X", True)]),
        ("cat <<EOF\nvalue: $TOKEN\nEOF", [("log", "cat", "$TOKEN", False)]),
        ('cat <<< "$TOKEN"', [("log", "cat", "$TOKEN", False)]),
        (
            'echo "$TOKEN" > t.txt\ncat t.txt',
            [("file", "echo", "$TOKEN", False), ("log", "cat", "cat", False)],
        ),
        (
            'echo "$TOKEN" | tee out.txt',
            [("file", "tee", "out.txt", False), ("log", "tee", "tee", False)],
        ),
        ('echo "T=$TOKEN" >> "$GITHUB_ENV"', [("github-env", "echo", "$TOKEN", False)]),
        ('echo "t=$TOKEN" >> $GITHUB_OUTPUT', [("github-output", "echo", "$TOKEN", False)]),
        ('echo "$TOKEN" >> "$GITHUB_STEP_SUMMARY"', [("summary", "echo", "$TOKEN", False)]),
        (
            'echo "$TOKEN" | tee -a "$GITHUB_STEP_SUMMARY" > /dev/null',
            [("summary", "tee", '"$GITHUB_STEP_SUMMARY"', False)],
        ),
        # not printed
        ('echo "$TOKEN" > /dev/null', []),
        ("bash -c 'echo $TOKEN'", [("log", "echo", "$TOKEN", False)]),
        (
            'echo "$TOKEN" | tee /dev/stderr | docker login --password-stdin',
            [("log", "tee", "/dev/stderr", False)],
        ),
        (
            'show() { echo "$TOKEN"; }\nshow > out.txt\nshow',
            [("file", "echo", "$TOKEN", False), ("log", "echo", "$TOKEN", False)],
        ),
        ('cat <(echo "$TOKEN")', [("log", "cat", "cat", False)]),
        (
            'X="$(echo "$TOKEN" | tee -a "$GITHUB_STEP_SUMMARY")" ./tool',
            [("summary", "tee", '"$GITHUB_STEP_SUMMARY"', False)],
        ),
        ('for t in "$TOKEN" x; do echo "$t"; done', [("log", "echo", "$t", False)]),
        ('case "$TOKEN" in ghp_*) echo classic;; *) echo other;; esac', []),
        ('echo "${#TOKEN} chars"', []),
        ('echo "::add-mask::$TOKEN"', []),
        ("echo $GITHUB_SHA", []),
        ("cat <<'EOF'\n$TOKEN\nEOF", []),
        ('curl -H @- https://x <<< "$TOKEN"', []),
        ('echo "$TOKEN" | sha256sum', []),
        ('printf %s "$TOKEN" | openssl dgst -sha256', []),
        ('printf %s "$TOKEN" | openssl base64', [("log", "openssl", "openssl", True)]),
        (
            'echo "$TOKEN" > "$RUNNER_TEMP/t"\ncat "$RUNNER_TEMP/t"',
            [("file", "echo", "$TOKEN", False), ("log", "cat", "cat", False)],
        ),
    ],
)
def test_outputs(script: str, expected: list[tuple[str, str, str, bool]]) -> None:
    assert sinks(script) == expected


def test_github_env_and_output_names_are_recorded() -> None:
    f = facts('echo "A=$TOKEN" >> "$GITHUB_ENV"\nprintf \'b=%s\' "$TOKEN" >> $GITHUB_OUTPUT')
    assert set(f.env_writes) == {"A"} and set(f.output_writes) == {"b"}


def test_masking_a_derived_value_makes_it_a_plain_secret() -> None:
    f = facts('S=${TOKEN:0:8}\necho "::add-mask::$S"\necho "$S"')
    [out] = f.outputs
    assert not out.taint.derived


def test_minted_credentials_until_masked() -> None:
    f = facts('JWT=$(./make-jwt "$TOKEN")\necho "jwt=$JWT" >> "$GITHUB_OUTPUT"')
    assert [o.taint.minted for o in f.outputs] == [True]
    f = facts('JWT=$(./make-jwt)\necho "::add-mask::$JWT"\necho "jwt=$JWT" >> "$GITHUB_OUTPUT"')
    assert [o.taint.minted for o in f.outputs] == [False]  # masked: a secret, not "minted"
    f = facts("T=$(gcloud auth print-access-token)\n./tool $T")
    assert [u.taint.minted for u in f.argv] == [True]
    assert facts("./use-token.sh").outputs == ()
    [printed] = facts("gcloud auth print-access-token").outputs
    assert printed.sink == "log" and printed.taint.minted


@pytest.mark.parametrize(
    ("script", "traced"),
    [
        ("set -x\n./deploy $TOKEN", True),
        ("set -euxo pipefail\nX=$TOKEN", True),
        ("set -o xtrace\necho $TOKEN", True),
        ("set -x\n./build\n{ set +x; } 2>/dev/null\n./deploy $TOKEN", False),
        ("set -x\n./build", False),
        ("set -e\n./deploy $TOKEN", False),
        ("bash -x ./deploy.sh", True),
    ],
)
def test_tracing(script: str, traced: bool) -> None:
    assert bool(facts(script).traces) == traced


@pytest.mark.parametrize(
    ("script", "dumped"),
    [
        ("env", True),
        ("printenv | sort", True),
        ("env | grep TOK", True),
        ("export -p", True),
        ("declare -p", True),
        ("set", True),
        ("printenv | cut -d= -f1", False),
        ("env | wc -l", False),
        ("env > env.txt", False),
        ("env X=1 ./tool", False),
        ("printenv HOME", False),
    ],
)
def test_environment_dumps(script: str, dumped: bool) -> None:
    found = [o for o in facts(script).outputs if o.taint.dump and o.sink == "log"]
    assert bool(found) == dumped
    assert facts(script, env={}).outputs == ()


@pytest.mark.parametrize(
    ("script", "flag"),
    [
        ('curl -v -H @- https://x <<< "$TOKEN"', "-v"),
        ("curl -sSv -u x:$TOKEN https://x", "-sSv"),
        ("GIT_TRACE_CURL=1 git fetch", "GIT_TRACE_CURL=1"),
        ("aws s3 ls --debug", "--debug"),
        ("kubectl get pods -v=8", "-v=8"),
    ],
)
def test_verbose_clients(script: str, flag: str) -> None:
    [hit] = facts(script).verbose
    assert hit.flag == flag


def test_verbose_curl_without_a_secret_is_fine() -> None:
    assert facts("curl -v https://example.com").verbose == ()


def test_sanitize_keeps_offsets() -> None:
    script = "echo h\u00e9 ${{ secrets.X }}\r\n"
    [span] = find_expressions(script)
    out = sanitize(script, [Placeholder(span.start, span.end, None, "x")])
    assert len(out) == len(script) and out.isascii()
    assert out[span.start : span.end] == "_" * (span.end - span.start)


def test_broken_script_is_tolerated() -> None:
    f = facts('if then fi ((( "$TOKEN\n./deploy $TOKEN')
    assert f.parse_errors >= 0  # tree-sitter recovers; no exception
