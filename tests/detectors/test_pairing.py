"""The identifier found beside a credential, kept for the live check: a Vonage API secret's
API key (``vonage_api_key``), a GREEN-API token's instance id (``id_instance``).

Pairing adds a property, never a finding; an ambiguous neighbourhood pairs with nothing
(a wrong pair would make a live credential look invalid)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import fakes

KEY = fakes.hex_string(8, seed=96)
SECRET = fakes.alnum(14, seed=92) + "37"
OTHER_KEY = fakes.hex_string(8, seed=93)
GTOKEN = fakes.green_api_token(seed=94)
FAR = "\n" * 7
ID = "1101000003"

VONAGE: list[tuple[str, str, str, bool]] = [
    # (case, file name, text, paired)
    ("env", ".env", f"VONAGE_API_KEY={KEY}\nVONAGE_API_SECRET={SECRET}\n", True),
    ("nexmo", "a.py", f'NEXMO_API_SECRET = "{SECRET}"\nNEXMO_API_KEY = "{KEY}"\n', True),
    ("node", "a.js", f"new Vonage({{ apiKey: '{KEY}', apiSecret: '{SECRET}' }});\n", True),
    ("python", "a.py", f'vonage.Client(key="{KEY}", secret="{SECRET}")\n', True),
    ("auth", "a.py", f'Vonage(Auth(api_key="{KEY}", api_secret="{SECRET}"))\n', True),
    ("yaml", "c.yaml", f"vonage:\n  api_key: {KEY}\n  api_secret: {SECRET}\n", True),
    # near misses: another provider's key, two keys, too far, a bare `key` elsewhere,
    # a number, a key for no one.
    ("wati", ".env", f"WATI_API_KEY={KEY}\nVONAGE_API_SECRET={SECRET}\n", False),
    ("two", "a", f"VONAGE_API_KEY={KEY}\nAPI_KEY={OTHER_KEY}\nVONAGE_API_SECRET={SECRET}", False),
    ("far", ".env", f"VONAGE_API_KEY={KEY}\n{FAR}VONAGE_API_SECRET={SECRET}\n", False),
    ("bare", "a.py", f'key = "{KEY}"\nvonage_secret = "{SECRET}"\n', False),
    ("digits", ".env", f"VONAGE_API_KEY=12345678\nVONAGE_API_SECRET={SECRET}\n", False),
    ("my", ".env", f"MY_SERVICE_API_KEY={KEY}\nVONAGE_API_SECRET={SECRET}\n", False),
]  # fmt: skip


def _findings(run_cli: Any, tmp_path: Path, name: str, text: str) -> list[dict[str, Any]]:
    (tmp_path / name).write_text(text)
    result = run_cli("scan", "-f", "json", "--no-progress", str(tmp_path))
    assert KEY not in result.out and SECRET not in result.out and GTOKEN not in result.out
    findings: list[dict[str, Any]] = result.json()["findings"]
    return findings


@pytest.mark.parametrize(("case", "name", "text", "paired"), VONAGE, ids=[c[0] for c in VONAGE])
def test_a_vonage_secret_keeps_the_key_beside_it(
    run_cli: Any, tmp_path: Path, case: str, name: str, text: str, paired: bool
) -> None:
    findings = _findings(run_cli, tmp_path, name, text)
    [secret] = [f for f in findings if f"({len(SECRET)} chars)" in f["message"]]
    assert secret["rule"] == "bsp-api-key"
    assert ("vonage_api_key" in secret["properties"]) is paired
    # Pairing adds a property, never a finding: nothing else carries one.
    assert [f for f in findings if f is not secret and "vonage_api_key" in f["properties"]] == []


GREEN: list[tuple[str, str, str | None]] = [
    ("url", f'u = "https://api.green-api.com/waInstance{ID}/sendMessage/{GTOKEN}"\n', ID),
    ("settings", f'ID_INSTANCE = "{ID}"\nAPI_TOKEN_INSTANCE = "{GTOKEN}"\n', ID),
    ("sdk", f"GreenAPI(idInstance=1101000003, apiTokenInstance='{GTOKEN}')\n", ID),
    ("instance_id", f'instance_id: "{ID}"\ngreen_api_token: "{GTOKEN}"\n', ID),
    # near misses: two instances, too far, a number under another name
    ("two", f"ID_INSTANCE={ID}\nID_INSTANCE_2=1101000004\nAPI_TOKEN_INSTANCE={GTOKEN}\n", None),
    ("far", f"ID_INSTANCE=1101000003\n{FAR}API_TOKEN_INSTANCE={GTOKEN}\n", None),
    ("other", f"PHONE=1101000003\nAPI_TOKEN_INSTANCE={GTOKEN}\n", None),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "instance"), GREEN, ids=[c[0] for c in GREEN])
def test_a_green_api_token_keeps_its_instance_id(
    run_cli: Any, tmp_path: Path, case: str, text: str, instance: str | None
) -> None:
    [token] = _findings(run_cli, tmp_path, "bot.py", text)
    assert token["rule"] == "green-api-token"
    assert token["properties"].get("id_instance") == instance
