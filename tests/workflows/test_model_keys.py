"""Mapping keys: the first merge key or duplicate key is refused, at its position."""

from __future__ import annotations

import pytest

from wabaguard.workflows.model import ModelError, compose

MERGE = "YAML merge keys (<<) are not supported by GitHub Actions"


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("a: 1\na: 2\n", "duplicate key 'a'", 5),
        ("'<<': 1\n<<: 2\n", MERGE, 8),  # a quoted "<<" is a plain key; the bare one merges
        ("'<<': 1\n\"<<\": 2\n", "duplicate key '<<'", 8),
        ("<<: 1\n<<: 2\n", MERGE, 0),
        ("b: 1\n<<: {}\nb: 2\n", MERGE, 5),
        ("b: 1\nb: 2\n<<: {}\n", "duplicate key 'b'", 5),
        ("{[x]: 1, [x]: 2, c: 3, c: 4}", "duplicate key 'c'", 23),  # collection keys: not compared
        ("k" * 50 + ": 1\n" + "k" * 50 + ": 2\n", "duplicate key '" + "k" * 37 + "...'", 54),
    ],
)
def test_refused_keys(text: str, message: str, offset: int) -> None:
    with pytest.raises(ModelError) as info:
        compose(text)
    assert (info.value.message, info.value.offset) == (message, offset)


def test_mapping_items_keys_and_size() -> None:
    root = compose("a: 1\n'<<': [x, y]\n? [k]\n: v\n")
    assert [(k.kind, v.kind) for k, v in root.items] == [
        ("scalar", "scalar"),
        ("scalar", "sequence"),
        ("sequence", "scalar"),
    ]
    assert list(root.keys) == ["a", "<<"]
    assert root.size == 1 + 2 + 1 + 3 + 2 + 1
