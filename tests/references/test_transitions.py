"""API deployments and Lambda target groups are replaced when SafeLambda changes what they serve.

API Gateway serves a stage from its Deployment's snapshot, and a Deployment changes only with its
logical ID: SAM and the CDK hash the API into that ID before SafeLambda runs, so without a new ID
the stage keeps invoking `$LATEST` while the permission moves to the alias. An ALB target group
holds one Lambda function and cannot swap it in place. Each case runs what the real tool emits
(aws-sam-translator, a template the CDK synthesized) or a hand-written template, and checks the
new logical ID, every reference to it and the ordering after the permissions it needs.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from helpers import ROOT, function, lint_errors, template
from safelambda import transform
from safelambda.deploy import simulate
from safelambda.offline import pipeline
from safelambda.template import references

SUFFIX = re.compile(r"[0-9a-f]{10}")
DEPLOYMENT = "AWS::ApiGateway::Deployment"
FUNCTION_ARN = {"Fn::GetAtt": ["Fn", "Arn"]}


def sam_function(events: dict[str, Any] | None = None, **props: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Serverless::Function",
        "Properties": {
            "CodeUri": "s3://artifacts/fn-1.zip",
            "Handler": "app.handler",
            "Runtime": "python3.12",
            **({"Events": events} if events else {}),
            **props,
        },
    }


def sam_template(metadata: dict[str, Any] | None = None, **resources: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": ["AWS::Serverless-2016-10-31", "SafeLambda"],
        "Resources": copy.deepcopy(resources),
    }
    if metadata:
        doc["Metadata"] = {"SafeLambda": metadata}
    return doc


API_EVENT = {"Get": {"Type": "Api", "Properties": {"Path": "/", "Method": "get"}}}


def run_sam(doc: dict[str, Any]) -> pipeline.Outcome:
    return pipeline.run(copy.deepcopy(doc), pipeline.Options(), add_macro=True)


def of_type(doc: dict[str, Any], kind: str) -> list[str]:
    return [rid for rid, r in doc["Resources"].items() if r["Type"] == kind]


def named(doc: dict[str, Any]) -> set[str]:
    """Every logical ID a reference, DependsOn or Output of `doc` names."""
    found = {ref.target for _, ref in references(doc["Resources"])}
    found |= {ref.target for _, ref in references(doc.get("Outputs", {}))}
    for resource in doc["Resources"].values():
        depends = resource.get("DependsOn", [])
        found |= {depends} if isinstance(depends, str) else set(depends)
    return found


def rotated(before: str, out: dict[str, Any], kind: str = DEPLOYMENT) -> str:
    """The one resource of `kind` in `out`, whose ID is `before` plus a 10-hex suffix."""
    (new,) = of_type(out, kind)
    assert new.startswith(before) and SUFFIX.fullmatch(new[len(before) :]), new
    assert before not in out["Resources"] and before not in named(out)
    return new


def depends_on(resource: dict[str, Any]) -> list[str]:
    depends = resource.get("DependsOn", [])
    return [depends] if isinstance(depends, str) else list(depends)


# -- the SAM `Api` event ------------------------------------------------------------------------


def test_sam_api_event_deployment_gets_a_new_id_that_the_stage_follows() -> None:
    outcome = run_sam(sam_template(Fn=sam_function(API_EVENT)))
    (sams,) = of_type(outcome.macro_input or {}, DEPLOYMENT)
    out = outcome.output
    new = rotated(sams, out)
    stage = out["Resources"]["ServerlessRestApiProdStage"]["Properties"]
    assert stage["DeploymentId"] == {"Ref": new}
    assert "FnGetPermissionProd" in depends_on(out["Resources"][new])
    assert lint_errors(out) == []


def test_sam_api_deployment_id_stays_for_the_same_template_and_a_code_only_change() -> None:
    doc = sam_template(Fn=sam_function(API_EVENT))
    first = of_type(run_sam(doc).output, DEPLOYMENT)
    again = of_type(run_sam(doc).output, DEPLOYMENT)
    doc["Resources"]["Fn"]["Properties"]["CodeUri"] = "s3://artifacts/fn-2.zip"
    code_change = run_sam(doc).output
    assert first == again == of_type(code_change, DEPLOYMENT)
    assert of_type(code_change, "AWS::Lambda::Version") != of_type(
        run_sam(sam_template(Fn=sam_function(API_EVENT))).output, "AWS::Lambda::Version"
    )


def test_an_alias_rename_gives_the_deployment_another_id() -> None:
    live = of_type(run_sam(sam_template(Fn=sam_function(API_EVENT))).output, DEPLOYMENT)
    renamed = sam_template({"AliasName": "prod"}, Fn=sam_function(API_EVENT))
    prod = of_type(run_sam(renamed).output, DEPLOYMENT)
    assert live != prod
    assert live[0][:-10] == prod[0][:-10]  # SAM's own ID, then SafeLambda's suffix


def test_processing_the_output_again_changes_nothing() -> None:
    out = run_sam(sam_template(Fn=sam_function(API_EVENT))).output
    assert transform(copy.deepcopy(out)).template == out


def test_sam_api_with_auto_publish_alias_already_invokes_the_alias_and_keeps_its_deployment() -> (
    None
):
    outcome = run_sam(sam_template(Fn=sam_function(API_EVENT, AutoPublishAlias="live")))
    assert of_type(outcome.output, DEPLOYMENT) == of_type(outcome.macro_input or {}, DEPLOYMENT)


def test_sam_rest_authorizers_rotate_and_wait_for_every_permission_of_the_api() -> None:
    from safelambda import cli

    source = cli.load_template(str(ROOT / "tests/fixtures/sam-api-authorizers.yaml"))
    outcome = run_sam(source)
    (sams,) = of_type(outcome.macro_input or {}, DEPLOYMENT)
    out = outcome.output
    new = rotated(sams, out)
    assert out["Resources"]["ApiprodStage"]["Properties"]["DeploymentId"] == {"Ref": new}
    assert {"ApiLAuthorizerPermission", "RestFnGetPermissionprod"} <= set(
        depends_on(out["Resources"][new])
    )
    # The HTTP API's permissions name the API its body is in: no order is possible there.
    assert not any("Permission" in d for d in depends_on(out["Resources"]["Http"]))
    assert lint_errors(out) == lint_errors(outcome.macro_input or {})  # the fixture's bucket "b"


# -- the CDK's LambdaRestApi --------------------------------------------------------------------

CDK = json.loads((ROOT / "tests/fixtures/cdk-lambda-rest-api.json").read_text())
CDK_DEPLOYMENT = "EndpointDeployment318525DA569c88c44fc94ac8f27f752be494d751"
CDK_STAGE = "EndpointDeploymentStageprodB78BEEA0"
CDK_PERMISSION = "EndpointitemsGETApiPermissionApiEndpoint4F160690GETitemsB939769D"


def test_cdk_lambda_rest_api_deployment_rotates_and_waits_for_the_stage_permission() -> None:
    out = transform(copy.deepcopy(CDK)).template
    new = rotated(CDK_DEPLOYMENT, out)
    resources = out["Resources"]
    assert resources[CDK_STAGE]["Properties"]["DeploymentId"] == {"Ref": new}
    assert depends_on(resources[new])[:2] == ["EndpointitemsGETA9289F99", "Endpointitems76837989"]
    assert CDK_PERMISSION in depends_on(resources[new])
    # The permission named the stage (which names the Deployment): it names the stage's name now,
    # the same ARN without the reference that made the order a cycle.
    source_arn = json.dumps(resources[CDK_PERMISSION]["Properties"]["SourceArn"])
    assert CDK_STAGE not in source_arn and '"/", "prod", "/GET/items"' in source_arn
    assert transform(copy.deepcopy(out)).template == out
    assert lint_errors(out) == []


# -- hand-written APIs --------------------------------------------------------------------------

INVOCATIONS = (
    "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"
)


def rest_api(**extra: Any) -> dict[str, Any]:
    resources: dict[str, Any] = {
        "Fn": function(),
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "api"}},
        "Items": {
            "Type": "AWS::ApiGateway::Resource",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                "PathPart": "items",
            },
        },
        "Get": {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "ResourceId": {"Ref": "Items"},
                "HttpMethod": "GET",
                "AuthorizationType": "NONE",
                "Integration": {
                    "Type": "AWS_PROXY",
                    "IntegrationHttpMethod": "POST",
                    "Uri": {"Fn::Sub": INVOCATIONS},
                },
            },
        },
        "Invoke": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": FUNCTION_ARN,
                "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": {
                    "Fn::Sub": "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"
                },
            },
        },
        "Release": {
            "Type": DEPLOYMENT,
            "DependsOn": "Get",
            "Properties": {"RestApiId": {"Ref": "Api"}, "Description": "v1"},
        },
        "Prod": {
            "Type": "AWS::ApiGateway::Stage",
            "Properties": {
                "RestApiId": {"Ref": "Api"},
                "DeploymentId": {"Ref": "Release"},
                "StageName": "prod",
            },
        },
        "Plan": {
            "Type": "AWS::ApiGateway::UsagePlan",
            "DependsOn": ["Prod", "Release"],
            "Properties": {"ApiStages": [{"ApiId": {"Ref": "Api"}, "Stage": "prod"}]},
        },
    }
    resources.update(extra)
    doc = template(**resources)
    doc["Outputs"] = {
        "DeploymentId": {"Value": {"Ref": "Release"}},
        "Described": {"Value": {"Fn::Sub": "deployment ${Release} of ${Api}"}},
    }
    return doc


def test_hand_written_rest_api_deployment_rotates_with_every_reference() -> None:
    out = transform(rest_api()).template
    new = rotated("Release", out)
    resources = out["Resources"]
    assert resources["Prod"]["Properties"]["DeploymentId"] == {"Ref": new}
    assert resources["Plan"]["DependsOn"] == ["Prod", new]
    assert out["Outputs"]["DeploymentId"]["Value"] == {"Ref": new}
    assert out["Outputs"]["Described"]["Value"] == {"Fn::Sub": f"deployment ${{{new}}} of ${{Api}}"}
    assert depends_on(resources[new]) == ["Get", "Invoke"]
    # The Description says which content the deployment serves, as a function's does.
    assert resources[new]["Properties"]["Description"] == f"v1 | SafeLambda:{new[-10:]}"
    assert lint_errors(out) == []


def _options_method(**extra: Any) -> dict[str, Any]:
    """An OPTIONS method on the same resource, invoking the function too (a CORS handler)."""
    doc = rest_api()
    method = copy.deepcopy(doc["Resources"]["Get"])
    method["Properties"]["HttpMethod"] = "OPTIONS"
    method.update(extra)
    return rest_api(Options=method)


def test_new_deployment_waits_for_every_method_the_rewrite_changed() -> None:
    """The author's Deployment names only `Get`; `Options` changes too (onto the alias), and a
    Deployment created before that update snapshots the old one (apigw-cors-proxy)."""
    doc = _options_method()
    out = transform(copy.deepcopy(doc)).template
    new = rotated("Release", out)
    assert depends_on(out["Resources"][new]) == ["Get", "Invoke", "Options"]
    assert [c for c in simulate(doc, out).codes if c == "SL504"] == []
    assert lint_errors(out) == []


@pytest.mark.parametrize(
    ("conditional", "waits_for"),
    [
        pytest.param("Options", ["Get", "Invoke"], id="method"),
        pytest.param("Invoke", ["Get", "Options"], id="permission"),
    ],
)
def test_new_deployment_does_not_wait_for_a_resource_of_another_condition(
    conditional: str, waits_for: list[str]
) -> None:
    # DependsOn on a resource whose condition may be false fails the deploy ("Unresolved
    # resource dependencies"; cfn-lint E3005).
    doc = _options_method()
    doc["Resources"][conditional]["Condition"] = "WithCors"
    doc["Parameters"] = {"Cors": {"Type": "String", "Default": "yes"}}
    doc["Conditions"] = {"WithCors": {"Fn::Equals": [{"Ref": "Cors"}, "yes"]}}
    out = transform(doc).template
    assert depends_on(out["Resources"][rotated("Release", out)]) == waits_for
    assert lint_errors(out) == []


def test_api_that_invokes_no_function_keeps_its_deployment() -> None:
    doc = rest_api()
    mock = {"Type": "MOCK"}
    doc["Resources"]["Get"]["Properties"]["Integration"] = mock
    out = transform(doc).template
    assert of_type(out, DEPLOYMENT) == ["Release"]


def test_api_of_a_skipped_function_keeps_its_deployment() -> None:
    doc = rest_api()
    doc["Resources"]["Fn"]["Metadata"] = {"SafeLambda": {"Skip": True}}
    assert of_type(transform(doc).template, DEPLOYMENT) == ["Release"]


def test_only_the_api_that_changed_rotates() -> None:
    doc = rest_api(
        Other={"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "other"}},
        OtherRelease={"Type": DEPLOYMENT, "Properties": {"RestApiId": {"Ref": "Other"}}},
    )
    out = transform(doc).template
    assert "OtherRelease" in out["Resources"] and "Release" not in out["Resources"]


def test_rotated_id_that_exists_already_is_an_error() -> None:
    first = transform(rest_api()).template
    (new,) = of_type(first, DEPLOYMENT)
    doc = rest_api(**{new: {"Type": "AWS::SNS::Topic"}})
    from safelambda import TransformError

    with pytest.raises(TransformError, match="SL011"):
        transform(doc)


def http_api(auto_deploy: bool) -> dict[str, Any]:
    stage: dict[str, Any] = {"ApiId": {"Ref": "Http"}, "StageName": "prod"}
    if auto_deploy:
        stage["AutoDeploy"] = True
    else:
        stage["DeploymentId"] = {"Ref": "HttpRelease"}
    resources: dict[str, Any] = {
        "Fn": function(),
        "Http": {
            "Type": "AWS::ApiGatewayV2::Api",
            "Properties": {"Name": "http", "ProtocolType": "HTTP"},
        },
        "Integration": {
            "Type": "AWS::ApiGatewayV2::Integration",
            "Properties": {
                "ApiId": {"Ref": "Http"},
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": FUNCTION_ARN,
                "PayloadFormatVersion": "2.0",
            },
        },
        "Route": {
            "Type": "AWS::ApiGatewayV2::Route",
            "Properties": {
                "ApiId": {"Ref": "Http"},
                "RouteKey": "GET /items",
                "Target": {"Fn::Sub": "integrations/${Integration}"},
            },
        },
        "Invoke": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": FUNCTION_ARN,
                "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": {
                    "Fn::Sub": "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Http}/*"
                },
            },
        },
        "HttpStage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": stage},
    }
    if not auto_deploy:
        resources["HttpRelease"] = {
            "Type": "AWS::ApiGatewayV2::Deployment",
            "DependsOn": ["Route"],
            "Properties": {"ApiId": {"Ref": "Http"}},
        }
    return template(**resources)


def test_http_api_deployment_of_a_stage_without_auto_deploy_rotates() -> None:
    out = transform(http_api(auto_deploy=False)).template
    new = rotated("HttpRelease", out, "AWS::ApiGatewayV2::Deployment")
    resources = out["Resources"]
    assert resources["HttpStage"]["Properties"]["DeploymentId"] == {"Ref": new}
    assert depends_on(resources[new]) == ["Route", "Invoke"]
    assert lint_errors(out) == []


def test_http_api_with_auto_deploy_orders_the_integration_after_its_permission() -> None:
    out = transform(http_api(auto_deploy=True)).template
    assert depends_on(out["Resources"]["Integration"]) == ["Invoke"]
    assert lint_errors(out) == []


def test_deployment_of_an_auto_deploy_stage_is_left_alone() -> None:
    doc = http_api(auto_deploy=False)
    doc["Resources"]["HttpStage"]["Properties"]["AutoDeploy"] = True
    out = transform(doc).template
    assert "HttpRelease" in out["Resources"]


# -- ALB target groups --------------------------------------------------------------------------


def load_balanced(**target_group: Any) -> dict[str, Any]:
    return template(
        Fn=function(),
        Invoke={
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": FUNCTION_ARN,
                "Action": "lambda:InvokeFunction",
                "Principal": "elasticloadbalancing.amazonaws.com",
            },
        },
        Targets={
            "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
            "DependsOn": "Invoke",
            "Properties": {
                "TargetType": "lambda",
                "Targets": [{"Id": FUNCTION_ARN}],
                **target_group,
            },
        },
        Listener={
            "Type": "AWS::ElasticLoadBalancingV2::Listener",
            "Properties": {
                "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                "loadbalancer/app/lb/1",
                "Port": 80,
                "Protocol": "HTTP",
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Targets"}}],
            },
        },
    )


TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"


def test_lambda_target_group_is_replaced_by_a_new_one_the_listener_forwards_to() -> None:
    out = transform(load_balanced()).template
    new = rotated("Targets", out, TARGET_GROUP)
    resources = out["Resources"]
    assert resources[new]["Properties"]["Targets"] == [{"Id": {"Ref": "FnAliaslive"}}]
    assert depends_on(resources[new]) == ["Invoke"]
    action = resources["Listener"]["Properties"]["DefaultActions"][0]
    assert action["TargetGroupArn"] == {"Ref": new}
    assert transform(copy.deepcopy(out)).template == out
    assert lint_errors(out) == []


def test_named_lambda_target_group_gets_a_name_of_its_own() -> None:
    out = transform(load_balanced(Name="orders-targets")).template
    new = rotated("Targets", out, TARGET_GROUP)
    name = out["Resources"][new]["Properties"]["Name"]
    # Target group names are unique per account and region: a new group cannot take the old one's.
    assert name == f"orders-targets-{new[-10:-4]}" and len(name) <= 32
    long = transform(load_balanced(Name="x" * 32)).template
    (new,) = of_type(long, TARGET_GROUP)
    assert long["Resources"][new]["Properties"]["Name"] == "x" * 25 + "-" + new[-10:-4]


# -- every case: the same ID for the same API, a new one for a new alias name ------------------


def _sam_output(doc: dict[str, Any], alias: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc["Metadata"] = {"SafeLambda": {"AliasName": alias}}
    return run_sam(doc).output


def _plain_output(doc: dict[str, Any], alias: str) -> dict[str, Any]:
    return transform(copy.deepcopy(doc), parameters={"AliasName": alias}).template


def _authorizers() -> dict[str, Any]:
    from safelambda import cli

    return cli.load_template(str(ROOT / "tests/fixtures/sam-api-authorizers.yaml"))


def _new_code(doc: dict[str, Any]) -> dict[str, Any]:
    """The same template with every function's code changed, nothing else."""
    doc = copy.deepcopy(doc)
    for resource in doc["Resources"].values():
        props = resource.get("Properties", {})
        if "CodeUri" in props:
            props["CodeUri"] = props["CodeUri"].replace(".zip", "-2.zip")
        elif "Code" in props:
            code = props["Code"]
            key = "ZipFile" if "ZipFile" in code else "S3Key"
            code[key] = code[key] + "\n# 2" if key == "ZipFile" else "app-2.zip"
    return doc


CASES = [
    pytest.param(
        lambda: sam_template(Fn=sam_function(API_EVENT)), _sam_output, DEPLOYMENT, id="sam-api"
    ),
    pytest.param(_authorizers, _sam_output, DEPLOYMENT, id="sam-rest-authorizers"),
    pytest.param(lambda: CDK, _plain_output, DEPLOYMENT, id="cdk-lambda-rest-api"),
    pytest.param(rest_api, _plain_output, DEPLOYMENT, id="hand-written-rest"),
    pytest.param(
        lambda: http_api(auto_deploy=False),
        _plain_output,
        "AWS::ApiGatewayV2::Deployment",
        id="hand-written-http",
    ),
    pytest.param(load_balanced, _plain_output, TARGET_GROUP, id="alb-target-group"),
]


@pytest.mark.parametrize(("make", "output", "kind"), CASES)
def test_replaced_id_is_stable_across_runs_and_code_changes_and_moves_with_the_alias_name(
    make: Any, output: Any, kind: str
) -> None:
    doc = make()
    live = of_type(output(doc, "live"), kind)
    assert len(live) == 1
    assert of_type(output(doc, "live"), kind) == live
    code_change = output(_new_code(doc), "live")
    assert of_type(code_change, kind) == live
    versions = of_type(code_change, "AWS::Lambda::Version")
    assert versions != of_type(output(doc, "live"), "AWS::Lambda::Version")
    prod = of_type(output(doc, "prod"), kind)
    assert prod != live and prod[0][:-10] == live[0][:-10]
