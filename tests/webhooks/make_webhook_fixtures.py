"""Write the generated webhook fixtures: python tests/webhooks/make_webhook_fixtures.py [--check]

Every template of ``webhook_templates.py`` gives ``<name>.ok.<ext>`` and one file per single
mistake, annotated with the finding each line must (``NOT OK: <rule>``) or must not
(``OK``) carry. ``--check`` exits 1 when the committed files differ from the templates.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from webhook_templates import TEMPLATES, Template

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks" / "generated"
_TAGS = re.compile(r"\s*(?:#|//)\s*((?:@\w+\s*)+)$")

NOT_VERIFIED = "webhook-signature-not-verified"
TIMING = "webhook-signature-timing-unsafe"
PARSED = "webhook-signature-over-parsed-body"
ALGORITHM = "webhook-signature-wrong-algorithm"
NOT_REJECTED = "webhook-verification-failure-not-rejected"

Line = tuple[str, frozenset[str]]


def _lines(template: Template) -> list[Line]:
    out = []
    for raw in template.source.splitlines():
        match = _TAGS.search(raw)
        tags = frozenset(match.group(1).split()) if match else frozenset()
        out.append((raw[: match.start()] if match else raw, tags))
    return out


def _render(
    template: Template,
    *,
    drop: str = "",
    replace: tuple[tuple[str, str], ...] = (),
    mark: dict[str, str] | None = None,
    edit: Callable[[str, frozenset[str]], str] | None = None,
) -> str:
    mark = mark or {}
    rendered = []
    for text, tags in _lines(template):
        if drop and drop in tags:
            continue
        for old, new in replace:
            text = text.replace(old, new)
        if edit is not None:
            text = edit(text, tags)
        notes = [note for tag, note in mark.items() if tag in tags]
        if notes:
            text = f"{text}  {template.comment} {'; '.join(notes)}"
        rendered.append(text)
    return "\n".join(rendered) + "\n"


def variants(template: Template) -> dict[str, str]:
    ok_marks = {"@handler": "OK", "@compare": "OK", "@mac": "OK"}
    safe, unsafe = template.unsafe_compare

    def log_instead(text: str, tags: frozenset[str]) -> str:
        if "@reject" not in tags:
            return text
        indent = text[: len(text) - len(text.lstrip())]
        return indent + template.log_instead

    return {
        "ok": _render(template, mark=ok_marks),
        "not-verified": _render(
            template, drop="@verify", mark={"@handler": f"NOT OK: {NOT_VERIFIED}"}
        ),
        "timing-unsafe": _render(
            template, replace=((safe, unsafe),), mark={"@compare": f"NOT OK: {TIMING}"}
        ),
        "over-parsed-body": _render(
            template, replace=template.parsed_body, mark={"@mac": f"NOT OK: {PARSED}"}
        ),
        "wrong-algorithm": _render(
            template, replace=template.sha1, mark={"@mac": f"NOT OK: {ALGORITHM}"}
        ),
        "not-rejected": _render(
            template, edit=log_instead, mark={"@compare": f"NOT OK: {NOT_REJECTED}"}
        ),
    }


def expected_files() -> dict[str, str]:
    files = {}
    for template in TEMPLATES:
        for variant, text in variants(template).items():
            files[f"{template.name}.{variant}.{template.ext}"] = text
    return files


def main(argv: list[str]) -> int:
    files = expected_files()
    if "--check" in argv:
        current = {p.name: p.read_text(encoding="utf-8") for p in OUT.glob("*.*")}
        return 0 if current == files else 1
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in OUT.glob("*.*"):
        if stale.name not in files:
            stale.unlink()
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
