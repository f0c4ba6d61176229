"""Fake credentials, built at run time from their documented formats.

Nothing token-shaped is committed to this repository: every fake is assembled here when the
tests run, from a fixed seed so failures reproduce.
"""

from __future__ import annotations

import base64
import random
import string

_RNG = random.Random(20261125)
_ALNUM = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"

FAKE_APP_ID = 123456789012345


def _z_escape(b64: str) -> str:
    out = b64.replace("Z", "ZC")
    return out.replace("+", "ZA").replace("/", "ZB").replace("=", "ZD")


def meta_token(app_id: int = FAKE_APP_ID, body_len: int = 150, seed: int | None = None) -> str:
    """An ``EAA…`` token: "E" + Z-escaped base64 of app id (8 bytes BE), 0x01, random bytes."""
    rng = random.Random(seed) if seed is not None else _RNG
    raw = app_id.to_bytes(8, "big") + b"\x01" + bytes(rng.randrange(256) for _ in range(body_len))
    return "E" + _z_escape(base64.b64encode(raw).decode("ascii"))


def hex_string(length: int, seed: int | None = None) -> str:
    rng = random.Random(seed) if seed is not None else _RNG
    return "".join(rng.choice(_HEX) for _ in range(length))


def alnum(length: int, seed: int | None = None) -> str:
    rng = random.Random(seed) if seed is not None else _RNG
    return "".join(rng.choice(_ALNUM) for _ in range(length))


def uuid4(seed: int | None = None) -> str:
    h = hex_string(32, seed)
    variant = "89ab"[int(h[16], 16) % 4]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


def infobip_key(seed: int | None = None) -> str:
    """32 lowercase hex, a dash, and a UUIDv4."""
    return f"{hex_string(32, seed)}-{uuid4(None if seed is None else seed + 1)}"


def green_api_token(seed: int | None = None) -> str:
    return hex_string(50, seed)


def aws_access_key_id(seed: int | None = None) -> str:
    """The AKIA form detect-secrets' AWSKeyDetector reports."""
    rng = random.Random(seed) if seed is not None else _RNG
    return "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))


def github_token(seed: int | None = None) -> str:
    return "ghp_" + alnum(36, seed)


def d360_key(seed: int | None = None) -> str:
    """360dialog keys have no documented format; a 32-character alphanumeric stand-in."""
    return alnum(32, seed)


def square_token(seed: int | None = None) -> str:
    """Square's ``EAAA…`` access token shape: 60 chars of base64url after the prefix."""
    rng = random.Random(seed) if seed is not None else _RNG
    return "EAAA" + "".join(rng.choice(_ALNUM + "-_") for _ in range(60))


def messagebird_key(live: bool = True, seed: int | None = None) -> str:
    return ("live_" if live else "") + alnum(25, seed)


def gupshup_key(seed: int | None = None) -> str:
    return "sk_" + hex_string(32, seed)


def kaleyra_key(seed: int | None = None) -> str:
    return "A" + hex_string(32, seed)


def chat_api_token(seed: int | None = None) -> str:
    rng = random.Random(seed) if seed is not None else _RNG
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(16))


def meta_app_token(app_id: int = FAKE_APP_ID, seed: int | None = None) -> str:
    """``APP_ID|APP_SECRET`` as Meta documents for app access tokens."""
    return f"{app_id}|{hex_string(32, seed)}"


def placeholder_meta_token(filler: str = "x", length: int = 120) -> str:
    """``EAA`` + filler: token-shaped but structurally invalid (docs placeholders)."""
    return "EAA" + (filler * length)[:length]
