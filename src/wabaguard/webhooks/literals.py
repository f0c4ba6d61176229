"""Which literal a handler's HMAC key or verify-token compare is: words all front-ends share.

A front-end follows the key (or the value compared with ``hub.verify_token``) back to a
string literal written in the same file: in place, through a local or module-level name, a
parameter's default, or an object field assigned once. Precision first: a placeholder is
not a secret, and a literal that is only an environment lookup's fallback is a weaker smell
(reported at low confidence).
"""

from __future__ import annotations

import re

APP_SECRET = "app secret"  # pragma: allowlist secret (a role name, not a value)
VERIFY_TOKEN = "verify token"

# The subscription handshake's token parameter (PHP turns the dot into an underscore).
VERIFY_TOKEN_PARAM = re.compile(r"hub[._]verify_token", re.IGNORECASE)

MAX_DEPTH = 4  # names of names: deeper chains are not how keys are written

# Calls that read configuration, whose second argument (or ``default=``) is a fallback.
ENV_CALL = re.compile(
    r"(?i)^(?:getenv|get_?env|env|environ|config|setting|get|lookup_?env|must_?get_?env|"
    r"os\.getenv|os\.environ\.get|environ\.get|os\.environ\.setdefault)$"
)
# An expression that reads the environment or a configuration store.
ENV_READ = re.compile(
    r"(?i)process\.env|import\.meta\.env|\bgetenv\b|\$_ENV|\$_SERVER|\benv\s*\(|\bconfig\s*\("
    r"|os\.environ|\bLookupEnv\b|\bGetenv\b|\bviper\."
)

# Placeholders: a documentation value, a template, an environment variable's name.
_MARKERS = re.compile(
    r"(?i)your|example|sample|placeholder|change_?-?me|replace|dummy|fake|xxx|todo|insert|"
    r"<|>|\{\{|\$\{|%s|\.\.\.|\*\*\*|redacted"
)
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
# Words that name the thing rather than being it: "my_verify_token", "whatsapp-secret".
_GENERIC_WORDS = frozenset(
    {
        "my", "the", "a", "app", "application", "secret", "secrets", "verify", "verification",
        "token", "tokens", "whatsapp", "wa", "webhook", "webhooks", "hook", "meta", "facebook",
        "fb", "key", "hub", "test", "testing", "tests", "here", "hmac", "signature", "default",
        "dev", "development", "local", "demo", "bot", "string", "value", "challenge", "api",
        "cloud", "business", "mode", "subscribe", "password", "pass", "abc", "123", "1234",
        "12345", "123456", "some", "random", "super", "strong", "long", "new", "set", "env",
    }
)  # fmt: skip
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
MIN_LENGTH = 6


def is_placeholder(value: str) -> bool:
    """Not a secret anyone deploys: empty, short, a template, a documentation value, an
    environment variable's name, or only words that name a secret (``my_verify_token``)."""
    text = value.strip()
    if len(text) < MIN_LENGTH or len(set(text.lower())) < 4:
        return True
    if _MARKERS.search(text) or _ENV_NAME.fullmatch(text):
        return True
    words = [w.lower() for w in _WORD_SPLIT.split(text) if w]
    return all(word in _GENERIC_WORDS for word in words)


# The fix for each framework: where the value should come from instead.
_SOURCES = {
    "flask": 'os.environ["{env}"] (or app.config loaded from the environment)',
    "fastapi": 'os.environ["{env}"] (or a pydantic BaseSettings field)',
    "django": "settings.{env}, set in settings.py from os.environ",
    "aiohttp": 'os.environ["{env}"]',
    "express": "process.env.{env}",
    "fastify": "process.env.{env} (or @fastify/env)",
    "nextjs": "process.env.{env} (a server-only variable, never NEXT_PUBLIC_)",
    "nestjs": "ConfigService.get('{env}')",
    "node-http": "process.env.{env}",
    "laravel": "config('services.whatsapp.{key}'), set from env('{env}') in config/services.php",
    "php": "getenv('{env}')",
    "net/http": 'os.Getenv("{env}")',
    "gin": 'os.Getenv("{env}")',
    "echo": 'os.Getenv("{env}")',
    "fiber": 'os.Getenv("{env}")',
}
_LANGUAGE_DEFAULT = {
    "python": "flask",
    "javascript": "express",
    "typescript": "express",
    "tsx": "express",
    "php": "php",
    "go": "net/http",
}


def fix(role: str, framework: str, language: str) -> str:
    """Where this framework's handler should read the value from."""
    env = "WHATSAPP_APP_SECRET" if role == APP_SECRET else "WHATSAPP_VERIFY_TOKEN"
    key = "app_secret" if role == APP_SECRET else "verify_token"
    shape = _SOURCES.get(framework) or _SOURCES[_LANGUAGE_DEFAULT.get(language, "flask")]
    where = shape.format(env=env, key=key)
    rotate = "; rotate the app secret in the Meta app dashboard" if role == APP_SECRET else ""
    return f"read the {role} from {where} or a secret store{rotate}"
