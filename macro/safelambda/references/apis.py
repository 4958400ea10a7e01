"""The API Gateway APIs of a template: what each one serves, its Deployments and its stages.

API Gateway serves a stage from a Deployment, a snapshot of the API taken when the Deployment
was created; a Deployment changes only with its logical ID (CDK `Deployment` documentation: "as
long as the resource's logical ID doesn't change, the deployment will represent the snapshot in
time in which the resource was created"). An HTTP API stage with `AutoDeploy` (and the `$default`
stage of a quick-created API, `Target`) redeploys by itself whenever the API changes.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..template import properties
from ..versions.hashing import canonical_json
from ..work import Work

REST, V2 = "AWS::ApiGateway::", "AWS::ApiGatewayV2::"
# What a Deployment snapshots: the API and every resource that defines its routes and calls.
CONTENT = frozenset(
    {REST + t for t in ("RestApi", "Resource", "Method", "Authorizer", "Model")}
    | {REST + t for t in ("RequestValidator", "GatewayResponse", "DocumentationPart")}
    | {V2 + t for t in ("Api", "Route", "Integration", "Authorizer", "Model")}
    | {V2 + t for t in ("RouteResponse", "IntegrationResponse", "ApiGatewayManagedOverrides")}
)
ROOTS = frozenset({REST + "RestApi", V2 + "Api"})
DEPLOYMENTS = frozenset({REST + "Deployment", V2 + "Deployment"})
STAGES = frozenset({REST + "Stage", V2 + "Stage"})
GROUPS = {
    **dict.fromkeys(CONTENT, "content"),
    **dict.fromkeys(DEPLOYMENTS, "deployments"),
    **dict.fromkeys(STAGES, "stages"),
}
API_ID = {"AWS::ApiGateway": "RestApiId", "AWS::ApiGatewayV2": "ApiId"}


class Api(NamedTuple):
    members: list[str]  # the API and its content resources, in document order
    deployments: list[str]  # the Deployments a stage serves from a snapshot
    auto_deploy: bool  # a stage redeploys the API by itself


def key_of(resource_id: str, resource: dict[str, Any]) -> str | None:
    """The API a resource belongs to: a logical ID, or the API ID as written (an imported API)."""
    if resource["Type"] in ROOTS:
        return resource_id
    field = API_ID.get(str(resource["Type"]).rpartition("::")[0])
    value = properties(resource).get(field) if field else None
    if value is None:
        return None
    if isinstance(value, dict) and isinstance(value.get("Ref"), str) and len(value) == 1:
        return str(value["Ref"])
    return canonical_json(value)


def apis(work: Work) -> dict[str, Api]:
    """Every API the template defines or adds to, by `key_of`."""
    grouped: dict[str, dict[str, list[str]]] = {"content": {}, "deployments": {}, "stages": {}}
    for rid, resource in work.resources.items():
        group = GROUPS.get(resource["Type"])
        key = key_of(rid, resource) if group else None
        if group and key is not None:
            grouped[group].setdefault(key, []).append(rid)
    members, deployments, stages = (grouped[g] for g in ("content", "deployments", "stages"))
    found: dict[str, Api] = {}
    for key, content in members.items():
        automatic = [s for s in stages.get(key, []) if _auto_deploys(work, s)]
        quick = key in work.resources and "Target" in properties(work.resources[key])
        served = [
            d for d in deployments.get(key, []) if not _only_automatic(work, d, stages.get(key, []))
        ]
        found[key] = Api(content, served, bool(automatic) or quick)
    return found


def _auto_deploys(work: Work, stage_id: str) -> bool:
    value = work.resolver.resolve(properties(work.resources[stage_id]).get("AutoDeploy"))
    return value is True or value == "true"


def _only_automatic(work: Work, deployment_id: str, stages: list[str]) -> bool:
    """Every stage that serves this Deployment redeploys by itself, so it serves no snapshot."""
    serving = [
        s
        for s in stages
        if properties(work.resources[s]).get("DeploymentId") == {"Ref": deployment_id}
    ]
    return bool(serving) and all(_auto_deploys(work, s) for s in serving)
