"""detect-secrets' own plugins, declared as data so the hook never imports them needlessly.

Each entry names the plugin class, our permanent rule id, and a prefilter: a regex that is a
proven superset of every line the plugin can report (``tests/perf/test_prefilter.py``
generates lines from the plugin's own regexes and checks it). Lines that match no prefilter
never reach detect-secrets, so a commit that touches no credential-looking line does not
import detect-secrets (or ``requests``).

Prefilters must stay line-local: no ``^``/``$`` and nothing that can match a newline, because
the engine searches a whole chunk of lines at once (the same test checks the parsed regexes).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from wabaguard.core.findings import Confidence, Kind, Rule, Severity

_FIX = "Remove it from the code, load it from the environment or a secret manager, and rotate it"


@dataclass(frozen=True)
class BuiltinPlugin:
    class_name: str
    secret_type: str
    rule: Rule
    # Regex source; None would mean "every line" (no plugin needs that today).
    prefilter: str | None
    generic: bool = False  # off unless --entropy
    # A broader but cheaper superset of ``prefilter`` for the engine's first stage (optional).
    gate: str | None = None


def _p(
    class_name: str,
    secret_type: str,
    rule_id: str,
    title: str,
    prefilter: str | None,
    *,
    severity: Severity = Severity.HIGH,
    confidence: Confidence = Confidence.HIGH,
    generic: bool = False,
    gate: str | None = None,
) -> BuiltinPlugin:
    rule = Rule(rule_id, title, severity, confidence, _FIX, Kind.CREDENTIAL, secret_type)
    return BuiltinPlugin(class_name, secret_type, rule, prefilter, generic, gate)


def _generic(
    class_name: str,
    secret_type: str,
    rule_id: str,
    title: str,
    prefilter: str,
    severity: Severity = Severity.MEDIUM,
) -> BuiltinPlugin:
    return _p(
        class_name,
        secret_type,
        rule_id,
        title,
        prefilter,
        severity=severity,
        confidence=Confidence.LOW,
        generic=True,
    )


BUILTIN_PLUGINS: tuple[BuiltinPlugin, ...] = (
    _p(
        "ArtifactoryDetector",
        "Artifactory Credentials",
        "artifactory-credentials",
        "Artifactory API token or password",
        r"AKC[a-zA-Z0-9]{10}|AP[\dA-F][a-zA-Z0-9]{8}",
    ),
    _p(
        "AWSKeyDetector",
        "AWS Access Key",
        "aws-access-key",
        "AWS access key",
        # Its secret-key regex is aws.{0,20}?KEYWORD.{0,20}?QUOTE then 40 characters: the run
        # starts at most 20 + 8 + 20 + 1 characters after "aws" ("aws" alone is everywhere).
        r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}|(?i:aws.{0,49}?[0-9a-z/+]{40})",
    ),
    _p(
        "AzureStorageKeyDetector",
        "Azure Storage Account access key",
        "azure-storage-key",
        "Azure storage account key",
        r"AccountKey=",
    ),
    # The plugin's own regex: user and password stop at any reserved or sub-delimiter
    # character, so the search stays linear on long lines full of URLs ("[^\s@]*" was not).
    _p(
        "BasicAuthDetector",
        "Basic Auth Credentials",
        "basic-auth-credentials",
        "Password in a URL (basic auth)",
        r"://[^:/?#\[\]@!$&'()*+,;=\s]+:[^:/?#\[\]@!$&'()*+,;=\s]+@",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
    ),
    _p(
        "CloudantDetector",
        "Cloudant Credentials",
        "cloudant-credentials",
        "IBM Cloudant credentials",
        r"(?i:cl(?:oudant|ou)?[-_]?(?:api)?(?:key|pwd|pw|pass|token)|cloudant\.com)",
        # "cl" starts too many words; every match also contains one of these.
        gate=r"(?i:key|pwd|pw|pass|token|cloudant\.com)",
    ),
    _p(
        "DiscordBotTokenDetector",
        "Discord Bot Token",
        "discord-bot-token",
        "Discord bot token",
        r"[a-zA-Z\d_-]{23}\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}",
    ),
    _p(
        "GitHubTokenDetector",
        "GitHub Token",
        "github-token",
        "GitHub token",
        r"gh[pousr]_[A-Za-z0-9_]{36}",
    ),
    _p(
        "GitLabTokenDetector",
        "GitLab Token",
        "gitlab-token",
        "GitLab token",
        r"gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-|GR1348941",
    ),
    # The assignment-style plugins (detect-secrets' ``build_assignment_regex``): a keyword, then
    # only quotes, "]", spaces and "=", ":", ">" before the value. Case-insensitive like the
    # plugins (which also match U+212A KELVIN SIGN for "k").
    _p(
        "IbmCloudIamDetector",
        "IBM Cloud IAM Key",
        "ibm-cloud-iam-key",
        "IBM Cloud IAM key",
        r"(?i:(?:key|pwd|pass(?:word)?|token)['\"\]= :>]*[a-z0-9_\-]{44})",
    ),
    _p(
        "IbmCosHmacDetector",
        "IBM COS HMAC Credentials",
        "ibm-cos-hmac-credentials",
        "IBM COS HMAC secret",
        r"(?i:secret[-_]?(?:access)?[-_]?key['\"\]= :>]*[a-f0-9]{48})",
    ),
    _p(
        "JwtTokenDetector",
        "JSON Web Token",
        "json-web-token",
        "JSON Web Token",
        r"eyJ",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
    ),
    _p(
        "MailchimpDetector",
        "Mailchimp Access Key",
        "mailchimp-access-key",
        "Mailchimp API key",
        r"[0-9a-z]{32}-us[0-9]",
    ),
    # The plugin wants npm_… or 36 hex/dash characters after the "=": not ${NODE_AUTH_TOKEN}.
    _p(
        "NpmDetector",
        "NPM tokens",
        "npm-token",
        "npm registry token",
        r":_authToken=[^\S\n]*(?:npm_|[A-Fa-f0-9-]{36})",
    ),
    _p("OpenAIDetector", "OpenAI Token", "openai-token", "OpenAI API key", r"T3BlbkFJ"),
    _p(
        "PrivateKeyDetector",
        "Private Key",
        "private-key",
        "Private key",
        r"PRIVATE KEY|PuTTY-User-Key-File-\d|SSH2 ENCRYPTED",
        severity=Severity.CRITICAL,
    ),
    _p("PypiTokenDetector", "PyPI Token", "pypi-token", "PyPI upload token", r"pypi-AgE"),
    _p(
        "SendGridDetector",
        "SendGrid API Key",
        "sendgrid-api-key",
        "SendGrid API key",
        r"SG\.[a-zA-Z0-9_-]{22}\.",
    ),
    # Both Slack regexes ignore case, the webhook URL's included.
    _p(
        "SlackDetector",
        "Slack Token",
        "slack-token",
        "Slack token or webhook",
        r"(?i:xox[abposr]-|hooks\.slack\.com/services/)",
    ),
    # The plugin's URL regex leaves its dots unescaped (any character), so does this.
    _p(
        "SoftlayerDetector",
        "SoftLayer Credentials",
        "softlayer-credentials",
        "SoftLayer API key",
        r"(?i:(?:key|pwd|pass(?:word)?|token)['\"\]= :>]*[a-z0-9]{64}|api.softlayer.com/soap/)",
    ),
    _p(
        "SquareOAuthDetector",
        "Square OAuth Secret",
        "square-oauth-secret",
        "Square OAuth secret",
        r"sq0csp-",
    ),
    _p(
        "StripeDetector",
        "Stripe Access Key",
        "stripe-access-key",
        "Stripe live key",
        r"[rs]k_live_[0-9a-zA-Z]{24}",
    ),
    # The plugin wants 8 to 10 digits before the colon: an image digest's "sha256:" is not one
    # (with one digit, every pinned container image in a workflow loaded detect-secrets).
    _p(
        "TelegramBotTokenDetector",
        "Telegram Bot Token",
        "telegram-bot-token",
        "Telegram bot token",
        r"\d{8}:[0-9A-Za-z_-]{35}",
    ),
    _p(
        "TwilioKeyDetector",
        "Twilio API Key",
        "twilio-api-key",
        "Twilio account SID or API key",
        r"[AS][CK][a-z0-9]{32}",
    ),
    # Generic detectors: useful, noisy; on with --entropy. Their prefilters assume the
    # plugins' default settings, which wabaguard never changes.
    # A quoted run of the base64 charset: Shannon entropy is at most log2(length), so beating
    # the 4.5 limit takes at least 23 characters (log2(22) < 4.5).
    _generic(
        "Base64HighEntropyString",
        "Base64 High Entropy String",
        "high-entropy-base64",
        "High-entropy base64 string",
        r"['\"][A-Za-z0-9+/\\_=-]{23}",
    ),
    # Hex: beating the 3.0 limit takes at least 9 characters (log2(8) = 3).
    _generic(
        "HexHighEntropyString",
        "Hex High Entropy String",
        "high-entropy-hex",
        "High-entropy hex string",
        r"['\"][0-9A-Fa-f]{9}",
    ),
    # Every keyword of the plugin's denylist contains one of these (its regexes ignore case).
    _generic(
        "KeywordDetector",
        "Secret Keyword",
        "secret-keyword",
        "Literal assigned to a secret-looking name",
        r"(?i:key|pass|pwd|secret|contrase)",
    ),
    _generic(
        "IPPublicDetector",
        "Public IP (ipv4)",
        "public-ip",
        "Public IPv4 address",
        r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]",
        severity=Severity.LOW,
    ),
)


# detect-secrets' default file filters (``filters.heuristic``: is_non_text_file, is_lock_file,
# is_swagger_file), copied as data so deciding needs no import; a test compares them.
SKIPPED_EXTENSIONS = frozenset(
    {
        ".7z",
        ".bin",
        ".bmp",
        ".bz2",
        ".class",
        ".css",
        ".dmg",
        ".doc",
        ".eot",
        ".exe",
        ".gif",
        ".gz",
        ".ico",
        ".iml",
        ".ipr",
        ".iws",
        ".jar",
        ".jpeg",
        ".jpg",
        ".lock",
        ".map",
        ".mo",
        ".pdf",
        ".png",
        ".prefs",
        ".psd",
        ".rar",
        ".realm",
        ".s7z",
        ".sum",
        ".svg",
        ".tar",
        ".tif",
        ".tiff",
        ".ttf",
        ".webp",
        ".woff",
        ".xls",
        ".xlsx",
        ".zip",
    }
)
SKIPPED_LOCK_FILES = frozenset(
    {
        "Brewfile.lock.json",
        "Cartfile.resolved",
        "composer.lock",
        "Gemfile.lock",
        "Package.resolved",
        "package-lock.json",
        "Podfile.lock",
        "yarn.lock",
        "Pipfile.lock",
        "poetry.lock",
        "Cargo.lock",
        "packages.lock.json",
    }
)


def skips_file(path: str) -> bool:
    """detect-secrets' own plugins never look at this file (its default file filters)."""
    return (
        os.path.splitext(path)[1] in SKIPPED_EXTENSIONS
        or os.path.basename(path) in SKIPPED_LOCK_FILES
        or "swagger" in path
    )


def builtin_rules() -> tuple[Rule, ...]:
    return tuple(p.rule for p in BUILTIN_PLUGINS)
