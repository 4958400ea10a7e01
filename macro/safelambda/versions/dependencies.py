"""What a function's Version depends on beyond its own properties.

A function reads values from other places: `Layers: [!Ref SharedLayer]`, `Role: !GetAtt R.Arn`,
`TABLE: !Ref Table`, `!ImportValue`, `{{resolve:ssm:…}}`. When such a value changes, `$LATEST`
changes, so the Version must too (SAM #3610, #3648: an in-template layer's new content publishes
no new version). A `Ref` or attribute of a resource changes exactly when CloudFormation replaces
that resource, and it replaces it exactly when a create-only property changes (the resource
schemas list them: `data/create_only.tsv`). So each referenced resource contributes its resolved
create-only properties to the hash, recursively and cycle-safe. Every property of an
`AWS::Lambda::LayerVersion` is create-only: all of its content counts. An attribute that is a
property the template writes (`!GetAtt Param.Value`) contributes that property too.

What no template can tell (an import, a dynamic reference without a version, a custom
resource's attributes) is hashed as written and reported: changes to it will not publish a new
version. Reports name places and logical IDs, never values.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from .. import packagedata
from ..template import (
    FUNCTIONS,
    Path,
    Resolver,
    function_of,
    getatt_parts,
    rename_by,
    sub_parts,
    sub_references,
)

# Constant for the whole life of a stack, so never a reason for a new version (`AWS::NoValue` is
# left only in a branch of a condition that is itself hashed). `Fn::GetAZs` is hashed as written
# without a report for the same reason: an account's zones in a region do not change from one
# deploy to the next.
STABLE_PSEUDO = frozenset({"AWS::StackName", "AWS::StackId", "AWS::NoValue"})
CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"
NESTED_STACK = "AWS::CloudFormation::Stack"
# Read-only attributes that follow a property without replacing the resource.
DERIVED: dict[tuple[str, str], tuple[str, ...]] = {
    ("AWS::DynamoDB::Table", "StreamArn"): ("StreamSpecification",),
    ("AWS::DynamoDB::GlobalTable", "StreamArn"): ("StreamSpecification",),
    ("AWS::Lambda::Function", "SnapStartResponse"): ("SnapStart",),
}
DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:([A-Za-z-]+):([^}]*)\}\}")


@cache
def create_only() -> dict[str, frozenset[str]]:
    """Resource type -> its create-only top-level properties, from `data/create_only.tsv`."""
    text = packagedata.read_text("create_only.tsv")
    table: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            type_, _, names = line.partition("\t")
            table[type_] = frozenset(n for n in names.split(",") if n)
    return table


def _ssm_pinned(body: str) -> bool:
    # `name:version`, or an ARN (six colon-separated fields) followed by `:version`.
    fields = body.split(":")
    rest = fields[6:] if body.startswith("arn:") else fields[1:]
    return len(rest) == 1 and rest[0].isdigit()


def _secret_pinned(body: str) -> bool:
    # `secret-id:SecretString:json-key:version-stage:version-id`; a secret ARN has seven fields.
    fields = body.split(":")
    rest = fields[7:] if body.startswith("arn:") else fields[1:]
    return len(rest) >= 4 and rest[3] != ""


# Dynamic reference service -> "does this reference name one fixed version?"
PINNED: dict[str, Callable[[str], bool]] = {
    "ssm": _ssm_pinned,
    "ssm-secure": _ssm_pinned,
    "secretsmanager": _secret_pinned,
}


class Unknown(NamedTuple):
    """A value the hash cannot see: `what` names it (never its value), `path` where it is used."""

    path: Path
    what: str

    @property
    def message(self) -> str:
        return (
            f"a change here publishes no new Version, as SafeLambda cannot see {self.what}; "
            "when it changes, change a property of the function too"
        )


class Dependencies:
    """The hash input beyond the function's properties, and what could not be known."""

    def __init__(self) -> None:
        self.resources: dict[str, dict[str, Any]] = {}
        self.conditions: dict[str, Any] = {}
        self.mappings: dict[str, Any] = {}
        self.unknowns: list[Unknown] = []

    def document(self) -> dict[str, Any]:
        """Only non-empty sections, so a function that depends on nothing hashes as before."""
        sections = {
            "Resources": {k: v for k, v in self.resources.items() if v},
            "Conditions": self.conditions,
            "Mappings": self.mappings,
        }
        return {k: v for k, v in sections.items() if v}


# The name a logical ID has in the output (a Version SafeLambda replaces is named as its own).
Rename = Callable[[str], str]


class _Collector:
    def __init__(self, template: dict[str, Any], resolver: Resolver, name: Rename) -> None:
        self.template = template
        self.resolver = resolver
        self.name = name
        self.found = Dependencies()
        self.seen: set[tuple[str, str]] = set()
        self.queue: deque[tuple[Any, Path, str | None]] = deque()

    def run(self, value: Any, path: Path) -> Dependencies:
        self.queue.append((value, path, None))
        while self.queue:  # a work list, not recursion: chains of resources can be long
            node, where, via = self.queue.popleft()
            self._walk(node, where, via)
        return self.found

    def _walk(self, node: Any, path: Path, via: str | None) -> None:
        """Reports name the place in the function's properties; intrinsics add no path steps."""
        if isinstance(node, str):
            self._dynamic_references(node, path, via)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                self._walk(item, _step(path, index, via), via)
        elif isinstance(node, dict):
            name = function_of(node)
            handler = HANDLERS.get(name) if name else None
            if handler is not None:
                handler(self, node[name], path, via)
            elif name is None:
                for key, value in node.items():
                    self._walk(value, _step(path, key, via), via)
            else:
                if name not in FUNCTIONS:
                    self._unknown(path, f"the result of {name}", via)
                self._walk_inside(node[name], path, via)

    def _walk_inside(self, argument: Any, path: Path, via: str | None) -> None:
        for item in argument if isinstance(argument, list) else [argument]:
            if isinstance(item, list):
                self._walk_inside(item, path, via)
            else:
                self._walk(item, path, via)

    # -- intrinsic functions --------------------------------------------------------------------

    def _ref(self, argument: Any, path: Path, via: str | None) -> None:
        if isinstance(argument, str):
            self._reference(argument, None, path, via)
        else:
            self._walk_inside(argument, path, via)

    def _getatt(self, argument: Any, path: Path, via: str | None) -> None:
        parts = getatt_parts(argument)
        if parts is None:
            self._walk_inside(argument, path, via)
        else:
            self._reference(parts[0], parts[1], path, via)

    def _operands(self, argument: Any, path: Path, via: str | None) -> None:
        for item in argument if isinstance(argument, list) else [argument]:
            if isinstance(item, dict) and isinstance(item.get("Condition"), str) and len(item) == 1:
                self._condition(item["Condition"], path, via)
            else:
                self._walk(item, path, via)

    def _sub(self, argument: Any, path: Path, via: str | None) -> None:
        parts = sub_parts(argument)
        if parts is None:
            self._walk_inside(argument, path, via)
            return
        text, local = parts
        for reference in sub_references(text, local):
            self._reference(reference.target, reference.attribute, path, via)
        self._dynamic_references(text, path, via)
        for value in local.values():
            self._walk(value, path, via)

    def _if(self, argument: Any, path: Path, via: str | None) -> None:
        if isinstance(argument, list) and argument and isinstance(argument[0], str):
            self._condition(argument[0], path, via)
            argument = argument[1:]
        self._walk_inside(argument, path, via)

    def _find_in_map(self, argument: Any, path: Path, via: str | None) -> None:
        mappings = self.template.get("Mappings")
        if isinstance(argument, list) and argument and isinstance(argument[0], str):
            name = argument[0]
            if isinstance(mappings, dict) and name in mappings and name not in self.found.mappings:
                # A key is unknown at deploy time: any entry of the map may be the one used.
                self.found.mappings[name] = self.resolver.resolve(mappings[name])
        self._walk_inside(argument, path, via)

    def _import_value(self, argument: Any, path: Path, via: str | None) -> None:
        self._unknown(path, "the value of Fn::ImportValue", via)
        self._walk_inside(argument, path, via)

    # -- what a name refers to ------------------------------------------------------------------

    def _condition(self, name: str, path: Path, via: str | None) -> None:
        conditions = self.template.get("Conditions")
        if not isinstance(conditions, dict) or name not in conditions:
            return
        if name in self.found.conditions:
            return
        # Still symbolic, so it depends on something unknown; its definition is hashed as
        # resolved, and what it depends on is walked like any other value.
        body = self.resolver.resolve(conditions[name])
        self.found.conditions[name] = body
        self.queue.append((body, path, via or f"condition {name}"))

    def _reference(self, target: str, attribute: str | None, path: Path, via: str | None) -> None:
        resources = self.template.get("Resources", {})
        parameters = self.template.get("Parameters")
        if target in STABLE_PSEUDO:
            return
        if target.startswith("AWS::"):
            self._unknown(path, f"pseudo parameter {target}", via)
        elif isinstance(parameters, dict) and target in parameters:
            self._unknown(path, f"the value of parameter {target} in this deploy", via)
        elif target in resources:
            self._resource(target, attribute, path, via)
        else:
            self._unknown(path, f"{target}, which the template does not declare", via)

    def _resource(self, target: str, attribute: str | None, path: Path, via: str | None) -> None:
        resource = self.template["Resources"][target]
        type_ = resource["Type"]
        head = attribute.split(".", 1)[0] if attribute else ""
        if type_ == CUSTOM_RESOURCE or type_.startswith("Custom::"):
            self._unknown(path, f"custom resource {target}", via)
            return
        if type_ == NESTED_STACK and head == "Outputs":
            self._unknown(path, f"the outputs of nested stack {target}", via)
            return
        table = create_only()
        if type_ not in table:
            self._unknown(path, f"into {target}, of type {type_}", via)
            return
        if (target, head) in self.seen:
            return
        self.seen.add((target, head))
        props = resource.get("Properties")
        props = props if isinstance(props, dict) else {}
        names = table[type_] | set(DERIVED.get((type_, head), ())) | {head}
        chosen = {k: v for k, v in props.items() if k in names}
        contributed = self.resolver.resolve(chosen)
        named = rename_by(contributed, self.name)
        self.found.resources.setdefault(self.name(target), {}).update(named)
        self.queue.append((contributed, path, via or target))

    def _dynamic_references(self, text: str, path: Path, via: str | None) -> None:
        if "{{resolve:" not in text:
            return  # most strings: cheaper than the search
        for match in DYNAMIC_REFERENCE.finditer(text):
            service, body = match.group(1), match.group(2)
            pinned = PINNED.get(service)
            if pinned is None or not pinned(body):
                self._unknown(
                    path, "a {{resolve:%s:…}} dynamic reference without a version" % service, via
                )

    def _unknown(self, path: Path, what: str, via: str | None) -> None:
        found = Unknown(path, f"{what}, read through {via}" if via else what)
        if found not in self.found.unknowns:
            self.found.unknowns.append(found)


# The walk of each intrinsic function, looked up per node. At module level, not bound methods in
# each collector: those would make every collector a reference cycle, kept until the cycle
# collector runs, which a transform pauses.
HANDLERS: dict[str, Callable[[_Collector, Any, Path, str | None], None]] = {
    "Ref": _Collector._ref,
    "Fn::GetAtt": _Collector._getatt,
    "Fn::Sub": _Collector._sub,
    "Fn::If": _Collector._if,
    "Fn::FindInMap": _Collector._find_in_map,
    "Fn::And": _Collector._operands,
    "Fn::Or": _Collector._operands,
    "Fn::Not": _Collector._operands,
    "Fn::ImportValue": _Collector._import_value,
}


def _step(path: Path, key: str | int, via: str | None) -> Path:
    # Inside what the function depends on, reports keep naming the function's own property.
    return path if via else path + (key,)


def collect(
    template: dict[str, Any], resolver: Resolver, resolved: Any, path: Path, name: Rename = str
) -> Dependencies:
    """The dependencies of `resolved` (a function's locked properties, resolved) at `path`;
    the logical IDs they name are hashed as `name` gives them."""
    return _Collector(template, resolver, name).run(resolved, path)
