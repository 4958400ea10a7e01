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

# CDK's VERSION_LOCKED table (aws-lambda function-hash.ts) is the reference classification.
LOCKED = frozenset(
    {
        "Architectures",
        "Code",
        "DeadLetterConfig",
        "Description",
        "Environment",
        "EphemeralStorage",
        "FileSystemConfigs",
        "FunctionName",
        "Handler",
        "ImageConfig",
        "KmsKeyArn",
        "Layers",
        "LoggingConfig",
        "MemorySize",
        "PackageType",
        "Role",
        "Runtime",
        "RuntimeManagementConfig",
        "SnapStart",
        "Timeout",
        "TracingConfig",
        "VpcConfig",
    }
)
UNLOCKED = frozenset(
    {"Tags", "ReservedConcurrentExecutions", "RecursiveLoop", "CodeSigningConfigArn"}
)

MARKER_PREFIX = "SafeLambda:"
_MARKER = re.compile(r"(?:^| \| )SafeLambda:[0-9a-f]{%d}$" % ID_LENGTH)
DESCRIPTION_LIMIT = 256
MARKER_LENGTH = len(" | " + MARKER_PREFIX) + ID_LENGTH


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
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


def strip_marker(description: Any) -> Any:
    """The user's Description without a marker left by an earlier run (so runs are idempotent)."""
    if isinstance(description, str):
        return _MARKER.sub("", description)
    # An intrinsic Description got the marker through `with_marker`'s Fn::Join form.
    join = description.get("Fn::Join") if isinstance(description, dict) else None
    if join is not None and len(description) == 1:
        parts = join[1] if isinstance(join, list) and len(join) == 2 and join[0] == " | " else None
        if isinstance(parts, list) and len(parts) == 2 and isinstance(parts[1], str):
            return parts[0] if _MARKER.fullmatch(parts[1]) else description
    return description


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
