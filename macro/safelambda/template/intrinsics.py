"""Detect and walk CloudFormation intrinsic functions; `rewrite` points them elsewhere.

Only `Ref`, `Fn::GetAtt` and `Fn::Sub` name other resources. Everything here is pure: values
go in, new values come out; nothing is mutated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from typing import Any, NamedTuple

Path = tuple[str | int, ...]
# What a template value nests in; a tuple, as isinstance with `dict | list` is twice as slow.
CONTAINERS = (dict, list)

# Every function CloudFormation evaluates, plus `Condition` (which only means one inside
# `Conditions` and `Fn::If`-like positions; callers that care check the key themselves).
FUNCTIONS = frozenset(
    {
        "Ref",
        "Condition",
        "Fn::And",
        "Fn::Base64",
        "Fn::Cidr",
        "Fn::Equals",
        "Fn::FindInMap",
        "Fn::ForEach",
        "Fn::GetAtt",
        "Fn::GetAZs",
        "Fn::If",
        "Fn::ImportValue",
        "Fn::Join",
        "Fn::Length",
        "Fn::Not",
        "Fn::Or",
        "Fn::Select",
        "Fn::Split",
        "Fn::Sub",
        "Fn::ToJsonString",
        "Fn::Transform",
    }
)

# `${Name}` or `${Name.Attr}`; `${!Literal}` is an escape and names nothing.
SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")


def function_of(value: Any) -> str | None:
    """The intrinsic function name when `value` is a one-key intrinsic mapping, else None."""
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
            return str(key)
    return None


def render_path(path: Path) -> str:
    """`("Properties", "Targets", 0, "Arn")` -> `Properties.Targets[0].Arn`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class Reference(NamedTuple):
    """`target` named through `form` (Ref, GetAtt or Sub); `attribute` None means the Ref value."""

    target: str
    attribute: str | None
    form: str


def getatt_parts(argument: Any) -> tuple[str, str] | None:
    """`[Res, Attr]` or `"Res.Attr"` -> (Res, Attr); None when malformed or not literal."""
    if isinstance(argument, str) and "." in argument:
        resource, attribute = argument.split(".", 1)
        return resource, attribute
    if (
        isinstance(argument, list)
        and len(argument) == 2
        and isinstance(argument[0], str)
        and isinstance(argument[1], str)
    ):
        return argument[0], argument[1]
    return None


def sub_parts(argument: Any) -> tuple[str, dict[str, Any]] | None:
    """Both `Fn::Sub` forms -> (string, variable map); None when malformed."""
    if isinstance(argument, str):
        return argument, {}
    if (
        isinstance(argument, list)
        and len(argument) == 2
        and isinstance(argument[0], str)
        and isinstance(argument[1], dict)
    ):
        return argument[0], argument[1]
    return None


def sub_references(text: str, local: dict[str, Any]) -> Iterator[Reference]:
    for match in SUB_VARIABLE.finditer(text):
        name = match.group(1).strip()
        if name in local:
            continue
        resource, _, attribute = name.partition(".")
        yield Reference(resource, attribute or None, "Sub")


def references(
    value: Any, path: Path = (), skip: Collection[Path] = ()
) -> Iterator[tuple[Path, Reference]]:
    """Every resource reference inside `value`, with its path (depth-first, document order),
    except inside the values at the paths in `skip`."""
    stack: list[tuple[Path, Any]] = [(path, value)]
    while stack:
        here, node = stack.pop()
        if skip and here in skip:
            continue
        if isinstance(node, list):
            stack.extend((here + (i,), item) for i, item in reversed(list(enumerate(node))))
            continue
        if not isinstance(node, dict):
            continue
        name = function_of(node)
        if name == "Ref" and isinstance(node["Ref"], str):
            yield here, Reference(node["Ref"], None, "Ref")
            continue
        if name == "Fn::GetAtt":
            getatt = getatt_parts(node[name])
            if getatt:
                yield here, Reference(getatt[0], getatt[1], "GetAtt")
                continue
        if name == "Fn::Sub":
            sub = sub_parts(node[name])
            if sub:
                text_path = here + (name,)
                if not (skip and text_path in skip):
                    for reference in sub_references(sub[0], sub[1]):
                        yield text_path, reference
                stack.append((here + (name, 1), sub[1]))
                continue
        stack.extend((here + (k,), v) for k, v in reversed(list(node.items())))


def names_in(value: Any) -> set[str]:
    """Every resource name a `Ref`, `Fn::GetAtt` or `${…}` inside `value` may name.

    The targets `references` finds (and every name `rename` would change), at a third of the
    cost: no paths, no objects. Steps that scan every resource use it to skip the resources
    that name nothing they care about.
    """
    found: set[str] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if len(node) == 1 and _add_names(node, found, stack):
                continue
            stack.extend(node.values())
    return found


def _add_names(node: dict[str, Any], found: set[str], stack: list[Any]) -> bool:
    ((name, argument),) = node.items()
    if name == "Ref" and isinstance(argument, str):
        found.add(argument)
        return True
    getatt = getatt_parts(argument) if name == "Fn::GetAtt" else None
    if getatt:
        found.add(getatt[0])
        return True
    sub = sub_parts(argument) if name == "Fn::Sub" else None
    if sub:
        for match in SUB_VARIABLE.finditer(sub[0]):
            name = match.group(1).strip()
            resource = name.partition(".")[0]
            # A variable of its own map names no resource (`references` reads the whole name,
            # `rename` the part before the dot: a name either would read is kept).
            if name not in sub[1] or resource not in sub[1]:
                found.add(resource)
        stack.append(sub[1])
        return True
    return False


def _list(*sizes: int) -> Callable[[Any], bool]:
    return lambda argument: isinstance(argument, list) and len(argument) in sizes


def _getatt(argument: Any) -> bool:
    if getatt_parts(argument) is not None:
        return True
    # `!GetAtt [Resource, !Ref AttributeName]` is allowed since 2023.
    return _list(2)(argument) and isinstance(argument[0], str) and function_of(argument[1]) == "Ref"


# Argument shapes CloudFormation accepts, and how to say so; other functions take any argument.
SHAPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "Ref": (lambda argument: isinstance(argument, str), "a logical ID or parameter name"),
    "Fn::GetAtt": (_getatt, "[LogicalId, Attribute] or 'LogicalId.Attribute'"),
    "Fn::Sub": (lambda argument: sub_parts(argument) is not None, "a string or [string, {vars}]"),
    "Fn::If": (
        lambda argument: _list(3)(argument) and isinstance(argument[0], str),
        "[condition name, value if true, value if false]",
    ),
    "Fn::Join": (
        lambda argument: _list(2)(argument) and isinstance(argument[0], str),
        "[delimiter string, list]",
    ),
    "Fn::Select": (_list(2), "[index, list]"),
    "Fn::Split": (_list(2), "[delimiter, string]"),
    "Fn::FindInMap": (_list(3, 4), "[map, top-level key, second-level key]"),
    "Fn::Equals": (_list(2), "[value, value]"),
    "Fn::And": (_list(*range(2, 11)), "a list of 2 to 10 conditions"),
    "Fn::Or": (_list(*range(2, 11)), "a list of 2 to 10 conditions"),
    "Fn::Not": (_list(1), "a list of one condition"),
    "Condition": (lambda argument: isinstance(argument, str), "a condition name"),
}


def invokes(reference: Reference) -> bool:
    """True for the references that can reach the function's `$LATEST` (name or ARN)."""
    return reference.attribute in (None, "Arn")
