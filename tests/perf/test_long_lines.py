"""Lines over 16 KiB (minified bundles, data blobs) lose nothing to the engine's windows.

The engine scans such lines only around gate hits, not whole (``docs/performance.md``). That
must be invisible in the results: every credential that a line of its own yields is found
again, with the same rule, secret and shifted columns, when the same text sits at the start,
in the middle or at the end of a long line of minified code full of near-misses (URLs for the
basic-auth plugin, base64 blobs for the long-token plugins, ``pw``/``key`` words). Tested
through the CLI's JSON output, on files written at run time from ``tests/fakes.py``.
"""

from __future__ import annotations

import json
import random
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fakes
from wabaguard.builtin import BUILTIN_PLUGINS

SEED = 20261206
LONG = 40_000  # characters of filler around each sample: well over the 16 KiB threshold
POSITIONS = ("start", "middle", "end")


def _own_samples() -> list[str]:
    """Lines our own detectors report (the shapes of tests/detectors, built at run time), and
    two glued shapes of detect-secrets plugins."""
    return [
        f'TOKEN = "{fakes.meta_token(seed=40)}"',
        f'headers = {{"D360-API-KEY": "{fakes.d360_key(seed=41)}"}}',
        f'auth = {{"Authorization": "App {fakes.infobip_key(seed=42)}"}}',
        f"WHATSAPP_APP_SECRET={fakes.hex_string(32, seed=44)}",
        f"WHATSAPP_API_KEY={fakes.alnum(32, seed=45)}",
        f"API_TOKEN_INSTANCE={fakes.green_api_token(seed=46)}",
        f"APP_TOKEN={fakes.meta_app_token(seed=47)}",
        f"WATI_API_TOKEN={fakes.alnum(30, seed=50)}7",
        "CHAT_URL=https://api.chat-api.com/instance12345/sendMessage?token="
        f"{fakes.chat_api_token(seed=52)}",
        f"MESSAGEBIRD_API_KEY={fakes.messagebird_key(seed=53)}",
        f"GUPSHUP_API_KEY={fakes.gupshup_key(seed=54)}",
        f"KALEYRA_API_KEY={fakes.kaleyra_key(seed=55)}",
        # Keys glued to the end of a long run of token characters: the run a gate reports
        # starts far before the match.
        f"x{'q' * 90}{fakes.hex_string(32, seed=56)}-us7",
        f"y{'z' * 90}AC{fakes.hex_string(32, seed=57)}",
    ]


# detect-secrets' npm regex takes the rest of the line as the secret: embedded only at the end.
TO_LINE_END = ("NpmDetector",)


def _samples() -> list[tuple[str, str]]:
    """(plugin or "wabaguard", line) for every non-generic plugin and our own families."""
    builtin = [
        (name, line)
        for name, line in fakes.detect_secrets_samples(random.Random(SEED))
        if not next(b for b in BUILTIN_PLUGINS if b.class_name == name).generic
    ]
    return [("wabaguard", line) for line in _own_samples()] + builtin


def _cases() -> list[tuple[int, str]]:
    return [
        (index, position)
        for index, (name, _) in enumerate(_samples())
        for position in POSITIONS
        if name not in TO_LINE_END or position == "end"
    ]


def _chunk(rng: random.Random) -> str:
    """One statement of minified code; many are near-misses for some gate."""
    ident = "".join(rng.choice(string.ascii_letters) for _ in range(rng.randrange(1, 5)))
    pick = rng.randrange(8)
    if pick == 0:
        return f'{ident}.src="https://cdn.example.com/{ident}/{rng.randrange(10**6)}.js";'
    if pick == 1:
        blob = "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(80))
        return f'{ident}.img="data:image/png;base64,{blob}";'
    if pick == 2:
        return f"var {ident}pw={ident}.key||{ident}.apiKey;"
    if pick == 3:
        return f'var {ident}="{"".join(rng.choice(string.hexdigits) for _ in range(30))}";'
    # No brackets: detect-secrets' line filters read "x = f(...)" as an indirect reference.
    return f"{ident}.n={ident}.m+{rng.randrange(999)};"


def _filler(rng: random.Random, size: int) -> str:
    parts: list[str] = []
    total = 0
    while total < size:
        parts.append(_chunk(rng))
        total += len(parts[-1])
    return "".join(parts)


def _embed(sample: str, position: str, rng: random.Random) -> tuple[str, int]:
    """The sample inside a long line, and the column offset it lands at."""
    before = {"start": "", "middle": _filler(rng, LONG // 2), "end": _filler(rng, LONG)}[position]
    after = {"start": _filler(rng, LONG), "middle": _filler(rng, LONG // 2), "end": ""}[position]
    # Spaces around it: some plugins' regexes end a key at white space, a quote or the line end.
    head = before + " " if before else ""
    tail = " " + after if after else ""
    return head + sample + tail, len(head)


# rule, message (the secret's masked prefix and length), column, end column (sample-relative)
Key = tuple[str, str, int, int]


def _keys(findings: list[dict[str, Any]], shift: int, width: int) -> set[Key]:
    return {
        (f["rule"], f["message"], f["column"] - shift, f["end_column"] - shift)
        for f in findings
        if shift < f["column"] <= shift + width
    }


def _scan(root: Path, files: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Findings by file name, from one CLI scan of ``files`` (name -> one line of text)."""
    from wabaguard.cli import main

    for name, line in files.items():
        (root / name).write_text(line + "\n", encoding="utf-8")
    out = root.parent / (root.name + "-out.json")
    code = main(["scan", "--no-progress", "--format", "json", "-o", str(out), str(root)])
    assert code == 1
    by_file: dict[str, list[dict[str, Any]]] = {}
    for finding in json.loads(out.read_text(encoding="utf-8"))["findings"]:
        by_file.setdefault(Path(finding["path"]).name, []).append(finding)
    return by_file


# One scan per case (not one for all, in a fixture every pytest-xdist worker would repeat).
@pytest.mark.parametrize(("index", "position"), _cases())
def test_long_line_finds_what_the_short_line_finds(
    tmp_path: Path, index: int, position: str
) -> None:
    sample = _samples()[index][1]
    line, shift = _embed(sample, position, random.Random(f"{SEED}-{index}-{position}"))
    assert len(line) > 16 * 1024
    root = tmp_path / "long-lines"
    root.mkdir()
    scanned = _scan(root, {"short.txt": sample, "long.txt": line})
    short = _keys(scanned.get("short.txt", []), 0, len(sample))
    assert short, f"sample {index} yields nothing on its own line: fix the sample"
    found = _keys(scanned.get("long.txt", []), shift, len(sample))
    assert found == short


def test_embedding_check_can_fail() -> None:
    """The comparison sees a finding that moved or vanished (guards the test itself)."""
    finding = {"rule": "r", "message": "h", "column": 11, "end_column": 20}
    keys: Callable[[int], set[Key]] = lambda shift: _keys([finding], shift, 30)  # noqa: E731
    assert keys(10) == {("r", "h", 1, 10)}
    assert keys(0) != keys(10)
    assert keys(20) == set()


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("aZ9_-.:/ +\t\"'@\x00\x7f"), max_size=400),
    st.integers(min_value=2, max_value=40),
)
def test_ascii_run_finder_reports_what_the_run_gate_finds(text: str, run: int) -> None:
    """Long ASCII lines enumerate the run gate's hits with bytes.find over a marked copy."""
    from wabaguard.engine import _ascii_runs

    gate = re.compile(rf"(?<![\w-])[\w-]{{{run},}}")
    expected = [(m.start(), m.end()) for m in gate.finditer(text)]
    assert [(s, e) for s, e, _ in _ascii_runs(text, run, frozenset())] == expected
