"""Secret names that hold identifiers, not credentials, and build args that are public anyway.

Teams store usernames, account ids, hosts and URLs as repository secrets to keep them out of the
workflow text, but on argv or in an image tag they reveal nothing that grants access:
``docker login -u "${{ secrets.DOCKERHUB_USERNAME }}" --password-stdin`` is the recommended
form. These names carry no taint. Build args read by front-end bundlers (``VITE_*``,
``NEXT_PUBLIC_*``…) are compiled into the published bundle, so a build arg is no extra exposure.
"""

from __future__ import annotations

import re

# By suffix (or the whole name): ``DOCKERHUB_USERNAME``, ``AZURE_CLIENT_ID``, ``SSH_HOST``…
_IDENTIFIER = re.compile(
    r"(?:^|_)(?:USER(?:_?NAME)?|LOGIN|E?MAIL|EMAIL_ADDRESS|ACTOR|OWNER|"
    r"(?:CLIENT|APP|APPLICATION|ACCOUNT|TENANT|SUBSCRIPTION|PROJECT|ORG|ORGANIZATION|"
    r"PHONE_NUMBER|PHONE|BUSINESS_ACCOUNT|WABA|CHAT|CHANNEL|INSTALLATION|SITE|ZONE|TEAM)_?ID|"
    r"REGISTRY|HOST(?:NAME)?|SERVER|DOMAIN|PORT|REGION|NAMESPACE|BUCKET|IMAGE|REPO(?:SITORY)?|"
    r"URL|URI|ENDPOINT)$",
    re.IGNORECASE,
)
# A URL that embeds a credential: webhooks, connection strings, signed links.
_CREDENTIAL_URL = re.compile(
    r"WEBHOOK|HOOK|DSN|DATABASE|(?:^|_)DB_|REDIS|MONGO|POSTGRES|PG_|MYSQL|AMQP|RABBIT|CONN|"
    r"SIGNED|TOKEN|KEY|SECRET|PASS|AUTH|CRED",
    re.IGNORECASE,
)
_URL_SUFFIX = re.compile(r"(?:URL|URI|ENDPOINT)$", re.IGNORECASE)
_PUBLIC_BUILD_ARG = re.compile(
    r"^(?:VITE_|NEXT_PUBLIC_|REACT_APP_|NUXT_PUBLIC_|PUBLIC_|EXPO_PUBLIC_|GATSBY_|VUE_APP_)"
    r"|_CLIENT_ID$",
    re.IGNORECASE,
)


def is_identifier_name(name: str) -> bool:
    """Does a secret named ``name`` hold an identifier (a username, an id, a host, a URL)?"""
    if not _IDENTIFIER.search(name):
        return False
    return not (_URL_SUFFIX.search(name) and _CREDENTIAL_URL.search(name))


def is_public_build_arg(name: str) -> bool:
    """A build arg a front-end bundler publishes in the bundle (``VITE_*``, ``*_CLIENT_ID``…)."""
    return _PUBLIC_BUILD_ARG.search(name) is not None
