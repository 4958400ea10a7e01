"""Permissions follow their integration; callers left unqualified keep theirs."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import helpers
from helpers import function, template
from safelambda import TransformError, transform
from safelambda.template.resolve import DeployContext

ALIAS = {"Ref": "FnAliaslive"}
ARN = {"Fn::GetAtt": ["Fn", "Arn"]}


def permission(principal: Any, function_name: Any = None, **extra: Any) -> dict[str, Any]:
    return helpers.permission(principal, function_name or {"Ref": "Fn"}, **extra)


TOPIC = {"Type": "AWS::SNS::Topic"}
SUBSCRIPTION = {
    "Type": "AWS::SNS::Subscription",
    "Properties": {"TopicArn": {"Ref": "Topic"}, "Protocol": "lambda", "Endpoint": ARN},
}


def run(context: DeployContext | None = None, **resources: Any) -> tuple[dict[str, Any], list[Any]]:
    result = transform(template(Fn=function(), **resources), context)
    return result.template["Resources"], [(w.code, w.resource) for w in result.report.warnings]


def test_permission_moves_to_the_alias_with_its_integration() -> None:
    resources, warnings = run(
        Topic=TOPIC, Sub=SUBSCRIPTION, Perm=permission("sns.amazonaws.com", ARN)
    )
    assert resources["Sub"]["Properties"]["Endpoint"] == ALIAS
    assert resources["Perm"]["Properties"]["FunctionName"] == ALIAS
    assert "PermUnqualified" not in resources
    assert warnings == []


def test_permission_without_an_integration_in_the_template_stays_unqualified() -> None:
    perm = permission("apigateway.amazonaws.com", SourceArn="arn:aws:execute-api:r:1:other/*")
    resources, warnings = run(Perm=perm)
    assert resources["Perm"] == perm
    assert warnings == [("SL306", "Perm")]


def test_permission_of_another_service_does_not_follow_an_unrelated_integration() -> None:
    resources, warnings = run(Topic=TOPIC, Sub=SUBSCRIPTION, Perm=permission("s3.amazonaws.com"))
    assert resources["Perm"]["Properties"]["FunctionName"] == {"Ref": "Fn"}
    # The subscription invokes the alias with no SNS grant in the template: SL307 says so.
    assert warnings == [("SL306", "Perm"), ("SL307", "Sub")]


def test_unqualified_copy_is_kept_while_an_unrewritten_place_still_invokes_the_function() -> None:
    seeder = {"Type": "Custom::Seeder", "Properties": {"ServiceToken": "t", "Invoke": ARN}}
    perm = permission("sns.amazonaws.com")
    resources, warnings = run(Topic=TOPIC, Sub=SUBSCRIPTION, Seeder=seeder, Perm=perm)
    assert resources["Perm"]["Properties"]["FunctionName"] == ALIAS
    assert resources["PermUnqualified"] == perm
    assert list(resources).index("PermUnqualified") == list(resources).index("Perm") + 1
    assert sorted(warnings) == [("SL301", "Seeder"), ("SL306", "Perm")]


def test_unseen_api_definition_keeps_an_unqualified_copy_for_api_gateway() -> None:
    hidden = {
        "Type": "AWS::ApiGateway::RestApi",
        "Properties": {"BodyS3Location": {"Bucket": "b", "Key": "api.yaml"}},
    }
    method = {
        "Type": "AWS::ApiGateway::Method",
        "Properties": {
            "HttpMethod": "GET",
            "ResourceId": "r",
            "RestApiId": "a",
            "Integration": {
                "Type": "AWS_PROXY",
                "Uri": {"Fn::Sub": "arn:aws:apigateway:r:lambda:path/functions/${Fn.Arn}/x"},
            },
        },
    }
    perm = permission("apigateway.amazonaws.com")
    resources, _ = run(Hidden=hidden, Method=method, Perm=perm)
    assert resources["Perm"]["Properties"]["FunctionName"] == ALIAS
    assert resources["PermUnqualified"] == perm


def test_account_principal_keeps_its_unqualified_grant_beside_the_alias() -> None:
    perm = permission("123456789012")
    resources, warnings = run(Topic=TOPIC, Sub=SUBSCRIPTION, Perm=perm)
    assert resources["Perm"]["Properties"]["FunctionName"] == ALIAS
    assert resources["PermUnqualified"] == perm
    assert warnings == [("SL306", "Perm")]


def test_regional_principal_and_parameter_principal_are_recognised() -> None:
    subscription = {
        "Type": "AWS::Logs::SubscriptionFilter",
        "Properties": {"LogGroupName": "g", "FilterPattern": "", "DestinationArn": ARN},
    }
    doc_principal = {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}
    resources, warnings = run(
        DeployContext(region="eu-west-1"), Filter=subscription, Perm=permission(doc_principal)
    )
    assert resources["Perm"]["Properties"]["FunctionName"] == ALIAS
    assert warnings == []


def test_function_url_permissions_follow_the_url_qualifier() -> None:
    url = {
        "Type": "AWS::Lambda::Url",
        "Properties": {"TargetFunctionArn": {"Ref": "Fn"}, "AuthType": "NONE"},
    }
    url_perm = permission("*", Action="lambda:InvokeFunctionUrl", FunctionUrlAuthType="NONE")
    invoke_perm = permission("*", InvokedViaFunctionUrl=True)
    resources, warnings = run(Url=url, UrlPerm=url_perm, InvokePerm=invoke_perm)
    assert resources["UrlPerm"]["Properties"]["FunctionName"] == ALIAS
    assert resources["InvokePerm"]["Properties"]["FunctionName"] == ALIAS
    assert "UrlPermUnqualified" not in resources and "InvokePermUnqualified" not in resources
    assert warnings == [("SL304", "Url")]


def test_resource_policy_moves_with_its_document() -> None:
    policy = {
        "Type": "AWS::Lambda::ResourcePolicy",
        "Properties": {
            "ResourceArn": ARN,
            "PolicyDocument": {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "sns.amazonaws.com"},
                        "Action": "lambda:InvokeFunction",
                        "Resource": ARN,
                    }
                ]
            },
        },
    }
    original = copy.deepcopy(policy)
    resources, _ = run(Topic=TOPIC, Sub=SUBSCRIPTION, Policy=policy)
    assert resources["Policy"]["Properties"]["ResourceArn"] == ALIAS
    assert resources["Policy"]["Properties"]["PolicyDocument"]["Statement"][0]["Resource"] == ALIAS
    # its statements may name any principal, including callers outside the template
    assert resources["PolicyUnqualified"] == original


def test_sibling_id_taken_is_an_error() -> None:
    taken = {"Type": "AWS::SNS::Topic"}
    with pytest.raises(TransformError) as failure:
        run(Topic=TOPIC, Sub=SUBSCRIPTION, Perm=permission("1234"), PermUnqualified=taken)
    assert [(p.code, p.resource) for p in failure.value.problems] == [("SL011", "PermUnqualified")]


def test_processing_the_output_again_keeps_the_permissions_as_they_are() -> None:
    seeder = {"Type": "Custom::Seeder", "Properties": {"ServiceToken": "t", "Invoke": ARN}}
    doc = template(
        Fn=function(),
        Topic=TOPIC,
        Sub=SUBSCRIPTION,
        Seeder=seeder,
        Perm=permission("sns.amazonaws.com"),
    )
    first = transform(doc)
    once = first.template
    second = transform(copy.deepcopy(once))
    twice = second.template
    for rid in ("Perm", "PermUnqualified", "Sub", "Seeder"):
        assert twice["Resources"][rid] == once["Resources"][rid]
    assert sorted(r for r in twice["Resources"] if r.startswith("Perm")) == [
        "Perm",
        "PermUnqualified",
    ]
    # The second run says again what the first said, so the whole output is unchanged.
    assert [w.render() for w in second.report.warnings] == [
        w.render() for w in first.report.warnings
    ]
    assert twice == once
