"""An integration that starts invoking the alias waits for what that invocation needs.

CloudFormation orders resources only by their references and `DependsOn`. A new SNS
subscription, a state machine whose role gets the alias from a separate policy, or an
asynchronous source whose alias has a new event invoke config would otherwise start invoking the
alias before the grant or configuration exists. Where the grant names the integration (an
EventBridge rule's permission has the rule's ARN as `SourceArn`), the order would be a cycle: it
is left out and reported as a window (the two-phase adoption closes it).
"""

from __future__ import annotations

from typing import Any

import pytest

from helpers import function, lint_errors, permission, template
from safelambda import transform

ARN = {"Fn::GetAtt": ["Fn", "Arn"]}


def depends_on(resource: dict[str, Any]) -> list[str]:
    depends = resource.get("DependsOn", [])
    return [depends] if isinstance(depends, str) else list(depends)


TOPIC = {"Type": "AWS::SNS::Topic"}
SUBSCRIPTION = {
    "Type": "AWS::SNS::Subscription",
    "Properties": {"TopicArn": {"Ref": "Topic"}, "Protocol": "lambda", "Endpoint": ARN},
}
RULE = {
    "Type": "AWS::Events::Rule",
    "Properties": {
        "ScheduleExpression": "rate(1 minute)",
        "Targets": [{"Id": "fn", "Arn": ARN}],
    },
}


def test_new_sns_subscription_waits_for_the_alias_permission() -> None:
    doc = template(
        Fn=function(),
        Topic=TOPIC,
        Sub=SUBSCRIPTION,
        Perm=permission("sns.amazonaws.com", SourceArn={"Ref": "Topic"}),
    )
    result = transform(doc)
    assert depends_on(result.template["Resources"]["Sub"]) == ["Perm"]
    assert ("Sub", "Perm") in result.report.orderings
    assert result.report.windows == ()
    assert lint_errors(result.template) == []


def test_rule_whose_permission_names_it_cannot_wait_and_the_window_is_reported() -> None:
    doc = template(
        Fn=function(),
        Rule=RULE,
        Perm=permission("events.amazonaws.com", SourceArn={"Fn::GetAtt": ["Rule", "Arn"]}),
    )
    result = transform(doc)
    assert "DependsOn" not in result.template["Resources"]["Rule"]
    assert result.report.windows == (("Rule", "Perm"),)
    assert transform(result.template).template == result.template  # no cycle, nothing new


@pytest.mark.parametrize(
    ("kind", "attachment"),
    [
        pytest.param("AWS::IAM::Policy", {"Roles": [{"Ref": "Role"}]}, id="policy"),
        pytest.param("AWS::IAM::ManagedPolicy", {"Roles": [{"Ref": "Role"}]}, id="managed"),
        pytest.param("AWS::IAM::RolePolicy", {"RoleName": {"Ref": "Role"}}, id="role-policy"),
    ],
)
def test_state_machine_waits_for_the_separate_policy_that_lets_its_role_invoke_the_alias(
    kind: str, attachment: dict[str, Any]
) -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": ARN}],
    }
    name = {} if kind == "AWS::IAM::ManagedPolicy" else {"PolicyName": "invoke"}
    doc = template(
        Fn=function(),
        Role={
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "states.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            },
        },
        Invoke={"Type": kind, "Properties": {"PolicyDocument": document, **name, **attachment}},
        Machine={
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                "DefinitionString": {
                    "Fn::Sub": '{"StartAt":"A","States":{"A":{"Type":"Task",'
                    '"Resource":"${Fn.Arn}","End":true}}}'
                },
            },
        },
    )
    out = transform(doc).template
    resources = out["Resources"]
    assert {"Ref": "FnAliaslive"} in resources["Invoke"]["Properties"]["PolicyDocument"][
        "Statement"
    ][0]["Resource"]
    assert depends_on(resources["Machine"]) == ["Invoke"]
    assert lint_errors(out) == []


def test_asynchronous_source_waits_for_the_event_invoke_config_of_the_alias() -> None:
    config = {
        "Type": "AWS::Lambda::EventInvokeConfig",
        "Properties": {"FunctionName": {"Ref": "Fn"}, "Qualifier": "$LATEST"},
    }
    config["Properties"]["MaximumRetryAttempts"] = 0
    doc = template(
        Fn=function(),
        Config=config,
        Topic=TOPIC,
        Sub=SUBSCRIPTION,
        Perm=permission("sns.amazonaws.com", SourceArn={"Ref": "Topic"}),
    )
    out = transform(doc).template
    resources = out["Resources"]
    assert resources["Config"]["Properties"]["Qualifier"] == "live"
    assert depends_on(resources["Sub"]) == ["Perm", "Config"]
    assert lint_errors(out) == []


def test_an_order_that_would_close_a_cycle_through_another_added_order_is_left_out() -> None:
    # The config's failure destination waits for the subscription, so the subscription waiting
    # for the config would be a cycle: Sub -> Config -> Dead -> Sub.
    config = {
        "Type": "AWS::Lambda::EventInvokeConfig",
        "Properties": {
            "FunctionName": {"Ref": "Fn"},
            "Qualifier": "$LATEST",
            "DestinationConfig": {"OnFailure": {"Destination": {"Ref": "Dead"}}},
        },
    }
    dead = {"Type": "AWS::SNS::Topic", "DependsOn": "Sub"}
    doc = template(
        Fn=function(),
        Config=config,
        Dead=dead,
        Topic=TOPIC,
        Sub=SUBSCRIPTION,
        Perm=permission("sns.amazonaws.com", SourceArn={"Ref": "Topic"}),
    )
    result = transform(doc)
    resources = result.template["Resources"]
    assert depends_on(resources["Sub"]) == ["Perm"]
    assert ("Sub", "Config") in result.report.windows
    assert transform(result.template).template == result.template
