from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_issuers import FakeIssuers


@pytest.fixture
def issuers(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIssuers]:
    """The fake issuers, with every WABAGUARD_*_API_URL pointed at them."""
    with FakeIssuers() as fake:
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        yield fake
