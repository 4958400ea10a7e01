"""A stage serves its Deployment's snapshot: stale stages and what they still need.

When an API's content changes but the Deployment its stage serves keeps its logical ID,
CloudFormation makes no new snapshot: the stage keeps invoking what the previous template said
(SL503) until someone deploys the API by hand. What that old snapshot invokes must then outlive
the deploy: a target the update deletes (SL507) or a grant it deletes (SL506) fails every
request. A new Deployment snapshots the API when it is created, so it must come after every
part of the API this deploy changes (SL504; CDK `aws_apigateway.Deployment`: "CloudFormation
will likely provision it before these resources are created").
"""

from __future__ import annotations

from ..errors import Severity
from ..references import services_of
from .apis import Api, Stage
from .tables import BY_PERMISSION
from .transition import Finding, Transition, finding

ERROR = Severity.ERROR


def snapshots(t: Transition) -> list[Finding]:
    """SL503, SL504, SL506, SL507 for every API whose content this deploy changes."""
    found: list[Finding] = []
    for api in t.new_apis.values():
        old = t.old_apis.get(api.logical_id)
        changed = _content_changes(t, api, old)
        if not changed:
            continue
        for deployment, stages in _served(api).items():
            if t.renewed(deployment):
                found += _unordered(t, api, deployment, changed)
            else:
                found.append(_stale(api, deployment, stages, _described(t, api, changed)))
                found += _still_needed(t, old, deployment, stages)
    return found


def _content_changes(t: Transition, api: Api, old: Api | None) -> list[str]:
    action = t.deploy[api.logical_id]
    changed = (
        [api.logical_id] if action.renewed or set(action.properties) & set(api.kind.body) else []
    )
    removed = [p for p in (old.parts if old else ()) if p not in api.parts]
    return changed + [p for p in (*api.parts, *removed) if t.changed(p)]


def _served(api: Api) -> dict[str, list[Stage]]:
    """Deployment -> the stages serving its snapshot (auto-deployed stages serve the API)."""
    served: dict[str, list[Stage]] = {}
    for stage in api.stages:
        if stage.deployment and not stage.auto:
            served.setdefault(stage.deployment, []).append(stage)
    return served


def _stages(stages: list[Stage], verb: str) -> str:
    """`stage Prod keeps` / `stages Prod, Stage keep`."""
    names = ", ".join(s.name for s in stages)
    return f"stage {names} {verb}s" if len(stages) == 1 else f"stages {names} {verb}"


def _described(t: Transition, api: Api, changed: list[str]) -> list[str]:
    """The changed parts, and the API's own changed body properties as `Api.Body`."""
    action = t.deploy[api.logical_id]
    body = [p for p in action.properties if p in api.kind.body] or list(api.kind.body[:1])
    return [
        ", ".join(f"{rid}.{p}" for p in body) if rid == api.logical_id else rid for rid in changed
    ]


def _unordered(t: Transition, api: Api, deployment: str, changed: list[str]) -> list[Finding]:
    late = [p for p in changed if p in t.new.resources and not t.before(p, deployment)]
    if not late:
        return []
    return [
        finding(
            "SL504",
            ERROR,
            f"snapshots {api.logical_id} when it is created, but nothing orders it after "
            f"{', '.join(late)}, which this deploy creates or updates: its stages may serve the "
            "API without them (on a first deploy API Gateway refuses a REST API without "
            f"methods); add DependsOn: [{', '.join(late)}] to {deployment}",
            deployment,
            Api=api.logical_id,
            Deployment=deployment,
            Unordered=late,
        )
    ]


def _stale(api: Api, deployment: str, stages: list[Stage], changed: list[str]) -> Finding:
    return finding(
        "SL503",
        ERROR,
        f"keeps its logical ID while {api.logical_id} changes ({', '.join(changed)}): a "
        f"Deployment is an immutable snapshot, so {_stages(stages, 'keep')} serving the "
        "previous API, which invokes what the previous template said, until the API is deployed "
        f"again by hand; give {deployment} a new logical ID whenever the API changes (SAM and "
        "the CDK derive it from a hash of the API)",
        deployment,
        Api=api.logical_id,
        Deployment=deployment,
        Stages=[s.name for s in stages],
        Changed=changed,
    )


def _still_needed(
    t: Transition, old: Api | None, deployment: str, stages: list[Stage]
) -> list[Finding]:
    """What the stale snapshot (the previous template's API) invokes, and the grants it used."""
    if old is None:
        return []
    content = set(old.content)
    near = frozenset(content)
    service = services_of(old.kind.api)
    found: list[Finding] = []
    for target in dict.fromkeys(c.target for c in t.old_calls if c.resource in content):
        if t.deleted(target):
            found.append(_target_deleted(deployment, stages, target))
            continue
        needed = [
            g.resource
            for g in t.old_grants
            if g.serves(BY_PERMISSION, service, near) and g.grants(t.previous, target)
        ]
        kept = [
            g
            for g in t.new_grants
            if g.serves(BY_PERMISSION, service, near) and g.grants(t.new, target)
        ]
        if needed and not kept and all(t.deleted(g) for g in needed):
            found.append(_grant_deleted(deployment, stages, target, needed))
    return found


def _target_deleted(deployment: str, stages: list[Stage], target: str) -> Finding:
    return finding(
        "SL507",
        ERROR,
        f"{_stages(stages, 'keep')} serving this Deployment's snapshot, which invokes "
        f"{target}; this deploy deletes {target} in cleanup, so every request to it fails from "
        f"then on until the API is deployed again; give {deployment} a new logical ID with this "
        "change",
        deployment,
        Deployment=deployment,
        Stages=[s.name for s in stages],
        Target=target,
    )


def _grant_deleted(deployment: str, stages: list[Stage], target: str, grants: list[str]) -> Finding:
    return finding(
        "SL506",
        ERROR,
        f"{_stages(stages, 'keep')} serving this Deployment's snapshot, which invokes "
        f"{target} under the grant {', '.join(grants)}; this deploy deletes that grant in "
        f"cleanup and nothing else lets API Gateway invoke {target}, so every request to it "
        f"fails from then on; give {deployment} a new logical ID with this change, or keep a "
        f"permission for {target}",
        deployment,
        Deployment=deployment,
        Stages=[s.name for s in stages],
        Target=target,
        Grants=grants,
    )
