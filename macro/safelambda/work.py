"""The state the pipeline steps share while they process one template."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any, NamedTuple

from .config import Settings
from .errors import Problem
from .template import CONTAINERS, Change, Path, Resolver, Retarget, names_in, rename

# Resource attributes that hold no intrinsic function, as the input checks made sure (or, for
# Properties, are known by `Work.may_name`); DependsOn names resources as plain strings. Not
# DeletionPolicy: AWS::LanguageExtensions lets it hold one.
PLAIN_ATTRIBUTES = frozenset({"Type", "Properties", "DependsOn", "Condition"})


class FunctionPlan:
    """What SafeLambda decided for one function; the versions step fills it in."""

    def __init__(self, logical_id: str, settings: Settings) -> None:
        self.logical_id = logical_id
        self.settings = settings
        self.digest = ""
        self.version_id = ""
        self.alias_id = ""
        self.alias_name = ""
        self.next_alias_id = ""  # the alias of NextAliasName, when SafeLambda adds one
        self.adopted_alias = False  # the alias existed already (SAM AutoPublishAlias, earlier run)
        self.taken_over: str | None = None  # the tool whose Version SafeLambda's replaced

    @property
    def retarget_alias(self) -> Retarget:
        return Retarget(
            whole={"Ref": self.alias_id},
            sub_whole="${%s}" % self.alias_id,
            sub_qualified="${%s}:%s" % (self.logical_id, self.alias_name),
        )

    @property
    def retarget_next(self) -> Retarget:
        """Where the grants of `NextAliasName` point: the next alias, as `retarget_alias`."""
        return Retarget(
            whole={"Ref": self.next_alias_id},
            sub_whole="${%s}" % self.next_alias_id,
            sub_qualified="${%s}:%s" % (self.logical_id, self.settings.next_alias_name),
        )

    @property
    def retarget_version(self) -> Retarget:
        return Retarget(
            whole={"Ref": self.version_id},
            sub_whole="${%s}" % self.version_id,
            sub_qualified="${%s}:${%s.Version}" % (self.logical_id, self.version_id),
        )


class PlanTargets(Mapping[str, Retarget]):
    """Where references to each planned function point, picked when a reference names one.

    Costs nothing to build: building a dict over every plan for each catalogued place made the
    rewrite step quadratic in the number of functions. Each function's target is made once,
    when first asked for, so build it only after the plans are final.
    """

    def __init__(
        self, plans: Mapping[str, FunctionPlan], pick: Callable[[FunctionPlan], Retarget]
    ) -> None:
        self.plans = plans
        self.pick = pick
        self.made: dict[str, Retarget] = {}

    def __getitem__(self, function: str) -> Retarget:
        found: Retarget | None = self.get(function)
        if found is None:
            raise KeyError(function)
        return found

    def get(self, function: str, default: Any = None) -> Any:
        # Mapping.get goes through a KeyError for every name that is not a function.
        found = self.made.get(function)
        if found is None:
            plan = self.plans.get(function)
            if plan is None:
                return default
            found = self.made[function] = self.pick(plan)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.plans)

    def __len__(self) -> int:
        return len(self.plans)


class Rewrite(NamedTuple):
    resource: str
    change: Change


class Work:
    """The template being processed and everything learnt about it so far.

    `template` and its Resources mapping are the transform's own; each resource is the caller's
    until a step changes it through `edit`, which copies only what lies on the way to the
    change. The output shares everything else with the input, which is never changed.
    """

    def __init__(
        self,
        template: dict[str, Any],
        resolver: Resolver,
        settings: Settings,
        names: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.template = template
        self.resolver = resolver
        self.settings = settings
        self.plans: dict[str, FunctionPlan] = {}
        self.problems: list[Problem] = []
        self.rewrites: list[Rewrite] = []
        # What the deploy that brings this template does beyond the rewrites: resources given a
        # new logical ID (old -> new), DependsOn added (resource, on) and orders a cycle forbids.
        self.replaced: dict[str, str] = {}
        self.orderings: list[tuple[str, str]] = []
        self.windows: list[tuple[str, str]] = []
        # The functions, Versions, aliases, API Deployments and target groups each input
        # resource's Properties name (from the input checks, `template.shape.NAMED`), or None
        # when an Fn::Transform hides part of the template from them.
        # Rewrites only point a function's references at its alias or version, never add a
        # name, so a resource that named no function then names none now; a step that adds a
        # resource records what it names or leaves it out, one that replaces a resource drops
        # its entry: a resource without one is read again when asked about.
        self.names = names
        self.owned: set[int] = set()  # ids of the containers `edit` has copied

    @property
    def resources(self) -> dict[str, Any]:
        resources: dict[str, Any] = self.template["Resources"]
        return resources

    def may_name(self, resource_id: str, wanted: Collection[str]) -> bool:
        """False only when the resource's Properties surely name none of `wanted`."""
        known = None if self.names is None else self.names.get(resource_id)
        if known is not None:
            return any(map(wanted.__contains__, known))
        props = self.resources[resource_id].get("Properties")
        return isinstance(props, dict) and not names_in(props).isdisjoint(wanted)

    def edit(self, resource_id: str, path: Path = ()) -> Any:
        """The dict or list at `path` in the resource, safe to change in place.

        Each container on the way is copied the first time it is edited (missing mappings are
        created), so the caller's template never changes and untouched values stay shared.
        """
        node: Any = self.resources[resource_id]
        if id(node) not in self.owned:
            node = self.resources[resource_id] = self._own(node)
        for part in path:
            child = node.get(part, {}) if isinstance(node, dict) else node[part]
            if id(child) not in self.owned:
                child = node[part] = self._own(child)
            node = child
        return node

    def keep(self, resource_id: str) -> dict[str, Any]:
        """The resource as it is now, kept so: later edits copy what they change again."""
        resource: dict[str, Any] = self.resources[resource_id]
        stack: list[Any] = [resource]
        while stack:
            node = stack.pop()
            self.owned.discard(id(node))
            for child in node.values() if isinstance(node, dict) else node:
                if isinstance(child, CONTAINERS):
                    stack.append(child)
        return resource

    def rename(self, renames: Mapping[str, str]) -> None:
        """Point every mention of the resources `renames` names at their new IDs: `Ref`,
        `Fn::GetAtt`, `${…}` in properties and other attributes, `DependsOn`, `Outputs`.

        The renamed are of the types the input checks record mentions of (`may_name`).
        """
        outputs = self.template.get("Outputs")
        if isinstance(outputs, dict):
            self.template["Outputs"] = {k: rename(v, dict(renames)) for k, v in outputs.items()}
        for rid in list(self.resources):
            resource = self.resources[rid]
            named = self.may_name(rid, renames)
            if not named and not PLAIN_ATTRIBUTES.issuperset(resource):
                # Metadata, UpdatePolicy and the like; DependsOn is handled below.
                rest = [v for k, v in resource.items() if k not in PLAIN_ATTRIBUTES]
                named = not renames.keys().isdisjoint(names_in(rest))
            if named:
                resource = self.resources[rid] = rename(resource, dict(renames))
                if self.names is not None:
                    self.names.pop(rid, None)  # it names the new IDs now
            depends = resource.get("DependsOn")
            if isinstance(depends, str) and depends in renames:
                self.edit(rid)["DependsOn"] = renames[depends]
            elif isinstance(depends, list) and not renames.keys().isdisjoint(depends):
                self.edit(rid)["DependsOn"] = [renames.get(d, d) for d in depends]

    def _own(self, container: Any) -> Any:
        if isinstance(container, dict):
            copied: Any = dict(container)
        elif isinstance(container, list):
            copied = list(container)
        else:  # the steps edit only mappings and lists they have checked
            raise TypeError(f"cannot edit a {type(container).__name__} in place")
        self.owned.add(id(copied))
        return copied
