"""Resources that depend on each other in a cycle, which CloudFormation cannot order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet

from ..errors import Problem, error


def cycle_problems(graph: Mapping[str, AbstractSet[str]]) -> list[Problem]:
    """One SL019 per group of resources that depend on each other in a cycle."""
    order = {rid: i for i, rid in enumerate(graph)}
    groups = [g for g in _components(graph, order) if len(g) > 1 or g[0] in graph[g[0]]]
    return [
        error(
            "SL019",
            f"depends on itself through {' -> '.join(g + g[:1])}; CloudFormation cannot create "
            "a cycle, so remove one of these references",
            g[0],
        )
        for g in sorted(groups, key=lambda g: order[g[0]])
    ]


def _components(
    graph: Mapping[str, AbstractSet[str]], order: dict[str, int]
) -> Iterator[list[str]]:
    """Strongly connected components (Tarjan), iteratively: templates may hold 500 resources."""

    def successors(node: str) -> Iterator[str]:
        # In any order: the components are the same, and each is sorted when it is yielded.
        return iter(graph[node] & graph.keys())

    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    for root in order:
        if root in index or not graph[root]:
            continue  # a resource that depends on nothing is in no cycle; others may reach it
        index[root] = low[root] = len(index)
        stack.append(root)
        work = [(root, successors(root))]
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    at = stack.index(node)
                    yield sorted(stack[at:], key=order.__getitem__)
                    del stack[at:]
            elif step not in index:
                index[step] = low[step] = len(index)
                stack.append(step)
                work.append((step, successors(step)))
            elif step in stack:
                low[node] = min(low[node], index[step])
