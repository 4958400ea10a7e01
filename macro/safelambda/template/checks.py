"""Checks that intrinsic functions are well formed, name what the template declares, and that
resources do not depend on each other in a cycle (`cycles`).

CloudFormation rejects such templates too, but only after the macro has answered, and with one
message at a time. Checked here, every problem comes back at once, coded, with its path, and the
later steps never have to guess what `{"Ref": 1}` or `${Missing}` should mean.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from typing import Any, NamedTuple

from ..errors import Problem, error
from .cycles import cycle_problems
from .intrinsics import (
    CONTAINERS,
    FUNCTIONS,
    SHAPES,
    SUB_VARIABLE,
    Path,
    function_of,
    render_path,
    sub_parts,
)

PSEUDO = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)
DEPTH_LIMIT = 100  # far deeper than any real template; bounds recursion in every later step
WALKED = ("Resources", "Conditions", "Outputs")  # sections the intrinsic walks visit
UNDECLARED = "which the template does not declare; declare it or correct the name"
UNDECLARED_CONDITION = "which Conditions does not declare; declare it or correct the name"
NAME_LIMIT = 64  # names echoed in messages are cut here: they come from the template, not values


def _cut(name: str) -> str:
    return name if len(name) <= NAME_LIMIT else name[:NAME_LIMIT] + "…"


class Declared(NamedTuple):
    """The names a template declares, for checking what its references name."""

    resources: frozenset[str]
    parameters: frozenset[str]
    conditions: frozenset[str]
    complete: bool  # False when an Fn::Transform may still add declarations
    # What a `Ref` or `${Name}` may name besides resources, built once: a union per reference
    # was a third of this walk.
    referable: frozenset[str] = frozenset()

    @classmethod
    def of(cls, template: dict[str, Any], complete: bool) -> Declared:
        def keys(section: str) -> frozenset[str]:
            found = template.get(section)
            return frozenset(found) if isinstance(found, dict) else frozenset()

        parameters = keys("Parameters")
        return cls(keys("Resources"), parameters, keys("Conditions"), complete, parameters | PSEUDO)


class _TooDeep(Exception):
    """A value nested deeper than DEPTH_LIMIT; `_Walk.of` adds its resource and section."""


def too_deep(level: list[Any], depth: int) -> bool:
    """True when a mapping or list below `level` (containers at `depth`; the template is at 0)
    is deeper than DEPTH_LIMIT and holds anything.

    One level at a time rather than by recursion, so no depth can exhaust the stack.
    """
    for _ in range(depth, DEPTH_LIMIT):
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, CONTAINERS)
        ]
        if not level:
            return False
    return any(level)


def depth_problem(resource: str | None = None, path: str | None = None) -> Problem:
    return error(
        "SL009",
        f"nests values more than {DEPTH_LIMIT} levels deep, deeper than SafeLambda reads; "
        "flatten them",
        resource,
        path,
    )


class _Walk:
    """Visits every intrinsic of one value, collecting problems and the resources it names."""

    def __init__(self, declared: Declared, resource: str | None) -> None:
        self.declared = declared
        self.resource = resource
        self.problems: list[Problem] = []
        self.names: set[str] = set()
        self.unclean = False  # `scan` met a problem

    @classmethod
    def of(
        cls, declared: Declared, resource: str | None, value: Any, path: Path, depth: int
    ) -> _Walk:
        """The walk of `value` (at `depth` in the template): first without paths, which is all
        almost every value needs, and again with them only when there is a problem to place.

        The first walk also bounds the depth (raising `_TooDeep`), so the second can recurse.
        """
        walk = cls(declared, resource)
        try:
            walk.scan(value, path == ("Conditions",), depth)
        except _TooDeep:
            raise _TooDeep(resource, render_path(path)) from None
        if walk.unclean:
            walk = cls(declared, resource)
            walk.visit(value, path, path == ("Conditions",))
        return walk

    def scan(self, node: Any, conditions: bool, depth: int) -> None:
        """`visit` without building paths, noting only that there is a problem; `node` is a
        mapping or list at `depth`."""
        if depth >= DEPTH_LIMIT and node:
            raise _TooDeep
        if isinstance(node, list):
            for item in node:
                if isinstance(item, CONTAINERS):
                    self.scan(item, conditions, depth + 1)
            return
        if len(node) == 1:
            (key,) = node
            if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
                self.function(key, node[key], None, conditions, depth + 1)
                return
            if conditions and key == "Condition":
                self.function(key, node[key], None, conditions, depth + 1)
                return
        for value in node.values():
            if isinstance(value, CONTAINERS):
                self.scan(value, conditions, depth + 1)

    def visit(self, node: Any, path: Path, conditions: bool = False) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                self.visit(item, path + (index,), conditions)
            return
        if not isinstance(node, dict):
            return
        name = function_of(node) or (
            "Condition" if conditions and list(node) == ["Condition"] else None
        )
        if name is not None:
            self.function(name, node[name], path + (name,), conditions)
            return
        for key, value in node.items():
            self.visit(value, path + (key,), conditions)

    def function(
        self, name: str, argument: Any, path: Path | None, conditions: bool, depth: int = 0
    ) -> None:
        """Check one intrinsic; `path` None while scanning, with `argument` at `depth`."""
        if name not in FUNCTIONS:
            self.fail(
                "SL012",
                f"calls {_cut(name)!r}, which is no intrinsic function CloudFormation knows; "
                "check its name",
                path,
            )
        elif name in SHAPES and not SHAPES[name][0](argument):
            self.fail("SL012", f"is a malformed {name}; write {SHAPES[name][1]}", path)
        else:
            self.names_in(name, argument, path)
        if name == "Fn::Transform":
            if path is None and isinstance(argument, CONTAINERS) and too_deep([argument], depth):
                raise _TooDeep  # not checked inside, but bounded like everything else
            return
        inner = conditions or name in ("Fn::And", "Fn::Or", "Fn::Not")
        if path is not None:
            self.visit(argument, path, inner)
        elif isinstance(argument, CONTAINERS):
            self.scan(argument, inner, depth)

    def names_in(self, name: str, argument: Any, path: Path | None) -> None:
        if name == "Ref":
            self.named(argument, path, self.declared.referable)
        elif name == "Fn::GetAtt":
            target = argument.split(".", 1)[0] if isinstance(argument, str) else argument[0]
            self.named(target, path, frozenset())
        elif name == "Fn::Sub":
            text, local = sub_parts(argument) or ("", {})
            for variable in _sub_variables(text):
                target, dot, _ = variable.partition(".")
                if variable not in local:
                    self.named(target, path, frozenset() if dot else self.declared.referable)
        elif name in ("Fn::If", "Condition"):
            condition = argument[0] if name == "Fn::If" else argument
            if self.declared.complete and condition not in self.declared.conditions:
                self.fail(
                    "SL016", f"names condition {_cut(condition)!r}, {UNDECLARED_CONDITION}", path
                )

    def named(self, target: str, path: Path | None, also: frozenset[str]) -> None:
        if target in self.declared.resources:
            self.names.add(target)
        elif self.declared.complete and target not in also:
            self.fail("SL016", f"names {_cut(target)!r}, {UNDECLARED}", path)

    def fail(self, code: str, message: str, path: Path | None) -> None:
        if path is None:
            self.unclean = True
            return
        self.problems.append(error(code, message, self.resource, render_path(path)))


def _sub_variables(text: str) -> Iterator[str]:
    for match in SUB_VARIABLE.finditer(text):
        yield match.group(1).strip()


Names = dict[str, AbstractSet[str]]  # logical ID -> the declared resources its Properties name
NONE: AbstractSet[str] = frozenset()  # shared by the many resources that name none


def intrinsic_check(template: dict[str, Any], complete: bool) -> tuple[list[Problem], Names]:
    """SL012, SL016, SL018 and SL019 for a template whose resources are well-shaped mappings,
    or SL009 alone when a value is nested too deep; and the resources each resource's
    Properties name: the walk finds them anyway, and later steps use them to skip resources
    that name nothing they look for.

    `complete` is False when an `Fn::Transform` may still add declarations.
    """
    # What the walks below do not visit: other sections (depth 1), resource attributes (3).
    for key, value in template.items():
        if key not in WALKED and isinstance(value, CONTAINERS) and too_deep([value], 1):
            return [depth_problem(None, str(key))], {}
    attributes = [
        (rid, key, value)
        for rid, resource in template["Resources"].items()
        for key, value in resource.items()
        if key != "Properties" and isinstance(value, CONTAINERS)
    ]
    if too_deep([value for _, _, value in attributes], 3):  # all at once; then which one
        rid, key = next((r, k) for r, k, v in attributes if too_deep([v], 3))
        return [depth_problem(rid, key)], {}
    try:
        return _checked(template, Declared.of(template, complete))
    except _TooDeep as deep:
        return [depth_problem(*deep.args)], {}


def _checked(template: dict[str, Any], declared: Declared) -> tuple[list[Problem], Names]:
    problems: list[Problem] = []
    names: Names = {}
    graph: dict[str, AbstractSet[str]] = {}
    for rid, resource in template["Resources"].items():
        walk = _Walk.of(declared, rid, resource.get("Properties", {}), ("Properties",), 3)
        found = _attribute_problems(declared, rid, resource)
        depends = resource.get("DependsOn", [])
        listed = [] if found else [depends] if isinstance(depends, str) else depends
        names[rid] = walk.names or NONE
        graph[rid] = names[rid] | set(listed) if listed else names[rid]
        problems += walk.problems + found
    for section in ("Conditions", "Outputs"):
        problems += _Walk.of(declared, None, template.get(section, {}), (section,), 1).problems
    for name, output in (template.get("Outputs") or {}).items():
        condition = output.get("Condition") if isinstance(output, dict) else None
        undeclared = isinstance(condition, str) and condition not in declared.conditions
        if declared.complete and undeclared:
            message = f"names condition {_cut(str(condition))!r}, {UNDECLARED_CONDITION}"
            problems.append(error("SL016", message, None, f"Outputs.{name}.Condition"))
    return problems + cycle_problems(graph), names


def _attribute_problems(declared: Declared, rid: str, resource: dict[str, Any]) -> list[Problem]:
    condition, depends = resource.get("Condition"), resource.get("DependsOn", [])
    if condition is not None and not isinstance(condition, str):
        return [error("SL018", "must be the name of a condition (a string)", rid, "Condition")]
    listed = [depends] if isinstance(depends, str) else depends
    if not isinstance(listed, list) or not all(isinstance(d, str) for d in listed):
        return [error("SL018", "must be a logical ID or a list of logical IDs", rid, "DependsOn")]
    if not declared.complete:
        return []
    problems = [
        error("SL016", f"names {_cut(d)!r}, {UNDECLARED}", rid, "DependsOn")
        for d in listed
        if d not in declared.resources
    ]
    if isinstance(condition, str) and condition not in declared.conditions:
        message = f"names condition {_cut(condition)!r}, {UNDECLARED_CONDITION}"
        problems.append(error("SL016", message, rid, "Condition"))
    return problems
