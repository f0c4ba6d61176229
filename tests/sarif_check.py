"""The one check every SARIF-producing test runs: the official 2.1.0 schema, and every
artifact URI a valid RFC 3986 reference that decodes back to a path.

The schema (with ``format: uri-reference``, which jsonschema does not check without extra
packages) does not catch an unencoded ``#``, ``%`` or space; the grammar below does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

SCHEMA_FILES = (
    Path(__file__).parent / "data" / "sarif-schema-2.1.0.json",
    Path("/work/shared/schemas/sarif-schema-2.1.0.json"),
)

# RFC 3986, section 3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@".
_UNRESERVED_SUB_DELIMS = r"A-Za-z0-9\-._~!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED_SUB_DELIMS}:@]|{_PCT})"
_PCHAR_NC = rf"(?:[{_UNRESERVED_SUB_DELIMS}@]|{_PCT})"  # no ":" (segment-nz-nc)
# A relative reference that is a path relative to its base (path-noscheme): no scheme, no
# authority, no leading "/", no query or fragment (a "?" or "#" in a name must be encoded).
RELATIVE_PATH_REF = re.compile(rf"{_PCHAR_NC}+(?:/{_PCHAR}*)*")
# An absolute file URI with an empty authority: file:///abs/path.
FILE_URI = re.compile(rf"file://(?:/{_PCHAR}*)+")


@cache
def schema() -> dict[str, Any]:
    for path in SCHEMA_FILES:
        if path.is_file():
            loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return loaded
    raise AssertionError("the SARIF 2.1.0 schema is missing from tests/data/")


def assert_valid_sarif(document: dict[str, Any] | str | Path) -> dict[str, Any]:
    """Validate a SARIF document (or the file holding one); returns the parsed document."""
    import jsonschema

    if isinstance(document, Path):
        document = document.read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(document) if isinstance(document, str) else document
    assert doc["version"] == "2.1.0"
    validator = jsonschema.validators.validator_for(schema())(schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    for run in doc["runs"]:
        for name, base in run.get("originalUriBaseIds", {}).items():
            # SARIF 3.14.14: without a uriBaseId of its own, a base's uri is absolute.
            assert "uri" not in base or "uriBaseId" in base or FILE_URI.fullmatch(base["uri"]), (
                name,
                base,
            )
    for location in artifact_locations(doc):
        uri_to_path(location)  # asserts the URI is well-formed
    return doc


def artifact_locations(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every artifactLocation in results and notifications."""
    for run in doc["runs"]:
        for result in run.get("results", []):
            for location in result.get("locations", []) + result.get("relatedLocations", []):
                if "physicalLocation" in location:  # else a logical location only
                    yield location["physicalLocation"]["artifactLocation"]
        for invocation in run.get("invocations", []):
            for note in invocation.get("toolExecutionNotifications", []):
                for location in note.get("locations", []):
                    yield location["physicalLocation"]["artifactLocation"]


def uri_to_path(location: dict[str, Any]) -> str:
    """The path an artifactLocation names, after checking its URI against RFC 3986."""
    uri = location["uri"]
    if "uriBaseId" in location:
        assert location["uriBaseId"] == "%SRCROOT%", location
        assert RELATIVE_PATH_REF.fullmatch(uri), f"not a relative path reference: {uri!r}"
        return unquote(uri, errors="strict")
    assert FILE_URI.fullmatch(uri), f"not an absolute file URI: {uri!r}"
    return unquote(uri.removeprefix("file://"), errors="strict")
