"""One catalogued place inside one resource, as the reference actions see it."""

from __future__ import annotations

from typing import Any

from ..config import PREPARE, RELEASE
from ..errors import error, warning
from ..template import Path, function_of, names_in, render_path, retargeted
from ..work import PlanTargets, Work
from .catalog import Entry
from .usage import ANY, Usage


class Context:
    """What the reference step learns while it walks the template."""

    def __init__(self, work: Work) -> None:
        self.work = work
        # Where references to each function point: its alias, or its Version.
        self.alias = PlanTargets(work.plans, lambda plan: plan.retarget_alias)
        self.version = PlanTargets(work.plans, lambda plan: plan.retarget_version)
        # `NextAliasName`: where the grants of the next alias point, for the functions given one.
        nexting = {fid: plan for fid, plan in work.plans.items() if plan.next_alias_id}
        self.next = PlanTargets(nexting, lambda plan: plan.retarget_next)
        self.usage = Usage()
        # `Adoption: Prepare`: integrations stay as they are; their functions' grants are made
        # for the aliases as if they moved, beside the unqualified ones they still use.
        self.prepare = work.settings.adoption == PREPARE
        # `Adoption: Release`: integrations move as always; every permission that follows them
        # keeps its unqualified original beside it, for the deploy that removes SafeLambda.
        self.release = work.settings.adoption == RELEASE
        # (resource, function) for each resource whose places invoke a function's alias (or,
        # under Prepare, would), with the property path of the first such place. One flat
        # mapping: a mapping per resource was a twentieth of the peak memory.
        self.on_alias: dict[tuple[str, str], Path] = {}
        # Permissions naming functions, with the functions each names unqualified.
        self.permissions: list[tuple[Place, list[str]]] = []
        self.kept: list[Place] = []  # unqualified permission copies already made
        # Indexes over the plans, built once: scanning every plan per place was quadratic.
        self.order = {fid: i for i, fid in enumerate(work.plans)}  # position among plans
        self.owner: dict[str, str] = {}  # alias or version ID -> function
        for fid, plan in work.plans.items():
            self.owner[plan.alias_id] = self.owner[plan.version_id] = fid


class Place:
    """One catalogued place: its resource, its catalog entry, its path under Properties."""

    __slots__ = ("context", "entry", "path", "resource_id", "value", "work")

    def __init__(
        self, context: Context, resource_id: str, entry: Entry, path: Path, value: Any
    ) -> None:
        self.work = context.work
        self.context = context
        self.resource_id = resource_id
        self.entry = entry
        self.path = path
        self.value = value

    @property
    def usage(self) -> Usage:
        return self.context.usage

    @property
    def type(self) -> str:
        return str(self.work.resources[self.resource_id]["Type"])

    @property
    def where(self) -> str:
        return render_path(("Properties", *self.path))

    def invokes_alias(self, function: str) -> None:
        self.usage.invokes_alias(function, self.type)
        self.context.on_alias.setdefault((self.resource_id, function), self.path)

    def prepared(self, functions: list[str]) -> None:
        """Under Prepare: these functions would move to the alias here, and stay as they are."""
        for fid in functions:
            self.usage.invokes_bare(fid, self.type)
            self.invokes_alias(fid)

    def set(self, value: Any) -> None:
        container = self.work.edit(self.resource_id, ("Properties", *self.path[:-1]))
        container[self.path[-1]] = value
        self.value = value

    def functions(self, value: Any = None) -> list[str]:
        """Functions this value invokes unqualified (the ones retargeting would change)."""
        value = self.value if value is None else value
        return sorted(retargeted(value, self.context.alias), key=self.context.order.__getitem__)

    def aliased(self, value: Any) -> list[str]:
        """Functions whose alias or Version this value names."""
        owner = self.context.owner
        named = {owner[name] for name in names_in(value) if name in owner}
        return sorted(named, key=self.context.order.__getitem__)

    def contains(self, name: str) -> bool:
        stack = [self.value]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if function_of(node) == name:
                    return True
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        return False

    def hidden(self, why: str) -> None:
        """Content SafeLambda cannot see may invoke any function unqualified."""
        self.usage.invokes_bare(ANY, self.type)
        unrewritten(
            self,
            "SL303",
            f"{why}, so the functions it invokes may be reached on $LATEST; "
            "name their aliases there yourself",
        )


def unrewritten(place: Place, code: str, message: str) -> None:
    """A place that may still invoke `$LATEST`: a warning, or an error under `Strict`."""
    make = error if place.work.settings.strict else warning
    place.work.problems.append(make(code, message, place.resource_id, place.where))
