"""The recommended forms in the docs are never flagged: every code block under a "Correct"
heading (docs/webhooks.md and the webhook rule pages) is scanned and must carry no finding."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "docs" / "webhooks.md", *sorted((REPO / "docs" / "rules").glob("webhook-*.md"))]
_EXT = {"python": "py", "javascript": "js", "typescript": "ts", "php": "php", "go": "go"}
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def correct_blocks() -> list[tuple[str, str, str]]:
    """(id, extension, code) of each block under a heading that starts with "Correct"."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for section in re.split(r"^#+ ", text, flags=re.MULTILINE):
            title = section.split("\n", 1)[0]
            if not title.startswith("Correct"):
                continue
            for n, match in enumerate(_BLOCK.finditer(section)):
                found.append((f"{page.stem}: {title} #{n}", _EXT[match.group(1)], match.group(2)))
    return found


def test_the_docs_show_correct_forms_for_every_framework() -> None:
    titles = {block_id.split(": ", 1)[1].rsplit(" #", 1)[0] for block_id, _, _ in correct_blocks()}
    for framework in (
        "Flask", "FastAPI", "Django", "aiohttp", "Express", "Fastify", "NestJS",
        "Next.js (app router)", "Next.js (pages router)", "Node `http`", "Laravel",
        "Plain PHP", "Go `net/http`",
    ):  # fmt: skip
        assert f"Correct: {framework}" in titles


@pytest.mark.parametrize("block", correct_blocks(), ids=lambda b: b[0])
def test_correct_form_is_not_flagged(block: tuple[str, str, str], run_cli, tmp_path: Path) -> None:
    _, ext, code = block
    # The webhook markers must be there for the analysis to run at all.
    assert re.search(r"hub[._]|X-Hub-Signature|x-hub-signature|sha256=|entry", code)
    (tmp_path / f"webhook.{ext}").write_text(code, encoding="utf-8")
    result = run_cli("scan", f"webhook.{ext}", "--format", "json", cwd=tmp_path)
    document = result.json()
    assert document["errors"] == []
    assert document["findings"] == [], [(f["line"], f["rule"]) for f in document["findings"]]
    assert result.code == 0
