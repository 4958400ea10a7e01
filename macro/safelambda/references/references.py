"""Step 6: point every catalogued invocation of a function at its alias.

Each place of `data/integrations.tsv` has an action (a function in `ACTIONS`). Anything else that
names a function in a way that can invoke it (`Ref`, `.Arn`) is reported: such a place may still
reach `$LATEST` and see the torn state of an update. Permissions run last: they follow what the
other places now invoke (`permissions.py`); then `transitions` makes the deploy that brings the
result safe (new Deployments, orderings, grants left outside).
"""

from __future__ import annotations

from collections.abc import Callable

from ..template import (
    CONTAINERS,
    Path,
    Targets,
    invokes,
    names_in,
    properties,
    references,
    retarget,
)
from ..work import Rewrite, Work
from . import catalog, iam, permissions, qualifier, transitions
from .place import Context, Place, unrewritten

Action = Callable[[Place], None]


def _alias_targets(context: Context) -> Targets:
    return context.alias


def _version_targets(context: Context) -> Targets:
    return context.version


def _point_at(targets: Callable[[Context], Targets], embedded: bool = False) -> Action:
    def action(place: Place) -> None:
        work = place.work
        new, changes, moved = retarget(
            place.value, targets(place.context), ("Properties", *place.path), embedded=embedded
        )
        if changes and place.context.prepare:
            place.prepared(moved)
            moved, new = [], place.value
        elif changes:
            place.set(new)
            work.rewrites += [Rewrite(place.resource_id, change) for change in changes]
        for fid in dict.fromkeys(moved + place.aliased(new)):
            place.invokes_alias(fid)

    return action


def _opaque(place: Place) -> None:
    """A document CloudFormation evaluates: every function reference inside is an invocation.

    Its content may hold an Fn::Transform only if the template does: the input checks looked.
    """
    if place.work.names is None and place.contains("Fn::Transform"):
        place.hidden("holds an Fn::Transform whose output SafeLambda cannot see")
    _point_at(_alias_targets)(place)


def _leave(place: Place) -> None:
    return None


# What a REPORT place is, for its message; any other is a service field where no AWS
# documentation shows an alias works (the catalog's source column has the details).
REPORTED: dict[str, str] = {
    "AWS::CloudFormation::Stack": "passes function {fid} to a nested stack, whose template "
    "SafeLambda cannot see, so the child may invoke $LATEST; pass {alias} instead if it does",
    "AWS::Lambda::Function": "names function {fid} in an environment variable, so code that "
    "invokes it by this value reaches $LATEST; use {alias} instead if the code invokes it",
}
UNPROVEN = (
    "names function {fid} where AWS does not document that an alias works, so it stays "
    "unqualified and may invoke $LATEST; use {alias} yourself if the service accepts it"
)


def _report(place: Place) -> None:
    for fid in place.functions():
        place.usage.invokes_bare(fid, place.type)
        alias = f"the alias {place.work.plans[fid].alias_id}"
        text = REPORTED.get(place.type, UNPROVEN)
        unrewritten(place, "SL302", text.format(fid=fid, alias=alias))


def _hidden(place: Place) -> None:
    if place.work.plans:
        place.hidden("is stored outside the template, where SafeLambda cannot read it")


ACTIONS: dict[str, Action] = {
    "ALIAS_ARN": _point_at(_alias_targets),
    "ALIAS_ARN_STR": _point_at(_alias_targets),
    "OPAQUE": _opaque,
    "SUBSTITUTION": _point_at(_alias_targets, embedded=True),
    "VERSION_ARN": _point_at(_version_targets),
    "QUALIFIER": qualifier.run,
    "EXTEND_IAM": iam.run,
    "LEAVE": _leave,
    "REPORT": _report,
    "HIDDEN": _hidden,
    "PERMISSION": permissions.collect,
}
assert set(ACTIONS) == catalog.ACTIONS


def run(work: Work) -> None:
    if not work.plans:
        return
    context = Context(work)
    # Functions, and the aliases and Versions that stand for them: a resource whose Properties
    # name none of these invokes none, and only places stored outside the template concern it.
    # Unknown when an Fn::Transform hides part of the template: then every resource is read.
    relevant = work.plans.keys() | context.owner.keys()
    for resource_id, resource in list(work.resources.items()):
        props = properties(resource)
        handled: set[Path] = set()
        names_nothing = work.names is not None and not work.may_name(resource_id, relevant)
        for entry in catalog.entries_for(resource["Type"]):
            if names_nothing and entry.action != "HIDDEN":
                continue
            for path, value in catalog.expand(props, entry.path):
                ACTIONS[entry.action](Place(context, resource_id, entry, path, value))
                handled.add(("Properties", *path))
        if not names_nothing:
            _report_leftovers(work, context, resource_id, handled)
    permissions.follow(work, context)
    transitions.run(work, context)


def _report_leftovers(work: Work, context: Context, resource_id: str, handled: set[Path]) -> None:
    resource = work.resources[resource_id]
    props = properties(resource)
    if not work.may_name(resource_id, work.plans):
        return
    # Rewritten places name aliases now; what names a function outside the top-level properties
    # handled whole (FunctionName, Body, ...) is found by a cheaper walk first, which skips
    # what no intrinsic can be (Action, Principal, Name: a string names nothing).
    rest = [
        v
        for k, v in props.items()
        if isinstance(v, CONTAINERS) and ("Properties", k) not in handled
    ]
    if not rest or names_in(rest).isdisjoint(work.plans):
        return
    for path, reference in references(props, ("Properties",), skip=handled):
        if reference.target not in work.plans or not invokes(reference):
            continue
        context.usage.invokes_bare(reference.target, resource["Type"])
        where = catalog.Entry(resource["Type"], (), "REPORT", (), "not in the catalog")
        unrewritten(
            Place(context, resource_id, where, path[1:], None),
            "SL301",
            f"names function {reference.target} in a place SafeLambda does not rewrite, so it "
            f"may invoke $LATEST; name the alias {work.plans[reference.target].alias_id} "
            "there if it invokes the function",
        )
