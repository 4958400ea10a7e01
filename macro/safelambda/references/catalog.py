"""The integration catalog: every place a template can name a function, as data.

`data/integrations.tsv` is the single table; this module only reads it and finds the places
one of its paths names inside a resource's properties.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any, NamedTuple

from .. import packagedata
from ..template import Path

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


def expand(value: Any, pattern: tuple[str, ...], here: Path = ()) -> Iterator[tuple[Path, Any]]:
    """The (path, value) pairs inside `value` that `pattern` names; `*` is any item or key."""
    if not pattern:
        yield here, value
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(value, list) and head == "*":
        for index, item in enumerate(value):
            yield from expand(item, rest, here + (index,))
    elif isinstance(value, dict):
        keys = list(value) if head == "*" else [head] if head in value else []
        for key in keys:
            yield from expand(value[key], rest, here + (key,))
