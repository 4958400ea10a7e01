"""`NextAliasName`: the first of two deploys that rename the alias with no window.

With `AliasName: live, NextAliasName: prod` the output is the `Complete` output for `live` plus
the alias `prod` (same Version) and its grants: a `{Permission}Next` copy of every permission
that moved to `live`, and every extended IAM statement also allows `prod`. The next deploy,
with `AliasName: prod`, moves the integrations onto grants that exist already.
"""

from __future__ import annotations

import copy
from itertools import pairwise
from typing import Any

import pytest
from test_adoption import INTEGRATIONS, PERMISSIONS, live_stack

from helpers import function, lint_errors, template
from safelambda import TransformError, transform
from safelambda.deploy import simulate

NEXT = {"NextAliasName": "prod"}


def with_policy() -> dict[str, Any]:
    doc = live_stack()
    doc["Resources"]["Invoke"] = {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": "invoke",
            "Roles": ["machine"],
            "PolicyDocument": {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "lambda:InvokeFunction",
                        "Resource": {"Fn::GetAtt": ["Fn", "Arn"]},
                    }
                ]
            },
        },
    }
    return doc


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("metadata", id="template-metadata"),
        pytest.param("parameters", id="transform-parameters"),
        pytest.param("function", id="function-metadata"),
    ],
)
def test_next_alias_adds_the_alias_and_its_grants_and_changes_nothing_else(where: str) -> None:
    doc = with_policy()
    options: dict[str, Any] = {}
    if where == "metadata":
        doc["Metadata"] = {"SafeLambda": NEXT}
    elif where == "parameters":
        options["parameters"] = NEXT
    else:
        doc["Resources"]["Fn"]["Metadata"] = {"SafeLambda": NEXT}
    live = transform(with_policy()).template["Resources"]
    out = transform(copy.deepcopy(doc), **options).template["Resources"]
    added = {"FnAliasprod", *(rid + "Next" for rid in PERMISSIONS)}
    assert set(out) == set(live) | added
    for rid in set(live) - {"Invoke", "Fn"}:
        assert out[rid] == live[rid]  # integrations, Version, alias, moved grants: as Complete
    assert out["FnAliasprod"] == {
        **live["FnAliaslive"],
        "Properties": {**live["FnAliaslive"]["Properties"], "Name": "prod"},
    }
    for rid in PERMISSIONS:
        assert out[rid + "Next"] == {
            **live[rid],
            "Properties": {**live[rid]["Properties"], "FunctionName": {"Ref": "FnAliasprod"}},
        }
    statement = out["Invoke"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Resource"] == [
        {"Fn::GetAtt": ["Fn", "Arn"]},
        {"Ref": "FnAliaslive"},
        {"Ref": "FnAliasprod"},
    ]


def test_next_alias_output_is_lint_clean_and_processing_it_again_changes_nothing() -> None:
    first = transform(with_policy(), parameters=NEXT).template
    assert lint_errors(first) == []
    again = transform(copy.deepcopy(first), parameters=NEXT).template
    assert again == first


def test_the_next_alias_keeps_the_condition_of_its_function() -> None:
    doc = template(Fn=function(Condition="On"))
    doc["Conditions"] = {"On": {"Fn::Equals": ["a", "a"]}}
    out = transform(doc, parameters=NEXT).template["Resources"]
    assert out["FnAliasprod"]["Condition"] == "On"


@pytest.mark.parametrize(
    ("settings", "function_settings"),
    [
        pytest.param({"AliasName": "prod", "NextAliasName": "prod"}, None, id="template"),
        pytest.param({"NextAliasName": "live"}, None, id="default-alias-name"),
        pytest.param(NEXT, {"AliasName": "prod"}, id="function-alias-name"),
    ],
)
def test_a_next_alias_name_equal_to_the_alias_name_is_a_coded_error(
    settings: dict[str, str], function_settings: dict[str, str] | None
) -> None:
    doc = live_stack()
    if function_settings:
        doc["Resources"]["Fn"]["Metadata"] = {"SafeLambda": function_settings}
    with pytest.raises(TransformError, match=r"SL010 .*NextAliasName: must differ from AliasName"):
        transform(doc, parameters=settings)


def test_an_invalid_next_alias_name_is_a_coded_error() -> None:
    with pytest.raises(TransformError, match=r"SL010 .*NextAliasName: must be 1 to 128"):
        transform(live_stack(), parameters={"NextAliasName": "123"})


def sam_with_alias(name: str) -> dict[str, Any]:
    """A SAM function whose alias SAM makes (`AutoPublishAlias`), with `NextAliasName: prod`."""
    return {
        "Transform": ["AWS::Serverless-2016-10-31", "SafeLambda"],
        "Metadata": {"SafeLambda": NEXT},
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "CodeUri": "s3://artifacts/fn.zip",
                    "Handler": "app.handler",
                    "Runtime": "python3.12",
                    "AutoPublishAlias": name,
                },
            }
        },
    }


def test_an_alias_adopted_from_sam_is_renamed_in_sam_with_a_warning() -> None:
    from safelambda.offline import pipeline

    doc = sam_with_alias("live")
    plain = copy.deepcopy(doc)
    del plain["Metadata"]
    outcome = pipeline.run(doc, pipeline.Options(), add_macro=True)
    assert outcome.result is not None
    assert (
        outcome.output["Resources"] == pipeline.run(plain, pipeline.Options()).output["Resources"]
    )
    warned = [w for w in outcome.result.report.warnings if w.code == "SL108"]
    assert [(w.resource, "AutoPublishAlias" in w.message) for w in warned] == [("Fn", True)]


def test_renaming_through_next_alias_leaves_no_window() -> None:
    plain = live_stack()
    live = transform(copy.deepcopy(plain)).template
    nexted = transform(copy.deepcopy(plain), parameters=NEXT).template
    prod = transform(copy.deepcopy(plain), parameters={"AliasName": "prod"}).template
    direct = sorted(f.problem.resource for f in simulate(live, prod).findings)
    assert direct == sorted(INTEGRATIONS)
    for previous, new in pairwise([live, nexted, prod]):
        assert simulate(previous, new).findings == ()


def test_a_sam_alias_named_as_the_next_alias_stays_the_only_alias() -> None:
    """SAM's `AutoPublishAlias: prod` alias has the logical ID the next alias `prod` would have:
    it is adopted, warned about (SL108), and a second run reads it so again."""
    from safelambda.offline import pipeline

    doc = sam_with_alias("prod")
    outcome = pipeline.run(doc, pipeline.Options(), add_macro=True)
    out = outcome.output
    aliases = [rid for rid, r in out["Resources"].items() if r["Type"] == "AWS::Lambda::Alias"]
    assert aliases == ["FnAliasprod"]
    assert outcome.result is not None
    assert [w.code for w in outcome.result.report.warnings].count("SL108") == 1
    assert transform(copy.deepcopy(out), parameters=NEXT).template == out
