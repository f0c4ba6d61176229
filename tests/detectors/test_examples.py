"""Published example values are not leaks; text that marks a value as an example lowers its
confidence. Every class has a near miss: a real key beside the example is still reported.

Everything token-shaped is assembled at run time (``fakes``), documented samples included.
"""

from __future__ import annotations

import random
import string
from pathlib import Path
from typing import Any

import pytest

import fakes

_B64 = string.ascii_letters + string.digits + "+/"
_PEM_KIND = " ".join(("RSA", "PRIVATE", "KEY"))


def _findings(run_cli: Any, root: Path, *extra: str) -> list[dict[str, Any]]:
    result = run_cli("scan", "--no-progress", "--format", "json", *extra, ".", cwd=root)
    assert result.code in (0, 1), result.err
    found: list[dict[str, Any]] = result.json()["findings"]
    return found


def _at(findings: list[dict[str, Any]], path: str) -> set[tuple[str, int]]:
    return {(f["rule"], f["line"]) for f in findings if f["path"] == path}


def _url(user: str, password: str, host: str) -> str:
    """A URL with credentials, assembled so this file holds none."""
    return "https://" + user + ":" + password + "@" + host


def _telegram(bot_id: str, seed: int) -> str:
    return f"{bot_id}:{fakes.alnum(35, seed=seed)}"


def _aws_example_id() -> str:
    return "AKIA" + "IOSFODNN7" + "EXAMPLE"


def _aws_example_secret() -> str:
    return "wJalrXUtnF" + "EMI/K7MDENG" + "/bPxRfiCY" + "EXAMPLE" + "KEY"


def _documented_github_token() -> str:
    return "ghp_" + "".join(("16C7e42F", "292c6912", "E7710c83", "8347Ae17", "8B4a"))


def _pem(body_lines: list[str]) -> list[str]:
    return [f"-----BEGIN {_PEM_KIND}-----", *body_lines, f"-----END {_PEM_KIND}-----"]


def _random_key_lines(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_B64) for _ in range(64)) for _ in range(count)]


# (case, file name, lines, the example's line, the near miss's line and rule)
VALUE_CASES = [
    (
        "aws-access-key-id",
        "settings.py",
        [f'KEY_ID = "{_aws_example_id()}"', f'OTHER_ID = "{fakes.aws_access_key_id(seed=1)}"'],
        1,
        (2, "aws-access-key"),
    ),
    (
        "aws-secret-example-key",
        "settings.py",
        [
            f'aws_secret_access_key = "{_aws_example_secret()}"',
            f'aws_secret_access_key = "{_random_key_lines(1, 2)[0][:40]}"',
        ],
        1,
        (2, "aws-access-key"),
    ),
    (
        "documented-github-token",
        "deploy.sh",
        [
            f"export GH_TOKEN={_documented_github_token()}",
            f"export GH_TOKEN={fakes.github_token(seed=3)}",
        ],
        1,
        (2, "github-token"),
    ),
    (
        "repeated-bot-id",
        "bot.py",
        [
            f'TELEGRAM = "{_telegram("111111111", 4)}"',
            f'TELEGRAM = "{_telegram("583920174", 4)}"',
        ],
        1,
        (2, "telegram-bot-token"),
    ),
    (
        "counting-sid",
        "sms.py",
        [
            f'TWILIO_SID = "AC{"0123456789abcdef" * 2}"',
            f'TWILIO_SID = "AC{fakes.hex_string(32, seed=5)}"',
        ],
        1,
        (2, "twilio-api-key"),
    ),
    (
        "one-line-elided-private-key",
        "certs.json",
        [
            '{"PrivateKey": "-----BEGIN ' + _PEM_KIND + "-----<a very long private key string>"
            "-----END " + _PEM_KIND + '-----",',
            '"Real": "-----BEGIN '
            + _PEM_KIND
            + "-----\\n"
            + "\\n".join(_random_key_lines(3, 6))
            + "\\n-----END "
            + _PEM_KIND
            + '-----"}',
        ],
        1,
        (2, "private-key"),
    ),
    (
        "basic-auth-sample-password",
        "proxy.py",
        [
            "# proxy_url: The proxy url, i.e. " + _url("username", "password", "proxy.com"),
            f'DSN = "postgres://deploy:{fakes.alnum(14, seed=7)}@db.internal/app"',
        ],
        1,
        (2, "basic-auth-credentials"),
    ),
]


@pytest.mark.parametrize(
    ("lines", "example", "near"),
    [(lines, example, near) for _, _, lines, example, near in VALUE_CASES],
    ids=[case[0] for case in VALUE_CASES],
)
def test_example_values_are_dropped_and_a_real_key_beside_them_is_not(
    run_cli: Any, tmp_path: Path, lines: list[str], example: int, near: tuple[int, str]
) -> None:
    name = next(c[1] for c in VALUE_CASES if c[2] is lines)
    (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = _at(_findings(run_cli, tmp_path, "--min-confidence", "low"), name)
    assert not {f for f in found if f[1] == example}, found
    line, rule = near
    assert (rule, line) in found


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        (["MIIEow..."], False),  # elided
        (["<snip>"], False),
        (_random_key_lines(1, 8)[:1][0][:40:].split(), False),  # too short for any key
        (_random_key_lines(1, 9), True),  # an Ed25519 PKCS#8 key is one 64-character line
        (_random_key_lines(12, 10), True),  # END beyond the lines looked at
    ],
    ids=["dots", "snip", "short", "one-line-body", "long-body"],
)
def test_a_truncated_private_key_is_not_a_key(
    run_cli: Any, tmp_path: Path, body: list[str], reported: bool
) -> None:
    (tmp_path / "key.pem.txt").write_text("\n".join(_pem(body)) + "\n", encoding="utf-8")
    found = _at(_findings(run_cli, tmp_path), "key.pem.txt")
    assert (("private-key", 1) in found) is reported, found


@pytest.mark.parametrize(
    "url",
    [
        _url("user", "pass", "example.org/x"),
        _url("admin", "admin", "localhost:8080/"),
        _url("username", "<password>", "proxy.com"),
        _url("me", "yourpassword", "host.example"),
    ],
)
def test_sample_userinfo_is_not_basic_auth(run_cli: Any, tmp_path: Path, url: str) -> None:
    real = f"https://svc:{fakes.alnum(16, seed=11)}@api.internal/x"
    (tmp_path / "urls.txt").write_text(f"{url}\n{real}\n", encoding="utf-8")
    found = _at(_findings(run_cli, tmp_path), "urls.txt")
    assert found == {("basic-auth-credentials", 2)}


# Example contexts: reported at low confidence (hidden by default), never dropped.
CONTEXT_CASES = [
    (
        "sdk-service-model-examples",
        "botocore/data/iam/2010-05-08/examples-1.json",
        "config/iam.json",
        '      "AccessKeyId": "{T}",',
    ),
    ("openapi-example-key", "openapi.yaml", "settings.yaml", "      example: {T}"),
    ("json-example-key", "schema.json", "data.json", '  "example": "{T}",'),
    ("doctest", "client.py", "client2.py", '    >>> Client(key="{T}")'),
]


@pytest.mark.parametrize(
    ("example_path", "plain_path", "template"),
    [case[1:] for case in CONTEXT_CASES],
    ids=[case[0] for case in CONTEXT_CASES],
)
def test_an_example_context_lowers_confidence_and_the_same_key_elsewhere_stays_high(
    run_cli: Any, tmp_path: Path, example_path: str, plain_path: str, template: str
) -> None:
    key = fakes.aws_access_key_id(seed=12)
    for path in (example_path, plain_path):
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        text = template.replace("{T}", key)
        if path == plain_path:  # the same line, without what marks it as an example
            text = text.replace(">>> ", "").replace("example", "access_key_id")
        target.write_text(f"{text}\n", encoding="utf-8")
    default = _findings(run_cli, tmp_path)
    assert {(f["path"], f["confidence"]) for f in default} == {(plain_path, "high")}
    everything = _findings(run_cli, tmp_path, "--min-confidence", "low")
    assert {(f["path"], f["confidence"]) for f in everything} == {
        (plain_path, "high"),
        (example_path, "low"),
    }


def test_an_example_key_opener_covers_the_lines_just_under_it(run_cli: Any, tmp_path: Path) -> None:
    key = fakes.github_token(seed=13)
    other = fakes.github_token(seed=14)
    (tmp_path / "api.yaml").write_text(
        f"examples:\n  token: {key}\nauth:\n  a: 1\n  b: 2\n  token: {other}\n", encoding="utf-8"
    )
    found = _findings(run_cli, tmp_path, "--min-confidence", "low")
    assert {(f["line"], f["confidence"]) for f in found} == {(2, "low"), (6, "high")}


def test_our_own_detectors_go_through_the_same_filter(run_cli: Any, tmp_path: Path) -> None:
    """A Meta token in an SDK's example file is low confidence; a WhatsApp literal made of
    one repeated character is no finding at all."""
    token = fakes.meta_token(seed=15)
    (tmp_path / "examples-1.json").write_text(f'{{"token": "{token}"}}\n', encoding="utf-8")
    (tmp_path / ".env").write_text(
        f"WHATSAPP_TOKEN={'7' * 40}\nWHATSAPP_API_KEY={fakes.alnum(31, seed=16)}3\n",
        encoding="utf-8",
    )
    found = _findings(run_cli, tmp_path, "--min-confidence", "low")
    assert {(f["path"], f["rule"], f["line"], f["confidence"]) for f in found} == {
        ("examples-1.json", "meta-access-token", 1, "low"),
        (".env", "whatsapp-credential-literal", 2, "medium"),
    }
