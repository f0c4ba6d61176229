from __future__ import annotations

import hashlib

import pytest

from wabaguard.core import redact


@pytest.mark.parametrize(
    ("line", "spans", "expected"),
    [
        ('key = "ABCDEFGHIJKLMNOP"', [(7, 23)], 'key = "ABCD********"'),
        ("a=SECRETVALUE1 b=SECRETVALUE2", [(2, 14), (17, 29)], "a=SEC******** b=SEC********"),
        ("overlap XXXXXXXXXXXXXXXX", [(8, 20), (12, 24)], "overlap XXXX********"),
        ("nothing here", [], "nothing here"),
    ],
)
def test_redact_line(line: str, spans: list[tuple[int, int]], expected: str) -> None:
    assert redact.redact_line(line, spans) == expected


def test_short_secrets_keep_at_most_a_quarter() -> None:
    assert redact.prefix("abcdefgh") == "ab"
    assert redact.prefix("abc") == ""
    assert redact.describe("abcdefghijklmnopqrst") == "'abcd…' (20 chars)"


def test_secret_hash_matches_detect_secrets() -> None:
    from detect_secrets.core.potential_secret import PotentialSecret

    secret = "not-a-real-secret-value"  # pragma: allowlist secret
    assert redact.secret_hash(secret) == PotentialSecret.hash_secret(secret)
    assert redact.secret_hash(secret) == hashlib.sha1(secret.encode()).hexdigest()


def test_redact_secrets_in_free_text() -> None:
    text = "failed near TOKENVALUE123456 and TOKENVALUE123456"
    out = redact.redact_secrets(text, ["TOKENVALUE123456"])
    assert "TOKENVALUE123456" not in out
    assert out.count("TOKE********") == 2


def test_long_snippets_are_capped() -> None:
    out = redact.redact_line("x" * 5000, [])
    assert len(out) <= 301
