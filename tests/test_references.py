"""Integrations invoke the alias; what must stay unqualified stays so."""

from __future__ import annotations

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
            "AWS::Lambda::Permission",
            {"FunctionName": {"Ref": "Fn"}},
            {"FunctionName": ALIAS},
            id="permission-ref",
        ),
        pytest.param(
            "AWS::Lambda::Permission",
            {"FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]}},
            {"FunctionName": ALIAS},
            id="permission-getatt-list",
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
            "AWS::Lambda::Permission",
            {"FunctionName": {"Fn::Select": [0, [{"Ref": "Fn"}, "x"]]}},
            {"FunctionName": {"Fn::Select": [0, [ALIAS, "x"]]}},
            id="under-select",
        ),
        pytest.param(
            "AWS::Lambda::Permission",
            {"FunctionName": {"Fn::Sub": "${Fn}"}},
            {"FunctionName": {"Fn::Sub": "${FnAliaslive}"}},
            id="sub-whole-name",
        ),
        pytest.param(
            "AWS::Lambda::Permission",
            {"FunctionName": {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:1:function:${Fn}"}},
            {"FunctionName": {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:1:function:${Fn}:live"}},
            id="sub-embedded-name-is-qualified",
        ),
        pytest.param(
            "AWS::Lambda::Permission",
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
            "AWS::Lambda::Permission",
            {"FunctionName": {"Fn::GetAtt": ["Fn", "SnapStartResponse"]}},
            id="other-attribute",
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
