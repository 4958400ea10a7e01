"""One processed template as a stack holds it: the resources that exist in that deploy, their
properties resolved with the deploy's values, their order, and the Lambda functions, aliases and
versions among them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..template import FUNCTION, DeployContext, Resolver, names_in, properties
from .graph import Graph, depends_on
from .tables import ALIAS, VERSION

QUALIFIED = frozenset({ALIAS, VERSION})


@dataclass(frozen=True)
class Resource:
    logical_id: str
    type: str
    properties: dict[str, Any]  # resolved: parameters, conditions, mappings, pseudo parameters
    deletion_policy: str | None
    replace_policy: str | None


class Stack:
    """The resources of `template` whose `Condition` holds (or is unknown) under `context`."""

    def __init__(self, template: dict[str, Any], context: DeployContext | None = None) -> None:
        resolver = Resolver(template, context or DeployContext())
        declared = template.get("Resources")
        declared = declared if isinstance(declared, dict) else {}
        self.resources: dict[str, Resource] = {}
        explicit: dict[str, list[str]] = {}
        for rid, resource in declared.items():
            condition = resource.get("Condition")
            if isinstance(condition, str) and resolver.condition(condition) is False:
                continue
            resolved = resolver.resolve(properties(resource))
            self.resources[rid] = Resource(
                rid,
                resource["Type"],
                resolved if isinstance(resolved, dict) else {},
                _policy(resolver.resolve(resource.get("DeletionPolicy"))),
                _policy(resolver.resolve(resource.get("UpdateReplacePolicy"))),
            )
            explicit[rid] = depends_on(resource.get("DependsOn"))
        metadata = template.get("Metadata")
        own = metadata.get("SafeLambda") if isinstance(metadata, dict) else None
        # SafeLambda's output: its report is in the template's metadata.
        self.processed = isinstance(own, dict) and isinstance(own.get("Report"), dict)
        self.graph = Graph.of({k: r.properties for k, r in self.resources.items()}, explicit)
        self.owner = self._owners()
        self.aliases = {
            (self.owner[rid], name): rid
            for rid, r in self.resources.items()
            if r.type == ALIAS
            and rid in self.owner
            and isinstance(name := r.properties.get("Name"), str)
        }

    def _owners(self) -> dict[str, str]:
        """Each function, and each alias and version of one, -> that function."""
        owner = {rid: rid for rid, r in self.resources.items() if r.type == FUNCTION}
        for rid, resource in self.resources.items():
            if resource.type in QUALIFIED:
                named = names_in(resource.properties.get("FunctionName")) & owner.keys()
                if len(named) == 1:
                    owner[rid] = named.pop()
        return owner

    def of_type(self, *types: str) -> list[str]:
        """Logical IDs of the resources of these types, in document order."""
        return [rid for rid, r in self.resources.items() if r.type in types]

    def type_of(self, logical_id: str) -> str | None:
        resource = self.resources.get(logical_id)
        return resource.type if resource else None

    def names(self, logical_id: str) -> frozenset[str]:
        """The resources `logical_id`'s properties name (not its DependsOn)."""
        resource = self.resources.get(logical_id)
        if resource is None:
            return frozenset()
        return frozenset(names_in(resource.properties) & self.resources.keys())


def empty() -> Stack:
    """The stack before its first deploy."""
    return Stack({"Resources": {}})


def _policy(value: Any) -> str | None:
    return value if isinstance(value, str) else None
