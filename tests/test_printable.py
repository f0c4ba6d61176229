"""Scanned content cannot drive the terminal or the rendered page that shows a report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import fakes

# Erase the line, set the window title, write the clipboard (OSC 52), C1 CSI, a bare carriage
# return that overwrites the finding, a right-to-left override, a line separator, DEL.
HOSTILE = "\x1b[2K\x1b]0;owned\x07\x1b]52;c;ZXZpbA==\x07\x9b31m\rfake: ok \u202egnp.exe\u2028\x7f"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2028\u2029]")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    key = fakes.aws_access_key_id(seed=51)
    (tmp_path / "settings.py").write_text(f'AWS = "{key}"  # {HOSTILE}\n', encoding="utf-8")
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    # A workflow finding whose message quotes a word from the file: YAML has no raw control
    # characters, but its escapes (\e, \a, \r, \u202e) make them.
    escaped = HOSTILE.encode("unicode_escape").decode().replace("\\x1b", "\\e")
    (workflows / "ci.yml").write_text(
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        f'      - run: "\\"{escaped}\\" --token ${{{{ secrets.API_TOKEN }}}}"\n',
        encoding="utf-8",
    )
    # A file that cannot be analysed: its error message is printed too.
    (workflows / "broken.yml").write_text(f"on: [push\n# {HOSTILE}\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "markdown", "github"])
def test_rendered_formats_show_no_control_characters(run_cli: Any, tree: Path, fmt: str) -> None:
    result = run_cli("scan", ".", "--format", fmt, cwd=tree)
    assert result.code == 1, result.err
    assert "aws-access-key" in result.out and "secret-in-argv" in result.out
    # Line structure is the report's own: each line is one record.
    body = result.out.replace("\n", "")
    found = UNSAFE.findall(body)
    assert not found, f"{fmt} output holds {found[:5]!r}"
    assert "\\x1b" in result.out  # shown, escaped, not dropped


def test_markdown_renders_no_markup_from_the_scanned_file(run_cli: Any, tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    # The message names the command, a word from the file: an image link, HTML, a "|".
    (workflows / "ci.yml").write_text(
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: "\\"![x](https://evil.example/t.png)<img src=x>|@team\\" '
        '--token ${{ secrets.API_TOKEN }}"\n',
        encoding="utf-8",
    )
    out = run_cli("scan", ".", "--format", "markdown", cwd=tmp_path).out
    assert "secret-in-argv" in out
    [row] = [line for line in out.splitlines() if line.startswith("| `")]
    assert row.replace("\\|", "").count("|") == 4, row  # no cell split by a "|" from the file
    message = row.split("` | ", 1)[1]
    assert "<img" in message.replace("\\", "")  # it is there, as text
    assert re.search(r"(?<!\\)[<>\[\]@]", message) is None, message


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_escape_by_their_own_rules(run_cli: Any, tree: Path, fmt: str) -> None:
    result = run_cli("scan", ".", "--format", fmt, cwd=tree)
    assert result.code == 1
    assert "\x1b" not in result.out and "\x07" not in result.out  # JSON escapes C0 itself
    doc = json.loads(result.out)
    assert doc  # and it is still a valid document
