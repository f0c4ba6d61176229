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


# -- shapes for every detect-secrets built-in plugin (differential tests, benchmarks) ---------


def _pick(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def detect_secrets_samples(rng: random.Random) -> list[tuple[str, str]]:
    """(plugin class name, a line that plugin reports), one or more per regex plugin.

    Prefixes that detect-secrets matches literally are assembled here (``BEGIN`` + ``RSA`` …,
    base64 of the PyPI macaroon location, of "OpenAI"), so nothing token-shaped is committed.
    """
    up, low, dig = string.ascii_uppercase, string.ascii_lowercase, string.digits
    alnum_ = up + low + dig
    b64 = alnum_ + "+/"
    lhex = "0123456789abcdef"
    openai_mark = base64.b64encode(b"OpenAI").decode()
    pypi_mark = base64.b64encode(b"\x02\x01\x08pypi.org").decode().rstrip("=")
    jwt_head = _b64url(b'{"alg":"HS256","typ":"JWT"}')
    jwt_body = _b64url(f'{{"sub":"{rng.randrange(10**9)}","name":"x"}}'.encode())
    host = _pick(rng, low, 8)
    return [
        ("ArtifactoryDetector", f'artifactory_key = "AKC{_pick(rng, alnum_, 60)}"'),
        (
            "ArtifactoryDetector",
            f"password: AP{rng.choice('0123456789ABCDEF')}{_pick(rng, alnum_, 20)}",
        ),
        ("AWSKeyDetector", f"key_id = 'AKIA{_pick(rng, up + '234567', 16)}'"),
        ("AWSKeyDetector", f'aws_secret_key = "{_pick(rng, b64, 40)}"'),
        (
            "AzureStorageKeyDetector",
            f"conn = 'DefaultEndpointsProtocol=https;AccountName={host};AccountKey="
            f"{_pick(rng, b64, 86)}==;EndpointSuffix=core.windows.net'",
        ),
        ("BasicAuthDetector", f"url = 'https://{host}:{_pick(rng, alnum_, 14)}@db.example.com/x'"),
        ("CloudantDetector", f"cloudant_password = '{_pick(rng, lhex, 64)}'"),
        ("CloudantDetector", f"url = 'https://{host}:{_pick(rng, lhex, 64)}@{host}.cloudant.com'"),
        (
            "DiscordBotTokenDetector",
            f"TOKEN = 'M{_pick(rng, alnum_, 23)}.{_pick(rng, alnum_, 6)}.{_pick(rng, alnum_, 27)}'",
        ),
        ("GitHubTokenDetector", f"token = 'ghp_{_pick(rng, alnum_, 36)}'"),
        ("GitLabTokenDetector", f"GITLAB_TOKEN=glpat-{_pick(rng, alnum_, 20)}"),
        ("IbmCloudIamDetector", f'ibm_cloud_iam_key = "{_pick(rng, alnum_ + "_-", 44)}"'),
        ("IbmCosHmacDetector", f"cos_hmac_secret_access_key = '{_pick(rng, lhex, 48)}'"),
        (
            "JwtTokenDetector",
            f"Authorization: Bearer {jwt_head}.{jwt_body}.{_pick(rng, alnum_ + '-_', 43)}",
        ),
        ("MailchimpDetector", f"MAILCHIMP = '{_pick(rng, lhex, 32)}-us{rng.randrange(1, 20)}'"),
        ("NpmDetector", "//registry.npmjs.org/" + ":_authToken=" + f"npm_{_pick(rng, alnum_, 36)}"),
        (
            "OpenAIDetector",
            "OPENAI_API_KEY="
            + f"'sk-{_pick(rng, alnum_, 20)}{openai_mark}{_pick(rng, alnum_, 20)}'",
        ),
        ("PrivateKeyDetector", "-----" + " ".join(("BEGIN", "RSA", "PRIVATE", "KEY")) + "-----"),
        ("PypiTokenDetector", f"password = pypi-{pypi_mark}{_pick(rng, alnum_ + '-_', 80)}"),
        ("SendGridDetector", f"SENDGRID = 'SG.{_pick(rng, alnum_, 22)}.{_pick(rng, alnum_, 43)}'"),
        (
            "SlackDetector",
            f"slack = 'xoxb-{_pick(rng, dig, 12)}-{_pick(rng, dig, 12)}-"
            f"{_pick(rng, low + dig, 24)}'",
        ),
        (
            "SlackDetector",
            f"hook = 'https://hooks.slack.com/services/T{_pick(rng, up + dig, 8)}/"
            f"B{_pick(rng, up + dig, 8)}/{_pick(rng, alnum_, 24)}'",
        ),
        ("SoftlayerDetector", f'softlayer_api_key = "{_pick(rng, low + dig, 64)}"'),
        ("SquareOAuthDetector", f"SQUARE = 'sq0csp-{_pick(rng, alnum_ + '-_', 43)}'"),
        ("StripeDetector", "stripe.api_" + f"key = 'sk_live_{_pick(rng, alnum_, 24)}'"),
        (
            "TelegramBotTokenDetector",
            f"BOT = '{_pick(rng, dig, 9)}:{_pick(rng, alnum_ + '-_', 35)}'",
        ),
        ("TwilioKeyDetector", f"TWILIO_SID = 'AC{_pick(rng, lhex, 32)}'"),
        ("TwilioKeyDetector", f"twilio_key = 'SK{_pick(rng, lhex, 32)}'"),
        # Generic plugins (wabaguard runs them with --entropy).
        ("Base64HighEntropyString", f"blob = '{_pick(rng, b64, 40)}'"),
        ("HexHighEntropyString", f'digest = "{_pick(rng, lhex, 40)}"'),
        ("KeywordDetector", "db_" + f'password = "{_pick(rng, alnum_, 12)}"'),
        (
            "IPPublicDetector",
            f"server = '{rng.randrange(11, 99)}.{rng.randrange(256)}."
            f"{rng.randrange(256)}.{rng.randrange(1, 255)}'",
        ),
    ]
