"""Small resources for hand-written deploy pairs: previous and new processed templates."""

from __future__ import annotations

import copy
from typing import Any

from helpers import function
from safelambda.deploy import Action, Deploy, Phase

REGION_ACCOUNT = "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}"
SNS = "sns.amazonaws.com"
ELB = "elasticloadbalancing.amazonaws.com"
LOAD_BALANCER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/b"


def stack(**resources: Any) -> dict[str, Any]:
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": copy.deepcopy(resources)}


def fn(**properties: Any) -> dict[str, Any]:
    return function(properties)


def version(function_id: str = "Fn", **extra: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Version",
        "DeletionPolicy": "Retain",
        "Properties": {"FunctionName": {"Ref": function_id}},
        **extra,
    }


def alias(version_id: str, name: str = "live", function_id: str = "Fn") -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Alias",
        "Properties": {
            "FunctionName": {"Ref": function_id},
            "FunctionVersion": {"Fn::GetAtt": [version_id, "Version"]},
            "Name": name,
        },
    }


def arn(target: str) -> dict[str, Any]:
    """How a template names a function's ARN (`Fn`) or an alias's (`FnAliaslive`)."""
    return {"Ref": target} if "Alias" in target else {"Fn::GetAtt": [target, "Arn"]}


def permission(target: str, principal: str, source: Any = None, **extra: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Ref": target},
        "Principal": principal,
    }
    if source is not None:
        props["SourceArn"] = source
    return {"Type": "AWS::Lambda::Permission", "Properties": props, **extra}


def rule(target: str, **extra: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Events::Rule",
        "Properties": {
            "ScheduleExpression": "rate(1 minute)",
            "Targets": [{"Id": "t", "Arn": arn(target)}],
        },
        **extra,
    }


def uri(target: str) -> dict[str, Any]:
    """An API Gateway Lambda proxy integration URI."""
    name = target if "Alias" in target else f"{target}.Arn"
    return {
        "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
        f"${{{name}}}/invocations"
    }


def on(target: str, **resources: Any) -> dict[str, Any]:
    """`resources` beside Fn, and beside the alias `target` names when it is one."""
    if target == "Fn":
        return stack(Fn=fn(), **resources)
    name = target.removeprefix("FnAlias")
    return stack(Fn=fn(), FnVersiona=version(), **{target: alias("FnVersiona", name)}, **resources)


def config(target: str, destination: Any = None) -> dict[str, Any]:
    """The event invoke config of `target` (the function: `$LATEST`)."""
    qualifier = "$LATEST" if target == "Fn" else target.removeprefix("FnAlias")
    props: dict[str, Any] = {
        "FunctionName": {"Ref": "Fn"},
        "Qualifier": qualifier,
        "MaximumRetryAttempts": 0,
    }
    if destination is not None:
        props["DestinationConfig"] = {"OnFailure": {"Destination": destination}}
    if target != "Fn":
        return {"Type": "AWS::Lambda::EventInvokeConfig", "DependsOn": target, "Properties": props}
    return {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": props}


def topic(target: str, configured: bool = True, after: tuple[str, ...] = ()) -> dict[str, Any]:
    """An SNS subscription of `target`, ordered after its permission and what `after` names,
    and (when `configured`) `target`'s event invoke config."""
    subscription = {
        "Type": "AWS::SNS::Subscription",
        "DependsOn": ["TopicPermission", *after],
        "Properties": {"TopicArn": {"Ref": "Topic"}, "Protocol": "lambda", "Endpoint": arn(target)},
    }
    extra = {"FnConfig": config(target)} if configured else {}
    return on(
        target,
        Topic={"Type": "AWS::SNS::Topic", "Properties": {}},
        Subscription=subscription,
        TopicPermission=permission(target, SNS, {"Ref": "Topic"}),
        **extra,
    )


def target_group(
    target: str,
    *,
    logical_id: str = "FnTargetGroup",
    ordered: bool = True,
    configured: bool = False,
) -> dict[str, Any]:
    """A listener forwarding to a Lambda target group that registers `target`, and the
    permission ELB checks when it registers it."""
    group: dict[str, Any] = {
        "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
        "Properties": {"TargetType": "lambda", "Targets": [{"Id": arn(target)}]},
    }
    if ordered:
        group["DependsOn"] = "FnElbPermission"
    listener = {
        "Type": "AWS::ElasticLoadBalancingV2::Listener",
        "Properties": {
            "LoadBalancerArn": LOAD_BALANCER,
            "Port": 80,
            "Protocol": "HTTP",
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": logical_id}}],
        },
    }
    extra = {"FnConfig": config(target)} if configured else {}
    return on(
        target,
        **{logical_id: group},
        Listener=listener,
        FnElbPermission=permission(target, ELB),
        **extra,
    )


def codes(deploy: Deploy) -> list[tuple[str, str | None]]:
    """(code, resource) of every finding, in order."""
    return [(f.problem.code, f.problem.resource) for f in deploy.findings]


def changes(deploy: Deploy) -> dict[str, str]:
    """Deploy-phase change of every resource, and `cleanup:` entries for the cleanup phase."""
    return {
        (a.logical_id if a.phase == "deploy" else f"cleanup:{a.logical_id}"): str(a.change)
        for a in deploy.actions
    }


def action(deploy: Deploy, logical_id: str, phase: Phase = Phase.DEPLOY) -> Action:
    found = deploy.action(logical_id, phase)
    assert found is not None, f"no {phase} action for {logical_id}"
    return found
