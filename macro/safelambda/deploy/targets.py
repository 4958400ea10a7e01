"""What a value invokes or grants: a function, one of its aliases or versions.

A target is a logical ID (`Fn`, `FnAliaslive`, `FnVersion1a2b`) or, where a string qualifies a
function by hand, the alias of that name (`${Fn.Arn}:live` is the alias `live` of `Fn`);
`Fn:7` for a version number, and the wildcard forms of IAM resources: `Fn:*` (every qualifier),
`Fn*` (the function and every qualifier), `*` (everything). The walk is `template.references`;
only what follows a name in its string is read here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from ..references import INVOKING, catalog
from ..template import SUB_VARIABLE, Path, references, render_path, sub_parts
from .stack import Stack

EVERYTHING = "*"
QUALIFIER = re.compile(r":([A-Za-z0-9_$-]+)")
LATEST = "$LATEST"


class Call(NamedTuple):
    """`resource` invokes `target` (of `function`) from the catalogued place `path`."""

    resource: str
    path: str
    function: str
    target: str

    @property
    def place(self) -> str:
        return f"{self.resource}.{self.path}"


def function_of(stack: Stack, target: str) -> str:
    """The function a target belongs to (`Fn:7` and `Fn*` -> `Fn`)."""
    return stack.owner.get(target) or target.split(":", 1)[0].rstrip("*")


def targets_in(value: Any, stack: Stack) -> set[str]:
    """Every target a `Ref`, `Fn::GetAtt …Arn` or `${…}` inside `value` names."""
    found: set[str] = set()
    for path, reference in references(value):
        if reference.target in stack.owner and reference.attribute in (None, "Arn"):
            name = reference.target + (f".{reference.attribute}" if reference.attribute else "")
            for suffix in _suffixes(value, path, reference.form, name):
                found.add(qualify(stack, reference.target, suffix))
    return found


def qualify(stack: Stack, target: str, suffix: str) -> str:
    """The target `suffix` (the text after the name) makes of a function's name or ARN."""
    if stack.owner.get(target) != target:
        return target  # already an alias or a version
    if suffix.startswith(":*"):
        return f"{target}:*"
    if suffix.startswith("*"):
        return f"{target}*"
    match = QUALIFIER.match(suffix)
    if match is None or match.group(1) == LATEST:
        return target
    name = match.group(1)
    return stack.aliases.get((target, name), f"{target}:{name}")


def calls(stack: Stack) -> list[Call]:
    """Every catalogued place of `stack` that invokes one of its functions, in document order."""
    found: list[Call] = []
    for rid, resource in stack.resources.items():
        for entry in catalog.entries_for(resource.type):
            if entry.action not in INVOKING:
                continue
            qualifier = _qualifier(resource.properties, entry)
            for path, value in catalog.expand(resource.properties, entry.path):
                where = render_path(("Properties", *path))
                for named in sorted(targets_in(value, stack)):
                    target = qualify(stack, named, f":{qualifier}") if qualifier else named
                    found.append(Call(rid, where, function_of(stack, target), target))
    return found


def _qualifier(props: dict[str, Any], entry: catalog.Entry) -> str | None:
    """A QUALIFIER row's own qualifier (`EventInvokeConfig.Qualifier: live`), when literal."""
    if not entry.qualifier:
        return None
    values = [v for _, v in catalog.expand(props, entry.qualifier) if isinstance(v, str)]
    return values[0] if values else None


def _suffixes(value: Any, path: Path, form: str, name: str) -> Iterator[str]:
    """The text following the reference: in its `Fn::Sub` string, or the next `Fn::Join` part."""
    if form == "Sub":
        parts = sub_parts(_at(value, path))
        text = parts[0] if parts else ""
        for match in SUB_VARIABLE.finditer(text):
            if match.group(1).strip() == name:
                yield text[match.end() :]
        return
    if len(path) >= 3 and path[-3:-1] == ("Fn::Sub", 1) and isinstance(path[-1], str):
        # A variable of `Fn::Sub` (SAM's LambdaInvokePolicy: `function:${functionName}*`): the
        # text after `${variable}` in its string.
        text = _at(value, path[:-2])[0]
        for match in SUB_VARIABLE.finditer(text if isinstance(text, str) else ""):
            if match.group(1).strip() == path[-1]:
                yield text[match.end() :]
                return
    if len(path) >= 3 and path[-3] == "Fn::Join" and isinstance(path[-1], int):
        join, parts = _at(value, path[:-2]), _at(value, path[:-1])
        following = parts[path[-1] + 1] if path[-1] + 1 < len(parts) else None
        if isinstance(following, str) and isinstance(join[0], str):
            yield join[0] + following
            return
    yield ""


def _at(value: Any, path: Path) -> Any:
    for step in path:
        value = value[step]
    return value


def arn_of_everything(text: str) -> bool:
    """`*`, or an ARN pattern matching every function (`arn:aws:lambda:*:*:function:*`)."""
    return text == EVERYTHING or bool(
        re.fullmatch(r"arn:[^:]*:lambda:[^:]*:[^:]*:function:\*", text)
    )
