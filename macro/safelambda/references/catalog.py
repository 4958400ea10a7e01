"""The integration catalog: every place a template can name a function, as data.

`data/integrations.tsv` is the single table; this module only reads it and finds the places
one of its paths names inside a resource's properties.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any, NamedTuple

from .. import packagedata
from ..template import Path, function_of

ACTIONS = frozenset(
    {
        "ALIAS_ARN",
        "ALIAS_ARN_STR",
        "OPAQUE",
        "SUBSTITUTION",
        "VERSION_ARN",
        "QUALIFIER",
        "EXTEND_IAM",
        "PERMISSION",
        "LEAVE",
        "REPORT",
        "HIDDEN",
    }
)


class Entry(NamedTuple):
    type: str
    path: tuple[str, ...]
    action: str
    qualifier: tuple[str, ...]
    source: str


def _parse(line: str) -> Entry:
    type_, path, action, qualifier, source = line.rstrip("\n").split("\t")
    if action not in ACTIONS:
        raise ValueError(f"integrations.tsv: unknown action {action!r} for {type_} {path}")
    if bool(qualifier) != (action == "QUALIFIER"):
        raise ValueError(f"integrations.tsv: a qualifier path belongs to QUALIFIER rows ({path})")
    return Entry(type_, _segments(path), action, _segments(qualifier), source)


def _segments(path: str) -> tuple[str, ...]:
    return tuple(path.strip("/").split("/")) if path else ()


@cache
def entries() -> tuple[Entry, ...]:
    text = packagedata.read_text("integrations.tsv")
    return tuple(_parse(line) for line in text.splitlines() if line and not line.startswith("#"))


@cache
def _by_type() -> dict[str, tuple[Entry, ...]]:
    table: dict[str, list[Entry]] = {}
    for entry in entries():
        table.setdefault(entry.type, []).append(entry)
    return {k: tuple(v) for k, v in table.items()}


def entries_for(resource_type: str) -> tuple[Entry, ...]:
    """The entries for a type; `Custom::Anything` also gets the `Custom::*` entries."""
    found = _by_type().get(resource_type, ())
    if resource_type.startswith("Custom::"):
        found += _by_type().get("Custom::*", ())
    return found


def branches(value: Any, here: Path = ()) -> Iterator[tuple[Path, Any]]:
    """The values `value` may be at deploy time, with their paths: each branch of an `Fn::If`,
    recursively, or `value` itself. An `AWS::NoValue` branch is a value that holds nothing."""
    argument = value.get("Fn::If") if function_of(value) == "Fn::If" else None
    if isinstance(argument, list) and len(argument) == 3:
        for branch in (1, 2):
            yield from branches(argument[branch], here + ("Fn::If", branch))
    else:
        yield here, value


def expand(value: Any, pattern: tuple[str, ...], here: Path = ()) -> Iterator[tuple[Path, Any]]:
    """The (path, value) pairs inside `value` that `pattern` names; `*` is any item or key.

    Every level passes through `Fn::If` (SAM writes a conditional function's S3 event as
    `LambdaConfigurations: [{Fn::If: [Cond, {Function: …}, !Ref AWS::NoValue]}]`); the value at
    the end of the path is yielded whole, conditions and all, for the action to read. Any other
    intrinsic function on the way names no place a path can reach.
    """
    if not pattern:
        yield here, value
        return
    head, rest = pattern[0], pattern[1:]
    for where, node in branches(value, here):
        if isinstance(node, list) and head == "*":
            for index, item in enumerate(node):
                yield from expand(item, rest, where + (index,))
        elif isinstance(node, dict) and function_of(node) is None:
            keys = list(node) if head == "*" else [head] if head in node else []
            for key in keys:
                yield from expand(node[key], rest, where + (key,))


def qualifier_path(entry: Entry, place: Path) -> Path:
    """Where the qualifier of the place at `place` is: the part of `entry.qualifier` it shares
    with `entry.path` follows the place's own items, keys and `Fn::If` branches."""
    shared = 0
    for mine, theirs in zip(entry.path, entry.qualifier, strict=False):
        if mine != theirs:
            break
        shared += 1
    index = consumed = 0
    while index < len(place):
        if place[index] == "Fn::If":
            index += 2  # the key and the branch: no segment of the pattern
        elif consumed < shared:
            index, consumed = index + 1, consumed + 1
        else:
            break
    return place[:index] + entry.qualifier[shared:]
