"""The order CloudFormation works in: a resource starts only after everything it depends on.

A resource depends on what its properties name (`Ref`, `Fn::GetAtt`, `${…}` in `Fn::Sub`: the
names `template.names_in` finds) and on its `DependsOn`. CloudFormation runs everything else in
parallel, so "A before B" holds only when B depends on A, directly or through others; the linear
order `order` gives is one of the orders CloudFormation may take, stable by document order.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..template import names_in


def depends_on(value: Any) -> list[str]:
    """`DependsOn: X` or `DependsOn: [X, Y]`; anything else names nothing."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str)]


@dataclass
class Graph:
    """Direct dependencies of each resource, with the transitive closure computed on demand."""

    edges: dict[str, frozenset[str]]
    _closure: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, properties: Mapping[str, Any], explicit: Mapping[str, Iterable[str]]) -> Graph:
        """`properties`: logical ID -> resolved properties; `explicit`: logical ID -> DependsOn."""
        known = set(properties)
        edges = {
            rid: frozenset(((names_in(props) | set(explicit.get(rid, ()))) & known) - {rid})
            for rid, props in properties.items()
        }
        return cls(edges)

    def ancestors(self, node: str) -> frozenset[str]:
        """Everything `node` waits for, directly or not (iterative: chains can be long)."""
        if node in self._closure:
            return self._closure[node]
        stack, seen = [node], set()
        while stack:
            here = stack.pop()
            for parent in self.edges.get(here, ()):
                if parent not in seen:
                    seen.add(parent)
                    if parent in self._closure:
                        seen |= self._closure[parent]
                    else:
                        stack.append(parent)
        seen.discard(node)  # a cycle (CloudFormation refuses those) does not order a node itself
        self._closure[node] = frozenset(seen)
        return self._closure[node]

    def before(self, first: str, second: str) -> bool:
        """CloudFormation finishes `first` before it starts `second`."""
        return first in self.ancestors(second)

    def order(self) -> list[str]:
        """Dependencies first; among resources free to start, document order."""
        position = {rid: i for i, rid in enumerate(self.edges)}
        waiting = {rid: len(parents) for rid, parents in self.edges.items()}
        children: dict[str, list[str]] = {rid: [] for rid in self.edges}
        for rid, parents in self.edges.items():
            for parent in parents:
                children[parent].append(rid)
        ready = [position[rid] for rid, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        names = list(self.edges)
        done: list[str] = []
        while ready:
            rid = names[heapq.heappop(ready)]
            done.append(rid)
            for child in children[rid]:
                waiting[child] -= 1
                if waiting[child] == 0:
                    heapq.heappush(ready, position[child])
        placed = set(done)
        return done + [rid for rid in names if rid not in placed]  # a cycle: as written
