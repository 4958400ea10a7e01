"""Property types: what the CloudFormation resource schemas say a property holds, checked before
any step reads it.

`data/property_types.json` (derived from the schemas cfn-lint ships, by a test) lists every
property of `AWS::Lambda::Function` and, for the integrations of the catalog, the properties on
the way to each catalogued place. `Architectures: arm64` (a string), `Layers: "arn:…"` or
`Targets: {Arn: …}` (a mapping) would otherwise pass the macro and fail the deploy far from the
cause, or leave an integration on `$LATEST` because no catalogued path reaches it.

An intrinsic function may stand for any value: only the branches of `Fn::If` are read, and
`AWS::NoValue` removes the value. CloudFormation turns numbers and booleans into strings and
reads `"128"` as a number, so those pass too. Enumerations are checked only where SafeLambda
reads the value (`Architectures`, `PackageType`): others grow with Lambda, and a table older
than Lambda must never refuse what CloudFormation deploys.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from .. import packagedata
from ..errors import Problem, error
from .intrinsics import Path, function_of, render_path

FUNCTION = "AWS::Lambda::Function"
NO_VALUE = {"Ref": "AWS::NoValue"}
EXAMPLE_LIMIT = 40  # a string echoed as the example of a list: longer ones are not repeated


def _integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (
        isinstance(value, str) and value.isascii() and value.strip().lstrip("-").isdigit()
    )


def _number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str)


# Schema type -> what a template may write for it, and how a message names it.
KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "string": (lambda v: v is not None and not isinstance(v, dict | list), "a string"),
    "integer": (_integer, "a whole number"),
    "number": (_number, "a number"),
    "boolean": (
        lambda v: isinstance(v, bool) or (isinstance(v, str) and v.lower() in ("true", "false")),
        "true or false",
    ),
    "array": (lambda v: isinstance(v, list), "a list"),
    "object": (lambda v: isinstance(v, dict), "a mapping"),
}


@cache
def table() -> dict[str, dict[str, Any]]:
    types: dict[str, dict[str, Any]] = json.loads(packagedata.read_text("property_types.json"))[
        "Types"
    ]
    return types


class Node:
    """One node of the table, made ready for the walk: checks and children looked up once."""

    __slots__ = ("checks", "enum", "fields", "high", "items", "low", "plain", "types", "values")

    def __init__(self, spec: dict[str, Any]) -> None:
        self.types: list[str] = spec.get("type", [])
        self.checks = tuple(KINDS[t][0] for t in self.types)
        self.enum = frozenset(spec["enum"]) if "enum" in spec else None
        self.plain = "string" in self.types and self.enum is None  # any string passes
        self.low, self.high = spec.get("minItems"), spec.get("maxItems")
        self.items = Node(spec["items"]) if "items" in spec else None
        self.fields = {k: Node(v) for k, v in spec.get("properties", {}).items()}
        self.values = Node(spec["values"]) if "values" in spec else None


@cache
def roots() -> dict[str, Node]:
    """Each resource type's Properties as a node."""
    return {name: Node({"properties": fields}) for name, fields in table().items()}


def kind_of(value: Any) -> str:
    """How a message names the kind of a template value: "a list", "a string", …"""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "a mapping" if isinstance(value, dict) else "a string"


# A path as the walk builds it: (parent, key), unwound only for a message.
Linked = tuple[Any, str | int] | None


def _unwound(linked: Linked) -> Path:
    parts: list[str | int] = []
    while linked is not None:
        linked, part = linked
        parts.append(part)
    return tuple(reversed(parts))


class _Check:
    def __init__(self, resource_id: str, resource_type: str) -> None:
        self.resource_id = resource_id
        self.owner = "Lambda" if resource_type == FUNCTION else resource_type
        self.code = "SL040" if resource_type == FUNCTION else "SL042"
        self.problems: list[Problem] = []

    def value(self, value: Any, node: Node, path: Linked) -> None:
        if value.__class__ is str and node.plain:
            return  # most values: decided without a call
        if isinstance(value, dict) and len(value) == 1 and self._intrinsic(value, node, path):
            return
        if value is None:
            # `KEY:` with no value is how `sam local` users declare a variable that
            # `--env-vars` fills (aws-sam-cli #1163); CloudFormation itself refuses it at once,
            # naming the path ("'null' values are not allowed in templates").
            return
        if node.checks and not any(check(value) for check in node.checks):
            self._wrong(value, node.types, _unwound(path))
        elif isinstance(value, list):
            self._list(value, node, path)
        elif isinstance(value, dict):
            fields, values = node.fields, node.values
            for key, item in value.items():
                child = fields.get(key, values)
                if child is not None:
                    self.value(item, child, (path, key))
        elif node.enum is not None and isinstance(value, str) and value not in node.enum:
            self._problem(
                "SL041",
                f"is {value[:EXAMPLE_LIMIT]!r}, which {self.owner} does not accept; "
                f"use one of {', '.join(sorted(node.enum))}",
                _unwound(path),
            )

    def _intrinsic(self, value: dict[str, Any], node: Node, path: Linked) -> bool:
        """True when `value` is an intrinsic function: only `Fn::If` branches are read."""
        (name,) = value
        if name == "Fn::If":
            argument = value[name]
            if isinstance(argument, list) and len(argument) == 3:
                for branch in (1, 2):
                    if argument[branch] != NO_VALUE:
                        self.value(argument[branch], node, ((path, name), branch))
            return True
        return name == "Ref" or (isinstance(name, str) and name.startswith("Fn::"))

    def _list(self, value: list[Any], node: Node, path: Linked) -> None:
        low, high = node.low, node.high
        if low is not None or high is not None:
            literal = not any(function_of(item) for item in value)  # an Fn::If may be no item
            few = low is not None and len(value) < low
            if literal and (few or (high is not None and len(value) > high)):
                wanted = f"exactly {low}" if low == high else f"{low or 0} to {high}"
                self._problem(
                    "SL041",
                    f"lists {len(value)} values; {self.owner} accepts {wanted}",
                    _unwound(path),
                )
        if node.items is not None:
            for index, item in enumerate(value):
                self.value(item, node.items, (path, index))

    def _wrong(self, value: Any, types: list[str], path: Path) -> None:
        expected = " or ".join(KINDS[t][1] for t in types)
        secret = "Environment" in path  # never echo what may be an environment variable's value
        if types == ["array"] and isinstance(value, str) and len(value) <= EXAMPLE_LIMIT:
            example = "" if secret else f", [{value}]"
            message = f"is a string, but {self.owner} expects a list; write it as a list{example}"
        else:
            message = (
                f"is {kind_of(value)}, but {self.owner} expects {expected}; write {expected} there"
            )
        self._problem(self.code, message, path)

    def _problem(self, code: str, message: str, path: Path) -> None:
        where = render_path(("Properties", *path))
        self.problems.append(error(code, message, self.resource_id, where))


def type_problems(resources: dict[str, Any]) -> list[Problem]:
    """Every property of a function, and every catalogued integration path, of the wrong kind."""
    known = roots()
    problems: list[Problem] = []
    for resource_id, resource in resources.items():
        root = known.get(resource["Type"])
        props = resource.get("Properties")
        if root is None or not isinstance(props, dict):
            continue
        check = _Check(str(resource_id), resource["Type"])
        check.value(props, root, None)
        problems += check.problems
    return problems
