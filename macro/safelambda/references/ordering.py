"""Order each integration that invokes an alias after what that invocation needs.

CloudFormation orders a deploy only by references and `DependsOn`, and acts on each resource as
soon as what it names is done. An integration that now invokes the alias (an SNS subscription,
which is new since its `Endpoint` is create-only; an API Deployment; a rule updated in place)
waits here for the alias's permission, for a separate IAM policy that lets its role invoke the
alias, and for the alias's new `EventInvokeConfig` (its `Qualifier` is create-only, so it is a new
resource too, and until it exists asynchronous invocations of the alias get Lambda's default
retries and no destination); a Deployment also waits for each part of its API that moved, or it
may snapshot the part as it was. An order the template already implies is not added, nor one on
a resource of another condition; an order that would close a cycle (a permission whose
`SourceArn` names the integration) is left out and recorded in `Work.windows`: `Adoption:
Prepare` closes those.
"""

from __future__ import annotations

import re
from typing import Any

from ..template import SUB_VARIABLE, function_of, names_in, properties, sub_parts
from ..work import Work
from . import apis
from .grants import Grants
from .graph import Graph, listed
from .place import Context

EVENT_INVOKE_CONFIG = "AWS::Lambda::EventInvokeConfig"
SELF_CONFIGURED = frozenset({EVENT_INVOKE_CONFIG, "AWS::Lambda::Url"})
# Policies attached to a role from outside it: nothing orders the role's users after them.
STANDALONE_POLICIES = {
    "AWS::IAM::Policy": "Roles",
    "AWS::IAM::ManagedPolicy": "Roles",
    "AWS::IAM::RolePolicy": "RoleName",
}
REST_STAGE = "AWS::ApiGateway::Stage"


def run(work: Work, context: Context, grants: Grants, found: dict[str, apis.Api]) -> None:
    if context.prepare:
        return  # nothing invokes an alias it did not invoke before
    wanted: dict[str, list[str]] = {}
    parts: dict[str, list[str]] = {}
    configs = _event_invoke_configs(work)
    policies = _policies(work, context)
    for resource_id, function in context.on_alias:
        current = work.replaced.get(resource_id, resource_id)
        needs = grants.covering(current, function) + policies.get((current, function), [])
        if work.resources[current]["Type"] not in SELF_CONFIGURED:
            needs += configs.get(function, [])
        for rid in _waiting(work, current, found):
            wanted.setdefault(rid, []).extend(n for n in needs if n != rid)
            if rid != current:  # a Deployment snapshots the part that moved: it waits for it
                parts.setdefault(rid, []).append(current)
    graph = grants.graph
    for rid, part in parts.items():
        # Not what it reaches already (a Route names its Integration).
        wanted[rid] += [p for p in part if not graph.reaches(rid, p, set())]
    for rid, needs in wanted.items():
        _order(work, graph, rid, list(dict.fromkeys(needs)))


def _waiting(work: Work, resource_id: str, found: dict[str, apis.Api]) -> list[str]:
    """What starts invoking when this resource changes: itself, or its API's Deployments."""
    resource = work.resources[resource_id]
    if resource["Type"] not in apis.CONTENT:
        return [resource_id]
    api = found.get(apis.key_of(resource_id, resource) or "")
    if api is None:
        return []
    deployments = [work.replaced.get(d, d) for d in api.deployments]
    return deployments + ([resource_id] if api.auto_deploy else [])


def _order(work: Work, graph: Graph, rid: str, needs: list[str]) -> None:
    cannot: set[str] | None = None  # made for the first need that takes a search
    added: list[str] = []
    waits = listed(work.resources[rid])  # SAM lists a bucket's permission: no read needed
    for need in needs:
        if need in waits or need in graph.of(rid) or not _exists_with(work, need, rid):
            continue  # the template orders them already, or cannot
        if rid in graph.of(need):
            closes = True  # a permission naming its rule: the commonest cycle needs no search
        else:
            cannot = _near(graph, rid) if cannot is None else cannot
            closes = graph.reaches(need, rid, cannot)
        if closes and not _cut_stage_names(work, graph, need, rid):
            work.windows.append((rid, need))
            continue
        added.append(need)
        # `rid` now reaches what `need` reaches: a resource known not to reach `rid` still
        # cannot, since nothing new leads into `rid`.
        graph.add(rid, need)
    if added:
        work.edit(rid)["DependsOn"] = waits + added
        work.orderings += [(rid, need) for need in added]


def _exists_with(work: Work, need: str, rid: str) -> bool:
    """`need` exists whenever `rid` does: a `DependsOn` on a resource whose condition may be
    false fails the deploy ("Unresolved resource dependencies"; cfn-lint E3005)."""
    condition = work.resources[need].get("Condition")
    return condition is None or condition == work.resources[rid].get("Condition")


def _near(graph: Graph, rid: str) -> set[str]:
    """Resources known not to reach `rid`: two steps of what it waits for.

    The template has no cycle (the input checks refuse one, and each order added here is
    checked), so nothing `rid` waits for can wait for `rid`: the searches stop there. Two
    steps cover the alias chain of what it invokes (an integration names the alias, which
    names the function and its Version, or its API does), the bulk of what they would read.
    """
    cannot = set(graph.of(rid))
    for near in list(cannot):
        cannot.update(graph.of(near))
    return cannot


def _cut_stage_names(work: Work, graph: Graph, permission: str, deployment: str) -> bool:
    """A permission scoped to a stage by `Ref` waits for the stage and so for its Deployment.

    `Ref` of an `AWS::ApiGateway::Stage` is the stage's name (CloudFormation resource
    reference); where that name is a plain string, the permission names the same ARN without
    the reference (the CDK's `LambdaRestApi` scopes permissions so), and the order is no cycle.
    """
    props = properties(work.resources[permission])
    stages = {
        s: name
        for s in graph.of(permission)
        if work.resources[s]["Type"] == REST_STAGE
        and isinstance(name := properties(work.resources[s]).get("StageName"), str)
        and "${" not in name
    }
    if not stages:
        return False
    new = _named(props, stages)
    before = graph.of(permission)
    graph.edges[permission] = graph.read(permission, new)
    if graph.reaches(permission, deployment, set()):
        graph.edges[permission] = before
        return False
    work.resources[permission] = {**work.resources[permission], "Properties": new}
    if work.names is not None:
        work.names.pop(permission, None)
    return True


def _named(value: Any, names: dict[str, str]) -> Any:
    """`value` with every `Ref` and `${…}` of the resources in `names` replaced by the value."""
    if isinstance(value, list):
        return [_named(v, names) for v in value]
    if not isinstance(value, dict):
        return value
    name = function_of(value)
    if name == "Ref" and value["Ref"] in names:
        return names[value["Ref"]]
    if name == "Fn::Sub" and sub_parts(value["Fn::Sub"]):
        text, local = sub_parts(value["Fn::Sub"]) or ("", {})

        def replace(match: re.Match[str]) -> str:
            key = match.group(1).strip()
            return names[key] if key in names and key not in local else match.group(0)

        text = SUB_VARIABLE.sub(replace, text)
        new_local = _named(local, names)
        return {name: [text, new_local] if isinstance(value[name], list) else text}
    return {k: _named(v, names) for k, v in value.items()}


def _event_invoke_configs(work: Work) -> dict[str, list[str]]:
    """The `EventInvokeConfig` of each function's alias, as the qualifier step left them."""
    found: dict[str, list[str]] = {}
    for rid, resource in work.resources.items():
        if resource["Type"] != EVENT_INVOKE_CONFIG:
            continue
        props = properties(resource)
        target = props.get("FunctionName")
        function = target.get("Ref") if isinstance(target, dict) and len(target) == 1 else None
        plan = work.plans.get(function) if isinstance(function, str) else None
        if plan is not None and props.get("Qualifier") == plan.alias_name:
            found.setdefault(plan.logical_id, []).append(rid)
    return found


def _policies(work: Work, context: Context) -> dict[tuple[str, str], list[str]]:
    """(integration, function) -> the standalone policies that let its role invoke the alias.

    A policy counts when its document names the function or its alias (the IAM step added the
    alias beside the function) and it is attached to a role the integration names.
    """
    roles: dict[str, list[tuple[str, set[str]]]] = {}
    for rid, resource in work.resources.items():
        field = STANDALONE_POLICIES.get(resource["Type"])
        if field is None:
            continue
        props = properties(resource)
        attached = names_in(props.get(field)) & work.resources.keys()
        named = names_in(props.get("PolicyDocument"))
        invoked = {n if n in work.plans else context.owner.get(n, "") for n in named} - {""}
        for fid in sorted(invoked) if attached else []:
            roles.setdefault(fid, []).append((rid, attached))
    found: dict[tuple[str, str], list[str]] = {}
    uses: dict[str, set[str]] = {}
    for resource_id, fid in context.on_alias if roles else ():
        current = work.replaced.get(resource_id, resource_id)
        for policy, attached in roles.get(fid, []):
            if current not in uses:
                uses[current] = names_in(properties(work.resources[current]))
            if not attached.isdisjoint(uses[current]):
                found.setdefault((current, fid), []).append(policy)
    return found
