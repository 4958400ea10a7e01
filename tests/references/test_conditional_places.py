"""A catalogued place under `Fn::If`, at any level of its path, is rewritten like any other.

SAM writes conditional places for a function with a `Condition`: an S3 event becomes
`LambdaConfigurations: [{Fn::If: [Cond, {Function: !GetAtt Fn.Arn, Event: …}, !Ref AWS::NoValue]}]`
(samtranslator `model/eventsources/push.py`, `_inject_notification_configuration`).
"""

from __future__ import annotations

from typing import Any

import pytest

from helpers import function, template
from safelambda import transform
from safelambda.offline import pipeline
from safelambda.references import catalog, unqualified

ALIAS = {"Ref": "FnAliaslive"}
ARN = {"Fn::GetAtt": ["Fn", "Arn"]}
NO_VALUE = {"Ref": "AWS::NoValue"}


def sam_s3_event_of_a_conditional_function() -> dict[str, Any]:
    return {
        "Transform": ["AWS::Serverless-2016-10-31", "SafeLambda"],
        "Conditions": {"On": {"Fn::Equals": ["a", "a"]}},
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Condition": "On",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "app.handler",
                    "CodeUri": "s3://artifacts/app.zip",
                    "Events": {
                        "Upload": {
                            "Type": "S3",
                            "Properties": {
                                "Bucket": {"Ref": "Bucket"},
                                "Events": "s3:ObjectCreated:*",
                            },
                        }
                    },
                },
            },
        },
    }


def test_sam_s3_event_of_a_conditional_function_invokes_the_alias() -> None:
    outcome = pipeline.run(sam_s3_event_of_a_conditional_function(), pipeline.Options())
    assert outcome.result is not None
    configurations = outcome.output["Resources"]["Bucket"]["Properties"][
        "NotificationConfiguration"
    ]["LambdaConfigurations"]
    assert configurations == [
        {"Fn::If": ["On", {"Function": ALIAS, "Event": "s3:ObjectCreated:*"}, NO_VALUE]}
    ]
    assert [w.code for w in outcome.result.report.warnings] == []
    permission = outcome.output["Resources"]["FnUploadPermission"]["Properties"]
    assert permission["FunctionName"] == ALIAS  # it follows the integration
    assert unqualified(outcome.output) == []


def _first(value: Any) -> Any:
    """`value` with every `Fn::If` replaced by its first branch."""
    if isinstance(value, list):
        return [_first(v) for v in value]
    if isinstance(value, dict):
        if list(value) == ["Fn::If"]:
            return _first(value["Fn::If"][1])
        return {k: _first(v) for k, v in value.items()}
    return value


def _conditional(value: Any) -> dict[str, Any]:
    return {"Fn::If": ["C", value, NO_VALUE]}


@pytest.mark.parametrize(
    ("resource_type", "before", "after"),
    [
        pytest.param(
            "AWS::Events::Rule",
            {"Targets": [_conditional({"Id": "a", "Arn": ARN})]},
            {"Targets": [_conditional({"Id": "a", "Arn": ALIAS})]},
            id="list-item",
        ),
        pytest.param(
            "AWS::Events::Rule",
            {"Targets": _conditional([{"Id": "a", "Arn": ARN}])},
            {"Targets": _conditional([{"Id": "a", "Arn": ALIAS}])},
            id="whole-list",
        ),
        pytest.param(
            "AWS::Cognito::UserPool",
            {"LambdaConfig": {"Fn::If": ["C", {"PreSignUp": ARN}, {"PostConfirmation": ARN}]}},
            {"LambdaConfig": {"Fn::If": ["C", {"PreSignUp": ALIAS}, {"PostConfirmation": ALIAS}]}},
            id="mapping-value-both-branches",
        ),
        pytest.param(
            "AWS::S3::Bucket",
            {
                "NotificationConfiguration": _conditional(
                    {"LambdaConfigurations": [_conditional({"Event": "e", "Function": ARN})]}
                )
            },
            {
                "NotificationConfiguration": _conditional(
                    {"LambdaConfigurations": [_conditional({"Event": "e", "Function": ALIAS})]}
                )
            },
            id="nested-conditions",
        ),
        pytest.param(
            "AWS::Lambda::EventSourceMapping",
            {"FunctionName": {"Fn::If": ["C", {"Fn::If": ["D", ARN, "x"]}, NO_VALUE]}},
            {"FunctionName": {"Fn::If": ["C", {"Fn::If": ["D", ALIAS, "x"]}, NO_VALUE]}},
            id="the-reference-itself",
        ),
    ],
)
def test_a_place_under_fn_if_at_any_level_invokes_the_alias(
    resource_type: str, before: dict[str, Any], after: dict[str, Any]
) -> None:
    doc = template(Fn=function(), Res={"Type": resource_type, "Properties": before})
    doc["Conditions"] = {"C": {"Fn::Equals": ["a", "b"]}, "D": {"Fn::Equals": ["a", "a"]}}
    result = transform(doc)
    assert result.template["Resources"]["Res"]["Properties"] == after
    # Warned exactly as the same place written without conditions (an EventBridge target with
    # no permission in the template is SL307 either way).
    plain = transform(
        template(Fn=function(), Res={"Type": resource_type, "Properties": _first(before)})
    )
    assert [w.code for w in result.report.warnings] == [w.code for w in plain.report.warnings]


def test_a_qualifier_is_set_in_the_branch_that_names_the_function() -> None:
    subscriber = {
        "InvokeConfiguration": _conditional(
            {"TargetArn": ARN, "LambdaParameters": {"InvocationType": "EVENT"}}
        )
    }
    doc = template(
        Fn=function(), Res={"Type": "AWS::EventsV2::Subscriber", "Properties": subscriber}
    )
    doc["Conditions"] = {"C": {"Fn::Equals": ["a", "b"]}}
    result = transform(doc)
    branch = result.template["Resources"]["Res"]["Properties"]["InvokeConfiguration"]["Fn::If"][1]
    assert branch == {
        "TargetArn": ARN,
        "LambdaParameters": {"InvocationType": "EVENT", "Qualifier": "live"},
    }
    assert [w.code for w in result.report.warnings] == []


@pytest.mark.parametrize(
    ("value", "found"),
    [
        pytest.param({"A": [{"B": 1}]}, [(("A", 0, "B"), 1)], id="plain"),
        pytest.param(
            {"A": [{"Fn::If": ["C", {"B": 1}, NO_VALUE]}]},
            [(("A", 0, "Fn::If", 1, "B"), 1)],
            id="item-under-if",
        ),
        pytest.param(
            {"A": {"Fn::If": ["C", [{"B": 1}], [{"B": 2}]]}},
            [(("A", "Fn::If", 1, 0, "B"), 1), (("A", "Fn::If", 2, 0, "B"), 2)],
            id="list-under-if",
        ),
        pytest.param({"A": NO_VALUE}, [], id="no-value-names-no-place"),
        pytest.param({"A": {"Fn::FindInMap": ["M", "k", "v"]}}, [], id="other-function"),
    ],
)
def test_expand_passes_through_fn_if_and_not_into_other_functions(
    value: Any, found: list[tuple[Any, Any]]
) -> None:
    assert list(catalog.expand(value, ("A", "*", "B"))) == found


INVOKE = {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": ARN}
EXTENDED = {**INVOKE, "Resource": [ARN, ALIAS]}


@pytest.mark.parametrize(
    ("document", "after"),
    [
        pytest.param(
            {"Statement": [_conditional(INVOKE)]},
            {"Statement": [_conditional(EXTENDED)]},
            id="statement",
        ),
        pytest.param(
            {"Statement": _conditional([INVOKE])},
            {"Statement": _conditional([EXTENDED])},
            id="statement-list",
        ),
        pytest.param(
            _conditional({"Statement": INVOKE}),
            _conditional({"Statement": EXTENDED}),
            id="document",
        ),
    ],
)
def test_a_policy_statement_under_fn_if_also_allows_the_alias(
    document: dict[str, Any], after: dict[str, Any]
) -> None:
    policy = {"PolicyName": "p", "PolicyDocument": document, "Roles": ["r"]}
    doc = template(Fn=function(), Res={"Type": "AWS::IAM::Policy", "Properties": policy})
    doc["Conditions"] = {"C": {"Fn::Equals": ["a", "b"]}}
    result = transform(doc)
    assert result.template["Resources"]["Res"]["Properties"]["PolicyDocument"] == after
