"""detect-secrets' own plugins, declared as data so the hook never imports them needlessly.

Each entry names the plugin class, our permanent rule id, and a prefilter: a regex that is a
proven superset of every line the plugin's own regexes can match (tests generate matching
lines and check it). Lines that match no prefilter never reach detect-secrets, so a commit
that touches no credential-looking line does not import detect-secrets (or ``requests``).
"""

from __future__ import annotations

from dataclasses import dataclass

from wabaguard.findings import Confidence, Kind, Rule, Severity

_FIX = "Remove it from the code, load it from the environment or a secret manager, and rotate it"


@dataclass(frozen=True)
class BuiltinPlugin:
    class_name: str
    secret_type: str
    rule: Rule
    # Regex source; None means "every line" (the generic plugins look at any quoted string).
    prefilter: str | None
    generic: bool = False  # off unless --entropy


def _rule(rule_id: str, title: str, secret_type: str, severity: Severity = Severity.HIGH,
          confidence: Confidence = Confidence.HIGH) -> Rule:
    return Rule(rule_id, title, severity, confidence, _FIX, Kind.CREDENTIAL, secret_type)


def _p(class_name: str, secret_type: str, rule_id: str, title: str, prefilter: str | None,
       *, severity: Severity = Severity.HIGH, confidence: Confidence = Confidence.HIGH,
       generic: bool = False) -> BuiltinPlugin:
    return BuiltinPlugin(
        class_name, secret_type, _rule(rule_id, title, secret_type, severity, confidence),
        prefilter, generic,
    )


BUILTIN_PLUGINS: tuple[BuiltinPlugin, ...] = (
    _p("ArtifactoryDetector", "Artifactory Credentials", "artifactory-credentials",
       "Artifactory API token or password", r"AKC[a-zA-Z0-9]{10}|AP[\dA-F][a-zA-Z0-9]{8}"),
    _p("AWSKeyDetector", "AWS Access Key", "aws-access-key", "AWS access key",
       r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}|(?i:aws)"),
    _p("AzureStorageKeyDetector", "Azure Storage Account access key", "azure-storage-key",
       "Azure storage account key", r"AccountKey="),
    _p("BasicAuthDetector", "Basic Auth Credentials", "basic-auth-credentials",
       "Password in a URL (basic auth)", r"://[^\s@]*@", severity=Severity.MEDIUM,
       confidence=Confidence.MEDIUM),
    _p("CloudantDetector", "Cloudant Credentials", "cloudant-credentials",
       "IBM Cloudant credentials",
       r"(?i:cl(?:oudant|ou)?[-_]?(?:api)?(?:key|pwd|pw|pass|token)|cloudant\.com)"),
    _p("DiscordBotTokenDetector", "Discord Bot Token", "discord-bot-token", "Discord bot token",
       r"[a-zA-Z\d_-]{23}\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}"),
    _p("GitHubTokenDetector", "GitHub Token", "github-token", "GitHub token",
       r"gh[pousr]_[A-Za-z0-9_]{36}"),
    _p("GitLabTokenDetector", "GitLab Token", "gitlab-token", "GitLab token",
       r"gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-|GR1348941"),
    _p("IbmCloudIamDetector", "IBM Cloud IAM Key", "ibm-cloud-iam-key", "IBM Cloud IAM key",
       r"[a-zA-Z0-9_\-]{44}"),
    _p("IbmCosHmacDetector", "IBM COS HMAC Credentials", "ibm-cos-hmac-credentials",
       "IBM COS HMAC secret", r"(?i:[a-f0-9]{48})"),
    _p("JwtTokenDetector", "JSON Web Token", "json-web-token", "JSON Web Token", r"eyJ",
       severity=Severity.MEDIUM, confidence=Confidence.MEDIUM),
    _p("MailchimpDetector", "Mailchimp Access Key", "mailchimp-access-key",
       "Mailchimp API key", r"[0-9a-z]{32}-us[0-9]"),
    _p("NpmDetector", "NPM tokens", "npm-token", "npm registry token", r":_authToken="),
    _p("OpenAIDetector", "OpenAI Token", "openai-token", "OpenAI API key", r"T3BlbkFJ"),
    _p("PrivateKeyDetector", "Private Key", "private-key", "Private key",
       r"PRIVATE KEY|PuTTY-User-Key-File-2|SSH2 ENCRYPTED", severity=Severity.CRITICAL),
    _p("PypiTokenDetector", "PyPI Token", "pypi-token", "PyPI upload token", r"pypi-AgE"),
    _p("SendGridDetector", "SendGrid API Key", "sendgrid-api-key", "SendGrid API key",
       r"SG\.[a-zA-Z0-9_-]{22}\."),
    _p("SlackDetector", "Slack Token", "slack-token", "Slack token or webhook",
       r"(?i:xox[abposr]-)|hooks\.slack\.com/services/"),
    _p("SoftlayerDetector", "SoftLayer Credentials", "softlayer-credentials",
       "SoftLayer API key", r"(?i:[a-z0-9]{64})"),
    _p("SquareOAuthDetector", "Square OAuth Secret", "square-oauth-secret",
       "Square OAuth secret", r"sq0csp-"),
    _p("StripeDetector", "Stripe Access Key", "stripe-access-key", "Stripe live key",
       r"[rs]k_live_[0-9a-zA-Z]{24}"),
    _p("TelegramBotTokenDetector", "Telegram Bot Token", "telegram-bot-token",
       "Telegram bot token", r"\d:[0-9A-Za-z_-]{35}"),
    _p("TwilioKeyDetector", "Twilio API Key", "twilio-api-key", "Twilio account SID or API key",
       r"[AS][CK][a-z0-9]{32}"),
    # Generic detectors: useful, noisy; on with --entropy.
    _p("Base64HighEntropyString", "Base64 High Entropy String", "high-entropy-base64",
       "High-entropy base64 string", None, severity=Severity.MEDIUM,
       confidence=Confidence.LOW, generic=True),
    _p("HexHighEntropyString", "Hex High Entropy String", "high-entropy-hex",
       "High-entropy hex string", None, severity=Severity.MEDIUM, confidence=Confidence.LOW,
       generic=True),
    _p("KeywordDetector", "Secret Keyword", "secret-keyword",
       "Literal assigned to a secret-looking name", None, severity=Severity.MEDIUM,
       confidence=Confidence.LOW, generic=True),
    _p("IPPublicDetector", "Public IP (ipv4)", "public-ip", "Public IPv4 address", None,
       severity=Severity.LOW, confidence=Confidence.LOW, generic=True),
)


def builtin_rules() -> tuple[Rule, ...]:
    return tuple(p.rule for p in BUILTIN_PLUGINS)
