"""The BSP detector's fast provider check answers exactly as its ``(?i)`` regex."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wabaguard.credentials.detectors.bsp import _ANY_PROVIDER, _mentions_provider

# Provider names, their pieces, and characters that ``(?i)`` folds onto ASCII letters.
_PIECES = ["wati", "WaTi", "ultramsg", "NEXMO", "sinch", "ycloud", "wat", "i", "k", "s", "\n"]
_PIECES += ["\u212a", "\u017f", "\u0130", "\u0131", "\xe9", "-", " ", "token: x", "Whapi"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "token: ${{ secrets.TOKEN }}",
        "url: https://api.ultramsg.com/instance1/messages/chat",
        "WATI_API_TOKEN: x",
        "Vonage key",
        "si\u212anch",  # not a provider: KELVIN SIGN is no "n"
        "whap\u0130",  # DOTTED CAPITAL I folds onto "i" under (?i)
        "wassenger \xe9",
        "waſsenger",  # LONG S folds onto "s" under (?i)
        "TYNTEC",
    ],
)
def test_mentions_provider_examples(text: str) -> None:
    assert _mentions_provider(text) == (_ANY_PROVIDER.search(text) is not None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_mentions_provider_is_the_regex(text: str) -> None:
    assert _mentions_provider(text) == (_ANY_PROVIDER.search(text) is not None)
