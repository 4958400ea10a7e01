"""The API Gateway APIs of a stack: what each one's Deployments snapshot, and its stages.

A stage serves one Deployment's snapshot of the API: the API's body and the Methods, Resources,
Authorizers… of the API as they were when that Deployment was created (`tables.API_KINDS`). A
stage is made by an `…::Stage` resource, by a Deployment's own `StageName`, or by quick create
(an HTTP API's `Target`: a `$default` stage that deploys every change by itself).
"""

from __future__ import annotations

from typing import NamedTuple

from ..template import names_in
from .stack import Stack
from .tables import API_KINDS, ApiKind

DEFAULT_STAGE = "$default"


class Stage(NamedTuple):
    resource: str  # the Stage, or the Deployment or API that makes it
    name: str
    deployment: str | None  # the Deployment it serves; None when it has none of the template's
    auto: bool  # it deploys every change of the API by itself


class Api(NamedTuple):
    logical_id: str
    kind: ApiKind
    parts: tuple[str, ...]  # the resources whose content its Deployments snapshot
    stages: tuple[Stage, ...]

    @property
    def content(self) -> tuple[str, ...]:
        """The API itself (its body) and its parts."""
        return (self.logical_id, *self.parts)


def apis(stack: Stack) -> dict[str, Api]:
    """Every REST and HTTP/WebSocket API of `stack`, by logical ID, in document order."""
    found: dict[str, Api] = {}
    for kind in API_KINDS:
        for api in stack.of_type(kind.api):
            found[api] = Api(
                api,
                kind,
                tuple(_linked(stack, kind, api, kind.parts)),
                tuple(_stages(stack, kind, api)),
            )
    return found


def content_of(found: dict[str, Api]) -> dict[str, str]:
    """Each API and each part of one -> that API."""
    return {rid: api.logical_id for api in found.values() for rid in api.content}


def _linked(stack: Stack, kind: ApiKind, api: str, types: frozenset[str]) -> list[str]:
    return [
        rid
        for rid in stack.of_type(*types)
        if api in names_in(stack.resources[rid].properties.get(kind.link))
    ]


def _stages(stack: Stack, kind: ApiKind, api: str) -> list[Stage]:
    deployments = _linked(stack, kind, api, frozenset({kind.deployment}))
    stages = []
    for rid in _linked(stack, kind, api, frozenset({kind.stage})):
        props = stack.resources[rid].properties
        served = sorted(names_in(props.get("DeploymentId")) & set(deployments))
        name = props.get("StageName")
        stages.append(
            Stage(
                rid,
                name if isinstance(name, str) else rid,
                served[0] if served else None,
                props.get("AutoDeploy") in (True, "true", "True"),
            )
        )
    named = {stage.name for stage in stages}
    for rid in deployments:
        name = stack.resources[rid].properties.get("StageName")
        if isinstance(name, str) and name not in named:
            stages.append(Stage(rid, name, rid, False))  # the Deployment creates the stage
    if kind.quick_create and kind.quick_create in stack.resources[api].properties:
        stages.append(Stage(api, DEFAULT_STAGE, None, True))
    return stages
