"""What SAM CLI makes of a template under development before aws-sam-translator reads it.

`sam build`, `sam validate` and `sam deploy` read a template whose code is still on disk, and
fill in what the translator would otherwise refuse:
- a zip function with no `CodeUri`, `InlineCode` or `ImageUri` of its own or in
  `Globals.Function` has its code in the template's folder: `CodeUri: .` (aws-sam-cli
  `SamFunctionProvider` reads a missing CodeUri as ".", `sam package` uploads that folder);
- an image function (`PackageType: Image`) without `ImageUri` whose `Metadata` names a
  `Dockerfile` is the image `sam build` tags `<DockerImage or logical ID, lower case>:<DockerTag
  or latest>` (aws-sam-cli `app_builder._build_lambda_image`; the `SAM_BUILD_MODE` suffix it
  adds depends on the build's environment and is left out). The offline Version hash then covers
  that tag, not the image, which `SL022` says;
- local paths (`CodeUri: src/`) are swapped for S3 placeholders, as `sam validate` does, and put
  back afterwards as the plain string (`Code: src/`) that `sam local`, `sam build` and
  `aws cloudformation package` read for `AWS::Lambda::Function` (and likewise `Content`,
  `BodyS3Location`, `DefinitionS3Location`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..errors import Problem, warning

SERVERLESS_FUNCTION = "AWS::Serverless::Function"
# Where a SAM template may name a local file or folder: resource type (or Globals section) ->
# property. The set `sam validate` swaps (aws-sam-cli sam_template_validator.py), and the
# WebFunction `sam build` builds (aws-sam-cli lib/utils/resources.py RESOURCES_WITH_LOCAL_PATHS).
LOCAL_PATHS: dict[str, str] = {
    SERVERLESS_FUNCTION: "CodeUri",
    "AWS::Serverless::WebFunction": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}
GLOBAL_PATHS: dict[str, str] = {"Function": "CodeUri", "Api": "DefinitionUri"}
PLACEHOLDER_BUCKET = "safelambda-local-path"
# How the translator spells an S3 location it made from an `s3://` URI, per target property.
_S3_SHAPES = (("S3Bucket", "S3Key"), ("Bucket", "Key"))
TEMPLATE_FOLDER = "."
CODE_KEYS = ("CodeUri", "InlineCode", "ImageUri")


def _function_globals(template: dict[str, Any]) -> dict[str, Any]:
    globals_ = template.get("Globals")
    shared = globals_.get("Function") if isinstance(globals_, dict) else None
    return shared if isinstance(shared, dict) else {}


Filled = tuple[dict[str, Any], Problem | None] | None  # what to add, and why it matters


def _code_uri(logical_id: str, resource: dict[str, Any], shared: dict[str, Any]) -> Filled:
    props = resource.get("Properties") or {}
    if any(key in props for key in CODE_KEYS) or "CodeUri" in shared:
        return None
    return {"CodeUri": TEMPLATE_FOLDER}, None


def _image_uri(logical_id: str, resource: dict[str, Any], shared: dict[str, Any]) -> Filled:
    props = resource.get("Properties") or {}
    metadata = resource.get("Metadata")
    if "ImageUri" in props or not (isinstance(metadata, dict) and metadata.get("Dockerfile")):
        return None  # without a Dockerfile `sam build` builds nothing; SAM asks for ImageUri
    name, tag = metadata.get("DockerImage", logical_id), metadata.get("DockerTag", "latest")
    if not all(isinstance(part, str | int | float) for part in (name, tag)):
        return None
    uri = f"{str(name).lower()}:{tag}"
    note = warning(
        "SL022",
        f"is filled with {uri}, the tag `sam build` gives the image, so offline the Version "
        "hash covers this tag, not the image's content; change DockerTag whenever the image "
        "changes, so that a deploy of this output publishes a new Version",
        logical_id,
        "Properties.ImageUri",
    )
    return {"ImageUri": uri}, note


FILLS: dict[str, Callable[[str, dict[str, Any], dict[str, Any]], Filled]] = {
    "Zip": _code_uri,
    "Image": _image_uri,
}


def filled(template: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """A copy with what SAM CLI fills before the translator, and a warning per image tag."""
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        return template, []
    shared = _function_globals(template)
    out, notes = dict(resources), []
    for logical_id, resource in resources.items():
        if not (isinstance(resource, dict) and resource.get("Type") == SERVERLESS_FUNCTION):
            continue
        props = resource.get("Properties", {})
        kind = props.get("PackageType", "Zip") if isinstance(props, dict) else None
        fill = FILLS.get(kind) if isinstance(kind, str) else None
        found = fill(str(logical_id), resource, shared) if fill else None
        if found is not None:
            added, note = found
            out[logical_id] = {**resource, "Properties": {**props, **added}}
            notes += [note] if note else []
    return {**template, "Resources": out}, notes


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
