"""An integration moved to the alias whose grant is not in the template is reported (SL307).

A service that invokes through the function's resource policy (EventBridge, SNS, S3, API
Gateway, ...) needs a permission on the alias's own ARN. When the template grants the function
elsewhere (another stack, the console), the move to the alias breaks that integration after the
deploy unless the grant is added for the alias too.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from helpers import function, permission, template
from safelambda import transform
from safelambda.offline import pipeline

ARN = {"Fn::GetAtt": ["Fn", "Arn"]}
RULE = {
    "Type": "AWS::Events::Rule",
    "Properties": {"ScheduleExpression": "rate(1 minute)", "Targets": [{"Id": "a", "Arn": ARN}]},
}


def grants_missing(doc: dict[str, Any], **options: Any) -> list[tuple[str | None, str]]:
    result = transform(doc, **options)
    return [(w.resource, w.message) for w in result.report.warnings if w.code == "SL307"]


def test_rule_target_granted_outside_the_template_is_reported_with_the_permission_to_add() -> None:
    found = grants_missing(template(Fn=function(), Rule=RULE))
    assert len(found) == 1
    resource, message = found[0]
    assert resource == "Rule"
    assert "Fn" in message and "FnAliaslive" in message and "events.amazonaws.com" in message
    assert "AWS::Lambda::Permission" in message


@pytest.mark.parametrize(
    "grant",
    [
        pytest.param(permission("events.amazonaws.com"), id="permission"),
        pytest.param(
            permission("events.amazonaws.com", SourceArn={"Fn::GetAtt": ["Rule", "Arn"]}),
            id="permission-for-this-rule",
        ),
        pytest.param(permission("*"), id="anyone"),
    ],
)
def test_rule_granted_in_the_template_is_not_reported(grant: dict[str, Any]) -> None:
    assert grants_missing(template(Fn=function(), Rule=RULE, Grant=grant)) == []


def test_a_grant_for_another_source_of_the_same_service_does_not_count() -> None:
    other = permission("events.amazonaws.com", SourceArn={"Fn::GetAtt": ["Other", "Arn"]})
    doc = template(Fn=function(), Rule=RULE, Other=copy.deepcopy(RULE), Grant=other)
    assert [r for r, _ in grants_missing(doc)] == ["Rule"]


def test_role_based_integrations_need_no_resource_policy() -> None:
    method = {
        "Type": "AWS::ApiGateway::Method",
        "Properties": {
            "RestApiId": "abc123",
            "ResourceId": "def456",
            "HttpMethod": "GET",
            "AuthorizationType": "NONE",
            "Integration": {
                "Type": "AWS_PROXY",
                "IntegrationHttpMethod": "POST",
                "Credentials": "arn:aws:iam::123456789012:role/invoker",
                "Uri": {
                    "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                    "functions/${Fn.Arn}/invocations"
                },
            },
        },
    }
    queue = {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {"FunctionName": {"Ref": "Fn"}, "EventSourceArn": "arn:aws:sqs:r:1:q"},
    }
    assert grants_missing(template(Fn=function(), Method=method, Queue=queue)) == []


def sam_http_api(authorizer: dict[str, Any]) -> list[tuple[str | None, str]]:
    auth_fn = {
        "Type": "AWS::Serverless::Function",
        "Properties": {"CodeUri": "s3://b/a.zip", "Handler": "a.h", "Runtime": "python3.12"},
    }
    api_fn = copy.deepcopy(auth_fn)
    api_fn["Properties"]["Events"] = {
        "Get": {
            "Type": "HttpApi",
            "Properties": {"ApiId": {"Ref": "Http"}, "Path": "/", "Method": "get"},
        }
    }
    doc = {
        "Transform": ["AWS::Serverless-2016-10-31", "SafeLambda"],
        "Resources": {
            "Auth": auth_fn,
            "Handler": api_fn,
            "Http": {
                "Type": "AWS::Serverless::HttpApi",
                "Properties": {
                    "Auth": {
                        "DefaultAuthorizer": "L",
                        "Authorizers": {
                            "L": {
                                "FunctionArn": {"Fn::GetAtt": ["Auth", "Arn"]},
                                "AuthorizerPayloadFormatVersion": "2.0",
                                **authorizer,
                            }
                        },
                    }
                },
            },
        },
    }
    outcome = pipeline.run(doc, pipeline.Options(), add_macro=True)
    assert outcome.result is not None
    return [(w.resource, w.message) for w in outcome.result.report.warnings if w.code == "SL307"]


def test_sam_http_api_authorizer_without_permissions_is_reported() -> None:
    found = sam_http_api({})
    assert [r for r, _ in found] == ["Http"]
    assert "Auth" in found[0][1] and "AuthAliaslive" in found[0][1]


@pytest.mark.parametrize(
    "authorizer",
    [
        pytest.param({"EnableFunctionDefaultPermissions": True}, id="default-permissions"),
        pytest.param(
            {"FunctionInvokeRole": "arn:aws:iam::123456789012:role/invoker"}, id="invoke-role"
        ),
    ],
)
def test_sam_http_api_authorizer_with_a_grant_is_not_reported(authorizer: dict[str, Any]) -> None:
    assert sam_http_api(authorizer) == []


def test_the_warning_is_said_again_on_the_output_so_a_second_run_changes_nothing() -> None:
    out = transform(template(Fn=function(), Rule=RULE)).template
    assert transform(copy.deepcopy(out)).template == out
