"""What CloudFormation does to each resource going from the previous stack to the new template.

A resource only in the new template is created. One in both is updated in place when a property
changed, and replaced when a create-only property changed (the resource schemas list them:
`data/create_only.tsv`): CloudFormation creates the new physical resource, points everything that
references it at the new one, and deletes the old one in the cleanup phase, after every other
resource succeeded ("Understand update behaviors of stack resources", CloudFormation guide).
A resource only in the previous stack is deleted in that cleanup phase too. A replacement gives
a new physical ID, so a property naming a replaced (or newly created) resource changes too, even
when its text is the same: changes are decided in dependency order.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple

from ..template import names_in
from ..versions import create_only
from .stack import Resource, Stack
from .tables import RETAINED


class Change(StrEnum):
    CREATE = "create"
    UPDATE = "update"  # in place: same physical resource
    REPLACE = "replace"  # a new physical resource now; the old one is deleted in cleanup
    UNCHANGED = "unchanged"
    DELETE = "delete"  # cleanup: a removed resource, or the old one of a replaced resource


class Phase(StrEnum):
    DEPLOY = "deploy"
    CLEANUP = "cleanup"


class Action(NamedTuple):
    """What happens to one resource in one phase of the deploy."""

    logical_id: str
    type: str
    change: Change
    phase: Phase = Phase.DEPLOY
    # UPDATE: the changed properties; REPLACE: the create-only ones that force it (or `Type`).
    properties: tuple[str, ...] = ()
    retained: bool = False  # DELETE: a deletion policy keeps the physical resource

    @property
    def renewed(self) -> bool:
        """A new physical resource, so a new `Ref` value and new attributes."""
        return self.change in (Change.CREATE, Change.REPLACE)

    @property
    def deletes(self) -> bool:
        """The physical resource is gone after the cleanup phase."""
        return self.change is Change.DELETE and not self.retained


def actions(previous: Stack, new: Stack) -> tuple[Action, ...]:
    """Every resource's action: the deploy phase in dependency order, then the cleanup phase."""
    deploy: list[Action] = []
    renewed: set[str] = set()
    for rid in new.graph.order():
        action = _decide(previous.resources.get(rid), new.resources[rid], renewed)
        if action.renewed:
            renewed.add(rid)
        deploy.append(action)
    replaced = {a.logical_id for a in deploy if a.change is Change.REPLACE}
    cleanup = []
    for rid in reversed(previous.graph.order()):  # what depends on a resource goes first
        if rid in replaced:
            cleanup.append(_delete(previous.resources[rid], new.resources[rid]))
        elif rid not in new.resources:
            cleanup.append(_delete(previous.resources[rid], None))
    return (*deploy, *cleanup)


def _decide(old: Resource | None, new: Resource, renewed: set[str]) -> Action:
    if old is None:
        return Action(new.logical_id, new.type, Change.CREATE)
    if old.type != new.type:
        return Action(new.logical_id, new.type, Change.REPLACE, properties=("Type",))
    changed = changed_properties(old.properties, new.properties, renewed)
    forced = tuple(name for name in changed if name in create_only().get(new.type, ()))
    if forced:
        return Action(new.logical_id, new.type, Change.REPLACE, properties=forced)
    if changed:
        return Action(new.logical_id, new.type, Change.UPDATE, properties=changed)
    return Action(new.logical_id, new.type, Change.UNCHANGED)


def changed_properties(
    before: dict[str, Any], after: dict[str, Any], renewed: set[str]
) -> tuple[str, ...]:
    """Top-level properties whose value differs, or that name a resource with a new physical ID,
    in alphabetical order."""
    return tuple(
        name
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name) or names_in(after.get(name)) & renewed
    )


def _delete(old: Resource, replacement: Resource | None) -> Action:
    """A removed resource is kept by its `DeletionPolicy`; the old one of a replaced resource by
    `UpdateReplacePolicy`, counted only when the previous and the new template both say so
    (the documentation does not say which of the two CloudFormation reads)."""
    if replacement is None:
        retained = old.deletion_policy in RETAINED
    else:
        retained = {old.replace_policy, replacement.replace_policy} <= RETAINED
    return Action(old.logical_id, old.type, Change.DELETE, Phase.CLEANUP, retained=retained)
