"""Triggers of `tests/test_messages.py` for the deploy model (`check --previous`): a previous and
a new processed template, as `safelambda.deploy.simulate` reads them, built from the resources of
`tests/deploy/scenes.py`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from deploy.scenes import (
    REGION_ACCOUNT,
    alias,
    arn,
    fn,
    permission,
    rule,
    stack,
    target_group,
    topic,
    uri,
    version,
)
from safelambda.deploy import simulate

APIGW = "apigateway.amazonaws.com"
DEPLOYMENT = "ApiDeploymentA"


def findings(previous: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    return [f.problem.render() for f in simulate(previous, new).findings]


def aliased(**resources: Any) -> dict[str, Any]:
    """Fn with its Version and alias `live`, beside `resources`."""
    return stack(Fn=fn(), FnVersiona=version(), FnAliaslive=alias("FnVersiona"), **resources)


def on(target: str, **resources: Any) -> dict[str, Any]:
    """`resources` beside Fn, and beside its alias when they invoke one."""
    return stack(Fn=fn(), **resources) if target == "Fn" else aliased(**resources)


def rest(target: str, after: Any = "Method") -> dict[str, Any]:
    """A REST API whose one method invokes `target`, served by stage prod from ApiDeploymentA,
    which `DependsOn` what `after` names."""
    method = {
        "RestApiId": {"Ref": "Api"},
        "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
        "HttpMethod": "GET",
        "AuthorizationType": "NONE",
        "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": uri(target)},
    }
    stage = {"RestApiId": {"Ref": "Api"}, "DeploymentId": {"Ref": DEPLOYMENT}, "StageName": "prod"}
    source = {"Fn::Sub": REGION_ACCOUNT + ":${Api}/*"}
    resources = {
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "orders"}},
        "Method": {"Type": "AWS::ApiGateway::Method", "Properties": method},
        DEPLOYMENT: {
            "Type": "AWS::ApiGateway::Deployment",
            "DependsOn": after,
            "Properties": {"RestApiId": {"Ref": "Api"}},
        },
        "Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": stage},
        "Permission": permission(target, APIGW, source),
    }
    if target != "Fn":
        resources.update(FnVersiona=version())
        resources[target] = alias("FnVersiona", target.removeprefix("FnAlias"))
    return stack(Fn=fn(), **resources)


def scheduled(target: str) -> dict[str, Any]:
    """A schedule rule invoking `target`, and the permission that lets EventBridge do it."""
    grant = permission(target, "events.amazonaws.com", {"Fn::GetAtt": ["Nightly", "Arn"]})
    return on(target, Nightly=rule(target), NightlyPermission=grant)


def subscribed(target: str) -> dict[str, Any]:
    """A topic subscribing `target`, ordered after the permission that lets SNS invoke it."""
    subscription = {
        "Type": "AWS::SNS::Subscription",
        "DependsOn": "TopicPermission",
        "Properties": {"TopicArn": {"Ref": "Topic"}, "Protocol": "lambda", "Endpoint": arn(target)},
    }
    return on(
        target,
        Topic={"Type": "AWS::SNS::Topic", "Properties": {}},
        Subscription=subscription,
        TopicPermission=permission(target, "sns.amazonaws.com", {"Ref": "Topic"}),
    )


def uploads() -> dict[str, Any]:
    """A bucket notifying Fn, beside the permission S3 checks when it saves that."""
    notification = {
        "LambdaConfigurations": [{"Event": "s3:ObjectCreated:*", "Function": arn("Fn")}]
    }
    bucket = {
        "Type": "AWS::S3::Bucket",
        "Properties": {"BucketName": "uploads", "NotificationConfiguration": notification},
    }
    grant = permission("Fn", "s3.amazonaws.com", {"Fn::Sub": "arn:aws:s3:::${Uploads}"})
    return stack(Fn=fn(), Uploads=bucket, UploadsPermission=grant)


def _two_versions() -> dict[str, Any]:
    return stack(
        Fn=fn(), FnVersiona=version(), FnVersionb=version(), FnAliaslive=alias("FnVersiona")
    )


def _renamed_version() -> dict[str, Any]:
    return stack(Fn=fn(), FnVersionb=version(), FnAliaslive=alias("FnVersionb"))


def _retyped() -> dict[str, Any]:
    new = scheduled("Fn")
    new["Resources"]["Nightly"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    new["Resources"]["NightlyPermission"]["Properties"]["SourceArn"] = "arn:aws:events:::rule/x"
    return new


DEPLOY: dict[str, Callable[[], list[str]]] = {
    "SL501": lambda: findings(None, _two_versions()),
    "SL502": lambda: findings(aliased(), _renamed_version()),
    "SL503": lambda: findings(rest("Fn"), rest("FnAliaslive")),
    "SL504": lambda: findings(None, rest("Fn", after=[])),
    "SL505": lambda: findings(None, scheduled("Fn")),
    "SL506": lambda: findings(rest("Fn"), rest("FnAliaslive")),
    "SL507": lambda: findings(rest("FnAliaslive"), rest("FnAliasprod")),
    "SL508": lambda: findings(subscribed("Fn"), subscribed("FnAliaslive")),
    "SL509": lambda: findings(
        stack(Fn=fn(), Nightly=rule("Fn")), aliased(Nightly=rule("FnAliaslive"))
    ),
    "SL510": lambda: findings(scheduled("Fn"), _retyped()),
    "SL511": lambda: findings(None, uploads()),
    "SL512": lambda: findings(topic("Fn"), topic("FnAliaslive")),
    "SL513": lambda: findings(target_group("Fn"), target_group("FnAliaslive")),
}
