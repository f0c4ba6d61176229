"""Every regex run on scanned text is linear: the audit in ``regex_audit.py``, run in children.

Each child is killed after a generous guard (a hang guard: a shard takes a few seconds), and
the pattern it was timing is named, so an exponential pattern fails this test instead of
hanging it. The patterns are split into shards, one test each, so that pytest-xdist runs them
side by side; patterns already known to be super-linear are audited one by one below.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
GUARD_S = 240
SHARDS = 4

# Super-linear on adversarial input, but only ever run on bounded or anchored input, so the
# cost per line stays bounded. Each entry says where that bound comes from.
ACCEPTED = {
    "wabaguard.detectors._text._DOTTED_IDENTIFIER": (
        "only fullmatch()-ed, on literal values capped at MAX_VALUE (512) by _UNQUOTED"
    ),
    "wabaguard.detectors._text._UPPER_SNAKE": (
        "only fullmatch()-ed, in is_reference(), after looks_secret() capped the value at 512"
    ),
}

# Super-linear on unbounded input: open bugs, reported to their owners. Strict xfail: when one
# is fixed its test passes unexpectedly, fails, and the entry must be removed from here.
OPEN = {}

# detect-secrets' own regexes: we cannot change them, only what we hand them. Open until the
# pipeline bounds the line length it passes (ds_pipeline.py / engine.py).
THIRD_PARTY = {
    "detect_secrets.plugins.jwt.JwtTokenDetector.denylist (third-party)": (
        "`eyJ[...]+\\.` rescans from every `eyJ`; reached by any line containing `eyJ`"
    ),
    "detect_secrets.plugins.npm.NpmDetector.denylist (third-party)": (
        "`\\/\\/.+\\/:_authToken=` rescans from every `//`; reached by lines with `:_authToken=`"
    ),
    "detect_secrets.plugins.openai.OpenAIDetector.denylist (third-party)": (
        "`sk-[A-Za-z0-9-_]*...` rescans from every `sk-`; reached by lines with `T3BlbkFJ`"
    ),
}


def _run_audit(*only: str) -> list[dict[str, Any]]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "regex_audit.py"), *only],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = proc.communicate(timeout=GUARD_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        last = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        started = [r["start"] for r in last if "start" in r]
        pytest.fail(f"regex audit hung (>{GUARD_S}s) on {started[-1] if started else '?'}")
    assert proc.returncode == 0, err[-2000:]
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert records and records[-1] == {"done": True}, err[-2000:]
    return records


def _results(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["result"]: r for r in records if "result" in r}


def _describe(record: dict[str, Any]) -> str:
    return (
        f"{record['result']}: /{record['pattern'][:200]}/ on {record['unit']!r} repeated, "
        f"times for 1k/10k/100k: {[round(t, 4) for t in record['times']]}"
    )


def _regex_audit() -> Any:
    sys.path.insert(0, str(HERE))
    import regex_audit

    return regex_audit


def test_the_audit_sees_every_known_pattern() -> None:
    """The audit finds the patterns (not suspiciously few), and no entry above is stale."""
    origins = {origin for origin, _ in _regex_audit().collect()}
    assert len(origins) >= 40, "the audit found suspiciously few patterns"
    stale = (set(ACCEPTED) | set(OPEN) | set(THIRD_PARTY)) - origins
    assert not stale, f"no such pattern any more (remove the entry): {sorted(stale)}"


@pytest.mark.slow  # a few seconds of regex timing per shard
@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_unexpected_super_linear_pattern(shard: int) -> None:
    # The accepted ones are super-linear by definition (and the slowest to confirm); the open
    # and third-party ones have their own tests below.
    known = set(ACCEPTED) | set(OPEN) | set(THIRD_PARTY)
    records = _run_audit(f"--shard={shard}/{SHARDS}", *(f"--skip={origin}" for origin in known))
    assert [r for r in records if "start" in r], f"shard {shard} audited no pattern"
    unexpected = [_describe(r) for r in _results(records).values()]
    assert not unexpected, "super-linear patterns (rewrite them):\n" + "\n".join(unexpected)


@pytest.mark.slow
@pytest.mark.parametrize(
    "origin",
    [
        pytest.param(o, marks=pytest.mark.xfail(strict=True, reason=why))
        for o, why in {**OPEN, **THIRD_PARTY}.items()
    ],
)
def test_open_super_linear_pattern(origin: str) -> None:
    results = _results(_run_audit(origin))
    assert origin not in results, _describe(results[origin])


def test_the_audit_catches_a_quadratic_pattern() -> None:
    """The method itself: a known-quadratic pattern is flagged, its linear rewrite is not."""
    regex_audit = _regex_audit()
    bad = list(regex_audit.audit_pattern("bad", re.compile(r"://[^\s@]*@")))
    good = list(regex_audit.audit_pattern("good", re.compile(r"://[^\s@/]*@")))
    assert bad and bad[0].super_linear
    assert good == []
