"""Permissions follow their integration.

A resource policy statement applies only to the ARN it names (Lambda developer guide, "Using
aliases": a permission on `fn:live` does not let anyone invoke `fn`, and the reverse). So a
permission for a service principal moves to the alias when an integration of that service now
invokes the alias; it stays where it is when nothing in the template does (its caller is
elsewhere and still names the function). When both are true, because something of that
service still invokes the function unqualified (a place SafeLambda could not rewrite, content
it cannot see, a caller outside the template), the permission moves and an unqualified copy
`{Permission}Unqualified` is kept beside it, so no caller loses access. Under `Adoption: Release`
every permission that moves keeps that copy: the next deploy, without SafeLambda, moves the
integrations back to the function while the copy still grants it. Under `NextAliasName` every
permission that moves also gets a copy `{Permission}Next` granting the next alias: the deploy
that renames the alias moves each integration onto a grant that exists already, which is the
only order where the grant names its integration (Lambda developer guide, "Using aliases": a
permission on an alias ARN allows invoking that alias only).
"""

from __future__ import annotations

import copy
from typing import Any

from ..errors import Problem, error, warning
from ..template import Resolver, Retarget, properties, retarget
from ..work import Rewrite, Work
from .place import Context, Place
from .usage import URL, principal_service

PERMISSION = "AWS::Lambda::Permission"
SUFFIX = "Unqualified"
NEXT = "Next"
OUTSIDE = "a caller outside the template"
RELEASED = "Adoption: Release keeps the function granted for the deploy that removes SafeLambda"


def collect(place: Place) -> None:
    """Permissions are decided after every integration has been rewritten."""
    rid = place.resource_id
    if rid.endswith(SUFFIX) and rid.removesuffix(SUFFIX) in place.work.resources:
        place.context.kept.append(place)  # the unqualified copy an earlier run kept: it stays
        return
    functions = place.functions()
    if functions:
        place.context.permissions.append((place, functions))


def follow(work: Work, context: Context) -> None:
    for kept in context.kept:  # say again what the earlier run said, so output is idempotent
        service = service_of(work, work.resources[kept.resource_id])
        because = _because(context, service, kept.functions())
        work.problems.append(
            _kept_warning(kept.resource_id.removesuffix(SUFFIX), kept.resource_id, because)
        )
    grouped: dict[str, list[tuple[Place, list[str]]]] = {}
    for place, functions in context.permissions:
        grouped.setdefault(place.resource_id, []).append((place, functions))
    # Decided here and needed nowhere after: the transitions that follow peak above it.
    context.permissions, context.kept = [], []
    additions: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for resource_id, places in grouped.items():
        siblings = _follow(work, context, resource_id, places)
        if siblings:
            additions[resource_id] = siblings
    if additions:
        ordered: dict[str, Any] = {}
        for rid, resource in work.resources.items():
            ordered[rid] = resource
            for sibling_id, sibling in additions.get(rid, []):
                ordered[sibling_id] = sibling
        work.template["Resources"] = ordered


def _follow(
    work: Work, context: Context, resource_id: str, places: list[tuple[Place, list[str]]]
) -> list[tuple[str, dict[str, Any]]]:
    service = service_of(work, work.resources[resource_id])
    functions = list(dict.fromkeys(f for _, named in places for f in named))
    move = [f for f in functions if context.usage.alias_used(f, service)]
    if not move:
        through = f" as {service}" if service else ""
        work.problems.append(
            warning(
                "SL306",
                f"stays on the unqualified function {' and '.join(functions)}: nothing in this "
                f"template invokes its alias{through}, so its "
                "callers are elsewhere",
                resource_id,
                places[0][0].where,
            )
        )
        return []
    keep = [
        f for f in move if context.release or service is None or context.usage.bare_used(f, service)
    ]
    original = work.keep(resource_id) if keep else None  # as it is before the rewrite
    nexting = {f: context.next[f] for f in move if f in context.next}
    following = _next(work, resource_id, places, nexting)
    targets = {f: work.plans[f].retarget_alias for f in move}
    for place, _ in places:
        new, changes, _ = retarget(place.value, targets, ("Properties", *place.path))
        if changes:
            place.set(new)
            work.rewrites += [Rewrite(resource_id, change) for change in changes]
    siblings: list[tuple[str, dict[str, Any]]] = []
    if original is not None and (kept := _sibling(work, resource_id + SUFFIX, original)):
        work.problems.append(_kept_warning(resource_id, kept[0], _because(context, service, keep)))
        siblings.append(kept)
    return siblings + ([following] if following else [])


def _next(
    work: Work,
    resource_id: str,
    places: list[tuple[Place, list[str]]],
    targets: dict[str, Retarget],
) -> tuple[str, dict[str, Any]] | None:
    """The `{Permission}Next` copy: each place pointed at the next alias instead, else as is."""
    if not targets:
        return None
    copied = copy.deepcopy(work.resources[resource_id])
    for place, _ in places:
        new, _, _ = retarget(place.value, targets, ("Properties", *place.path))
        parent = copied["Properties"]
        for part in place.path[:-1]:
            parent = parent[part]
        parent[place.path[-1]] = new
    return _sibling(work, resource_id + NEXT, copied)


def _sibling(
    work: Work, sibling_id: str, resource: dict[str, Any]
) -> tuple[str, dict[str, Any]] | None:
    if sibling_id in work.resources:
        work.problems.append(
            error(
                "SL011",
                "is a logical ID SafeLambda must add; the template already uses it, so rename "
                "the template's resource",
                sibling_id,
            )
        )
        return None
    return sibling_id, resource


def _because(context: Context, service: str | None, keep: list[str]) -> str:
    """Why a permission keeps its unqualified copy."""
    if context.release:
        return RELEASED
    return f"{service or OUTSIDE} may still invoke {' and '.join(keep)} unqualified"


def _kept_warning(resource_id: str, sibling_id: str, because: str) -> Problem:
    return warning(
        "SL306",
        f"moved to the alias, and an unqualified copy {sibling_id} is kept because {because}",
        resource_id,
    )


def service_of(work: Work, resource: dict[str, Any]) -> str | None:
    return granted_service(work.resolver, resource)


def granted_service(resolver: Resolver, resource: dict[str, Any]) -> str | None:
    """The service principal a permission grants; None for accounts, `*` and unknowns."""
    if resource.get("Type") != PERMISSION:
        return None  # AWS::Lambda::ResourcePolicy: statements may name any principal
    props = properties(resource)
    action = resolver.resolve(props.get("Action"))
    via_url = resolver.resolve(props.get("InvokedViaFunctionUrl")) in (True, "true")
    if (isinstance(action, str) and action.lower() == "lambda:invokefunctionurl") or via_url:
        return URL
    return principal_service(resolver.resolve(props.get("Principal")))
