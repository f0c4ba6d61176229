"""wabaguard's detectors as detect-secrets plugins.

Use with plain detect-secrets::

    PLUGINS=$(python -c 'import wabaguard.detect_secrets_plugins as m; print(m.__file__)')
    detect-secrets scan --plugin "$PLUGINS"

detect-secrets imports this file by path (``importlib`` ``spec_from_file_location``), not as
a package module, so:

* imports are absolute, from the installed ``wabaguard`` package only;
* detect-secrets registers every public ``BasePlugin`` subclass it finds here, so its own
  classes are imported as modules (``_ds_base``), never by name, and our shared base
  class is ``_``-prefixed;
* each ``secret_type`` is a class attribute and permanent: baselines key on it.

``verify()`` never touches the network: detect-secrets calls it on every default scan and
pre-commit run, and a ``VERIFIED_FALSE`` answer would silently drop findings.
Verification, when it comes, will be an explicit opt-in.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import detect_secrets.constants as _ds_constants
import detect_secrets.core.potential_secret as _ds_potential_secret
import detect_secrets.plugins.base as _ds_base

import wabaguard.credentials.detectors.bsp as _bsp
import wabaguard.credentials.detectors.dialog360 as _dialog360
import wabaguard.credentials.detectors.green_api as _green_api
import wabaguard.credentials.detectors.infobip as _infobip
import wabaguard.credentials.detectors.literal as _literal
import wabaguard.credentials.detectors.messaging_keys as _messaging_keys
import wabaguard.credentials.detectors.meta as _meta
import wabaguard.credentials.detectors.twilio as _twilio
from wabaguard.core.findings import Rule
from wabaguard.credentials.detectors import all_detectors
from wabaguard.credentials.detectors.base import Detector, LineContext


def _detector_for(rule_id: str) -> Detector:
    for detector in all_detectors():
        if any(rule.id == rule_id for rule in detector.rules):
            return detector
    raise LookupError(f"no detector owns rule {rule_id!r}")


class _WabaguardPlugin(_ds_base.RegexBasedDetector):
    """Runs one wabaguard rule inside detect-secrets.

    Subclassing ``RegexBasedDetector`` (with an empty denylist) tells detect-secrets these
    are format/assignment-anchored detectors, like its own Twilio or Stripe plugins, so its
    ``is_likely_id_string`` heuristic (meant for the entropy plugins) does not drop a Meta
    token that follows ``phone_number_id=…`` on the same line.
    """

    rule: Rule  # every concrete plugin names its rule and copies its ``secret_type``
    secret_type = ""
    denylist = ()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._detector = _detector_for(self.rule.id)

    def _secrets(
        self, line: str, path: str, lines: list[str], index: int
    ) -> Generator[str, None, None]:
        detector = self._detector
        if not detector.prefilter.search(line):
            return
        for match in detector.scan_line(line, LineContext(lines, index, path)):
            if match.rule.id == self.rule.id:
                # The same value wabaguard's own baselines hash; for Infobip keys it is
                # the UUID-free head, which detect-secrets' UUID filter lets through.
                yield match.baseline_secret or match.secret

    def analyze_string(self, string: str) -> Generator[str, None, None]:
        yield from self._secrets(string, "", [string], 0)

    def analyze_line(
        self,
        filename: str,
        line: str,
        line_number: int = 0,
        context: Any = None,
        **kwargs: Any,
    ) -> set[Any]:
        # Overridden (not just analyze_string) to hand our detectors the file name (quoting
        # rules differ between code and config) and the surrounding lines (context gates).
        if context is not None:
            lines, index = list(context.lines), int(context.target_index)
            lines[index] = line
        else:
            lines, index = [line], 0
        return {
            _ds_potential_secret.PotentialSecret(
                type=self.secret_type,
                filename=filename,
                secret=secret,
                line_number=line_number,
                is_verified=False,
            )
            for secret in self._secrets(line, filename, lines, index)
        }

    def verify(self, secret: str) -> Any:
        return _ds_constants.VerifiedResult.UNVERIFIED


# One class per rule. Class names and secret types are permanent: baselines record both.


class MetaAccessTokenDetector(_WabaguardPlugin):
    rule = _meta.META_ACCESS_TOKEN
    secret_type = rule.secret_type


class MetaAppAccessTokenDetector(_WabaguardPlugin):
    rule = _meta.META_APP_ACCESS_TOKEN
    secret_type = rule.secret_type


class MetaAppSecretDetector(_WabaguardPlugin):
    rule = _meta.META_APP_SECRET
    secret_type = rule.secret_type


class WhatsAppVerifyTokenDetector(_WabaguardPlugin):
    rule = _meta.WHATSAPP_VERIFY_TOKEN
    secret_type = rule.secret_type


class InfobipApiKeyDetector(_WabaguardPlugin):
    rule = _infobip.INFOBIP_API_KEY
    secret_type = rule.secret_type


class GreenApiTokenDetector(_WabaguardPlugin):
    rule = _green_api.GREEN_API_TOKEN
    secret_type = rule.secret_type


class MessageBirdAccessKeyDetector(_WabaguardPlugin):
    rule = _messaging_keys.MESSAGEBIRD_ACCESS_KEY
    secret_type = rule.secret_type


class GupshupApiKeyDetector(_WabaguardPlugin):
    rule = _messaging_keys.GUPSHUP_API_KEY
    secret_type = rule.secret_type


class KaleyraApiKeyDetector(_WabaguardPlugin):
    rule = _messaging_keys.KALEYRA_API_KEY
    secret_type = rule.secret_type


class ChatApiTokenDetector(_WabaguardPlugin):
    rule = _messaging_keys.CHAT_API_TOKEN
    secret_type = rule.secret_type


class TwilioAuthTokenDetector(_WabaguardPlugin):
    rule = _twilio.TWILIO_AUTH_TOKEN
    secret_type = rule.secret_type


class Dialog360ApiKeyDetector(_WabaguardPlugin):
    rule = _dialog360.DIALOG360_API_KEY
    secret_type = rule.secret_type


class BspApiKeyDetector(_WabaguardPlugin):
    rule = _bsp.BSP_API_KEY
    secret_type = rule.secret_type


class WhatsAppCredentialLiteralDetector(_WabaguardPlugin):
    rule = _literal.WHATSAPP_CREDENTIAL_LITERAL
    secret_type = rule.secret_type
