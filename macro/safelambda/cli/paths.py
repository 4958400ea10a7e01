"""Local paths re-pointed when `-o` writes the template to another folder, as `sam build` does.

A relative path in a template is relative to the template's folder. When SAM CLI moves a
template it re-points exactly these properties (aws-sam-cli `commands/_utils/template.py`
`_update_relative_paths`, over `RESOURCES_WITH_LOCAL_PATHS` and `METADATA_WITH_LOCAL_PATHS` in
`lib/utils/resources.py`), plus every `AWS::Include` `Location` and, on those resources, CDK's
`aws:asset:path` metadata; `rebase` does the same. Anything else stays as written, and so do S3
and other URLs, absolute paths and intrinsic functions.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from typing import Any

from ..offline import include

# Resource type -> property paths (`/` between keys, `*` for any key).
RESOURCES: dict[str, tuple[str, ...]] = {
    "AWS::Serverless::Function": ("CodeUri",),
    "AWS::Serverless::WebFunction": ("CodeUri",),
    "AWS::Serverless::LayerVersion": ("ContentUri",),
    "AWS::Serverless::Api": ("DefinitionUri",),
    "AWS::Serverless::HttpApi": ("DefinitionUri",),
    "AWS::Serverless::StateMachine": ("DefinitionUri",),
    "AWS::Serverless::Application": ("Location",),
    "AWS::Serverless::GraphQLApi": ("SchemaUri", "Resolvers/*/*/CodeUri", "Functions/*/CodeUri"),
    "AWS::Lambda::Function": ("Code",),
    "AWS::Lambda::LayerVersion": ("Content",),
    "AWS::ApiGateway::RestApi": ("BodyS3Location",),
    "AWS::ApiGatewayV2::Api": ("BodyS3Location",),
    "AWS::StepFunctions::StateMachine": ("DefinitionS3Location",),
    "AWS::CloudFormation::Stack": ("TemplateURL",),
    "AWS::CloudFormation::StackSet": ("TemplateURL",),
    "AWS::CloudFormation::ModuleVersion": ("ModulePackage",),
    "AWS::CloudFormation::ResourceVersion": ("SchemaHandlerPackage",),
    "AWS::AppSync::GraphQLSchema": ("DefinitionS3Location",),
    "AWS::AppSync::Resolver": (
        "RequestMappingTemplateS3Location",
        "ResponseMappingTemplateS3Location",
        "CodeS3Location",
    ),
    "AWS::AppSync::FunctionConfiguration": (
        "RequestMappingTemplateS3Location",
        "ResponseMappingTemplateS3Location",
        "CodeS3Location",
    ),
    "AWS::ElasticBeanstalk::ApplicationVersion": ("SourceBundle",),
    "AWS::Glue::Job": ("Command/ScriptLocation",),
}
# Template `Metadata` section -> keys holding a local path.
METADATA: dict[str, tuple[str, ...]] = {
    "AWS::ServerlessRepo::Application": ("LicenseUrl", "ReadmeUrl"),
}
ASSET_PATH = "aws:asset:path"  # a resource's Metadata, as the CDK writes it
IMAGE_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")


def _holders(value: Any, pattern: list[str]) -> Iterator[tuple[dict[str, Any], str]]:
    """(mapping, key) for each place `pattern` names inside `value`."""
    if not isinstance(value, dict) or not pattern:
        return
    head, rest = pattern[0], pattern[1:]
    for key in list(value) if head == "*" else [head] if head in value else []:
        if rest:
            yield from _holders(value[key], rest)
        else:
            yield value, key


class _Mover:
    def __init__(self, here: str, there: str) -> None:
        self.here, self.there = here, there

    def move(self, holder: dict[str, Any], key: str) -> None:
        value = holder[key]
        if isinstance(value, str) and value and "://" not in value and not os.path.isabs(value):
            holder[key] = os.path.relpath(os.path.join(self.here, value), self.there)

    def resource(self, resource: Any) -> None:
        kind = resource.get("Type") if isinstance(resource, dict) else None
        if not (isinstance(kind, str) and kind in RESOURCES):
            return  # SAM CLI re-points nothing else, not even the asset path
        props = resource.get("Properties")
        # An image function's code is an image, not a folder (SAM CLI re-points only archives).
        image = (
            kind in IMAGE_TYPES and isinstance(props, dict) and props.get("PackageType") == "Image"
        )
        for pattern in () if image else RESOURCES[kind]:
            for holder, key in _holders(props, pattern.split("/")):
                self.move(holder, key)
        for holder, key in _holders(resource.get("Metadata"), [ASSET_PATH]):
            self.move(holder, key)

    def includes(self, value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                self.includes(item)
        elif isinstance(value, dict):
            spec = value.get(include.KEY)
            if include.location_of(spec) is not None and isinstance(spec, dict):
                self.move(spec["Parameters"], "Location")
            for item in value.values():
                self.includes(item)


def rebase(template: dict[str, Any], source: str, output: str | None) -> dict[str, Any]:
    """`template` (read from `source`) with its local paths re-pointed for writing to `output`."""
    if output in (None, "-") or source == "-":
        return template
    # Folders with symbolic links resolved, as SAM CLI does.
    here = os.path.dirname(os.path.realpath(source))
    there = os.path.dirname(os.path.realpath(str(output)))
    if here == there:
        return template
    moved = copy.deepcopy(template)
    mover = _Mover(here, there)
    resources = moved.get("Resources")
    for resource in resources.values() if isinstance(resources, dict) else ():
        mover.resource(resource)
    metadata = moved.get("Metadata")
    for section, keys in METADATA.items():
        for key in keys:
            for holder, name in _holders(metadata, [section, key]):
                mover.move(holder, name)
    mover.includes(moved)
    return moved
