"""Checks on the shape of a template before any step runs, and small accessors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, NamedTuple

from ..errors import Problem, error
from .checks import Names, depth_problem, intrinsic_check
from .types import kind_of, type_problems

TEMPLATE_LIMIT = 1_000_000  # bytes: CloudFormation's limit for a template passed through S3
RESOURCE_LIMIT = 500
FUNCTION = "AWS::Lambda::Function"
# What `Work.may_name` is asked about: functions, and the Versions and Aliases that stand for them.
# What the steps ask who names (`Work.may_name`): functions, Versions and aliases, and what the
# reference step may give a new logical ID (API Deployments, target groups).
NAMED = frozenset(
    {FUNCTION, "AWS::Lambda::Version", "AWS::Lambda::Alias"}
    | {"AWS::ApiGateway::Deployment", "AWS::ApiGatewayV2::Deployment"}
    | {"AWS::ElasticLoadBalancingV2::TargetGroup"}
)
TRANSFORM_KEY = '"Fn::Transform"'
BATCH = 64  # resources encoded at once when measuring the template's size
# What json.dumps(value, default=str) uses, without its cycle check, which cost a fifth of the
# encoding: a cycle then ends in a RecursionError, like nesting past the interpreter's limit.
_ENCODER = json.JSONEncoder(default=str, check_circular=False)
# Sections SafeLambda reads or writes besides Resources (it adds its report to Metadata).
SECTIONS = ("Parameters", "Mappings", "Conditions", "Outputs", "Metadata")


class Checked(NamedTuple):
    template: dict[str, Any]
    problems: list[Problem]
    # The `NAMED` resources each resource's Properties name, from the input checks; None when
    # they did not run or an Fn::Transform hides part of the template from them.
    names: dict[str, tuple[str, ...]] | None = None


def checked(fragment: Any) -> Checked:
    """The template for the steps, and every problem that stops SafeLambda reading it.

    The top-level mapping and the Resources mapping are new; everything below them is the
    caller's, shared, and changed only through `Work.edit`, which copies what it changes. A
    private deep copy of the whole template was 3.9x its JSON size at peak and a seventh of the
    transform's time.
    """
    if not isinstance(fragment, dict):
        message = f"the template is {kind_of(fragment)}, but must be a mapping with Resources"
        return Checked({}, [error("SL001", message)])
    template = dict(fragment)
    if isinstance(template.get("Resources"), dict):
        template["Resources"] = dict(template["Resources"])
    return Checked(template, *_checked(template))


def json_size(template: dict[str, Any]) -> int:
    """`len(json.dumps(template, default=str))`, a batch of resources at a time."""
    return _encoded(template)[0]


def _encoded(template: dict[str, Any]) -> tuple[int, bool]:
    """The template's JSON size, and whether it holds an `Fn::Transform` key, in one encoding.

    Encoding the whole template at once builds pieces that briefly take 4.5x its size, and one
    resource at a time pays the encoder's set-up per resource, so resources are encoded in
    batches. In JSON text a key is followed by a quote; the same words inside a string value
    are not, so the search finds only the key.
    """
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        text = _ENCODER.encode(template)
        return len(text), TRANSFORM_KEY in text
    text = _ENCODER.encode({**template, "Resources": {}})
    # The braces of the k batches stand for the "{}" counted above and the k - 1 ", " between
    # batches: each is two characters.
    size, transform = len(text) - len("{}"), TRANSFORM_KEY in text
    items = list(resources.items())
    for start in range(0, len(items), BATCH):
        text = _ENCODER.encode(dict(items[start : start + BATCH]))
        size += len(text)
        transform = transform or TRANSFORM_KEY in text
    return size, transform


def _checked(fragment: dict[str, Any]) -> tuple[list[Problem], dict[str, tuple[str, ...]] | None]:
    try:
        size, transform = _encoded(fragment)
    except RecursionError:  # nested past the interpreter's limit, or a cycle
        return [depth_problem()], None
    if size > TEMPLATE_LIMIT:
        message = (
            f"the template is {size} bytes, more than CloudFormation's {TEMPLATE_LIMIT}; "
            "move parts into nested stacks"
        )
        return [error("SL007", message)], None
    resources = fragment.get("Resources")
    if not isinstance(resources, dict):
        what = "missing" if resources is None else kind_of(resources)
        message = f"is {what}, but must be a mapping of logical IDs to resources"
        return [error("SL002", message, None, "Resources")], None
    problems = [
        error("SL017", "must be a mapping", None, section)
        for section in SECTIONS
        if section in fragment and not isinstance(fragment[section], dict)
    ]
    for logical_id, resource in resources.items():
        problems += _resource_problems(str(logical_id), resource)
    if problems:
        return problems, None
    # An Fn::Transform (AWS::Include) may still add declarations: names cannot be checked yet,
    # and the check does not look inside it.
    problems, names = intrinsic_check(fragment, complete=not transform)
    problems += type_problems(resources)
    return problems, None if transform else _lambda_names(resources, names)


def _lambda_names(resources: dict[str, Any], names: Names) -> dict[str, tuple[str, ...]]:
    """Only the `NAMED` resources each resource names: the steps ask about nothing else, and a
    set per resource, kept for the whole transform, was 0.6x the template's JSON."""
    return {
        rid: tuple(n for n in found if resources[n]["Type"] in NAMED) if found else ()
        for rid, found in names.items()
    }


def _resource_problems(logical_id: str, resource: Any) -> list[Problem]:
    if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
        return [error("SL003", "is not a resource: write a mapping with a Type", logical_id)]
    problems = [
        error("SL004", "must be a mapping", logical_id, key)
        for key in ("Properties", "Metadata")
        if key in resource and not isinstance(resource[key], dict)
    ]
    if resource["Type"].startswith("AWS::Serverless::"):
        problems.append(
            error(
                "SL005",
                f"is {resource['Type']}, which SAM must expand first; list the transforms as "
                "Transform: [AWS::Serverless-2016-10-31, SafeLambda]",
                logical_id,
                "Type",
            )
        )
    return problems


def functions(resources: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every `AWS::Lambda::Function`, in document order."""
    for logical_id, resource in resources.items():
        if resource["Type"] == FUNCTION:
            yield logical_id, resource


def properties(resource: dict[str, Any]) -> dict[str, Any]:
    found = resource.get("Properties")
    return found if isinstance(found, dict) else {}
