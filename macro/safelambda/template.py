"""Checks on the shape of a template before any step runs, and small accessors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .checks import intrinsic_problems
from .errors import Problem, error

TEMPLATE_LIMIT = 1_000_000  # bytes: CloudFormation's limit for a template passed through S3
RESOURCE_LIMIT = 500
DEPTH_LIMIT = 100  # far deeper than any real template; bounds recursion in every later step
FUNCTION = "AWS::Lambda::Function"
# Sections SafeLambda reads or writes besides Resources (it adds its report to Metadata).
SECTIONS = ("Parameters", "Mappings", "Conditions", "Outputs", "Metadata")


def shape_problems(fragment: Any) -> list[Problem]:
    """Every structural problem that stops SafeLambda from reading the template at all."""
    if not isinstance(fragment, dict):
        return [error("SL001", f"expected a mapping, got {type(fragment).__name__}")]
    depth = _depth_problem(fragment)
    if depth:
        return [depth]
    size = len(json.dumps(fragment, default=str))
    if size > TEMPLATE_LIMIT:
        return [error("SL007", f"template is {size} bytes; the limit is {TEMPLATE_LIMIT}")]
    resources = fragment.get("Resources")
    if not isinstance(resources, dict):
        what = "missing" if resources is None else f"a {type(resources).__name__}"
        return [error("SL002", f"Resources is {what}, expected a mapping", None, "Resources")]
    problems = [
        error("SL017", f"{section} must be a mapping", None, section)
        for section in SECTIONS
        if section in fragment and not isinstance(fragment[section], dict)
    ]
    for logical_id, resource in resources.items():
        problems += _resource_problems(str(logical_id), resource)
    return problems or intrinsic_problems(fragment)


def _resource_problems(logical_id: str, resource: Any) -> list[Problem]:
    if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
        return [error("SL003", "expected a mapping with a string Type", logical_id)]
    problems = [
        error("SL004", f"{key} must be a mapping", logical_id, key)
        for key in ("Properties", "Metadata")
        if key in resource and not isinstance(resource[key], dict)
    ]
    if resource["Type"].startswith("AWS::Serverless::"):
        problems.append(
            error(
                "SL005",
                f"{resource['Type']} must be expanded first: list the transforms as "
                "Transform: [AWS::Serverless-2016-10-31, SafeLambda]",
                logical_id,
                "Type",
            )
        )
    return problems


def _depth_problem(fragment: Any) -> Problem | None:
    stack = [(fragment, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > DEPTH_LIMIT:
            return error("SL009", f"values are nested more than {DEPTH_LIMIT} levels deep")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return None


def functions(resources: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every `AWS::Lambda::Function`, in document order."""
    for logical_id, resource in resources.items():
        if resource["Type"] == FUNCTION:
            yield logical_id, resource


def properties(resource: dict[str, Any]) -> dict[str, Any]:
    found = resource.get("Properties")
    return found if isinstance(found, dict) else {}
