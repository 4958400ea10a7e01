"""Triggers of `tests/test_messages.py` that a user meets through the macro: `transform`, as the
Lambda handler runs it, and the handler itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from helpers import function, template
from safelambda import DeployContext, TransformError, transform
from safelambda.handler import process

LAYER_DD = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:99"
ARN = {"Fn::GetAtt": ["Fn", "Arn"]}
INSIGHTS = "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:999"


def failure(doc: Any, **options: Any) -> list[str]:
    with pytest.raises(TransformError) as raised:
        transform(doc, **options)
    return [p.render() for p in raised.value.problems]


def warnings(doc: Any, **options: Any) -> list[str]:
    return [w.render() for w in transform(doc, **options).report.warnings]


def with_function(**properties: Any) -> dict[str, Any]:
    return template(Fn=function(properties))


def with_resource(resource_type: str, **properties: Any) -> dict[str, Any]:
    return template(Fn=function(), Res={"Type": resource_type, "Properties": properties})


def _over_500() -> dict[str, Any]:
    return template(**{f"Fn{i}": function() for i in range(167)})


def _deep() -> dict[str, Any]:
    value: Any = "leaf"
    for _ in range(150):
        value = [value]
    return with_resource("AWS::SNS::Topic", DisplayName=value)


def _versions_twice() -> dict[str, Any]:
    doc = template(Fn=function())
    for suffix in ("0123456789", "abcdefabcd"):
        doc["Resources"][f"FnVersion{suffix}"] = {
            "Type": "AWS::Lambda::Version",
            "Properties": {"FunctionName": {"Ref": "Fn"}},
        }
        doc["Resources"][f"FnAlias{suffix}"] = {
            "Type": "AWS::Lambda::Alias",
            "Properties": {
                "FunctionName": {"Ref": "Fn"},
                "FunctionVersion": {"Fn::GetAtt": [f"FnVersion{suffix}", "Version"]},
                "Name": f"n{suffix}",
            },
        }
    return doc


def version_of(function_id: str, **properties: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Version",
        "Properties": {"FunctionName": {"Ref": function_id}, **properties},
    }


def _internal() -> list[str]:
    from safelambda import handler

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    original = handler.transform
    handler.transform = broken
    try:
        event = {"requestId": "r", "region": "us-east-1", "accountId": "123456789012"}
        response = process({**event, "fragment": template(Fn=function())}, {})
    finally:
        handler.transform = original
    return [response["errorMessage"]]


FUNCTION_LAYERS = {"Architectures": ["arm64"], "Layers": [LAYER_DD]}

TRANSFORM: dict[str, Callable[[], list[str]]] = {
    "SL001": lambda: failure([1, 2]),
    "SL002": lambda: failure({"Resources": ["Fn"]}),
    "SL003": lambda: failure(template(Fn=function(), Bad="AWS::SNS::Topic")),
    "SL004": lambda: failure(template(Fn=function(), Bad={"Type": "X", "Properties": []})),
    "SL005": lambda: failure(template(Fn={"Type": "AWS::Serverless::Function"})),
    "SL006": lambda: [process({"requestId": "r", "fragment": None}, {})["errorMessage"]],
    "SL007": lambda: failure(with_resource("AWS::SNS::Topic", DisplayName="x" * 1_000_001)),
    "SL008": lambda: failure(_over_500()),
    "SL009": lambda: failure(_deep()),
    "SL010": lambda: failure(
        {**template(Fn=function()), "Metadata": {"SafeLambda": {"AliasName": 5}}}
    ),
    "SL011": lambda: failure(template(Fn=function(), FnAliaslive={"Type": "AWS::SNS::Topic"})),
    "SL012": lambda: failure(with_resource("AWS::SNS::Topic", DisplayName={"Fn::Sub": 5})),
    "SL016": lambda: failure(with_resource("AWS::SNS::Topic", DisplayName={"Ref": "Gone"})),
    "SL017": lambda: failure({**template(Fn=function()), "Outputs": ["a"]}),
    "SL018": lambda: failure(template(Fn=function(), T={"Type": "X", "Condition": 1})),
    "SL019": lambda: failure(
        template(
            A={"Type": "X", "Properties": {"P": {"Ref": "B"}}},
            B={"Type": "X", "Properties": {"P": {"Ref": "A"}}},
        )
    ),
    "SL040": lambda: failure(with_function(Architectures="arm64")),
    "SL041": lambda: failure(with_function(Architectures=["sparc"])),
    "SL042": lambda: failure(with_resource("AWS::Events::Rule", Targets={"Id": "a", "Arn": ARN})),
    "SL101": lambda: warnings(with_function(FutureSetting=1)),
    "SL102": lambda: warnings(with_function(Description="d" * 250)),
    "SL103": lambda: warnings(
        with_function(Environment={"Variables": {"T": {"Fn::ImportValue": "table"}}})
    ),
    "SL104": lambda: failure(_versions_twice()),
    "SL105": lambda: failure(template(Fn=function(), FnPinned=version_of("Fn"))),
    "SL106": lambda: failure(
        template(
            Fn=function({"FunctionName": "orders"}),
            Pinned={"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": "orders"}},
        )
    ),
    "SL107": lambda: failure(
        template(
            Fn=function(),
            FnVersion0123456789=version_of("Fn", Description="one"),
            FnVersionabcdefabcd=version_of("Fn", Description="two"),
        )
    ),
    "SL108": lambda: warnings(
        template(
            Fn=function(),
            FnVersion0123456789=version_of("Fn"),
            FnAliaslive={
                "Type": "AWS::Lambda::Alias",
                "Properties": {
                    "FunctionName": {"Ref": "Fn"},
                    "FunctionVersion": {"Fn::GetAtt": ["FnVersion0123456789", "Version"]},
                    "Name": "live",
                },
            },
        ),
        parameters={"NextAliasName": "prod"},
    ),
    "SL201": lambda: failure(template(Fn=function()), environ={"SAFELAMBDA_LAYER_MAPPING": "{"}),
    "SL202": lambda: failure(
        template(
            Fn=function({"Architectures": ["arm64"]}, Metadata={"SafeLambda": {"Layers": ["nope"]}})
        )
    ),
    "SL203": lambda: failure(
        template(
            Fn=function(
                {"Architectures": ["arm64"]},
                Metadata={"SafeLambda": {"Layers": ["datadog-extension"]}},
            )
        ),
        context=DeployContext(region="cn-north-1"),
    ),
    "SL204": lambda: failure(
        template(
            Fn=function(
                {"Architectures": [{"Fn::ImportValue": "arch"}]},
                Metadata={"SafeLambda": {"Layers": ["datadog-extension"]}},
            )
        )
    ),
    "SL205": lambda: failure(
        with_function(Layers=[f"arn:aws:lambda:us-east-1:1:layer:l{i}:1" for i in range(6)])
    ),
    "SL206": lambda: warnings(with_function(**FUNCTION_LAYERS)),
    "SL207": lambda: warnings(
        with_function(
            Architectures=["arm64"],
            Layers=["arn:aws:lambda:us-east-1:123456789012:layer:tools-x86_64:1"],
        )
    ),
    "SL208": lambda: warnings(
        with_function(
            Layers=[
                "arn:aws:lambda:us-east-1:123456789012:layer:tools:1",
                "arn:aws:lambda:us-east-1:123456789012:layer:tools:2",
            ]
        )
    ),
    "SL209": lambda: failure(
        template(Fn=function(Metadata={"SafeLambda": {"Layers": "datadog-extension"}}))
    ),
    "SL210": lambda: warnings(with_function(Architectures=["arm64"], Layers=[INSIGHTS])),
    "SL301": lambda: warnings(with_resource("AWS::Example::Workflow", Target=ARN)),
    "SL302": lambda: warnings(
        with_resource("AWS::SecretsManager::RotationSchedule", RotationLambdaARN=ARN)
    ),
    "SL303": lambda: warnings(
        with_resource(
            "AWS::StepFunctions::StateMachine", DefinitionS3Location={"Bucket": "b", "Key": "k"}
        )
    ),
    "SL304": lambda: warnings(
        with_resource("AWS::Lambda::Url", TargetFunctionArn=ARN, AuthType="NONE")
    ),
    "SL305": lambda: warnings(
        with_resource(
            "AWS::Lambda::EventInvokeConfig",
            FunctionName={"Ref": "Fn"},
            Qualifier={"Fn::ImportValue": "q"},
        )
    ),
    "SL306": lambda: warnings(
        with_resource(
            "AWS::Lambda::Permission",
            FunctionName=ARN,
            Action="lambda:InvokeFunction",
            Principal="sns.amazonaws.com",
        )
    ),
    "SL307": lambda: warnings(
        with_resource(
            "AWS::Events::Rule", ScheduleExpression="rate(1 day)", Targets=[{"Id": "a", "Arn": ARN}]
        )
    ),
    "SL999": _internal,
}
