"""What each resource waits for, as CloudFormation orders a deploy: the resources its
properties name (`Ref`, `Fn::GetAtt`, `Fn::Sub`) and its `DependsOn`."""

from __future__ import annotations

from typing import Any

from ..template import names_in, properties
from ..work import Work


class Graph:
    """What each resource waits for: the resources it names and its `DependsOn`.

    Read when a search first reaches a resource, and kept as tuples: a set per resource
    visited was a third of the transform's peak memory for 200 functions.
    """

    def __init__(self, work: Work) -> None:
        self.work = work
        self.edges: dict[str, tuple[str, ...]] = {}

    def of(self, rid: str) -> tuple[str, ...]:
        found = self.edges.get(rid)
        if found is None:
            found = self.edges[rid] = self.read(rid, properties(self.work.resources[rid]))
        return found

    def read(self, rid: str, props: dict[str, Any]) -> tuple[str, ...]:
        resources = self.work.resources
        named = names_in(props)
        named.update(listed(resources[rid]))
        # In any order: a search finds the same resources whichever way it goes.
        return tuple(n for n in named if n in resources)

    def add(self, rid: str, need: str) -> None:
        self.edges[rid] = (*self.of(rid), need)

    def reaches(self, start: str, goal: str, cannot: set[str]) -> bool:
        """True when `start` waits for `goal`, directly or through others.

        `cannot` holds resources known not to reach `goal`; a search that fails adds what it saw.
        """
        seen: set[str] = set()
        stack = [start]
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            if node in seen or node in cannot:
                continue
            seen.add(node)
            stack.extend(self.of(node))
        cannot |= seen
        return False


def listed(resource: dict[str, Any]) -> list[str]:
    depends = resource.get("DependsOn", [])
    return [depends] if isinstance(depends, str) else list(depends)
