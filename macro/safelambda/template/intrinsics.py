"""Detect, walk and retarget CloudFormation intrinsic functions.

Only `Ref`, `Fn::GetAtt` and `Fn::Sub` name other resources. Everything here is pure: values
go in, new values come out; nothing is mutated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
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


def invokes(reference: Reference) -> bool:
    """True for the references that can reach the function's `$LATEST` (name or ARN)."""
    return reference.attribute in (None, "Arn")


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
