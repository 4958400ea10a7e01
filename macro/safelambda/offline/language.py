"""Offline `AWS::LanguageExtensions`: the part of it that needs nothing but parameter values.

CloudFormation runs this transform at deploy time; `safelambda transform` runs it offline so the
next transforms (SAM, SafeLambda) see what they will see in the cloud. Supported: `Fn::ForEach`
(in Resources, Conditions, Outputs and inside properties, nested, over a list or a list
parameter), `Fn::Length`, `Fn::ToJsonString` (a value known only during the deploy, such as a
resource's `Ref`, is joined into the string with `Fn::Join`), `Fn::FindInMap` with
`DefaultValue`, intrinsics inside `Ref`/`Fn::GetAtt` arguments, and intrinsic
`DeletionPolicy`/`UpdateReplacePolicy`. Whatever else depends on something known only during
the deploy cannot be evaluated offline and is an error (`SL402`) naming where it is, never a
guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..errors import Problem, TransformError, error
from ..template import (
    CONTAINERS,
    DeployContext,
    Path,
    Resolver,
    function_of,
    is_resolved,
    render_path,
    sub_parts,
)

NAME = "AWS::LanguageExtensions"
FOR_EACH = "Fn::ForEach::"
SECTIONS = ("Conditions", "Resources", "Outputs")
POLICIES = ("DeletionPolicy", "UpdateReplacePolicy")


class _Expander:
    def __init__(self, template: dict[str, Any], context: DeployContext) -> None:
        self.resolver = Resolver(template, context)
        self.problems: list[Problem] = []
        self.functions: dict[str, Callable[[Any, Path], Any]] = {
            "Fn::Length": self._length,
            "Fn::ToJsonString": self._to_json_string,
            "Fn::FindInMap": self._find_in_map,
            "Fn::GetAtt": self._getatt,
            "Ref": self._ref,
        }

    def fail(self, path: Path, message: str) -> None:
        resource = str(path[1]) if len(path) > 1 and path[0] == "Resources" else None
        where = render_path(path[2:] if resource else path)
        self.problems.append(error("SL402", message, resource, where or None))

    # -- Fn::ForEach ----------------------------------------------------------------------------

    def for_each(self, mapping: dict[str, Any], path: Path) -> dict[str, Any]:
        """`mapping` with every `Fn::ForEach::Name` key replaced by the entries it makes."""
        out: dict[str, Any] = {}
        for key, value in mapping.items():
            if not (isinstance(key, str) and key.startswith(FOR_EACH)):
                self._put(out, key, value, path)
                continue
            for made_key, made in self._loop(value, path + (key,)).items():
                self._put(out, made_key, made, path)
        return out

    def _put(self, out: dict[str, Any], key: str, value: Any, path: Path) -> None:
        if key in out:
            self.fail(path + (key,), f"Fn::ForEach makes {key!r} more than once")
        out[key] = value

    def _loop(self, loop: Any, path: Path) -> dict[str, Any]:
        if not (
            isinstance(loop, list)
            and len(loop) == 3
            and isinstance(loop[0], str)
            and isinstance(loop[2], dict)
        ):
            self.fail(path, "expected [Identifier, Collection, {OutputKey: OutputValue}]")
            return {}
        identifier, collection, body = loop
        items = self.resolver.resolve(collection)
        if not (isinstance(items, list) and all(isinstance(i, str) for i in items)):
            self.fail(path, "the collection is not a list of strings known before the deploy")
            return {}
        made: dict[str, Any] = {}
        for item in items:
            for key, value in self.for_each(_substitute(body, identifier, item), path).items():
                self._put(made, key, value, path)
        return made

    # -- functions ------------------------------------------------------------------------------

    def value(self, node: Any, path: Path) -> Any:
        if isinstance(node, list):
            return [self.value(item, path + (i,)) for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        name = function_of(node)
        if name is not None and name in self.functions:
            return self.functions[name](node[name], path + (name,))
        if any(isinstance(k, str) and k.startswith(FOR_EACH) for k in node):
            node = self.for_each(node, path)  # a loop inside properties
        return {k: self.value(v, path + (k,)) for k, v in node.items()}

    def _known(self, argument: Any, path: Path, what: str) -> Any:
        resolved = self.resolver.resolve(self.value(argument, path))
        if not is_resolved(resolved):
            self.fail(path, f"{what} depends on values known only during the deploy")
        return resolved

    def _length(self, argument: Any, path: Path) -> Any:
        items = self._known(argument, path, "Fn::Length")
        if isinstance(items, list) and is_resolved(items):
            return len(items)
        if is_resolved(items):
            self.fail(path, "Fn::Length needs a list")
        return {"Fn::Length": argument}

    def _to_json_string(self, argument: Any, path: Path) -> Any:
        value = self.resolver.resolve(self.value(argument, path))
        if not isinstance(value, CONTAINERS) or function_of(value) is not None:
            self.fail(path, "Fn::ToJsonString needs a mapping or a list")
            return {"Fn::ToJsonString": argument}
        parts = _json_parts(value)
        late = [p for p in parts if isinstance(p, dict) and function_of(p) not in STRING_VALUED]
        if late:
            self.fail(path, f"Fn::ToJsonString cannot embed {function_of(late[0])} offline")
        if len(parts) == 1:
            return parts[0]
        return {"Fn::Join": ["", parts]}  # values known only during the deploy, joined in

    def _find_in_map(self, argument: Any, path: Path) -> Any:
        node = {"Fn::FindInMap": self.value(argument, path)}
        if not (isinstance(argument, list) and len(argument) == 4):
            return node  # plain CloudFormation: left for the deploy
        keys = [self.resolver.resolve(key) for key in node["Fn::FindInMap"][:3]]
        if not all(isinstance(key, str | int) and not isinstance(key, bool) for key in keys):
            self.fail(path, "Fn::FindInMap keys depend on values known only during the deploy")
            return node
        return self.resolver.resolve(node)

    def _getatt(self, argument: Any, path: Path) -> Any:
        if isinstance(argument, list) and any(isinstance(part, dict) for part in argument):
            return {"Fn::GetAtt": [self._name(part, path) for part in argument]}
        return {"Fn::GetAtt": argument}

    def _ref(self, argument: Any, path: Path) -> Any:
        return {"Ref": self._name(argument, path) if isinstance(argument, dict) else argument}

    def _name(self, part: Any, path: Path) -> Any:
        if not isinstance(part, dict):
            return part
        name = self._known(part, path, "a logical ID or attribute name")
        if is_resolved(name) and not isinstance(name, str):
            self.fail(path, "a logical ID or attribute name must be a string")
        return name

    def policies(self, resource: Any, path: Path) -> None:
        for key in POLICIES:
            if isinstance(resource, dict) and isinstance(resource.get(key), dict):
                policy = self._known(resource[key], path + (key,), key)
                if is_resolved(policy) and not isinstance(policy, str):
                    self.fail(path + (key,), f"{key} must be a string")
                resource[key] = policy


# Intrinsics that evaluate to one string, so their value can sit inside a JSON string literal.
STRING_VALUED = frozenset(
    {"Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::ImportValue", "Fn::Select", "Fn::If"}
)


def _json_parts(value: Any) -> list[Any]:
    """Compact JSON of `value` as strings, with each unresolved intrinsic between quotes."""
    if function_of(value) is not None:
        return ['"', value, '"']
    if isinstance(value, dict):
        items = [
            [json.dumps(k, ensure_ascii=False) + ":", *_json_parts(v)] for k, v in value.items()
        ]
        return _merge(["{", *_joined(items), "}"])
    if isinstance(value, list):
        return _merge(["[", *_joined([_json_parts(v) for v in value]), "]"])
    return [json.dumps(value, ensure_ascii=False)]


def _joined(items: list[list[Any]]) -> list[Any]:
    out: list[Any] = []
    for index, item in enumerate(items):
        out += ([","] if index else []) + item
    return out


def _merge(parts: list[Any]) -> list[Any]:
    merged: list[Any] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return merged


_IDENTIFIER_KEY = "${%s}"
_STRIPPED_KEY = "&{%s}"


def _substitute(value: Any, identifier: str, item: str) -> Any:
    """The loop body for one item: `${Id}`/`&{Id}` in keys, `Ref: Id` and `${Id}` in Fn::Sub."""
    if isinstance(value, list):
        return [_substitute(v, identifier, item) for v in value]
    if not isinstance(value, dict):
        return value
    name = function_of(value)
    if name == "Ref" and value["Ref"] == identifier:
        return item
    if name == "Fn::Sub" and sub_parts(value[name]) is not None:
        text, local = sub_parts(value[name]) or ("", {})
        text = text.replace(_IDENTIFIER_KEY % identifier, item)
        local = _substitute(local, identifier, item)
        return {name: [text, local] if isinstance(value[name], list) else text}
    stripped = re.sub(r"[^A-Za-z0-9]", "", item)
    return {
        _key(k, identifier, item, stripped): _substitute(v, identifier, item)
        for k, v in value.items()
    }


def _key(key: str, identifier: str, item: str, stripped: str) -> str:
    return key.replace(_IDENTIFIER_KEY % identifier, item).replace(
        _STRIPPED_KEY % identifier, stripped
    )


def expand(template: dict[str, Any], context: DeployContext) -> dict[str, Any]:
    """The template as `AWS::LanguageExtensions` would hand it to the next transform."""
    expander = _Expander(template, context)
    out = dict(template)
    for section in SECTIONS:
        if isinstance(template.get(section), dict):
            out[section] = expander.for_each(template[section], (section,))
    # Conditions decide Fn::If inside the loops' output, so resolve against the expanded ones.
    expander.resolver = Resolver(out, context)
    for section in SECTIONS:
        if isinstance(out.get(section), dict):
            out[section] = expander.value(out[section], (section,))
    resources = out.get("Resources")
    for logical_id, resource in resources.items() if isinstance(resources, dict) else ():
        expander.policies(resource, ("Resources", logical_id))
    if expander.problems:
        raise TransformError(expander.problems)
    return out
