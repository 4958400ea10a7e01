"""Offline expansion of `AWS::Serverless-2016-10-31` through aws-sam-translator.

`sam local` never runs custom macros (aws-sam-cli #2819), so the CLI runs SAM's own translator,
then SafeLambda, to give users the template CloudFormation would deploy. The translator is an
optional dependency (`pip install 'safelambda[sam]'`) and is imported only here, only when needed.

The translator accepts only S3 locations for code and definitions, while a template under
development names local folders (`CodeUri: src/`). Like `sam validate`, local paths are swapped
for placeholders before the translator runs; unlike it, they are put back afterwards, as the plain
string (`Code: src/`) that `sam local`, `sam build` and `aws cloudformation package` read for
`AWS::Lambda::Function` (and likewise `Content`, `BodyS3Location`, `DefinitionS3Location`).
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Mapping
from typing import Any

from ..errors import TransformError, error

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"

# Where a SAM template may name a local file or folder: resource type (or Globals section) ->
# property. The set `sam validate` swaps too (aws-sam-cli sam_template_validator.py).
LOCAL_PATHS: dict[str, str] = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}
GLOBAL_PATHS: dict[str, str] = {"Function": "CodeUri", "Api": "DefinitionUri"}
PLACEHOLDER_BUCKET = "safelambda-local-path"
# How the translator spells an S3 location it made from an `s3://` URI, per target property.
_S3_SHAPES = (("S3Bucket", "S3Key"), ("Bucket", "Key"))


class _BundledPolicies:
    """Managed-policy names from the map aws-sam-translator ships, so no IAM call is made."""

    def __init__(self, partition: str) -> None:
        self.partition = partition

    def load(self) -> dict[str, str]:
        from samtranslator.internal.managed_policies import get_bundled_managed_policy_map

        policies: dict[str, str] = get_bundled_managed_policy_map(self.partition)
        return policies


def transforms_of(template: Mapping[str, Any]) -> list[Any]:
    listed = template.get("Transform")
    if listed is None:
        return []
    return listed if isinstance(listed, list) else [listed]


def _is_local(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not value.startswith("s3://")


def _path_holders(template: dict[str, Any]) -> list[tuple[Any, str]]:
    """(properties mapping, key) for every place SAM reads a code or definition location."""
    holders: list[tuple[Any, str]] = []
    globals_ = template.get("Globals")
    if isinstance(globals_, dict):
        holders += [(globals_.get(section), key) for section, key in GLOBAL_PATHS.items()]
    resources = template.get("Resources")
    for resource in resources.values() if isinstance(resources, dict) else ():
        if isinstance(resource, dict) and resource.get("Type") in LOCAL_PATHS:
            holders.append((resource.get("Properties"), LOCAL_PATHS[resource["Type"]]))
    return holders


def swap_local_paths(template: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy with each local path replaced by `s3://<placeholder>/<index>`, and the paths."""
    swapped = copy.deepcopy(template)
    paths: list[str] = []
    for properties, key in _path_holders(swapped):
        if isinstance(properties, dict) and _is_local(properties.get(key)):
            paths.append(properties[key])
            properties[key] = f"s3://{PLACEHOLDER_BUCKET}/{len(paths) - 1}"
    return swapped, paths


def restore_local_paths(value: Any, paths: list[str]) -> Any:
    """`value` with every placeholder location the translator made turned back into its path."""
    if isinstance(value, list):
        return [restore_local_paths(item, paths) for item in value]
    if isinstance(value, str) and value.startswith(f"s3://{PLACEHOLDER_BUCKET}/"):
        return _path_at(value.rsplit("/", 1)[1], paths, value)
    if not isinstance(value, dict):
        return value
    for bucket, key in _S3_SHAPES:
        if value.get(bucket) == PLACEHOLDER_BUCKET and set(value) == {bucket, key}:
            return _path_at(value[key], paths, value)
    return {k: restore_local_paths(v, paths) for k, v in value.items()}


def _path_at(index: Any, paths: list[str], value: Any) -> Any:
    if isinstance(index, str) and index.isdigit() and int(index) < len(paths):
        return paths[int(index)]
    return value


def redact(message: str, template: Mapping[str, Any], values: Mapping[str, Any]) -> str:
    """`message` without the values of NoEcho parameters: SAM quotes resolved values in errors."""
    declared = template.get("Parameters")
    for name, spec in (declared if isinstance(declared, dict) else {}).items():
        hidden = isinstance(spec, dict) and str(spec.get("NoEcho", "")).lower() == "true"
        value = values.get(name)
        for secret in (value if isinstance(value, list) else [value]) if hidden else []:
            if isinstance(secret, str) and secret:
                message = message.replace(secret, "****")
    return message


def expand(
    template: dict[str, Any], parameter_values: Mapping[str, Any], region: str, partition: str
) -> dict[str, Any]:
    """The template as `AWS::Serverless-2016-10-31` would hand it to the next transform."""
    try:
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.translator.transform import transform as sam_transform
    except ImportError:
        raise TransformError(
            [
                error(
                    "SL014",
                    "expanding SAM offline needs aws-sam-translator: pip install 'safelambda[sam]'",
                    None,
                    "Transform",
                )
            ]
        ) from None
    # Each translation records metrics it never publishes offline; when a second translation
    # (`check --previous`) frees the first, the translator logs "There are unpublished metrics"
    # on stderr. Offline there is nowhere to publish them.
    logging.getLogger("samtranslator.metrics.metrics").setLevel(logging.ERROR)
    swapped, paths = swap_local_paths(template)
    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region  # the translator reads the region from here
    try:
        expanded: dict[str, Any] = sam_transform(
            swapped, dict(parameter_values), _BundledPolicies(partition)
        )
    except InvalidDocumentException as failure:
        raise TransformError(
            [
                error(
                    "SL014",
                    "SAM could not expand the template: "
                    + redact(cause.message, template, parameter_values),
                    None,
                    "Transform",
                )
                for cause in failure.causes
            ]
        ) from None
    finally:
        if previous is None:
            del os.environ["AWS_DEFAULT_REGION"]
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous
    restored: dict[str, Any] = restore_local_paths(expanded, paths)
    return restored
