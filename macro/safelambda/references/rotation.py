"""New logical IDs for what serves a snapshot of an integration SafeLambda moved.

An API Gateway stage serves its Deployment, a snapshot taken when the Deployment was created,
and CloudFormation makes a new one only for a new logical ID (`apis`). SAM and the CDK put a hash
of the API into that ID, computed before SafeLambda rewrote the API; a hand-written one never
changes. So every Deployment of an API whose content this run rewrote gets a new ID: the
original, then 10 hex digits of a SHA-256 over the rewritten API (each of its content resources'
`Type` and `Properties`, canonical JSON as for Versions). The original stays a prefix, so
whenever SAM, the CDK or the author rotate it (a changed body, SAM's `AlwaysDeploy`, the CDK's
`addToLogicalId`), it still rotates, and it reads as what it was. The same API gives the same
ID on every deploy (a code change moves the alias, not the API); a new `AliasName` changes the
alias the API names, and so the ID. Only a run that rewrites something rotates: its output names
the aliases already, so processing it again changes nothing.

A Lambda target group holds one function and cannot swap it in place (ELB guide, "Lambda
functions as targets": "To replace a Lambda function, we recommend that you create a new
target group ... and update the listener rules"; in place it does not stabilize, aws-cdk
#8253, #13833). Its targets moved to the alias give it a new ID the same way; a fixed `Name`
gets the hash too, since target group names are unique in an account and Region.
"""

from __future__ import annotations

from typing import Any

from ..errors import error
from ..template import properties
from ..versions import hashing
from ..work import Work
from . import apis

TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"
NAME_LIMIT = 32  # ELB: up to 32 alphanumerics and hyphens
NAME_SUFFIX = 6


def run(work: Work, found: dict[str, apis.Api]) -> None:
    rewritten = {r.resource for r in work.rewrites}
    if not rewritten:
        return
    digests: dict[str, str] = {}
    for api in found.values():
        if api.deployments and not rewritten.isdisjoint(api.members):
            digest = _digest(work, api.members)
            digests.update(dict.fromkeys(api.deployments, digest))
    for rid in rewritten:
        if work.resources[rid]["Type"] == TARGET_GROUP:
            digests[rid] = _digest(work, [rid])
    if digests:
        _replace(work, digests)


def _digest(work: Work, members: list[str]) -> str:
    content = {
        rid: {"Type": work.resources[rid]["Type"], "Properties": properties(work.resources[rid])}
        for rid in members
    }
    return hashing.content_hash(content)


def _replace(work: Work, digests: dict[str, str]) -> None:
    renames: dict[str, str] = {}
    for old in sorted(digests):
        new = old + digests[old][: hashing.ID_LENGTH]
        if new in work.resources:
            work.problems.append(
                error("SL011", f"SafeLambda must add {new!r} but the template has it", new)
            )
        else:
            renames[old] = new
    if not renames:
        return
    ordered: dict[str, Any] = {}
    for rid, resource in work.resources.items():
        if rid not in renames:
            ordered[rid] = resource
            continue
        ordered[renames[rid]] = _renewed(work, resource, digests[rid])
        if work.names is not None and rid in work.names:
            work.names[renames[rid]] = work.names.pop(rid)
    work.template["Resources"] = ordered
    work.rename(renames)
    work.replaced.update(renames)


def _renewed(work: Work, resource: dict[str, Any], digest: str) -> dict[str, Any]:
    """The resource as its replacement: a Deployment's Description says what it serves, a
    target group's fixed Name gets the hash."""
    props = dict(properties(resource))
    if resource["Type"] == TARGET_GROUP:
        if "Name" in props:
            props["Name"] = _name(work, props["Name"], digest[:NAME_SUFFIX])
    else:
        description = hashing.strip_marker(props.get("Description"))
        props["Description"] = hashing.with_marker(description, digest)
    return {**resource, "Properties": props}


def _name(work: Work, name: Any, suffix: str) -> Any:
    resolved = work.resolver.resolve(name)
    if isinstance(resolved, str):
        return f"{resolved[: NAME_LIMIT - NAME_SUFFIX - 1]}-{suffix}"
    # Known only at deploy time: ELB refuses the deploy (a clear error, before anything moves)
    # if the name and suffix exceed 32 characters.
    return {"Fn::Join": ["-", [name, suffix]]}
