"""The rotation check: which credentials are older than the policy allows.

The guidance is to rotate API keys at least every 90 days. GitHub lists, for every Actions,
environment, organisation and Dependabot secret, its name and when its value was last set
(``updated_at``), never the value: enough to tell which credentials are overdue. Credentials
kept elsewhere (a vault, a BSP's dashboard) are listed with their last rotation date in the
config's ``rotation.inventory`` and checked with no network at all.

The policy, in days (UTC calendar dates, so a result does not depend on the hour):

* age = today - the date of the last rotation;
* due date = that date + ``max-age``;
* overdue (a ``stale-credential`` finding, the rule's severity) when today is past the due
  date, i.e. age > ``max-age``;
* due soon (the same rule, severity LOW) when the due date is at most ``warn-within`` days
  away, today included.

``stale_credential_draft`` is the rule's one constructor, for every capability that learns a
credential's age (live verification knows a Meta token's ``issued_at``).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from wabaguard.core.builder import Draft, FileFindings
from wabaguard.core.config import Config, ConfigError
from wabaguard.core.findings import ScanError, ScanResult, Severity
from wabaguard.online.rules import STALE_CREDENTIAL

DEFAULT_MAX_AGE = 90
DEFAULT_WARN_WITHIN = 14

# Names that look like WhatsApp, Meta or BSP credentials (case-insensitive globs). The BSPs
# are those wabaguard's detectors know (docs/rules: the *-api-key pages and bsp-api-key).
DEFAULT_MATCH: tuple[str, ...] = (
    "*WHATSAPP*",
    "WA_*",
    "META_*",
    "FB_*",
    "FACEBOOK_*",
    "*360DIALOG*",
    "D360_*",
    "DIALOG360_*",
    "INFOBIP_*",
    "GREEN_API_*",
    "GREENAPI_*",
    "GUPSHUP_*",
    "CHAT_API_*",
    "CHATAPI_*",
    "TWILIO_*",
    "MESSAGEBIRD_*",
    "VONAGE_*",
    "NEXMO_*",
    "KALEYRA_*",
    "WATI_*",
    "ULTRAMSG_*",
    "WASSENGER_*",
    "MAYTAPI_*",
    "WHAPI_*",
    "GALLABOX_*",
    "INTERAKT_*",
    "AISENSY_*",
    "SINCH_*",
    "TYNTEC_*",
    "YCLOUD_*",
)
# Settings stored as secrets that are not credentials: nothing to rotate.
DEFAULT_IGNORE: tuple[str, ...] = (
    "*_ID",
    "*_IDS",
    "*_ID_INSTANCE",
    "*_SID",
    "*_URL",
    "*_URI",
    "*_ENDPOINT",
    "*_HOST",
    "*_NUMBER",
    "*_PHONE",
    "*_NAME",
    "*_USERNAME",
    "*_EMAIL",
    "*_REGION",
    "*_VERSION",
)

_VISIBILITY = {
    "all": "all repositories",
    "private": "private and internal repositories",
    "selected": "selected repositories",
}
SCOPES = ("repo", "environment", "org", "dependabot", "org-dependabot", "inventory")


class RotationError(Exception):
    """The check cannot run or read anything (exit code 2); ``message`` is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- the policy ------------------------------------------------------------------------


@dataclass(frozen=True)
class InventoryEntry:
    name: str
    rotated: dt.date
    where: str = ""  # where it is kept ("Vault secret/whatsapp", "360dialog hub")


@dataclass(frozen=True)
class RotationPolicy:
    max_age: int = DEFAULT_MAX_AGE  # days
    warn_within: int = DEFAULT_WARN_WITHIN  # days
    match: tuple[str, ...] = DEFAULT_MATCH
    ignore: tuple[str, ...] = DEFAULT_IGNORE
    inventory: tuple[InventoryEntry, ...] = ()

    @classmethod
    def from_config(cls, table: Mapping[str, Any], where: str) -> RotationPolicy:
        """The config's ``rotation`` table; unknown keys and bad values are ``ConfigError``."""
        where = f"{where}: rotation"
        known = {"max-age", "warn-within", "match", "ignore", "inventory"}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ConfigError(
                f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})"
            )
        policy = cls(
            max_age=parse_days(table.get("max-age", DEFAULT_MAX_AGE), f"{where}.max-age"),
            warn_within=parse_days(
                table.get("warn-within", DEFAULT_WARN_WITHIN), f"{where}.warn-within", zero=True
            ),
            match=_patterns(table.get("match", list(DEFAULT_MATCH)), f"{where}.match"),
            ignore=_patterns(table.get("ignore", list(DEFAULT_IGNORE)), f"{where}.ignore"),
            inventory=_inventory(table.get("inventory", {}), f"{where}.inventory"),
        )
        policy.check_windows(where)
        return policy

    def with_options(
        self, max_age: str | None, warn_within: str | None, match: Sequence[str]
    ) -> RotationPolicy:
        """Command-line options over the config (``--match`` replaces the patterns)."""
        changes: dict[str, Any] = {}
        if max_age is not None:
            changes["max_age"] = parse_days(max_age, "--max-age")
        if warn_within is not None:
            changes["warn_within"] = parse_days(warn_within, "--warn-within", zero=True)
        if match:
            changes["match"] = _patterns(list(match), "--match")
        policy = replace(self, **changes)
        policy.check_windows("options")
        return policy

    def check_windows(self, where: str) -> None:
        if self.warn_within >= self.max_age:
            raise ConfigError(
                f"{where}: warn-within ({self.warn_within}d) must be shorter than "
                f"max-age ({self.max_age}d)"
            )

    def covers(self, name: str) -> bool:
        """Whether a secret of this name is a credential the policy checks."""
        upper = name.upper()
        return any(fnmatch.fnmatchcase(upper, p) for p in self.match) and not any(
            fnmatch.fnmatchcase(upper, p) for p in self.ignore
        )


_DAYS = re.compile(r"([0-9]{1,5})\s*([dw]?)")


def parse_days(value: Any, where: str, *, zero: bool = False) -> int:
    """``90``, ``"90d"`` or ``"13w"`` as a number of days."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        days = value
    elif isinstance(value, str) and (m := _DAYS.fullmatch(value.strip().lower())):
        days = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
    else:
        raise ConfigError(f"{where}: expected a number of days, like 90d or 13w")
    if days < (0 if zero else 1) or days > 36500:
        low = 0 if zero else 1
        raise ConfigError(f"{where}: expected {low} to 36500 days")
    return days


def _patterns(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: expected a list of name patterns, like WHATSAPP_*")
    return tuple(v.strip().upper() for v in value)


def _inventory(value: Any, where: str) -> tuple[InventoryEntry, ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of NAME = last rotation date")
    entries = []
    for name, spec in value.items():
        here = f"{where}.{name}"
        note = ""
        if isinstance(spec, dict):
            unknown = sorted(set(spec) - {"rotated", "where"})
            if unknown or "rotated" not in spec:
                raise ConfigError(
                    f'{here}: expected {{ rotated = YYYY-MM-DD, where = "..." }} '
                    "(where is optional)"
                )
            note = spec.get("where", "")
            if not isinstance(note, str):
                raise ConfigError(f"{here}.where: expected a string")
            spec = spec["rotated"]
        entries.append(InventoryEntry(str(name), _date(spec, here), note.strip()))
    return tuple(entries)


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return _utc(value).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{where}: expected the last rotation date, like 2026-09-30")


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def parse_timestamp(value: str) -> dt.datetime | None:
    """GitHub's ``2026-09-30T12:00:00Z`` (any ISO 8601 with a zone) as UTC, or None."""
    try:
        return _utc(dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        return None


def parse_now(value: str | None) -> dt.datetime:
    """``--now`` (a date or an ISO time, for tests and what-if checks), else the clock."""
    if not value:
        return dt.datetime.now(dt.timezone.utc)
    moment = parse_timestamp(value)
    if moment is None:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ConfigError("--now: expected a date or an ISO 8601 time") from None
        moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    return moment


# -- assessing one credential ---------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    status: str  # "overdue", "due-soon" or "ok"
    age_days: int
    due_date: dt.date
    days_left: int  # negative when overdue


def assess(last_rotated: dt.date, today: dt.date, policy: RotationPolicy) -> Assessment:
    age = max(0, (today - last_rotated).days)
    due = last_rotated + dt.timedelta(days=policy.max_age)
    left = (due - today).days
    if left < 0:
        status = "overdue"
    elif left <= policy.warn_within:
        status = "due-soon"
    else:
        status = "ok"
    return Assessment(status, age, due, left)


def stale_credential_draft(
    *,
    name: str,
    where: str,
    logical_location: str,
    identity: str,
    last_rotated: dt.date,
    today: dt.date,
    policy: RotationPolicy,
    verb: str = "was last rotated",
    properties: Mapping[str, Any] | None = None,
) -> Draft | None:
    """The ``stale-credential`` draft for a credential last rotated on ``last_rotated``, or
    None while it is within the policy. ``where`` says which credential, for people
    (``repo``, ``environment prod``); ``identity`` keys the fingerprint, so one credential
    keeps one alert from its first warning until it is rotated."""
    verdict = assess(last_rotated, today, policy)
    if verdict.status == "ok":
        return None
    ago = _days(verdict.age_days)
    if verdict.status == "overdue":
        detail = (
            f"{name} ({where}) {verb} {ago} ago, on {last_rotated}: overdue since "
            f"{verdict.due_date} under the {policy.max_age}-day rotation policy"
        )
    else:
        when = "today" if verdict.days_left == 0 else f"in {_days(verdict.days_left)}"
        detail = (
            f"{name} ({where}) {verb} {ago} ago, on {last_rotated}: due {when}, on "
            f"{verdict.due_date}, under the {policy.max_age}-day rotation policy"
        )
    facts: dict[str, Any] = {
        "name": name,
        **(properties or {}),
        "age_days": verdict.age_days,
        "due_date": verdict.due_date.isoformat(),
        "last_rotated": last_rotated.isoformat(),
        "status": verdict.status,
        "max_age_days": policy.max_age,
    }
    return Draft(
        STALE_CREDENTIAL,
        0,
        0,
        0,
        0,
        detail=detail,
        identity=identity,
        properties=facts,
        logical_location=logical_location,
        severity=Severity.LOW if verdict.status == "due-soon" else None,
    )


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


# -- credentials, wherever they are kept ------------------------------------------------


@dataclass(frozen=True)
class Credential:
    """A named credential and when it was last rotated, as its keeper reports it."""

    name: str
    scope: str  # one of SCOPES
    owner: str = ""  # "acme/app" (repository scopes), "acme" (organisation scopes), ""
    environment: str = ""
    updated_at: str = ""  # GitHub's timestamp, as listed
    created_at: str = ""
    visibility: str = ""
    rotated: dt.date | None = None  # inventory entries
    kept_in: str = ""  # inventory entries: where

    @property
    def where(self) -> str:
        """For people: ``repository secret``, ``environment prod``, ``organisation secret,
        visible to all repositories``."""
        if self.scope == "environment":
            return f"environment {self.environment}"
        if self.scope in ("org", "org-dependabot"):
            label = "organisation" if self.scope == "org" else "organisation Dependabot"
            seen = _VISIBILITY.get(self.visibility, self.visibility)
            return f"{label} secret, visible to {seen}" if seen else f"{label} secret"
        if self.scope == "inventory":
            return f"inventory, {self.kept_in}" if self.kept_in else "inventory"
        return {"repo": "repository secret", "dependabot": "Dependabot secret"}[self.scope]

    @property
    def location(self) -> str:
        """The logical location: ``acme/app: environment prod: WHATSAPP_TOKEN``."""
        scope = {
            "environment": f"environment {self.environment}",
            "org-dependabot": "org dependabot",
        }.get(self.scope, self.scope)
        if self.scope == "inventory":
            scope = f"inventory ({self.kept_in})" if self.kept_in else "inventory"
        parts = [p for p in (self.owner, scope, self.name) if p]
        return ": ".join(parts)

    def properties(self) -> dict[str, Any]:
        facts: dict[str, Any] = {"scope": self.scope}
        if self.scope in ("org", "org-dependabot"):
            facts["organization"] = self.owner
        elif self.owner:
            facts["repository"] = self.owner
        if self.environment:
            facts["environment"] = self.environment
        if self.updated_at:
            facts["updated_at"] = self.updated_at
        if self.created_at:
            facts["created_at"] = self.created_at
        if self.visibility:
            facts["visibility"] = self.visibility
        if self.kept_in:
            facts["kept_in"] = self.kept_in
        return facts


@dataclass(frozen=True)
class Summary:
    targets: tuple[str, ...]
    today: dt.date
    policy: RotationPolicy
    listed: int  # credentials seen
    checked: int  # of which the policy covers (all with --all)
    check_all: bool


@dataclass(frozen=True)
class Outcome:
    result: ScanResult
    summary: Summary


def inventory_credentials(policy: RotationPolicy) -> list[Credential]:
    return [
        Credential(e.name, "inventory", rotated=e.rotated, kept_in=e.where)
        for e in policy.inventory
    ]


def evaluate(
    credentials: Iterable[Credential],
    errors: list[ScanError],
    *,
    policy: RotationPolicy,
    today: dt.date,
    config: Config,
    check_all: bool,
    targets: tuple[str, ...],
    known_rules: Callable[[], frozenset[str]],
) -> Outcome:
    """Findings for every credential past (or near) its due date, oldest first."""
    sink = FileFindings("", config, known_rules)
    listed = checked = 0
    for cred in credentials:
        listed += 1
        if cred.scope != "inventory" and not check_all and not policy.covers(cred.name):
            continue
        if cred.rotated is not None:
            last, verb = cred.rotated, "was last rotated"
        else:
            moment = parse_timestamp(cred.updated_at)
            if moment is None:
                errors.append(
                    ScanError(cred.location, "GitHub listed no usable updated_at; not checked")
                )
                continue
            last, verb = moment.date(), "was last updated in GitHub"
        checked += 1
        draft = stale_credential_draft(
            name=cred.name,
            where=cred.where,
            logical_location=cred.location,
            identity=f"{cred.scope}\0{cred.owner}\0{cred.environment}\0{cred.name.upper()}",
            last_rotated=last,
            today=today,
            policy=policy,
            verb=verb,
            properties=cred.properties(),
        )
        if draft is not None:
            sink.add(draft, "")
    findings, suppressed = sink.finish()
    findings.sort(key=lambda f: (-int(f.properties.get("age_days", 0)), f.logical_location))
    result = ScanResult(findings, errors, [], 0, 0, 0.0, suppressed)
    return Outcome(result, Summary(targets, today, policy, listed, checked, check_all))
