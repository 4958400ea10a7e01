"""The content hash that decides when a new Version is published.

A new Version must be published exactly when `$LATEST` changes, so the hash covers every
property that `UpdateFunctionCode` or `UpdateFunctionConfiguration` sets (SAM's AutoPublishAlias
misses Architectures, Layers and Timeout: SAM #413, #2418, #3622) and nothing else (Tags change
no code or configuration). Changing anything here changes every user's Version logical IDs and so
republishes every function on their next deploy: bump HASH_SCHEME and say so in the README.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

HASH_SCHEME = 1
ID_LENGTH = 10

# CDK's VERSION_LOCKED table (aws-lambda function-hash.ts) is the reference classification: a
# property `UpdateFunctionCode` or `UpdateFunctionConfiguration` sets is locked. One deliberate
# difference: `RecursiveLoop` (PutFunctionRecursionConfig) applies to the function, not a version.
LOCKED = frozenset(
    {
        "Architectures",
        "CapacityProviderConfig",
        "Code",
        "DeadLetterConfig",
        "Description",
        "DurableConfig",
        "Environment",
        "EphemeralStorage",
        "FileSystemConfigs",
        "FunctionName",
        "FunctionScalingConfig",
        "Handler",
        "ImageConfig",
        "KmsKeyArn",
        "Layers",
        "LoggingConfig",
        "MemorySize",
        "PackageType",
        "PublishToLatestPublished",
        "Role",
        "Runtime",
        "RuntimeManagementConfig",
        "SnapStart",
        "Timeout",
        "TracingConfig",
        "VpcConfig",
    }
)
# `TenancyConfig` is create-only: changing it replaces the function, and with it the Version.
UNLOCKED = frozenset(
    {
        "Tags",
        "ReservedConcurrentExecutions",
        "RecursiveLoop",
        "CodeSigningConfigArn",
        "TenancyConfig",
    }
)

MARKER_PREFIX = "SafeLambda:"
_MARKER = re.compile(r"(?:^| \| )SafeLambda:[0-9a-f]{%d}$" % ID_LENGTH)
DESCRIPTION_LIMIT = 256
MARKER_LENGTH = len(" | " + MARKER_PREFIX) + ID_LENGTH
TEXT_LIMIT = DESCRIPTION_LIMIT - MARKER_LENGTH  # what is left of a Description for the user
CUT = "…"  # ends a Description SafeLambda shortened to fit its marker


def split_properties(properties: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The version-locked properties, and the names of those the tables do not know."""
    locked = {k: v for k, v in properties.items() if k not in UNLOCKED}
    unknown = sorted(k for k in locked if k not in LOCKED)
    return locked, unknown


def canonical_json(value: Any) -> str:
    # `default=str` keeps dates that YAML loaders produce (AWSTemplateFormatVersion: 2010-09-09).
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def content_hash(locked: Mapping[str, Any], dependencies: Mapping[str, Any] | None = None) -> str:
    """Hex SHA-256 of the scheme version, the resolved locked properties and their dependencies."""
    document = {"scheme": HASH_SCHEME, "properties": locked, "dependencies": dependencies or {}}
    # `surrogatepass`: JSON may carry a lone surrogate (`"\ud800"`); hash it rather than crash.
    return hashlib.sha256(canonical_json(document).encode("utf-8", "surrogatepass")).hexdigest()


def strip_marker(description: Any) -> Any:
    """The user's Description without a marker left by an earlier run (so runs are idempotent)."""
    if isinstance(description, str):
        return _MARKER.sub("", description)
    # `with_marker` wraps an intrinsic Description as Fn::Join [" | ", [it, "SafeLambda:…"]].
    joined = description.get("Fn::Join") if isinstance(description, dict) else None
    if not (isinstance(joined, list) and len(joined) == 2 and len(description) == 1):
        return description
    delimiter, parts = joined
    wrapped = delimiter == " | " and isinstance(parts, list) and len(parts) == 2
    if wrapped and isinstance(parts[1], str) and _MARKER.fullmatch(parts[1]):
        return parts[0]
    return description


def marker_of(description: Any) -> str | None:
    """The hash digits of the marker an earlier run left in a Description, if any."""
    if isinstance(description, str):
        found = _MARKER.search(description)
        return found.group(0)[-ID_LENGTH:] if found else None
    if strip_marker(description) is description:
        return None
    return marker_of(description["Fn::Join"][1][1])  # the form `with_marker` writes


def fitted(text: str) -> str:
    """A Description as it fits beside the marker: cut to TEXT_LIMIT characters, ending in CUT.

    Lambda allows 256 characters (CloudFormation resource reference, AWS::Lambda::Function
    Description: maximum 256); the marker takes MARKER_LENGTH of them. The hash reads the text as
    it is deployed, so a second run (which reads the cut text) gives the same Version.
    """
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - len(CUT)] + CUT


def was_cut(text: str) -> bool:
    """True for a text too long to fit, and for one an earlier run cut (so runs agree)."""
    return len(text) > TEXT_LIMIT or (len(text) == TEXT_LIMIT and text.endswith(CUT))


def with_marker(description: Any, digest: str) -> Any:
    """The Description that makes `$LATEST` change whenever the hash changes.

    Lambda refuses to publish a Version when nothing changed since the last one ("A version for
    this Lambda function exists"); the marker guarantees a real change behind every new Version.
    """
    marker = MARKER_PREFIX + digest[:ID_LENGTH]
    if description in (None, ""):
        return marker
    if isinstance(description, str):
        return f"{description} | {marker}"
    return {"Fn::Join": [" | ", [description, marker]]}
