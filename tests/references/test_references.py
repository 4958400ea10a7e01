"""Integrations invoke the alias; what must stay unqualified stays so."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from helpers import function, template
from safelambda import TransformError, transform

ALIAS = {"Ref": "FnAliaslive"}


def processed(resource_type: str, properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    doc = template(Fn=function(), Res={"Type": resource_type, "Properties": properties})
    doc["Conditions"] = {"C": {"Fn::Equals": ["a", "b"]}}  # for cases under Fn::If
    doc.update(extra)
    return transform(doc).template


@pytest.mark.parametrize(
    ("resource_type", "before", "after"),
    [
        pytest.param(
            "AWS::Lambda::EventSourceMapping",
            {"FunctionName": {"Ref": "Fn"}},
            {"FunctionName": ALIAS},
            id="ref",
        ),
        pytest.param(
            "AWS::Lambda::EventSourceMapping",
            {"FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]}},
            {"FunctionName": ALIAS},
            id="getatt-list",
        ),
        pytest.param(
            "AWS::Lambda::EventSourceMapping",
            {"FunctionName": {"Fn::GetAtt": "Fn.Arn"}},
            {"FunctionName": ALIAS},
            id="event-source-mapping-dotted-getatt",
        ),
        pytest.param(
            "AWS::SNS::Subscription",
            {"Protocol": "lambda", "Endpoint": {"Fn::GetAtt": ["Fn", "Arn"]}},
            {"Protocol": "lambda", "Endpoint": ALIAS},
            id="sns-subscription",
        ),
        pytest.param(
            "AWS::Events::Rule",
            {
                "Targets": [
                    {"Id": "a", "Arn": {"Fn::GetAtt": ["Fn", "Arn"]}},
                    {"Id": "b", "Arn": "x"},
                ]
            },
            {"Targets": [{"Id": "a", "Arn": ALIAS}, {"Id": "b", "Arn": "x"}]},
            id="events-rule-targets",
        ),
        pytest.param(
            "AWS::S3::Bucket",
            {
                "NotificationConfiguration": {
                    "LambdaConfigurations": [
                        {"Event": "s3:ObjectCreated:*", "Function": {"Fn::GetAtt": ["Fn", "Arn"]}}
                    ]
                }
            },
            {
                "NotificationConfiguration": {
                    "LambdaConfigurations": [{"Event": "s3:ObjectCreated:*", "Function": ALIAS}]
                }
            },
            id="s3-notification",
        ),
        pytest.param(
            "AWS::ApiGateway::Method",
            {
                "Integration": {
                    "Uri": {
                        "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/"
                        "2015-03-31/functions/${Fn.Arn}/invocations"
                    }
                }
            },
            {
                "Integration": {
                    "Uri": {
                        "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/"
                        "2015-03-31/functions/${FnAliaslive}/invocations"
                    }
                }
            },
            id="apigateway-method-sub",
        ),
        pytest.param(
            "AWS::ApiGateway::Method",
            {
                "Integration": {
                    "Uri": {
                        "Fn::Sub": [
                            "arn:aws:apigateway:r:lambda:path/2015-03-31/"
                            "functions/${A}/invocations",
                            {"A": {"Fn::GetAtt": ["Fn", "Arn"]}},
                        ]
                    }
                }
            },
            {
                "Integration": {
                    "Uri": {
                        "Fn::Sub": [
                            "arn:aws:apigateway:r:lambda:path/2015-03-31/"
                            "functions/${A}/invocations",
                            {"A": ALIAS},
                        ]
                    }
                }
            },
            id="apigateway-method-sub-variable-map",
        ),
        pytest.param(
            "AWS::ApiGateway::Method",
            {
                "Integration": {
                    "Uri": {
                        "Fn::Join": [
                            "",
                            [
                                "arn:aws:apigateway:r:lambda:path/2015-03-31/functions/",
                                {"Fn::GetAtt": ["Fn", "Arn"]},
                                "/invocations",
                            ],
                        ]
                    }
                }
            },
            {
                "Integration": {
                    "Uri": {
                        "Fn::Join": [
                            "",
                            [
                                "arn:aws:apigateway:r:lambda:path/2015-03-31/functions/",
                                ALIAS,
                                "/invocations",
                            ],
                        ]
                    }
                }
            },
            id="apigateway-method-join",
        ),
        pytest.param(
            "AWS::ApiGatewayV2::Integration",
            {"IntegrationUri": {"Fn::If": ["C", {"Fn::GetAtt": ["Fn", "Arn"]}, "other"]}},
            {"IntegrationUri": {"Fn::If": ["C", ALIAS, "other"]}},
            id="apigatewayv2-under-if",
        ),
        pytest.param(
            "AWS::Lambda::EventSourceMapping",
            {"FunctionName": {"Fn::Select": [0, [{"Ref": "Fn"}, "x"]]}},
            {"FunctionName": {"Fn::Select": [0, [ALIAS, "x"]]}},
            id="under-select",
        ),
        pytest.param(
            "AWS::Lambda::EventSourceMapping",
            {"FunctionName": {"Fn::Sub": "${Fn}"}},
            {"FunctionName": {"Fn::Sub": "${FnAliaslive}"}},
            id="sub-whole-name",
        ),
        pytest.param(
            "AWS::Lambda::EventSourceMapping",
            {"FunctionName": {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:1:function:${Fn}"}},
            {"FunctionName": {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:1:function:${Fn}:live"}},
            id="sub-embedded-name-is-qualified",
        ),
        pytest.param(
            "AWS::Lambda::EventSourceMapping",
            {"FunctionName": {"Fn::Join": [":", ["arn:aws:lambda:r:1:function", {"Ref": "Fn"}]]}},
            {
                "FunctionName": {
                    "Fn::Join": [":", ["arn:aws:lambda:r:1:function", {"Fn::Sub": "${Fn}:live"}]]
                }
            },
            id="join-embedded-name-is-qualified",
        ),
    ],
)
def test_integration_invokes_the_alias(
    resource_type: str, before: dict[str, Any], after: dict[str, Any]
) -> None:
    assert processed(resource_type, before)["Resources"]["Res"]["Properties"] == after


@pytest.mark.parametrize(
    ("resource_type", "properties"),
    [
        pytest.param(
            "AWS::Logs::LogGroup",
            {"LogGroupName": {"Fn::Sub": "/aws/lambda/${Fn}"}},
            id="log-group",
        ),
        pytest.param(
            "Custom::Seed", {"ServiceToken": {"Fn::GetAtt": ["Fn", "Arn"]}}, id="custom-resource"
        ),
        pytest.param(
            "AWS::CloudFormation::CustomResource",
            {"ServiceToken": {"Fn::GetAtt": ["Fn", "Arn"]}},
            id="cloudformation-custom-resource",
        ),
        pytest.param(
            "AWS::Lambda::EventSourceMapping",
            {"FunctionName": {"Fn::GetAtt": ["Fn", "SnapStartResponse"]}},
            id="other-attribute",
        ),
        pytest.param(
            "AWS::Lambda::EventSourceMapping",
            {"FunctionName": {"Fn::Sub": "${Fn.Arn}:prod"}},
            id="already-qualified",
        ),
        pytest.param(
            "AWS::CloudWatch::Alarm",
            {"Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "Fn"}}]},
            id="alarm-dimension",
        ),
        pytest.param(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            {"ResourceId": {"Fn::Sub": "function:${Fn}:live"}},
            id="provisioned-concurrency-target",
        ),
    ],
)
def test_places_that_must_stay_unqualified_are_left_alone(
    resource_type: str, properties: dict[str, Any]
) -> None:
    result = transform(
        template(Fn=function(), Res={"Type": resource_type, "Properties": properties})
    )
    assert result.template["Resources"]["Res"]["Properties"] == properties
    assert result.report.warnings == ()


def test_outputs_and_version_alias_function_names_are_left_alone() -> None:
    doc = template(Fn=function())
    doc["Outputs"] = {
        "Arn": {"Value": {"Fn::GetAtt": ["Fn", "Arn"]}},
        "Name": {"Value": {"Ref": "Fn"}},
    }
    out = transform(doc).template
    assert out["Outputs"] == doc["Outputs"]
    assert out["Resources"]["FnAliaslive"]["Properties"]["FunctionName"] == {"Ref": "Fn"}


def test_unknown_place_is_reported_and_fails_under_strict() -> None:
    doc = template(
        Fn=function(),
        Res={
            "Type": "AWS::Example::Thing",
            "Properties": {"Target": {"Fn::GetAtt": ["Fn", "Arn"]}},
        },
    )
    result = transform(doc)
    assert [(w.code, w.resource, w.path) for w in result.report.warnings] == [
        ("SL301", "Res", "Properties.Target")
    ]
    assert result.template["Metadata"]["SafeLambda"]["Report"]["Warnings"] == [
        w.render() for w in result.report.warnings
    ]
    with pytest.raises(TransformError) as failure:
        transform(doc, parameters={"Strict": "true"})
    assert [(p.code, p.resource, p.path) for p in failure.value.problems] == [
        ("SL301", "Res", "Properties.Target")
    ]


def version_of(result_template: dict[str, Any], function_id: str = "Fn") -> str:
    report = result_template["Metadata"]["SafeLambda"]["Report"]
    return str(report["Functions"][function_id]["Version"])


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        pytest.param({"Fn::GetAtt": ["Fn", "Arn"]}, {"Ref": "VERSION"}, id="getatt"),
        pytest.param({"Fn::GetAtt": "Fn.Arn"}, {"Ref": "VERSION"}, id="getatt-dotted"),
        pytest.param({"Fn::Sub": "${Fn.Arn}"}, {"Fn::Sub": "${VERSION}"}, id="sub"),
        pytest.param(
            {"Fn::Sub": ["${A}", {"A": {"Fn::GetAtt": ["Fn", "Arn"]}}]},
            {"Fn::Sub": ["${A}", {"A": {"Ref": "VERSION"}}]},
            id="sub-map",
        ),
        pytest.param({"Fn::Sub": "${Fn.Arn}:3"}, {"Fn::Sub": "${Fn.Arn}:3"}, id="pinned-version"),
    ],
)
def test_lambda_at_edge_gets_the_version_arn(
    reference: dict[str, Any], expected: dict[str, Any]
) -> None:
    association = {"EventType": "viewer-request", "LambdaFunctionARN": reference}
    out = processed(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": {
                "Enabled": True,
                "DefaultCacheBehavior": {"LambdaFunctionAssociations": [association]},
            }
        },
    )
    found = out["Resources"]["Res"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    arn = found["LambdaFunctionAssociations"][0]["LambdaFunctionARN"]
    assert json.dumps(arn) == json.dumps(expected).replace("VERSION", version_of(out))


def test_greengrass_component_under_if_gets_the_version_arn() -> None:
    lambda_arn = {"Fn::If": ["C", {"Fn::GetAtt": ["Fn", "Arn"]}, "arn:aws:lambda:r:1:function:x:1"]}
    out = processed(
        "AWS::GreengrassV2::ComponentVersion", {"LambdaFunction": {"LambdaArn": lambda_arn}}
    )
    assert out["Resources"]["Res"]["Properties"]["LambdaFunction"]["LambdaArn"] == {
        "Fn::If": ["C", {"Ref": version_of(out)}, "arn:aws:lambda:r:1:function:x:1"]
    }


INVOCATIONS = "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/%s/invocations"


def test_openapi_body_integrations_and_authorizers_invoke_the_alias() -> None:
    body = {
        "openapi": "3.0.1",
        "paths": {
            "/a": {
                "get": {
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy",
                        "httpMethod": "POST",
                        "uri": {"Fn::Sub": INVOCATIONS % "${Fn.Arn}"},
                    }
                }
            },
            "/b": {
                "get": {
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy",
                        "uri": {"Fn::Sub": [INVOCATIONS % "${F}", {"F": {"Fn::GetAtt": "Fn.Arn"}}]},
                    }
                }
            },
        },
        "components": {
            "securitySchemes": {
                "auth": {
                    "x-amazon-apigateway-authorizer": {
                        "type": "request",
                        "authorizerUri": {
                            "Fn::Join": [
                                "",
                                [
                                    "arn:aws:apigateway:r:lambda:path/2015-03-31/functions/",
                                    {"Fn::GetAtt": ["Fn", "Arn"]},
                                    "/invocations",
                                ],
                            ]
                        },
                    }
                }
            }
        },
    }
    out = processed("AWS::ApiGateway::RestApi", {"Body": body})
    new = out["Resources"]["Res"]["Properties"]["Body"]
    assert new["paths"]["/a"]["get"]["x-amazon-apigateway-integration"]["uri"] == {
        "Fn::Sub": INVOCATIONS % "${FnAliaslive}"
    }
    assert new["paths"]["/b"]["get"]["x-amazon-apigateway-integration"]["uri"] == {
        "Fn::Sub": [INVOCATIONS % "${F}", {"F": ALIAS}]
    }
    authorizer = new["components"]["securitySchemes"]["auth"]["x-amazon-apigateway-authorizer"]
    assert authorizer["authorizerUri"]["Fn::Join"][1][1] == ALIAS


def test_http_api_body_with_a_plain_function_arn_invokes_the_alias() -> None:
    integration = {"type": "aws_proxy", "payloadFormatVersion": "2.0"}
    integration["uri"] = {"Fn::GetAtt": ["Fn", "Arn"]}  # type: ignore[assignment]
    body = {"paths": {"/": {"get": {"x-amazon-apigateway-integration": integration}}}}
    out = processed("AWS::ApiGatewayV2::Api", {"Body": body})
    found = out["Resources"]["Res"]["Properties"]["Body"]["paths"]["/"]["get"]
    assert found["x-amazon-apigateway-integration"]["uri"] == ALIAS


def test_state_machine_definitions_invoke_the_alias() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Resource": {"Fn::GetAtt": ["Fn", "Arn"]}, "Next": "B"},
            "B": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": {"Ref": "Fn"}},
                "End": True,
            },
        },
    }
    text = (
        '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${Fn.Arn}", '
        '"Next": "B"}, "B": {"Type": "Task", "Resource": '
        '"arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}", "End": true}}}'
    )
    out = processed("AWS::StepFunctions::StateMachine", {"Definition": definition})
    states = out["Resources"]["Res"]["Properties"]["Definition"]["States"]
    assert states["A"]["Resource"] == ALIAS
    assert states["B"]["Parameters"]["FunctionName"] == ALIAS
    out = processed(
        "AWS::StepFunctions::StateMachine",
        {"DefinitionString": {"Fn::If": ["C", {"Fn::Sub": text}, "{}"]}},
    )
    assert out["Resources"]["Res"]["Properties"]["DefinitionString"] == {
        "Fn::If": [
            "C",
            {"Fn::Sub": text.replace("${Fn.Arn}", "${FnAliaslive}").replace("${Fn}", "${Fn}:live")},
            "{}",
        ]
    }


def test_definition_substitutions_become_qualified_names_and_alias_arns() -> None:
    substitutions = {
        "Arn": {"Fn::GetAtt": ["Fn", "Arn"]},
        "Name": {"Ref": "Fn"},
        "SubName": {"Fn::Sub": "${Fn}"},
        "Joined": {"Fn::Join": ["", [{"Ref": "Fn"}]]},
        "Other": "literal",
    }
    out = processed(
        "AWS::StepFunctions::StateMachine",
        {
            "DefinitionS3Location": {"Bucket": "b", "Key": "k"},
            "DefinitionSubstitutions": substitutions,
        },
    )
    assert out["Resources"]["Res"]["Properties"]["DefinitionSubstitutions"] == {
        "Arn": ALIAS,
        "Name": {"Fn::Sub": "${Fn}:live"},
        "SubName": {"Fn::Sub": "${Fn}:live"},
        "Joined": {"Fn::Join": ["", [{"Fn::Sub": "${Fn}:live"}]]},
        "Other": "literal",
    }


def test_unproven_place_is_left_alone_and_reported_and_fails_under_strict() -> None:
    rule = {"Actions": [{"LambdaAction": {"FunctionArn": {"Fn::GetAtt": ["Fn", "Arn"]}}}]}
    doc = template(
        Fn=function(), Res={"Type": "AWS::SES::ReceiptRule", "Properties": {"Rule": rule}}
    )
    result = transform(doc)
    assert result.template["Resources"]["Res"]["Properties"]["Rule"] == rule
    where = "Properties.Rule.Actions[0].LambdaAction.FunctionArn"
    assert [(w.code, w.resource, w.path) for w in result.report.warnings] == [
        ("SL302", "Res", where)
    ]
    with pytest.raises(TransformError) as failure:
        transform(doc, parameters={"Strict": True})
    assert [(p.code, p.resource, p.path) for p in failure.value.problems] == [
        ("SL302", "Res", where)
    ]


@pytest.mark.parametrize(
    ("resource_type", "properties", "path"),
    [
        pytest.param(
            "AWS::ApiGateway::RestApi",
            {"BodyS3Location": {"Bucket": "b", "Key": "api.yaml"}},
            "Properties.BodyS3Location",
            id="rest-api-body-in-s3",
        ),
        pytest.param(
            "AWS::StepFunctions::StateMachine",
            {"DefinitionS3Location": {"Bucket": "b", "Key": "sm.json"}, "RoleArn": "r"},
            "Properties.DefinitionS3Location",
            id="state-machine-definition-in-s3",
        ),
        pytest.param(
            "AWS::ApiGateway::RestApi",
            {
                "Body": {
                    "Fn::Transform": {
                        "Name": "AWS::Include",
                        "Parameters": {"Location": "s3://b/k"},
                    }
                }
            },
            "Properties.Body",
            id="body-through-fn-transform",
        ),
    ],
)
def test_content_safelambda_cannot_see_is_reported_and_fails_under_strict(
    resource_type: str, properties: dict[str, Any], path: str
) -> None:
    doc = template(Fn=function(), Res={"Type": resource_type, "Properties": properties})
    result = transform(doc)
    assert result.template["Resources"]["Res"]["Properties"] == properties
    assert [(w.code, w.resource, w.path) for w in result.report.warnings] == [
        ("SL303", "Res", path)
    ]
    with pytest.raises(TransformError) as failure:
        transform(doc, parameters={"Strict": "true"})
    assert [p.code for p in failure.value.problems] == ["SL303"]


def test_nested_stack_parameters_naming_a_function_are_reported() -> None:
    doc = template(
        Fn=function(),
        Child={
            "Type": "AWS::CloudFormation::Stack",
            "Properties": {
                "TemplateURL": "https://s3.amazonaws.com/b/child.yaml",
                "Parameters": {"Handler": {"Fn::GetAtt": ["Fn", "Arn"]}, "Stage": "prod"},
            },
        },
    )
    result = transform(doc)
    assert result.template["Resources"]["Child"] == doc["Resources"]["Child"]
    assert [(w.code, w.resource, w.path) for w in result.report.warnings] == [
        ("SL302", "Child", "Properties.Parameters")
    ]


def test_cli_lists_the_unknown_place_on_stderr_and_strict_fails(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from safelambda import cli

    doc = template(
        Fn=function(),
        Res={"Type": "AWS::Example::Thing", "Properties": {"Target": {"Fn::GetAtt": "Fn.Arn"}}},
    )
    source = tmp_path / "template.json"
    source.write_text(json.dumps(doc))
    assert cli.main(["transform", str(source)]) == 0
    assert "SL301 Res.Properties.Target: names function Fn" in capsys.readouterr().err
    doc["Metadata"] = {"SafeLambda": {"Strict": True}}
    source.write_text(json.dumps(doc))
    assert cli.main(["transform", str(source), "-o", str(tmp_path / "out.yaml")]) == 1
    assert "SL301 Res.Properties.Target" in capsys.readouterr().err
    assert not (tmp_path / "out.yaml").exists()


def test_sam_api_and_http_api_bodies_invoke_aliases_with_and_without_auto_publish_alias() -> None:
    """What aws-sam-translator emits: `${Fn.Arn}` (no alias) or `${FnAliaslive}` (AutoPublishAlias)
    in integration URIs, and `__FunctionArn__: !GetAtt Auth.Arn` for Lambda authorizers either way.
    """
    from helpers import ROOT
    from safelambda import cli
    from safelambda.offline import sam

    source = cli.load_template(str(ROOT / "tests/fixtures/sam-api-authorizers.yaml"))
    expanded = sam.expand(source, {}, "us-east-1", "aws")
    out = transform(expanded).template
    uris = []
    for api in ("Api", "Http"):
        body = json.dumps(out["Resources"][api]["Properties"]["Body"])
        uris += re.findall(r'"(?:uri|authorizerUri)": (\{.*?\}\]?\})', body)
    text = " ".join(uris)
    assert len(uris) == 6  # two routes per API for two functions, one authorizer per API
    assert "RestFnAliaslive" in text and "AliasedFnAliaslive" in text
    assert text.count('{"Ref": "AuthFnAliaslive"}') == 2
    assert ".Arn}" not in text and '"Arn"]' not in text
    permissions = {
        rid: res["Properties"]["FunctionName"]
        for rid, res in out["Resources"].items()
        if res["Type"] == "AWS::Lambda::Permission"
    }
    assert all(name["Ref"].endswith("Aliaslive") for name in permissions.values()), permissions
    assert "ApiLAuthorizerPermission" in permissions
