"""QUALIFIER places keep the function and set the qualifier to the alias name."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import existing_alias, function, template
from safelambda import TransformError, transform

LATEST = "$LATEST"


def invoke_config(function_name: Any, qualifier: Any = LATEST, **extra: Any) -> dict[str, Any]:
    props = {"FunctionName": function_name, "MaximumRetryAttempts": 0}
    if qualifier is not None:
        props["Qualifier"] = qualifier
    return {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": props, **extra}


def run(resource: dict[str, Any], **parameters: Any) -> tuple[dict[str, Any], list[Any]]:
    doc = template(Fn=function(), FnAliaslive=existing_alias(), Other=function(), Res=resource)
    doc["Conditions"] = {"C": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}}
    result = transform(doc, parameters=parameters)
    return result.template["Resources"]["Res"], list(result.report.warnings)


@pytest.mark.parametrize(
    "function_name",
    [
        pytest.param({"Ref": "Fn"}, id="ref"),
        pytest.param({"Fn::GetAtt": ["Fn", "Arn"]}, id="getatt"),
        pytest.param({"Fn::GetAtt": "Fn.Arn"}, id="getatt-dotted"),
        pytest.param({"Fn::Sub": "${Fn}"}, id="sub"),
        pytest.param({"Fn::Sub": ["${Name}", {"Name": {"Ref": "Fn"}}]}, id="sub-variable-map"),
        pytest.param(
            {"Fn::Join": [":", ["arn:aws:lambda:us-east-1:123456789012:function", {"Ref": "Fn"}]]},
            id="join",
        ),
    ],
)
def test_event_invoke_config_keeps_the_function_and_qualifies_it_with_the_alias(
    function_name: dict[str, Any],
) -> None:
    resource, warnings = run(invoke_config(function_name))
    assert resource == {
        "Type": "AWS::Lambda::EventInvokeConfig",
        "Properties": {
            "FunctionName": function_name,
            "MaximumRetryAttempts": 0,
            "Qualifier": "live",
        },
        "DependsOn": ["FnAliaslive"],
    }
    assert warnings == []


def test_qualifier_follows_fn_if_branches() -> None:
    name = {"Fn::If": ["C", {"Ref": "Fn"}, "external-function"]}
    resource, _ = run(invoke_config(name))
    assert resource["Properties"]["Qualifier"] == {"Fn::If": ["C", "live", LATEST]}
    assert resource["DependsOn"] == ["FnAliaslive"]


def test_both_branches_with_aliases_of_the_same_name_give_one_qualifier() -> None:
    name = {"Fn::If": ["C", {"Ref": "Fn"}, {"Ref": "Other"}]}
    resource, _ = run(invoke_config(name))
    assert resource["Properties"]["Qualifier"] == "live"
    assert resource["DependsOn"] == ["FnAliaslive", "OtherAliaslive"]


def test_existing_depends_on_is_kept_and_extended() -> None:
    resource, _ = run(invoke_config({"Ref": "Fn"}, DependsOn="Other"))
    assert resource["DependsOn"] == ["Other", "FnAliaslive"]


@pytest.mark.parametrize("pinned", ["prod", "3"])
def test_a_qualifier_the_user_pinned_is_left_alone(pinned: str) -> None:
    resource, warnings = run(invoke_config({"Ref": "Fn"}, pinned))
    assert resource["Properties"]["Qualifier"] == pinned
    assert "DependsOn" not in resource
    assert warnings == []


def test_qualifier_parameter_resolving_to_latest_is_replaced() -> None:
    doc = template(Fn=function(), Res=invoke_config({"Ref": "Fn"}, {"Ref": "Q"}))
    doc["Parameters"] = {"Q": {"Type": "String", "Default": LATEST}}
    from safelambda.template.resolve import DeployContext

    out = transform(doc, DeployContext(parameters={"Q": LATEST})).template
    assert out["Resources"]["Res"]["Properties"]["Qualifier"] == "live"


CDK_VERSION = "FnCurrentVersion93FB80BF443cb944419b85a0da57493163e14718"


def test_a_config_of_a_version_number_is_pinned_and_stays_as_written() -> None:
    """The CDK's `fn.currentVersion.configureAsyncInvoke()`: the config's qualifier is the
    Version's number (`Fn::GetAtt [Version, Version]`). It configures that version only, which
    no integration moved to the alias invoked before or after: nothing to rewrite, nothing
    reaches `$LATEST` through it, and SafeLambda's Version takes the CDK's name there."""
    doc = template(
        Fn=function(),
        **{
            CDK_VERSION: {
                "Type": "AWS::Lambda::Version",
                "Properties": {"FunctionName": {"Ref": "Fn"}},
            }
        },
        Res=invoke_config({"Ref": "Fn"}, {"Fn::GetAtt": [CDK_VERSION, "Version"]}),
    )
    result = transform(doc)
    (version,) = [
        rid
        for rid, r in result.template["Resources"].items()
        if r["Type"] == "AWS::Lambda::Version"
    ]
    config = result.template["Resources"]["Res"]
    assert config["Properties"]["Qualifier"] == {"Fn::GetAtt": [version, "Version"]}
    assert "DependsOn" not in config
    assert [w.code for w in result.report.warnings] == []


def test_unknown_qualifier_is_reported_and_fails_under_strict() -> None:
    resource, warnings = run(invoke_config({"Ref": "Fn"}, {"Fn::ImportValue": "q"}))
    assert resource["Properties"]["Qualifier"] == {"Fn::ImportValue": "q"}
    assert [(w.code, w.resource, w.path) for w in warnings] == [
        ("SL305", "Res", "Properties.FunctionName")
    ]
    with pytest.raises(TransformError) as failure:
        run(invoke_config({"Ref": "Fn"}, {"Fn::ImportValue": "q"}), Strict=True)
    assert [p.code for p in failure.value.problems] == ["SL305"]


def test_function_url_gets_the_alias_qualifier_and_a_replacement_note() -> None:
    url = {
        "Type": "AWS::Lambda::Url",
        "Properties": {"TargetFunctionArn": {"Fn::GetAtt": ["Fn", "Arn"]}, "AuthType": "NONE"},
    }
    resource, warnings = run(url)
    assert resource["Properties"] == {
        "TargetFunctionArn": {"Fn::GetAtt": ["Fn", "Arn"]},
        "AuthType": "NONE",
        "Qualifier": "live",
    }
    assert resource["DependsOn"] == ["FnAliaslive"]
    assert [(w.code, w.resource, w.path) for w in warnings] == [
        ("SL304", "Res", "Properties.Qualifier")
    ]
    assert "replaces the URL" in warnings[0].message
    # Every AliasName change replaces it again, not only the first move.
    assert "once" not in warnings[0].message
    assert "again whenever AliasName changes" in warnings[0].message


def test_function_url_already_on_the_alias_is_left_alone() -> None:
    url = {
        "Type": "AWS::Lambda::Url",
        "Properties": {"TargetFunctionArn": {"Ref": "FnAliaslive"}, "AuthType": "AWS_IAM"},
    }
    resource, warnings = run(url)
    assert resource == url
    assert warnings == []


def test_maintenance_window_lambda_task_gets_the_qualifier_path_created() -> None:
    task = {
        "Type": "AWS::SSM::MaintenanceWindowTask",
        "Properties": {
            "WindowId": "w",
            "TaskType": "LAMBDA",
            "Priority": 1,
            "TaskArn": {"Fn::GetAtt": ["Fn", "Arn"]},
        },
    }
    resource, _ = run(task)
    assert resource["Properties"]["TaskArn"] == {"Fn::GetAtt": ["Fn", "Arn"]}
    assert resource["Properties"]["TaskInvocationParameters"] == {
        "MaintenanceWindowLambdaParameters": {"Qualifier": "live"}
    }
    assert resource["DependsOn"] == ["FnAliaslive"]


def test_qualifier_inside_an_intrinsic_is_reported_not_written() -> None:
    task = {
        "Type": "AWS::SSM::MaintenanceWindowTask",
        "Properties": {
            "TaskArn": {"Fn::GetAtt": ["Fn", "Arn"]},
            "TaskInvocationParameters": {"Fn::If": ["C", {}, {"Ref": "AWS::NoValue"}]},
        },
    }
    resource, warnings = run(task)
    assert resource["Properties"]["TaskInvocationParameters"] == {
        "Fn::If": ["C", {}, {"Ref": "AWS::NoValue"}]
    }
    assert [w.code for w in warnings] == ["SL305"]
