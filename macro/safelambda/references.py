"""Step 6: point every catalogued invocation of a function at its alias.

Anything else that names a function in a way that can invoke it (`Ref`, `.Arn`) is reported:
such a place may still reach `$LATEST` and see the torn state of an update.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import catalog
from .errors import error, warning
from .intrinsics import Path, Targets, invokes, names_in, references, render_path, retarget
from .template import properties
from .work import PlanTargets, Rewrite, Work

Action = Callable[[Work, str, dict[str, Any], Path, Any], None]


def _point_at(targets: Callable[[Work], Targets]) -> Action:
    def action(work: Work, resource_id: str, props: dict[str, Any], path: Path, value: Any) -> None:
        new, changes = retarget(value, targets(work), ("Properties", *path))
        if changes:
            _set(props, path, new)
            work.rewrites += [Rewrite(resource_id, change) for change in changes]

    return action


def _alias_targets(work: Work) -> Targets:
    return PlanTargets(work.plans, lambda plan: plan.retarget_alias)


def _version_targets(work: Work) -> Targets:
    return PlanTargets(work.plans, lambda plan: plan.retarget_version)


def _leave(work: Work, resource_id: str, props: dict[str, Any], path: Path, value: Any) -> None:
    return None


ACTIONS: dict[str, Action] = {
    "ALIAS_ARN": _point_at(_alias_targets),
    "ALIAS_ARN_STR": _point_at(_alias_targets),
    "OPAQUE": _point_at(_alias_targets),
    "VERSION_ARN": _point_at(_version_targets),
    "LEAVE": _leave,
}


def _set(container: Any, path: Path, value: Any) -> None:
    for part in path[:-1]:
        container = container[part]
    container[path[-1]] = value


def run(work: Work) -> None:
    if not work.plans:
        return
    for resource_id, resource in work.resources.items():
        props = properties(resource)
        handled: list[Path] = []
        for entry in catalog.entries_for(resource["Type"]):
            action = ACTIONS[entry.action]
            for path, value in catalog.expand(props, entry.path):
                action(work, resource_id, props, path, value)
                handled.append(("Properties", *path))
        _report_leftovers(work, resource_id, props, handled)


def _report_leftovers(
    work: Work, resource_id: str, props: dict[str, Any], handled: list[Path]
) -> None:
    if work.plans.keys().isdisjoint(names_in(props)):
        return
    for path, reference in references(props, ("Properties",)):
        if reference.target not in work.plans or not invokes(reference):
            continue
        if any(path[: len(done)] == done for done in handled):
            continue
        make = error if work.settings.strict else warning
        work.problems.append(
            make(
                "SL301",
                f"names function {reference.target} in a place SafeLambda does not rewrite; "
                "it may still invoke $LATEST",
                resource_id,
                render_path(path),
            )
        )
