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

from wabaguard.detectors import all_detectors
from wabaguard.detectors.base import Detector, LineContext


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

    secret_type = ""  # overridden by every concrete plugin
    rule_id = ""
    denylist = ()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._detector = _detector_for(self.rule_id)

    def _secrets(
        self, line: str, path: str, lines: list[str], index: int
    ) -> Generator[str, None, None]:
        detector = self._detector
        if not detector.prefilter.search(line):
            return
        for match in detector.scan_line(line, LineContext(lines, index, path)):
            if match.rule.id == self.rule_id:
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


class MetaAccessTokenDetector(_WabaguardPlugin):
    """``EAA…`` Meta access tokens (structurally validated)."""

    secret_type = "Meta Access Token"
    rule_id = "meta-access-token"


class MetaAppAccessTokenDetector(_WabaguardPlugin):
    secret_type = "Meta App Access Token"
    rule_id = "meta-app-access-token"


class MetaAppSecretDetector(_WabaguardPlugin):
    secret_type = "Meta App Secret"
    rule_id = "meta-app-secret"


class WhatsAppVerifyTokenDetector(_WabaguardPlugin):
    secret_type = "WhatsApp Webhook Verify Token"
    rule_id = "whatsapp-verify-token"


class InfobipApiKeyDetector(_WabaguardPlugin):
    secret_type = "Infobip API Key"
    rule_id = "infobip-api-key"


class GreenApiTokenDetector(_WabaguardPlugin):
    secret_type = "GREEN-API Instance Token"
    rule_id = "green-api-token"


class Dialog360ApiKeyDetector(_WabaguardPlugin):
    secret_type = "360dialog API Key"
    rule_id = "dialog360-api-key"


class WhatsAppCredentialLiteralDetector(_WabaguardPlugin):
    secret_type = "WhatsApp Credential Literal"
    rule_id = "whatsapp-credential-literal"


class MessageBirdAccessKeyDetector(_WabaguardPlugin):
    secret_type = "MessageBird Access Key"
    rule_id = "messagebird-access-key"


class GupshupApiKeyDetector(_WabaguardPlugin):
    secret_type = "Gupshup API Key"
    rule_id = "gupshup-api-key"


class KaleyraApiKeyDetector(_WabaguardPlugin):
    secret_type = "Kaleyra API Key"
    rule_id = "kaleyra-api-key"


class ChatApiTokenDetector(_WabaguardPlugin):
    secret_type = "Chat API Token"
    rule_id = "chat-api-token"


class BspApiKeyDetector(_WabaguardPlugin):
    secret_type = "WhatsApp BSP API Key"
    rule_id = "bsp-api-key"
