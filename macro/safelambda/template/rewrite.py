"""Point references to functions elsewhere (`retarget`) and rename resources (`rename`).

Pure like `intrinsics`: values go in, new values come out; nothing is mutated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from .intrinsics import SUB_VARIABLE, Path, function_of, getatt_parts, names_in, sub_parts


class Retarget(NamedTuple):
    """Where references to one function should point instead.

    `whole` replaces a value that is exactly the function's ARN or name (e.g. `Ref` of the alias);
    `qualified` is a `Fn::Sub` string naming the function qualified (e.g. `${Fn}:live`), used
    where the name is embedded in a longer string such as an ARN being built.
    """

    whole: dict[str, Any]
    sub_whole: str
    sub_qualified: str


Targets = Mapping[str, Retarget]
Change = tuple[Path, Any, Any]


class _Rewriter:
    def __init__(self, targets: Targets, wants: Callable[[Path], bool]) -> None:
        self.targets = targets
        self.wants = wants
        self.changes: list[Change] = []
        self.retargeted: dict[str, None] = {}  # the functions changed, as an ordered set

    def value(self, node: Any, path: Path, embedded: bool) -> Any:
        if isinstance(node, list):
            return [self.value(item, path + (i,), embedded) for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        name = function_of(node)
        if name in ("Ref", "Fn::GetAtt"):
            return self.reference(node, path, embedded)
        if name == "Fn::Sub":
            return self.sub(node, path, embedded)
        if name == "Fn::Join" and isinstance(node[name], list) and len(node[name]) == 2:
            delimiter, parts = node[name]
            new_parts = self.value(parts, path + (name, 1), embedded=True)
            return {name: [delimiter, new_parts]}
        return {k: self.value(v, path + (k,), embedded) for k, v in node.items()}

    def reference(self, node: dict[str, Any], path: Path, embedded: bool) -> Any:
        if "Ref" in node:
            target = node["Ref"] if isinstance(node["Ref"], str) else None
            attribute = None
        else:
            parts = getatt_parts(node["Fn::GetAtt"])
            target, attribute = parts if parts else (None, None)
        retarget = self.targets.get(target) if isinstance(target, str) else None
        if retarget is None or attribute not in (None, "Arn") or not self.wants(path):
            return node
        if embedded and attribute is None:
            new: Any = {"Fn::Sub": retarget.sub_qualified}
        else:
            new = dict(retarget.whole)
        self.changes.append((path, node, new))
        self.retargeted[str(target)] = None
        return new

    def sub(self, node: dict[str, Any], path: Path, embedded: bool = False) -> Any:
        parts = sub_parts(node["Fn::Sub"])
        if parts is None:
            return node
        text, local = parts
        new_local = {
            k: self.value(v, path + ("Fn::Sub", 1, k), embedded=True) for k, v in local.items()
        }
        new_text = self.sub_text(text, local, path + ("Fn::Sub",), embedded)
        if new_text == text and new_local == local:
            return node
        if new_text != text:
            self.changes.append((path + ("Fn::Sub",), text, new_text))
        return {"Fn::Sub": [new_text, new_local] if isinstance(node["Fn::Sub"], list) else new_text}

    def sub_text(self, text: str, local: dict[str, Any], path: Path, embedded: bool) -> str:
        if not self.wants(path):
            return text

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            resource, _, attribute = name.partition(".")
            retarget = self.targets.get(resource)
            if name in local or retarget is None or attribute not in ("", "Arn"):
                return match.group(0)
            if text.startswith(":", match.end()):  # `${Fn}:prod`, `${Fn.Arn}:*`: already qualified
                return match.group(0)
            self.retargeted[resource] = None
            if attribute == "" and (embedded or match.group(0) != text):
                return retarget.sub_qualified
            return retarget.sub_whole

        return SUB_VARIABLE.sub(replace, text)


class Retargeted(NamedTuple):
    value: Any  # the new value; the input is untouched
    changes: list[Change]
    functions: list[str]  # the functions of `targets` pointed elsewhere, in document order


def retarget(
    value: Any,
    targets: Targets,
    path: Path = (),
    wants: Callable[[Path], bool] | None = None,
    *,
    embedded: bool = False,
) -> Retargeted:
    """Point invocation references (`Ref`, `.Arn`) to the functions in `targets` elsewhere.

    Walks through `Fn::If`, `Fn::Select`, `Fn::Join` and both `Fn::Sub` forms. `wants(path)`
    may veto single places. `embedded` treats `value` as text spliced into a longer string (a
    name becomes `name:alias`).
    """
    rewriter = _Rewriter(targets, wants or (lambda _path: True))
    new = rewriter.value(value, path, embedded=embedded)
    return Retargeted(new, rewriter.changes, list(rewriter.retargeted))


def retargeted(value: Any, targets: Targets) -> list[str]:
    """The functions of `targets` that `retarget(value, targets)` would point elsewhere."""
    return retarget(value, targets).functions


def rename(value: Any, names: dict[str, str]) -> Any:
    """`value` with every `Ref`, `Fn::GetAtt` and `${…}` naming a key of `names` renamed."""
    if isinstance(value, list):
        return [rename(v, names) for v in value]
    if not isinstance(value, dict):
        return value
    name = function_of(value)
    argument = value[name] if name else None
    if name == "Ref" and isinstance(argument, str):
        return {"Ref": names.get(argument, argument)}
    if name == "Fn::GetAtt" and getatt_parts(argument):
        resource, attribute = getatt_parts(argument) or ("", "")
        resource = names.get(resource, resource)
        return {
            name: f"{resource}.{attribute}" if isinstance(argument, str) else [resource, attribute]
        }
    if name == "Fn::Sub" and sub_parts(argument):
        text, local = sub_parts(argument) or ("", {})

        def replace(match: re.Match[str]) -> str:
            resource, dot, attribute = match.group(1).strip().partition(".")
            if resource in local or resource not in names:
                return match.group(0)
            return "${%s%s%s}" % (names[resource], dot, attribute)

        text = SUB_VARIABLE.sub(replace, text)
        return {name: [text, rename(local, names)] if isinstance(argument, list) else text}
    return {k: rename(v, names) for k, v in value.items()}


def rename_by(value: Any, name: Callable[[str], str]) -> Any:
    """`value` with every resource it names renamed to what `name` gives for it."""
    names = {n: name(n) for n in sorted(names_in(value))}
    changed = {old: new for old, new in names.items() if old != new}
    return rename(value, changed) if changed else value
