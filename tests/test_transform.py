"""The core pipeline: Versions, Aliases, hashing and the first cut of reference rewriting."""

from __future__ import annotations

import copy
import gc
import hashlib
import json
from typing import Any

import pytest

from helpers import function, template
from safelambda import DeployContext, TransformError, transform


def version_id(processed: dict[str, Any], fn: str = "Fn") -> str:
    (found,) = [
        rid
        for rid, res in processed["Resources"].items()
        if res["Type"] == "AWS::Lambda::Version"
        and res["Properties"]["FunctionName"] == {"Ref": fn}
    ]
    return found


def codes(failure: pytest.ExceptionInfo[TransformError]) -> list[str]:
    return [p.code for p in failure.value.problems]


def test_every_function_gets_a_retained_version_and_a_live_alias() -> None:
    processed = transform(template(Fn=function())).template
    version = version_id(processed)
    assert processed["Resources"][version] == {
        "Type": "AWS::Lambda::Version",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {"FunctionName": {"Ref": "Fn"}},
    }
    assert processed["Resources"]["FnAliaslive"] == {
        "Type": "AWS::Lambda::Alias",
        "Properties": {
            "FunctionName": {"Ref": "Fn"},
            "FunctionVersion": {"Fn::GetAtt": [version, "Version"]},
            "Name": "live",
        },
    }
    assert list(processed["Resources"]) == ["Fn", version, "FnAliaslive"]


def test_version_id_is_sha256_of_canonical_locked_properties() -> None:
    # Written out by hand: scheme 1, sorted keys, compact separators, no Tags.
    canonical = (
        '{"dependencies":{},"properties":{"Code":{"ZipFile":"x"},"Handler":"a.b",'
        '"Role":"r","Runtime":"python3.12"},"scheme":1}'
    )
    expected = hashlib.sha256(canonical.encode()).hexdigest()
    fn = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "python3.12",
            "Handler": "a.b",
            "Role": "r",
            "Code": {"ZipFile": "x"},
            "Tags": [{"Key": "team", "Value": "a"}],
        },
    }
    processed = transform(template(Fn=fn)).template
    assert version_id(processed) == f"FnVersion{expected[:10]}"
    assert (
        processed["Resources"]["Fn"]["Properties"]["Description"] == f"SafeLambda:{expected[:10]}"
    )


@pytest.mark.parametrize(
    ("change", "new_version"),
    [
        pytest.param({"Timeout": 30}, True, id="timeout"),
        pytest.param({"Layers": ["arn:aws:lambda:us-east-1:1:layer:x:2"]}, True, id="layers"),
        pytest.param({"Architectures": ["arm64"]}, True, id="architectures"),
        pytest.param({"LoggingConfig": {"LogFormat": "JSON"}}, True, id="logging-config"),
        pytest.param({"Description": "new"}, True, id="description"),
        pytest.param({"Environment": {"Variables": {"A": "2"}}}, True, id="environment"),
        pytest.param({"Tags": [{"Key": "k", "Value": "v2"}]}, False, id="tags"),
        pytest.param({"ReservedConcurrentExecutions": 5}, False, id="reserved-concurrency"),
        pytest.param({"CodeSigningConfigArn": "arn:aws:lambda:x"}, False, id="code-signing"),
    ],
)
def test_version_changes_exactly_when_latest_changes(
    change: dict[str, Any], new_version: bool
) -> None:
    base = {"Environment": {"Variables": {"A": "1"}}, "Tags": [{"Key": "k", "Value": "v"}]}
    before = version_id(transform(template(Fn=function(base))).template)
    after = version_id(transform(template(Fn=function({**base, **change}))).template)
    assert (before != after) is new_version


def test_key_order_does_not_change_the_version() -> None:
    props = function()["Properties"]
    reordered = {"Type": "AWS::Lambda::Function", "Properties": dict(reversed(list(props.items())))}
    assert version_id(transform(template(Fn=function())).template) == version_id(
        transform(template(Fn=reordered)).template
    )


def test_parameter_value_feeds_the_hash() -> None:
    fn = function({"Environment": {"Variables": {"STAGE": {"Ref": "Stage"}}}})
    doc = {**template(Fn=fn), "Parameters": {"Stage": {"Type": "String"}}}
    prod = transform(doc, DeployContext(parameters={"Stage": "prod"})).template
    dev = transform(doc, DeployContext(parameters={"Stage": "dev"})).template
    assert version_id(prod) != version_id(dev)
    # The function itself keeps the Ref: only the hash sees the value.
    assert prod["Resources"]["Fn"]["Properties"]["Environment"]["Variables"]["STAGE"] == {
        "Ref": "Stage"
    }


def test_output_is_deterministic_and_input_untouched() -> None:
    doc = template(
        Fn=function(),
        Perm={"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": {"Ref": "Fn"}}},
    )
    pristine = copy.deepcopy(doc)
    first = json.dumps(transform(doc).template)
    second = json.dumps(transform(doc).template)
    assert first == second
    assert doc == pristine


def test_transforming_twice_changes_nothing() -> None:
    doc = template(
        Fn=function({"Description": "orders"}),
        Perm={"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": {"Ref": "Fn"}}},
    )
    once = transform(doc).template
    twice = transform(once).template
    assert twice == once
    assert once["Resources"]["Fn"]["Properties"]["Description"].startswith("orders | SafeLambda:")


@pytest.mark.parametrize(
    "description",
    [
        pytest.param({}, id="absent"),
        pytest.param({"Description": ""}, id="empty"),
        pytest.param({"Description": {"Fn::Sub": "${AWS::StackName} orders"}}, id="intrinsic"),
    ],
)
def test_transforming_twice_keeps_the_version_whatever_the_description(
    description: dict[str, str],
) -> None:
    once = transform(template(Fn=function(description))).template
    twice = transform(once).template
    assert version_id(twice) == version_id(once)
    assert twice == once


def test_function_condition_is_copied_to_version_and_alias() -> None:
    doc = template(Fn=function(Condition="IsProd"))
    doc["Conditions"] = {"IsProd": {"Fn::Equals": ["a", "a"]}}
    processed = transform(doc).template
    assert processed["Resources"][version_id(processed)]["Condition"] == "IsProd"
    assert processed["Resources"]["FnAliaslive"]["Condition"] == "IsProd"


def test_skip_metadata_opts_a_function_out() -> None:
    doc = template(
        Fn=function(Metadata={"SafeLambda": {"Skip": True}}),
        Perm={"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": {"Ref": "Fn"}}},
    )
    processed = transform(doc).template
    assert set(processed["Resources"]) == {"Fn", "Perm"}
    assert processed["Resources"]["Perm"]["Properties"]["FunctionName"] == {"Ref": "Fn"}
    assert "Description" not in processed["Resources"]["Fn"]["Properties"]


def test_settings_from_metadata_parameters_and_environment() -> None:
    doc = template(Fn=function(Metadata={"SafeLambda": {"AliasName": "blue"}}), Other=function())
    doc["Metadata"] = {"SafeLambda": {"VersionRetention": "Delete"}}
    processed = transform(doc, environ={"SAFELAMBDA_ALIAS_NAME": "prod"}).template
    assert processed["Resources"]["FnAliasblue"]["Properties"]["Name"] == "blue"
    assert processed["Resources"]["OtherAliasprod"]["Properties"]["Name"] == "prod"
    assert processed["Resources"][version_id(processed, "Other")]["DeletionPolicy"] == "Delete"
    overridden = transform(doc, parameters={"AliasName": "green"}).template
    assert "OtherAliasgreen" in overridden["Resources"]


@pytest.mark.parametrize(
    ("metadata", "parameters", "path"),
    [
        pytest.param({"AliasName": "123"}, {}, "Metadata.SafeLambda.AliasName", id="digits-alias"),
        pytest.param(
            {},
            {"VersionRetention": "Snapshot"},
            "Transform.Parameters.VersionRetention",
            id="retention",
        ),
        pytest.param({"Strict": "maybe"}, {}, "Metadata.SafeLambda.Strict", id="strict"),
        pytest.param({"AliasNmae": "x"}, {}, "Metadata.SafeLambda.AliasNmae", id="typo"),
    ],
)
def test_invalid_settings_are_coded_errors(
    metadata: dict[str, Any], parameters: dict[str, Any], path: str
) -> None:
    doc = {**template(Fn=function()), "Metadata": {"SafeLambda": metadata}}
    with pytest.raises(TransformError) as failure:
        transform(doc, parameters=parameters)
    assert [(p.code, p.path) for p in failure.value.problems] == [("SL010", path)]


@pytest.mark.parametrize(
    ("fragment", "code"),
    [
        pytest.param([], "SL001", id="not-a-mapping"),
        pytest.param({}, "SL002", id="no-resources"),
        pytest.param({"Resources": []}, "SL002", id="resources-not-mapping"),
        pytest.param({"Resources": {"Fn": "x"}}, "SL003", id="resource-not-mapping"),
        pytest.param({"Resources": {"Fn": {"Properties": {}}}}, "SL003", id="no-type"),
        pytest.param(
            {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": []}}},
            "SL004",
            id="properties-not-mapping",
        ),
        pytest.param(
            {"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {}}}},
            "SL005",
            id="serverless-function",
        ),
    ],
)
def test_bad_input_is_a_coded_failure(fragment: Any, code: str) -> None:
    with pytest.raises(TransformError) as failure:
        transform(fragment)
    assert codes(failure) == [code]


def test_serverless_error_says_how_to_order_transforms() -> None:
    with pytest.raises(TransformError) as failure:
        transform({"Resources": {"Api": {"Type": "AWS::Serverless::Function"}}})
    assert "Transform: [AWS::Serverless-2016-10-31, SafeLambda]" in str(failure.value)


def test_every_problem_is_reported_at_once() -> None:
    doc = {"Resources": {"A": "x", "B": {"Type": "AWS::Serverless::Api"}, "C": {"Type": 3}}}
    with pytest.raises(TransformError) as failure:
        transform(doc)
    assert codes(failure) == ["SL003", "SL005", "SL003"]


def test_logical_id_collision_is_an_error() -> None:
    doc = template(Fn=function(), FnAliaslive={"Type": "AWS::SNS::Topic"})
    with pytest.raises(TransformError) as failure:
        transform(doc)
    assert codes(failure) == ["SL011"]


def test_resource_limit_counts_injected_resources() -> None:
    doc = template(**{f"Fn{i}": function() for i in range(167)})  # 167 * 3 = 501
    with pytest.raises(TransformError) as failure:
        transform(doc)
    assert codes(failure) == ["SL008"]
    assert (
        len(transform(template(**{f"Fn{i}": function() for i in range(166)})).template["Resources"])
        == 498
    )


def test_unknown_property_is_locked_and_reported() -> None:
    result = transform(template(Fn=function({"FutureSetting": 1})))
    assert [(w.code, w.path) for w in result.report.warnings] == [
        ("SL101", "Properties.FutureSetting")
    ]
    changed = transform(template(Fn=function({"FutureSetting": 2})))
    assert version_id(result.template) != version_id(changed.template)


@pytest.mark.parametrize("enabled", [True, False], ids=["collector-on", "collector-off"])
@pytest.mark.parametrize("valid", [True, False], ids=["processed", "refused"])
def test_the_cycle_collector_is_left_as_the_caller_had_it(enabled: bool, valid: bool) -> None:
    doc = template(Fn=function()) if valid else {"Resources": "not a mapping"}
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        try:
            transform(doc)
        except TransformError:
            assert not valid
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
