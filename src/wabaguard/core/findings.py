"""The finding model: rules, severities and findings, all immutable."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

DOCS_BASE = "https://github.com/wabaguard/wabaguard/blob/main/docs/rules/"


class Severity(str, enum.Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (choose from {choices})") from None


_SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


class Confidence(str, enum.Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _CONFIDENCE_RANK[self]

    @classmethod
    def parse(cls, value: str) -> Confidence:
        try:
            return cls(value.lower())
        except ValueError:
            choices = ", ".join(c.value for c in cls)
            raise ValueError(f"unknown confidence {value!r} (choose from {choices})") from None


_CONFIDENCE_RANK = {Confidence.LOW: 1, Confidence.MEDIUM: 2, Confidence.HIGH: 3}


class Kind(str, enum.Enum):
    """Which family a rule belongs to; decides which suppressions apply."""

    CREDENTIAL = "credential"
    WORKFLOW = "workflow"
    SUPPRESSION = "suppression"  # about a suppression comment itself
    ROTATION = "rotation"  # about when a credential was last rotated (not a place in a file)
    VERIFICATION = "verification"  # what a live check learnt about a found credential


@dataclass(frozen=True)
class Rule:
    """A rule's identity, declared once as data.

    ``id`` is permanent: baselines, suppressions and SARIF key on it.
    ``fix`` is the one-line remedy appended to every message.
    """

    id: str
    title: str
    severity: Severity
    confidence: Confidence
    fix: str
    kind: Kind = Kind.CREDENTIAL
    # detect-secrets ``secret_type`` for credential rules, so baselines interoperate.
    secret_type: str = ""
    # A workflow rule whose findings point at a literal secret (hardcoded-credential): the
    # span is masked in every snippet, and the value scrubbed from every message.
    reports_secret: bool = False

    @property
    def help_uri(self) -> str:
        return f"{DOCS_BASE}{self.id}.md"


class Related(NamedTuple):
    """Another rule that matched the value a finding reports (with that rule's own hash of
    it, as detect-secrets would record it)."""

    rule: str
    secret_type: str = ""
    secret_hash: str = ""


@dataclass(frozen=True)
class Finding:
    """One problem at one place. Never holds the secret itself.

    Made only by ``wabaguard.core.builder.FileFindings`` (the one constructor).
    """

    rule: str
    title: str
    severity: Severity
    confidence: Confidence
    path: str  # repository-relative, POSIX separators
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int  # 1-based, exclusive (the column after the last character)
    message: str
    snippet: str  # the source line, any secret on it redacted
    fingerprint: str
    help_uri: str
    # SHA-1 of the secret, as detect-secrets' baselines store it ("" for non-secret findings).
    secret_hash: str = ""
    secret_type: str = ""
    kind: Kind = field(default=Kind.CREDENTIAL, compare=False)
    # Other rules that matched the same value here (one value, one finding).
    related: tuple[Related, ...] = ()
    # Facts a capability adds (a commit, a secret's age, a verification verdict): JSON values
    # only, never a secret. JSON and SARIF carry them as they are.
    properties: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # Extra lines for people (text, markdown, annotations), e.g. "still in history: rotate it".
    notes: tuple[str, ...] = ()
    # For a finding about something that is not a place in a file (a repository secret named
    # by the GitHub API): its name, e.g. "acme/app: environment prod: WHATSAPP_TOKEN". Then
    # ``path`` is "" and the positions are 0.
    logical_location: str = ""

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path or self.logical_location, self.line, self.column, self.rule)


def fingerprint(rule: str, path: str, identity: str) -> str:
    """Identity that survives line moves: rule + path + (secret hash or YAML route)."""
    digest = hashlib.sha256(f"{rule}\0{path}\0{identity}".encode()).hexdigest()
    return digest[:32]


@dataclass(frozen=True)
class ScanError:
    """A file that could not be analysed (or only partly), and why. Never holds file content.

    ``level`` "error": part of the file was not analysed (an invalid workflow, an internal
    error); the run fails (exit 2) unless ``--no-fail-on-error``. "warning": it was analysed
    in full with a caveat (undecodable bytes replaced); reported, never failing the run.
    """

    path: str
    message: str
    level: Literal["error", "warning"] = "error"


@dataclass(frozen=True)
class Skipped:
    relpath: str
    reason: str
    # Not scanned because it could not be read (permissions, a broken link, deleted while
    # the scan ran), not by policy (binary, too large, outside the tree): reports list
    # these by name in every format, the others only in JSON.
    unreadable: bool = False


@dataclass
class ScanResult:
    findings: list[Finding]
    errors: list[ScanError]
    skipped: list[Skipped]
    files_scanned: int
    bytes_scanned: int
    duration_s: float
    # Findings silenced by a suppression comment, an allowlist pragma or a baseline.
    suppressed: int = 0

    @property
    def files_skipped(self) -> int:
        return len(self.skipped)
