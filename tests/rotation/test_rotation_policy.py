"""The policy (max-age, warn-within, names), the config's ``rotation`` table and
``--inventory``, which needs no network at all."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from rotation.fake_github import NOW, TODAY


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Any attempt to open a connection fails the test (and is recorded)."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise AssertionError(f"network use: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def write_config(where: Path, body: str, name: str = ".wabaguard.toml") -> Path:
    where.mkdir(parents=True, exist_ok=True)
    path = where / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def inventory(run_cli: Any, tmp_path: Path, entries: dict[str, int], *args: str) -> Any:
    lines = "\n".join(f"{name} = {days_ago(n)}" for name, n in entries.items())
    write_config(tmp_path, f"[rotation.inventory]\n{lines}\n")
    return run_cli("rotation", "--inventory", "--now", NOW, "-f", "json", *args, cwd=tmp_path)


@pytest.mark.parametrize(
    ("age", "status", "severity"),
    [
        (91, "overdue", "medium"),  # due yesterday
        (90, "due-soon", "low"),  # due today
        (76, "due-soon", "low"),  # due in 14 days: the edge of the window
        (75, None, None),  # due in 15 days
        (0, None, None),
    ],
)
def test_the_policys_edges(
    run_cli: Any,
    tmp_path: Path,
    offline: list[Any],
    age: int,
    status: str | None,
    severity: str | None,
) -> None:
    result = inventory(run_cli, tmp_path, {"WHATSAPP_TOKEN": age})
    findings = result.json()["findings"]
    if status is None:
        assert (result.code, findings) == (0, [])
        return
    assert result.code == 1
    (finding,) = findings
    assert (finding["properties"]["status"], finding["severity"]) == (status, severity)
    assert finding["properties"]["age_days"] == age
    due = dt.date.fromisoformat(days_ago(age)) + dt.timedelta(days=90)
    assert finding["properties"]["due_date"] == due.isoformat()
    assert offline == []


def test_inventory_needs_no_network(run_cli: Any, tmp_path: Path, offline: list[Any]) -> None:
    write_config(
        tmp_path,
        f"""
        [rotation.inventory]
        WHATSAPP_SYSTEM_USER_TOKEN = {days_ago(200)}
        D360_API_KEY = {{ rotated = {days_ago(80)}, where = "Vault kv/whatsapp" }}
        ANYTHING = "{days_ago(5)}"
        """,
    )
    result = run_cli("rotation", "--inventory", "--now", NOW, "-f", "json", cwd=tmp_path)
    assert result.code == 1, result.err
    findings = result.json()["findings"]
    assert [f["logical_location"] for f in findings] == [
        "inventory: WHATSAPP_SYSTEM_USER_TOKEN",
        "inventory (Vault kv/whatsapp): D360_API_KEY",
    ]
    assert findings[1]["properties"]["kept_in"] == "Vault kv/whatsapp"
    assert findings[1]["properties"]["scope"] == "inventory"
    assert "was last rotated 80 days ago" in findings[1]["message"]
    assert offline == []


def test_inventory_does_not_import_the_network_code(tmp_path: Path) -> None:
    write_config(tmp_path, f"[rotation.inventory]\nWA_TOKEN = {days_ago(100)}\n")
    code = textwrap.dedent(
        f"""
        import sys
        from wabaguard.cli import main
        rc = main(["rotation", "--inventory", "--now", "{NOW}"])
        prefixes = ("wabaguard.online.", "urllib.request", "http.client")
        loaded = sorted(m for m in sys.modules if m.startswith(prefixes))
        print(rc, loaded, file=sys.stderr)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    rc, _, loaded = proc.stderr.strip().splitlines()[-1].partition(" ")
    assert rc == "1", proc.stderr
    assert "wabaguard.online.http" not in loaded
    assert "wabaguard.online.github" not in loaded
    assert "http.client" not in loaded
    assert "WA_TOKEN" in proc.stdout


def test_pyproject_table_and_options_over_it(run_cli: Any, tmp_path: Path) -> None:
    write_config(
        tmp_path,
        f"""
        [tool.wabaguard.rotation]
        max-age = "30d"
        warn-within = "1w"

        [tool.wabaguard.rotation.inventory]
        WA_TOKEN = {days_ago(25)}
        """,
        name="pyproject.toml",
    )
    base = ("rotation", "--inventory", "--now", NOW, "-f", "json")
    (finding,) = run_cli(*base, cwd=tmp_path).json()["findings"]
    assert finding["properties"]["status"] == "due-soon"  # due in 5 days, within 7
    assert finding["properties"]["max_age_days"] == 30
    assert run_cli(*base, "--warn-within", "3d", cwd=tmp_path).json()["findings"] == []
    (overdue,) = run_cli(*base, "--max-age", "3w", cwd=tmp_path).json()["findings"]
    assert overdue["properties"]["status"] == "overdue"
    assert "under the 21-day rotation policy" in overdue["message"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('max-age = "90x"', "rotation.max-age: expected a number of days, like 90d or 13w"),
        ("max-age = 0", "rotation.max-age: expected 1 to 36500 days"),
        ('warn-within = "90d"', "warn-within (90d) must be shorter than max-age (90d)"),
        ("every = 3", "rotation: unknown key(s) every (known: ignore, inventory, match, max-age"),
        ("match = []", ""),  # an empty list is allowed: it checks the inventory only
        ("match = [1]", "rotation.match: expected a list of name patterns"),
        ("[rotation.inventory]\nWA_TOKEN = 2026-13-01", "invalid TOML"),
        ('[rotation.inventory]\nWA_TOKEN = "soon"', "rotation.inventory.WA_TOKEN: expected"),
        ("[rotation.inventory]\nWA_TOKEN = { when = 2026-01-01 }", "expected { rotated = "),
    ],
)
def test_bad_rotation_tables_are_errors(
    run_cli: Any, tmp_path: Path, table: str, message: str
) -> None:
    if not table.startswith("["):
        table = f"[rotation]\n{table}"
    if "inventory" not in table:
        table += f"\n[rotation.inventory]\nWA_TOKEN = {days_ago(1)}"
    write_config(tmp_path, table + "\n")
    result = run_cli("rotation", "--inventory", "--now", NOW, cwd=tmp_path)
    if not message:
        assert result.code == 0, result.err
        return
    assert result.code == 2
    assert message in result.err
    assert result.err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-age", "ninety"], "--max-age: expected a number of days"),
        (["--warn-within", "-1"], "--warn-within: expected a number of days"),
        (["--max-age", "10d"], "options: warn-within (14d) must be shorter than max-age (10d)"),
        (["--now", "someday"], "--now: expected a date or an ISO 8601 time"),
        (["--fail-on", "severe"], "severe"),
    ],
)
def test_bad_options_are_errors(
    run_cli: Any, tmp_path: Path, args: list[str], message: str
) -> None:
    write_config(tmp_path, f"[rotation.inventory]\nWA_TOKEN = {days_ago(1)}\n")
    result = run_cli("rotation", "--inventory", *args, cwd=tmp_path)
    assert result.code == 2
    assert message in result.err


def test_inventory_without_a_table(run_cli: Any, tmp_path: Path) -> None:
    result = run_cli("rotation", "--inventory", cwd=tmp_path)
    assert result.code == 2
    assert "--inventory: the config has no rotation.inventory table" in result.err


def test_other_commands_accept_the_table_and_ignore_it(run_cli: Any, tmp_path: Path) -> None:
    write_config(tmp_path, '[rotation]\nmax-age = "90d"\n')
    (tmp_path / "a.txt").write_text("hello\n", encoding="utf-8")
    assert run_cli("scan", str(tmp_path / "a.txt"), cwd=tmp_path).code == 0
    write_config(tmp_path, 'rotation = "90d"\n')
    bad = run_cli("scan", str(tmp_path / "a.txt"), cwd=tmp_path)
    assert bad.code == 2
    assert "rotation must be a table" in bad.err


def test_fail_on_and_disable(run_cli: Any, tmp_path: Path) -> None:
    write_config(tmp_path, f"[rotation.inventory]\nWA_TOKEN = {days_ago(85)}\n")
    base = ("rotation", "--inventory", "--now", NOW)
    assert run_cli(*base, cwd=tmp_path).code == 1  # a warning fails at the default fail-on
    assert run_cli(*base, "--fail-on", "medium", cwd=tmp_path).code == 0  # but is reported:
    assert "due soon" in run_cli(*base, "--fail-on", "medium", cwd=tmp_path).out
    write_config(
        tmp_path,
        f'disable = ["stale-credential"]\n[rotation.inventory]\nWA_TOKEN = {days_ago(400)}\n',
    )
    quiet = run_cli(*base, "-f", "json", cwd=tmp_path)
    assert (quiet.code, quiet.json()["findings"]) == (0, [])


def test_a_severity_override_applies_to_overdue_not_to_warnings(
    run_cli: Any, tmp_path: Path
) -> None:
    write_config(
        tmp_path,
        f"""
        [severity]
        stale-credential = "high"
        [rotation.inventory]
        OLD_TOKEN = {days_ago(400)}
        NEW_TOKEN = {days_ago(85)}
        """,
    )
    result = run_cli("rotation", "--inventory", "--now", NOW, "-f", "json", cwd=tmp_path)
    severities = {f["properties"]["name"]: f["severity"] for f in result.json()["findings"]}
    assert severities == {"OLD_TOKEN": "high", "NEW_TOKEN": "low"}


def test_output_file_and_summary_on_stderr(run_cli: Any, tmp_path: Path) -> None:
    write_config(tmp_path, f"[rotation.inventory]\nWA_TOKEN = {days_ago(100)}\n")
    out = tmp_path / "out" / "rotation.json"
    result = run_cli(
        "rotation", "--inventory", "--now", NOW, "-f", "json", "-o", str(out), cwd=tmp_path
    )
    assert result.code == 1
    assert result.out == ""
    assert (
        result.err
        == "wabaguard rotation: 1 overdue, 0 due soon; 1 credential listed, all checked\n"
    )
    assert (
        json.loads(out.read_text(encoding="utf-8"))["findings"][0]["properties"]["age_days"] == 100
    )


def test_fingerprints_are_stable_across_days(run_cli: Any, tmp_path: Path) -> None:
    """One credential keeps one alert from its first warning until it is rotated."""
    write_config(tmp_path, f"[rotation.inventory]\nWA_TOKEN = {days_ago(80)}\n")
    prints = set()
    for now in (NOW, (TODAY + dt.timedelta(days=30)).isoformat()):
        result = run_cli("rotation", "--inventory", "--now", now, "-f", "json", cwd=tmp_path)
        prints.add(result.json()["findings"][0]["fingerprint"])
    assert len(prints) == 1


def test_console_script(tmp_path: Path) -> None:
    write_config(tmp_path, f"[rotation.inventory]\nWA_TOKEN = {days_ago(100)}\n")
    exe = Path(sys.executable).parent / "wabaguard"
    proc = subprocess.run(
        [str(exe), "rotation", "--inventory", "--now", NOW],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "100d" in proc.stdout and "inventory: WA_TOKEN" in proc.stdout
