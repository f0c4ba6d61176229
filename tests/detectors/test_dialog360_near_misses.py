from __future__ import annotations

import pytest

from wabaguard.credentials.detectors.base import LineContext
from wabaguard.credentials.detectors.dialog360 import Dialog360ApiKeyDetector


@pytest.mark.parametrize(
    "line",
    [
        "D360-API-KEY: D360-API-KEY:",  # the header's own name repeated is not a key
        "D360_API_KEY=D360_API_KEY",
        'headers["D360-API-KEY"] = "dialog360-api-key-goes-here"',
    ],
)
def test_header_names_are_not_keys(line: str) -> None:
    detector = Dialog360ApiKeyDetector()
    assert list(detector.scan_line(line, LineContext([line], 0, "a.py"))) == []


def test_a_real_looking_key_is_still_found() -> None:
    import fakes

    key = fakes.alnum(32, seed=360)
    line = f'headers = {{"D360-API-KEY": "{key}"}}'
    found = list(Dialog360ApiKeyDetector().scan_line(line, LineContext([line], 0, "a.py")))
    assert [(m.secret, line[m.start : m.end]) for m in found] == [(key, key)]
