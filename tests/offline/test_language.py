"""Offline `AWS::LanguageExtensions` and the order of the whole Transform list."""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpers import function
from safelambda.errors import TransformError
from safelambda.offline import language, pipeline
from safelambda.template.resolve import DeployContext

PARAMETERS = {"Names": ["orders", "audit-log"], "Env": "prod"}
CONTEXT = DeployContext(parameters=PARAMETERS)


def expand(**sections: Any) -> dict[str, Any]:
    return language.expand({"Transform": language.NAME, **sections}, CONTEXT)


def problems(**sections: Any) -> list[str]:
    with pytest.raises(TransformError) as failure:
        expand(**sections)
    return [p.render() for p in failure.value.problems]


def test_for_each_over_a_list_parameter_with_both_key_forms() -> None:
    body = {
        "Queue&{Name}": {
            "Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": {"Fn::Sub": "${Env}-${Name}"}, "Tags": [{"Ref": "Name"}]},
        }
    }
    out = expand(Resources={"Fn::ForEach::Queues": ["Name", {"Ref": "Names"}, body]})
    assert out["Resources"] == {
        "Queueorders": {
            "Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": {"Fn::Sub": "${Env}-orders"}, "Tags": ["orders"]},
        },
        "Queueauditlog": {
            "Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": {"Fn::Sub": "${Env}-audit-log"}, "Tags": ["audit-log"]},
        },
    }


def test_nested_loops_in_outputs_and_conditions() -> None:
    out = expand(
        Resources={"T": {"Type": "AWS::SNS::Topic"}},
        Conditions={
            "Fn::ForEach::C": ["X", ["a", "b"], {"Is${X}": {"Fn::Equals": [{"Ref": "X"}, "a"]}}]
        },
        Outputs={
            "Fn::ForEach::O": [
                "X",
                ["a", "b"],
                {
                    "Fn::ForEach::P": [
                        "Y",
                        ["1", "2"],
                        {"${X}${Y}": {"Value": {"Fn::Sub": "${X}-${Y}"}}},
                    ]
                },
            ]
        },
    )
    assert out["Conditions"] == {
        "Isa": {"Fn::Equals": ["a", "a"]},
        "Isb": {"Fn::Equals": ["b", "a"]},
    }
    assert out["Outputs"] == {
        f"{x}{y}": {"Value": {"Fn::Sub": f"{x}-{y}"}} for x in "ab" for y in "12"
    }


def test_for_each_inside_properties() -> None:
    tags = {"Fn::ForEach::Tags": ["K", ["a", "b"], {"${K}": {"Fn::Sub": "v-${K}"}}]}
    out = expand(Resources={"T": {"Type": "AWS::SNS::Topic", "Properties": {"Tags": tags}}})
    assert out["Resources"]["T"]["Properties"]["Tags"] == {
        "a": {"Fn::Sub": "v-a"},
        "b": {"Fn::Sub": "v-b"},
    }


def test_functions_that_need_only_parameters_are_evaluated() -> None:
    props = {
        "MemorySize": {"Fn::Length": {"Ref": "Names"}},
        "Timeout": {"Fn::Length": {"Fn::Split": ["|", "a|b|c"]}},
        "Description": {"Fn::ToJsonString": {"env": {"Ref": "Env"}, "n": [1, {"Ref": "Env"}]}},
        "Handler": {"Fn::FindInMap": ["M", "dev", "Handler", {"DefaultValue": "app.main"}]},
        "Runtime": {"Fn::FindInMap": ["M", {"Ref": "Env"}, "Runtime", {"DefaultValue": "x"}]},
        "Role": {"Fn::GetAtt": [{"Fn::Sub": "${Env}Role"}, "Arn"]},
        "KmsKeyArn": {"Ref": {"Fn::Sub": "${Env}Key"}},
        "Code": {"Fn::FindInMap": ["M", "prod", "Runtime"]},  # plain: left for CloudFormation
    }
    out = expand(
        Mappings={"M": {"prod": {"Runtime": "python3.12"}}},
        Resources={
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "DeletionPolicy": {"Fn::If": ["IsProd", "Retain", "Delete"]},
                "UpdateReplacePolicy": {
                    "Fn::FindInMap": ["M", "x", "y", {"DefaultValue": "Delete"}]
                },
                "Properties": props,
            }
        },
        Conditions={"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
    )
    fn = out["Resources"]["Fn"]
    assert fn["DeletionPolicy"] == "Retain"
    assert fn["UpdateReplacePolicy"] == "Delete"
    assert fn["Properties"] == {
        "MemorySize": 2,
        "Timeout": 3,
        "Description": '{"env":"prod","n":[1,"prod"]}',
        "Handler": "app.main",
        "Runtime": "python3.12",
        "Role": {"Fn::GetAtt": ["prodRole", "Arn"]},
        "KmsKeyArn": {"Ref": "prodKey"},
        "Code": {"Fn::FindInMap": ["M", "prod", "Runtime"]},
    }
    assert json.loads(fn["Properties"]["Description"]) == {"env": "prod", "n": [1, "prod"]}


def test_what_needs_the_deploy_is_a_coded_error_naming_the_place() -> None:
    found = problems(
        Resources={
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Description": {"Fn::ToJsonString": {"zones": {"Fn::GetAZs": ""}}},
                    "MemorySize": {"Fn::Length": "abc"},
                    "Handler": {
                        "Fn::FindInMap": [
                            "M",
                            {"Ref": "AWS::StackName"},
                            "K",
                            {"DefaultValue": "x"},
                        ]
                    },
                },
            },
            "Fn::ForEach::Bad": ["X", {"Fn::GetAZs": ""}, {"Q${X}": {"Type": "AWS::SQS::Queue"}}],
        },
        Mappings={"M": {"a": {"K": "v"}}},
    )
    assert found == [
        "SL402 Fn::ForEach::Bad: the collection is not a list of strings known before the deploy",
        "SL402 Fn.Properties.Description.Fn::ToJsonString: Fn::ToJsonString cannot embed "
        "Fn::GetAZs offline",
        "SL402 Fn.Properties.MemorySize.Fn::Length: Fn::Length needs a list",
        "SL402 Fn.Properties.Handler.Fn::FindInMap: Fn::FindInMap keys depend on values known "
        "only during the deploy",
    ]


def test_to_json_string_joins_in_values_known_only_during_the_deploy() -> None:
    policy = {"Fn::ToJsonString": {"Vpce": {"Ref": "Endpoint"}, "Env": {"Ref": "Env"}, "N": [1]}}
    out = expand(
        Resources={"D": {"Type": "AWS::ApiGateway::DomainNameV2", "Properties": {"Policy": policy}}}
    )
    assert out["Resources"]["D"]["Properties"]["Policy"] == {
        "Fn::Join": ["", ['{"Vpce":"', {"Ref": "Endpoint"}, '","Env":"prod","N":[1]}']]
    }


def test_a_loop_making_an_existing_key_is_an_error() -> None:
    loop = ["X", ["a"], {"Topica": {"Type": "AWS::SNS::Topic"}}]
    found = problems(Resources={"Topica": {"Type": "AWS::SNS::Topic"}, "Fn::ForEach::T": loop})
    assert found == ["SL402 Topica: Fn::ForEach makes 'Topica' more than once"]


def test_input_is_not_mutated() -> None:
    source = {"Resources": {"Fn::ForEach::T": ["X", ["a"], {"T${X}": {"Type": "AWS::SNS::Topic"}}]}}
    before = json.dumps(source)
    language.expand(source, CONTEXT)
    assert json.dumps(source) == before


def test_whole_list_runs_in_order_language_then_sam_then_safelambda() -> None:
    loop = {
        "${Name}Function": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "app.handler",
                "CodeUri": "src/",
                "Events": {
                    "Q": {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": ["Q", "Arn"]}}}
                },
            },
        }
    }
    source = {
        "Transform": [language.NAME, "AWS::Serverless-2016-10-31", "SafeLambda"],
        "Parameters": {"Names": {"Type": "CommaDelimitedList", "Default": "orders,audit"}},
        "Resources": {
            "Q": {"Type": "AWS::SQS::Queue"},
            "Fn::ForEach::Functions": ["Name", {"Ref": "Names"}, loop],
        },
    }
    outcome = pipeline.run(source, pipeline.Options(parameters={"Names": ["orders", "audit"]}))
    assert outcome.ran == [language.NAME, "AWS::Serverless-2016-10-31", "SafeLambda"]
    assert outcome.result is not None
    assert list(outcome.result.report.functions) == ["ordersFunction", "auditFunction"]
    mapping = outcome.output["Resources"]["ordersFunctionQ"]["Properties"]["FunctionName"]
    assert mapping == {"Ref": "ordersFunctionAliaslive"}
    assert outcome.output["Resources"]["ordersFunction"]["Properties"]["Code"] == "src/"
    assert "Transform" not in outcome.output


@pytest.mark.parametrize(
    ("listed", "message"),
    [
        pytest.param(
            ["AWS::Include"],
            "SL401 Transform: AWS::Include cannot run offline; only AWS::LanguageExtensions, "
            "AWS::Serverless-2016-10-31, SafeLambda can",
            id="include",
        ),
        pytest.param(["Other", "SafeLambda"], "SL401 Transform: Other cannot run", id="macro"),
        pytest.param(
            [{"Parameters": {}}], "SL401 Transform: a Transform entry has no name", id="unnamed"
        ),
    ],
)
def test_transforms_that_need_the_cloud_are_coded_errors(listed: list[Any], message: str) -> None:
    source = {"Transform": listed, "Resources": {"Fn": function()}}
    with pytest.raises(TransformError) as failure:
        pipeline.run(source, pipeline.Options())
    assert failure.value.problems[0].render().startswith(message)


def test_macro_parameters_and_installed_name_are_honoured() -> None:
    source = {
        "Transform": [{"Name": "SafeLambdaV2", "Parameters": {"AliasName": "prod"}}],
        "Resources": {"Fn": function()},
    }
    outcome = pipeline.run(source, pipeline.Options(macro_name="SafeLambdaV2"))
    assert outcome.result is not None
    assert outcome.result.report.functions["Fn"]["Alias"] == "FnAliasprod"


def test_macro_parameters_are_read_from_the_transform_list() -> None:
    listed = {
        "Transform": [
            "AWS::Serverless-2016-10-31",
            {"Name": "SafeLambda", "Parameters": {"Strict": True}},
        ]
    }
    assert pipeline.macro_parameters(listed) == {"Strict": True}
    assert pipeline.macro_parameters(listed, "Other") == {}
    assert pipeline.macro_parameters({"Transform": "SafeLambda"}) == {}
