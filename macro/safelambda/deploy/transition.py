"""What every rule reads: both stacks, every action, and what each stack invokes and grants."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Any, NamedTuple

from ..errors import Problem, Severity
from .apis import Api, apis
from .changes import Action, Change, Phase
from .grants import Grant, grants
from .stack import Stack
from .targets import Call, calls


class Finding(NamedTuple):
    """A coded problem of the deploy, and the resources it names, for machines."""

    problem: Problem
    details: Mapping[str, Any] = MappingProxyType({})


def finding(code: str, severity: Severity, message: str, resource: str, **details: Any) -> Finding:
    return Finding(Problem(code, message, resource, None, severity), MappingProxyType(details))


class Transition:
    """The previous stack (empty before the first deploy), the new one, and the actions between."""

    def __init__(self, previous: Stack, new: Stack, actions: tuple[Action, ...]) -> None:
        self.previous = previous
        self.new = new
        self.actions = actions
        self.deploy = {a.logical_id: a for a in actions if a.phase is Phase.DEPLOY}
        self.cleanup = {a.logical_id: a for a in actions if a.phase is Phase.CLEANUP}

    def renewed(self, logical_id: str) -> bool:
        """Created or replaced in this deploy: a new physical resource."""
        action = self.deploy.get(logical_id)
        return action is not None and action.renewed

    def changed(self, logical_id: str) -> bool:
        """Created, updated, replaced or removed by this deploy."""
        action = self.deploy.get(logical_id)
        removed = logical_id in self.cleanup and action is None
        return removed or (action is not None and action.change is not Change.UNCHANGED)

    def deleted(self, logical_id: str) -> bool:
        """The physical resource the previous stack held is gone after cleanup."""
        action = self.cleanup.get(logical_id)
        return action is not None and action.deletes

    def before(self, first: str, second: str) -> bool:
        return self.new.graph.before(first, second)

    @cached_property
    def new_calls(self) -> list[Call]:
        return calls(self.new)

    @cached_property
    def old_calls(self) -> list[Call]:
        return calls(self.previous)

    @cached_property
    def new_grants(self) -> list[Grant]:
        return grants(self.new)

    @cached_property
    def old_grants(self) -> list[Grant]:
        return grants(self.previous)

    @cached_property
    def new_apis(self) -> dict[str, Api]:
        return apis(self.new)

    @cached_property
    def old_apis(self) -> dict[str, Api]:
        return apis(self.previous)
