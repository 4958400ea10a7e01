"""Same input, same bytes, on every pass: a processed template processed again is unchanged.

A function whose properties name another function's Version (SAM's CodeDeploy hook pattern:
the hook's `NewVersion: !Ref Fn.Version`, in the SAM example `lambda_safe_deployments` and the
CodeDeploy tutorial "Create a file for your BeforeAllowTraffic Lambda function") reads SAM's
Version on the first pass and SafeLambda's on the second: both stand for the same Version.
"""

from __future__ import annotations

import json
from typing import Any

from helpers import function, template
from safelambda import DeployContext, transform
from safelambda.offline import pipeline


def hooked(**hook: Any) -> dict[str, Any]:
    return {
        "Transform": ["AWS::Serverless-2016-10-31", "SafeLambda"],
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "app.handler",
                    "CodeUri": "s3://artifacts/app.zip",
                    "AutoPublishAlias": "live",
                    "DeploymentPreference": {
                        "Type": "Linear10PercentEvery1Minute",
                        "Hooks": {"PreTraffic": {"Ref": "PreTrafficHook"}},
                    },
                },
            },
            "PreTrafficHook": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "hook.handler",
                    "CodeUri": "s3://artifacts/hook.zip",
                    "FunctionName": "CodeDeployHook_preTrafficHook",
                    "DeploymentPreference": {"Enabled": False},
                    "Policies": [
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": ["lambda:InvokeFunction"],
                                    "Resource": {"Ref": "Fn.Version"},
                                }
                            ],
                        }
                    ],
                    "Environment": {"Variables": {"NewVersion": {"Ref": "Fn.Version"}}},
                    **hook,
                },
            },
        },
    }


def twice(source: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    outcome = pipeline.run(source, pipeline.Options())
    once = json.dumps(outcome.output)
    again = transform(json.loads(once), DeployContext()).template
    return once, json.dumps(again), outcome.output


def test_a_codedeploy_hook_naming_the_new_version_gets_no_new_version_on_a_second_pass() -> None:
    once, again, output = twice(hooked())
    assert again == once
    resources = output["Resources"]
    fn_version = resources["FnAliaslive"]["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
    hook = resources["PreTrafficHook"]["Properties"]
    assert hook["Environment"]["Variables"]["NewVersion"] == {"Ref": fn_version}
    hooks = resources["FnAliaslive"]["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
    assert hooks["BeforeAllowTrafficHook"] == {"Ref": "PreTrafficHook"}


def test_the_hook_gets_a_new_version_when_the_function_it_tests_does() -> None:
    first = pipeline.run(hooked(), pipeline.Options()).result
    changed = hooked()
    changed["Resources"]["Fn"]["Properties"]["Timeout"] = 30
    second = pipeline.run(changed, pipeline.Options()).result
    assert first is not None and second is not None
    before, after = first.report.functions, second.report.functions
    assert after["Fn"]["Version"] != before["Fn"]["Version"]
    # NewVersion names the new Version: $LATEST of the hook changes, so must its Version.
    assert after["PreTrafficHook"]["Version"] != before["PreTrafficHook"]["Version"]


def test_a_hook_of_an_aliased_hook_is_stable_too() -> None:
    source = hooked(AutoPublishAlias="live")
    source["Resources"]["PreTrafficHook"]["Properties"].pop("DeploymentPreference")
    source["Resources"]["Watcher"] = {
        "Type": "AWS::Serverless::Function",
        "Properties": {
            "Runtime": "python3.12",
            "Handler": "watch.handler",
            "CodeUri": "s3://artifacts/watch.zip",
            "Environment": {"Variables": {"HOOK": {"Ref": "PreTrafficHook.Version"}}},
        },
    }
    once, again, _ = twice(source)
    assert again == once


def test_a_long_chain_of_functions_naming_each_others_versions_is_hashed_in_order() -> None:
    """Each function names the Version of the next: hashed last to first, without recursion."""
    count = 150
    resources: dict[str, Any] = {}
    for i in range(count):
        env = {"NEXT": {"Ref": f"Fn{i + 1}Version0123456789"}} if i + 1 < count else {}
        resources[f"Fn{i}"] = function({"Environment": {"Variables": env}})
        resources[f"Fn{i}Version0123456789"] = {
            "Type": "AWS::Lambda::Version",
            "Properties": {"FunctionName": {"Ref": f"Fn{i}"}},
        }
    once = transform(template(**resources)).template
    again = transform(once).template
    assert json.dumps(again) == json.dumps(once)
    first = once["Resources"]["Fn0"]["Properties"]["Environment"]["Variables"]["NEXT"]
    assert first == {"Ref": once["Metadata"]["SafeLambda"]["Report"]["Functions"]["Fn1"]["Version"]}
