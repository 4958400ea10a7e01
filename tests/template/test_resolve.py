"""The deploy-time resolver: what is knowable is evaluated, the rest stays symbolic, no crash."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safelambda.template.resolve import NO_VALUE, DeployContext, Resolver, partition_of
from strategies import VALUES

TEMPLATE: dict[str, Any] = {
    "Parameters": {"Stage": {"Type": "String"}, "Subnets": {"Type": "CommaDelimitedList"}},
    "Mappings": {"Sizes": {"prod": {"Memory": 1024}, "dev": {"Memory": 128}}},
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
        "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
        "Named": {"Fn::Equals": [{"Ref": "AWS::StackName"}, "orders"]},
        "ProdOrNamed": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "Named"}]},
        "DevAndNamed": {"Fn::And": [{"Condition": "IsDev"}, {"Condition": "Named"}]},
        "Loop": {"Fn::Not": [{"Condition": "Loop"}]},
    },
    "Resources": {},
}


def resolver(stage: str = "prod", region: str = "us-east-1") -> Resolver:
    context = DeployContext(region, "111122223333", {"Stage": stage, "Subnets": ["a", "b"]})
    return Resolver(TEMPLATE, context)


@pytest.mark.parametrize(
    ("region", "partition", "suffix"),
    [
        pytest.param("us-east-1", "aws", "amazonaws.com", id="aws"),
        pytest.param("eu-central-2", "aws", "amazonaws.com", id="aws-europe"),
        pytest.param("cn-north-1", "aws-cn", "amazonaws.com.cn", id="china-beijing"),
        pytest.param("cn-northwest-1", "aws-cn", "amazonaws.com.cn", id="china-ningxia"),
        pytest.param("us-gov-west-1", "aws-us-gov", "amazonaws.com", id="govcloud-west"),
        pytest.param("us-gov-east-1", "aws-us-gov", "amazonaws.com", id="govcloud-east"),
        pytest.param("us-iso-east-1", "aws-iso", "c2s.ic.gov", id="iso"),
        pytest.param("us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov", id="iso-b"),
    ],
)
def test_partition_and_url_suffix_follow_the_region(
    region: str, partition: str, suffix: str
) -> None:
    assert partition_of(region) == (partition, suffix)
    arn = {"Fn::Sub": "arn:${AWS::Partition}:s3:::b-${AWS::Region}.${AWS::URLSuffix}"}
    assert resolver(region=region).resolve(arn) == f"arn:{partition}:s3:::b-{region}.{suffix}"


def test_pseudo_parameters_and_parameters_resolve() -> None:
    value = {
        "Fn::Join": [":", [{"Ref": "AWS::AccountId"}, {"Ref": "AWS::Region"}, {"Ref": "Stage"}]]
    }
    assert resolver().resolve(value) == "111122223333:us-east-1:prod"


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        pytest.param("prod", {"Memory": 1024, "Tracing": "Active"}, id="prod"),
        pytest.param("dev", {"Memory": 128}, id="dev-novalue-drops-the-key"),
    ],
)
def test_conditions_mappings_and_novalue(stage: str, expected: dict[str, Any]) -> None:
    value = {
        "Memory": {"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "Memory"]},
        "Tracing": {"Fn::If": ["IsProd", "Active", {"Ref": "AWS::NoValue"}]},
    }
    assert resolver(stage).resolve(value) == expected


def test_novalue_alone_is_the_marker_callers_remove() -> None:
    assert resolver().resolve({"Ref": "AWS::NoValue"}) is NO_VALUE
    assert resolver().resolve({"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, 1]}) is NO_VALUE


def test_novalue_inside_a_list_removes_the_item() -> None:
    layers = ["arn:base", {"Fn::If": ["IsDev", "arn:debug", {"Ref": "AWS::NoValue"}]}]
    assert resolver("prod").resolve(layers) == ["arn:base"]
    assert resolver("dev").resolve(layers) == ["arn:base", "arn:debug"]


def test_novalue_under_an_unknown_condition_stays_a_reference() -> None:
    # `Named` depends on AWS::StackName: both branches are kept, NoValue as a template writes it.
    value = {"Fn::If": ["Named", {"Ref": "AWS::NoValue"}, {"Ref": "Stage"}]}
    assert resolver().resolve(value) == {"Fn::If": ["Named", {"Ref": "AWS::NoValue"}, "prod"]}


NOVALUE = {"Ref": "AWS::NoValue"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            {"Fn::Sub": ["${X}-${AWS::StackName}", {"X": NOVALUE}]},
            {"Fn::Sub": ["${X}-${AWS::StackName}", {"X": NOVALUE}]},
            id="sub-variable",
        ),
        pytest.param({"Fn::Join": [NOVALUE, ["a"]]}, {"Fn::Join": [NOVALUE, ["a"]]}, id="join"),
        pytest.param(
            {"Fn::FindInMap": ["Sizes", NOVALUE, "Memory"]},
            {"Fn::FindInMap": ["Sizes", NOVALUE, "Memory"]},
            id="find-in-map",
        ),
        pytest.param(
            {"Fn::Select": [NOVALUE, ["a"]]}, {"Fn::Select": [NOVALUE, ["a"]]}, id="select"
        ),
        pytest.param({"Fn::Split": [",", NOVALUE]}, {"Fn::Split": [",", NOVALUE]}, id="split"),
        pytest.param({"Fn::Base64": NOVALUE}, {"Fn::Base64": NOVALUE}, id="base64"),
        pytest.param({"Fn::Equals": [NOVALUE, "a"]}, {"Fn::Equals": [NOVALUE, "a"]}, id="equals"),
        pytest.param({"Fn::ImportValue": NOVALUE}, {"Fn::ImportValue": NOVALUE}, id="import"),
    ],
)
def test_novalue_in_a_symbolic_place_stays_a_reference(
    value: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert resolver().resolve(value) == expected


@pytest.mark.parametrize(
    ("condition", "stage", "expected"),
    [
        pytest.param("IsDev", "dev", True, id="not"),
        pytest.param("ProdOrNamed", "prod", True, id="or-decided-by-a-known-branch"),
        pytest.param("ProdOrNamed", "dev", None, id="or-needs-the-unknown-branch"),
        pytest.param("DevAndNamed", "prod", False, id="and-decided-by-a-known-branch"),
        pytest.param("DevAndNamed", "dev", None, id="and-needs-the-unknown-branch"),
        pytest.param("Loop", "prod", None, id="cycle-is-unknown"),
        pytest.param("Missing", "prod", None, id="missing-is-unknown"),
    ],
)
def test_conditions_decide_when_they_can(condition: str, stage: str, expected: bool | None) -> None:
    assert resolver(stage).condition(condition) is expected


def test_a_condition_key_outside_and_or_not_is_plain_data() -> None:
    variables = {"Variables": {"Condition": "IsProd"}}
    assert resolver().resolve(variables) == variables


def test_fn_equals_compares_like_cloudformation() -> None:
    assert resolver().resolve({"Fn::Equals": [{"Ref": "Stage"}, "prod"]}) is True
    assert resolver().resolve({"Fn::Equals": ["2", 2]}) is True
    assert resolver().resolve({"Fn::Equals": ["true", True]}) is True


def test_select_split_and_base64() -> None:
    r = resolver()
    assert r.resolve({"Fn::Select": [1, {"Ref": "Subnets"}]}) == "b"
    assert r.resolve({"Fn::Select": ["0", {"Fn::Split": [",", "x,y"]}]}) == "x"
    assert r.resolve({"Fn::Base64": {"Ref": "Stage"}}) == base64.b64encode(b"prod").decode()
    assert r.resolve({"Fn::Length": {"Ref": "Subnets"}}) == 2


def test_get_azs_and_imports_stay_symbolic_with_resolved_arguments() -> None:
    r = resolver()
    azs = {"Fn::Select": [0, {"Fn::GetAZs": {"Ref": "AWS::Region"}}]}
    assert r.resolve(azs) == {"Fn::Select": [0, {"Fn::GetAZs": "us-east-1"}]}
    imported = {"Fn::ImportValue": {"Fn::Sub": "${Stage}-QueueArn"}}
    assert r.resolve(imported) == {"Fn::ImportValue": "prod-QueueArn"}


def test_resource_references_stay_symbolic_in_one_form() -> None:
    r = resolver()
    assert r.resolve({"Ref": "Table"}) == {"Ref": "Table"}
    assert r.resolve({"Fn::GetAtt": "Role.Arn"}) == {"Fn::GetAtt": ["Role", "Arn"]}
    assert r.resolve({"Fn::GetAtt": ["Role", "Arn"]}) == {"Fn::GetAtt": ["Role", "Arn"]}
    assert r.resolve({"Fn::Sub": ["${Table}-${Stage}", {}]}) == {"Fn::Sub": "${Table}-prod"}
    assert r.resolve({"Fn::Sub": "${AWS::StackName}-${!Literal}"}) == {
        "Fn::Sub": "${AWS::StackName}-${!Literal}"
    }
    assert r.resolve({"Fn::Sub": "${Stage}-${!Literal}"}) == "prod-${Literal}"
    # A substituted value is literal text, even when it looks like a variable.
    substituted = {"Fn::Sub": ["${X}-${AWS::StackName}", {"X": "${Stage}"}]}
    assert r.resolve(substituted) == {"Fn::Sub": "${!Stage}-${AWS::StackName}"}


def test_unknown_intrinsics_stay_exactly_as_written() -> None:
    value = {"Fn::Future": [{"Ref": "Stage"}]}
    assert resolver().resolve(value) == value
    loop = {"Fn::ForEach::Topics": ["T", ["a"], {"Topic${T}": {"Type": "AWS::SNS::Topic"}}]}
    assert resolver().resolve(loop) == loop


def test_a_long_chain_of_conditions_is_unknown_not_a_crash() -> None:
    conditions = {f"C{i}": {"Fn::Not": [{"Condition": f"C{i + 1}"}]} for i in range(3000)}
    conditions["C3000"] = {"Fn::Equals": ["a", "a"]}
    chained = Resolver({"Conditions": conditions, "Resources": {}}, DeployContext())
    assert chained.condition("C0") is None
    assert chained.condition("C2999") is False


@pytest.mark.parametrize(
    "value",
    [
        {"Fn::If": "IsProd"},
        {"Fn::If": ["IsProd", 1]},
        {"Fn::If": [["IsProd"], 1, 2]},
        {"Fn::FindInMap": ["Sizes"]},
        {"Fn::FindInMap": [{"Ref": "Nope"}, "a", "b"]},
        {"Fn::FindInMap": ["Sizes", ["prod"], "Memory"]},
        {"Fn::Sub": 3},
        {"Fn::Sub": ["${A}", "not-a-map"]},
        {"Fn::Join": [",", "not-a-list"]},
        {"Fn::Join": [{"Ref": "AWS::NoValue"}, ["a"]]},
        {"Fn::Select": [5, ["a"]]},
        {"Fn::Select": [True, ["a", "b"]]},
        {"Fn::Select": ["-1", ["a"]]},
        {"Fn::Select": ["\u00b9", ["a"]]},  # a digit to str.isdigit, not to int()
        {"Fn::Split": ["", "abc"]},
        {"Fn::Base64": ["a"]},
        {"Fn::Equals": ["a"]},
        {"Fn::And": "IsProd"},
        {"Fn::Not": [{"Condition": "IsProd"}, {"Condition": "IsDev"}]},
        {"Fn::GetAtt": ["OnlyOne"]},
        {"Fn::GetAtt": 7},
        {"Ref": ["Stage"]},
        {"Condition": 3},
        {"Fn::Length": "abc"},
    ],
    ids=repr,
)
def test_malformed_arguments_stay_symbolic(value: dict[str, Any]) -> None:
    resolved = resolver().resolve(value)
    assert isinstance(resolved, dict)
    assert list(resolved) == list(value)


# -- properties: any JSON with any intrinsic, however malformed ----------------------------------


@settings(max_examples=300, deadline=None)
@given(VALUES, st.sampled_from(["prod", "dev"]))
def test_resolution_never_raises_and_never_leaks_novalue(value: Any, stage: str) -> None:
    resolved = resolver(stage).resolve(value)
    # NO_VALUE alone means "remove this value"; inside a value it must never appear.
    assert resolved is NO_VALUE or _objects(resolved) == []


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_resolution_is_idempotent(value: Any) -> None:
    once = resolver().resolve(value)
    if once is NO_VALUE:
        return
    assert resolver().resolve(once) == once


def _objects(value: Any) -> list[Any]:
    """Every non-JSON object inside `value` (the NO_VALUE marker is one)."""
    if isinstance(value, list):
        return [o for v in value for o in _objects(v)]
    if isinstance(value, dict):
        return [o for v in value.values() for o in _objects(v)]
    return [] if value is None or isinstance(value, str | int | float | bool) else [value]
