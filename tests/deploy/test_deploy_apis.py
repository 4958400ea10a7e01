"""A stage serves its Deployment's snapshot: REST and HTTP APIs, with and without a new one."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from scenes import REGION_ACCOUNT, alias, codes, fn, permission, stack, uri, version

from safelambda.deploy import simulate

APIGW = "apigateway.amazonaws.com"
SOURCE = {"Fn::Sub": REGION_ACCOUNT + ":${Api}/*"}


def rest(target: str, deployment: str = "ApiDeploymentA", **extra: Any) -> dict[str, Any]:
    """A hand-written REST API whose one method invokes `target`, granted by `Permission`."""
    resources: dict[str, Any] = {
        "Fn": fn(Description="SafeLambda:a"),
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "orders"}},
        "Method": {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                "HttpMethod": "GET",
                "AuthorizationType": "NONE",
                "Integration": {
                    "Type": "AWS_PROXY",
                    "IntegrationHttpMethod": "POST",
                    "Uri": uri(target),
                },
            },
        },
        deployment: {
            "Type": "AWS::ApiGateway::Deployment",
            "DependsOn": ["Method"],
            "Properties": {"RestApiId": {"Ref": "Api"}},
        },
        "Stage": {
            "Type": "AWS::ApiGateway::Stage",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "DeploymentId": {"Ref": deployment},
                "StageName": "prod",
            },
        },
        "Permission": permission(target, APIGW, SOURCE),
    }
    if target != "Fn":
        resources["FnVersiona"] = version()
        resources[target] = alias("FnVersiona", target.removeprefix("FnAlias"))
    resources.update(extra)
    return stack(**resources)


UNPROTECTED = rest("Fn")


def test_an_api_change_without_a_new_deployment_leaves_the_stage_stale_and_ungranted() -> None:
    deploy = simulate(UNPROTECTED, rest("FnAliaslive"))
    assert codes(deploy) == [("SL503", "ApiDeploymentA"), ("SL506", "ApiDeploymentA")]
    stale, ungranted = deploy.findings
    assert stale.details["Changed"] == ["Method"]
    assert stale.details["Stages"] == ["prod"]
    assert ungranted.details["Target"] == "Fn"
    assert ungranted.details["Grants"] == ["Permission"]
    assert "give ApiDeploymentA a new logical ID" in stale.problem.message
    assert deploy.failed


def test_a_kept_permission_keeps_the_stale_stage_working() -> None:
    kept = rest("FnAliaslive", PermissionUnqualified=permission("Fn", APIGW, SOURCE))
    previous = rest("Fn", PermissionUnqualified=permission("Fn", APIGW, SOURCE))
    assert codes(simulate(previous, kept)) == [("SL503", "ApiDeploymentA")]


def test_a_retained_permission_keeps_the_stale_stage_working() -> None:
    previous, new = UNPROTECTED, rest("FnAliaslive")
    for template in (previous, new):
        template["Resources"]["Permission"]["UpdateReplacePolicy"] = "Retain"
    assert codes(simulate(previous, new)) == [("SL503", "ApiDeploymentA")]


def _rotated(depends_on: list[str]) -> dict[str, Any]:
    new = rest("FnAliaslive", deployment="ApiDeploymentB")
    new["Resources"]["ApiDeploymentB"]["DependsOn"] = depends_on
    return new


@pytest.mark.parametrize(
    ("depends_on", "found"),
    [
        pytest.param(["Method", "Permission"], [], id="ordered"),
        pytest.param(["Method"], [("SL505", "Stage")], id="window"),
        pytest.param(["Permission"], [("SL504", "ApiDeploymentB")], id="snapshot-before-method"),
    ],
)
def test_a_new_deployment_serves_the_change_once_it_follows_what_it_needs(
    depends_on: list[str], found: list[tuple[str, str]]
) -> None:
    deploy = simulate(UNPROTECTED, _rotated(depends_on))
    assert codes(deploy) == found
    assert "cleanup:ApiDeploymentA" in {f"{a.phase}:{a.logical_id}" for a in deploy.actions}


def test_the_window_names_the_stage_the_target_and_the_grant() -> None:
    (window,) = simulate(UNPROTECTED, _rotated(["Method"])).findings
    assert window.problem.severity == "warning"
    assert dict(window.details) == {
        "Integration": "Method",
        "Place": "Method.Properties.Integration.Uri",
        "Target": "FnAliaslive",
        "Grants": ["Permission"],
    }
    assert "add DependsOn: [Permission] to Stage" in window.problem.message


def test_a_first_deploy_needs_the_deployment_after_its_methods() -> None:
    template = rest("Fn")
    template["Resources"]["ApiDeploymentA"]["DependsOn"] = []
    assert codes(simulate(None, template)) == [
        ("SL504", "ApiDeploymentA"),
        ("SL505", "Stage"),
    ]


def test_an_alias_rename_with_a_kept_deployment_invokes_a_deleted_alias() -> None:
    deploy = simulate(rest("FnAliaslive"), rest("FnAliasprod"))
    assert codes(deploy) == [("SL503", "ApiDeploymentA"), ("SL507", "ApiDeploymentA")]
    assert deploy.findings[1].details["Target"] == "FnAliaslive"
    assert "deletes FnAliaslive in cleanup" in deploy.findings[1].problem.message


def http(target: str, auto: bool, deployment: str | None = "HttpDeploymentA") -> dict[str, Any]:
    """A hand-written HTTP API: one route, one Lambda integration, one stage."""
    stage: dict[str, Any] = {"ApiId": {"Ref": "Api"}, "StageName": "$default"}
    if auto:
        stage["AutoDeploy"] = True
    resources: dict[str, Any] = {
        "Fn": fn(),
        "Api": {
            "Type": "AWS::ApiGatewayV2::Api",
            "Properties": {"Name": "orders", "ProtocolType": "HTTP"},
        },
        "Integration": {
            "Type": "AWS::ApiGatewayV2::Integration",
            "Properties": {
                "ApiId": {"Ref": "Api"},
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": {"Ref": target}
                if "Alias" in target
                else {"Fn::GetAtt": [target, "Arn"]},
                "PayloadFormatVersion": "2.0",
            },
        },
        "Route": {
            "Type": "AWS::ApiGatewayV2::Route",
            "Properties": {
                "ApiId": {"Ref": "Api"},
                "RouteKey": "GET /",
                "Target": {"Fn::Sub": "integrations/${Integration}"},
            },
        },
        "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": stage},
        "Permission": permission(target, APIGW, SOURCE),
    }
    if deployment:
        resources[deployment] = {
            "Type": "AWS::ApiGatewayV2::Deployment",
            "DependsOn": ["Route"],
            "Properties": {"ApiId": {"Ref": "Api"}},
        }
        stage["DeploymentId"] = {"Ref": deployment}
    if target != "Fn":
        resources["FnVersiona"] = version()
        resources[target] = alias("FnVersiona")
    return stack(**resources)


@pytest.mark.parametrize(
    ("auto", "found"),
    [
        pytest.param(True, [("SL505", "Integration")], id="auto-deploy"),
        pytest.param(
            False,
            [("SL503", "HttpDeploymentA"), ("SL506", "HttpDeploymentA")],
            id="kept-deployment",
        ),
    ],
)
def test_an_http_api_stage_is_stale_unless_it_deploys_by_itself(
    auto: bool, found: list[tuple[str, str]]
) -> None:
    assert codes(simulate(http("Fn", auto), http("FnAliaslive", auto))) == found


def test_an_auto_deployed_route_is_safe_once_its_integration_follows_the_grant() -> None:
    new = http("FnAliaslive", auto=True, deployment=None)
    new["Resources"]["Integration"]["DependsOn"] = "Permission"
    assert simulate(http("Fn", auto=True, deployment=None), new).findings == ()


def test_a_quick_create_api_deploys_its_target_by_itself() -> None:
    def quick(target: str) -> dict[str, Any]:
        template = http(target, auto=False, deployment=None)
        for rid in ("Integration", "Route", "Stage"):
            del template["Resources"][rid]
        template["Resources"]["Api"]["Properties"]["Target"] = (
            {"Ref": target} if "Alias" in target else {"Fn::GetAtt": [target, "Arn"]}
        )
        return template

    deploy = simulate(quick("Fn"), quick("FnAliaslive"))
    assert codes(deploy) == [("SL505", "Api")]


def test_an_unchanged_api_is_never_stale() -> None:
    previous = copy.deepcopy(UNPROTECTED)
    new = copy.deepcopy(UNPROTECTED)
    new["Resources"]["Fn"]["Properties"]["MemorySize"] = 512
    assert simulate(previous, new).findings == ()
