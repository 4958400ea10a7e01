"""QUALIFIER places: keep the function, invoke its alias by setting the resource's qualifier.

`AWS::Lambda::EventInvokeConfig` and `AWS::Lambda::Url` name the function and the qualifier in
two properties (SAM does the same for AutoPublishAlias: sam_resources.py keeps `Ref Fn` and sets
`Qualifier`). A literal alias name gives CloudFormation no ordering, so the resource also
`DependsOn` the alias: without it the qualifier may name an alias that does not exist yet.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from ..errors import warning
from ..template import Path, function_of, getatt_parts, properties, render_path
from ..work import Rewrite
from .catalog import qualifier_path
from .place import Place, unrewritten

LATEST = "$LATEST"
MISSING: Any = object()
NO_VALUE = {"Ref": "AWS::NoValue"}
URL = "AWS::Lambda::Url"
VERSION = "AWS::Lambda::Version"


class _Mixed(Exception):
    """One value names several functions: no single qualifier fits."""


def run(place: Place) -> None:
    for fid in place.aliased(place.value):  # already the alias, e.g. SAM's FunctionUrlConfig
        place.invokes_alias(fid)
    bare = place.functions()
    if not bare:
        return
    props = properties(place.work.resources[place.resource_id])
    path = qualifier_path(place.entry, place.path)
    current = _get(props, path)
    resolved = place.work.resolver.resolve(current) if current is not MISSING else MISSING
    if (isinstance(resolved, str) and resolved != LATEST) or _version_number(place, current):
        # Pinned to a version (a number, or a Version of the template: the CDK's
        # `currentVersion`) or an alias: not $LATEST. Already our alias (an earlier run, or
        # written so): say the same as the run that set it, so a second run changes nothing.
        on_alias = [f for f in bare if place.work.plans[f].alias_name == resolved]
        for fid in on_alias:
            place.invokes_alias(fid)
        if on_alias:
            _url_replaced(place, path)
        return
    where = render_path(("Properties", *path))
    if resolved is not MISSING and resolved != LATEST:
        _cannot(
            place, bare, f"{where} is not known at deploy time", f"set {where} to the alias name"
        )
        return
    if _blocked(props, path):
        _cannot(place, bare, f"{where} sits inside an intrinsic function", f"write {where} plainly")
        return
    if place.context.prepare:
        place.prepared(bare)
        return
    try:
        new = _qualifier(place, place.value, current)
    except _Mixed:
        _cannot(place, bare, "it names several functions", "give each function its own resource")
        return
    place.work.edit(place.resource_id, ("Properties", *path[:-1]))[path[-1]] = new
    _depend_on(place, [place.work.plans[f].alias_id for f in bare])
    for fid in bare:
        place.invokes_alias(fid)
    old = None if current is MISSING else current
    place.work.rewrites.append(Rewrite(place.resource_id, (("Properties", *path), old, new)))
    _url_replaced(place, path)


def _version_number(place: Place, value: Any) -> bool:
    """`Fn::GetAtt [V, Version]` of an `AWS::Lambda::Version` of the template: a version
    number, which configures that version only (CloudFormation reference, AWS::Lambda::Version:
    the `Version` attribute is the version number)."""
    parts = getatt_parts(value["Fn::GetAtt"]) if function_of(value) == "Fn::GetAtt" else None
    if parts is None or parts[1] != "Version":
        return False
    resource = place.work.resources.get(parts[0])
    return resource is not None and resource.get("Type") == VERSION


def _url_replaced(place: Place, path: Path) -> None:
    if place.type == URL:
        place.work.problems.append(
            warning(
                "SL304",
                "the Function URL targets the alias; Qualifier cannot change in place, so "
                "CloudFormation replaces the URL and its address changes: on the deploy that "
                "moves it to the alias, and again whenever AliasName changes",
                place.resource_id,
                render_path(("Properties", *path)),
            )
        )


def _qualifier(place: Place, value: Any, current: Any) -> Any:
    """The qualifier for `value`: the alias name, mirrored through `Fn::If` branches."""
    argument = value.get("Fn::If") if function_of(value) == "Fn::If" else None
    if isinstance(argument, list) and len(argument) == 3:
        then, other = (_qualifier(place, branch, current) for branch in argument[1:])
        return then if then == other else {"Fn::If": [argument[0], then, other]}
    functions = place.functions(value)
    if len(functions) > 1:
        raise _Mixed
    if functions:
        return place.work.plans[functions[0]].alias_name
    return NO_VALUE if current is MISSING else current


def _cannot(place: Place, bare: list[str], why: str, fix: str) -> None:
    for fid in bare:
        place.usage.invokes_bare(fid, place.type)
    unrewritten(
        place,
        "SL305",
        f"cannot point {' and '.join(bare)} at the alias because {why}, so it may invoke "
        f"$LATEST; {fix}",
    )


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part, MISSING)
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    return MISSING


def _get(props: dict[str, Any], path: Path) -> Any:
    node: Any = props
    for part in path:
        node = _child(node, part)
        if node is MISSING:
            return MISSING
    return node


def _blocked(props: dict[str, Any], path: Path) -> bool:
    """True when a value on the way to the qualifier is not a mapping to write it into (an
    intrinsic function other than the `Fn::If` branches the path steps through)."""
    node: Any = props
    for part, following in pairwise(path):
        node = _child(node, part)
        if node is MISSING:
            return False  # created on the way
        if isinstance(node, list):
            if not isinstance(following, int):
                return True
        elif not isinstance(node, dict) or function_of(node) not in (None, following):
            return True
    return False


def _depend_on(place: Place, ids: list[str]) -> None:
    depends = place.work.resources[place.resource_id].get("DependsOn")
    listed = [depends] if isinstance(depends, str) else list(depends or [])
    missing = [i for i in dict.fromkeys(ids) if i not in listed]
    if missing:
        place.work.edit(place.resource_id)["DependsOn"] = listed + missing
