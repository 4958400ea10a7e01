"""IAM statements that allow invoking a function also allow invoking its alias."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import existing_alias, function, template
from safelambda import TransformError, transform

ALIAS = {"Ref": "FnAliaslive"}
ARN = {"Fn::GetAtt": ["Fn", "Arn"]}


def statement(resource: Any, action: Any = "lambda:InvokeFunction", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def policy(resource_type: str, doc: Any) -> dict[str, Any]:
    if resource_type == "AWS::IAM::Role":
        return {
            "Type": resource_type,
            "Properties": {
                "AssumeRolePolicyDocument": document(),
                "Policies": [{"PolicyName": "invoke", "PolicyDocument": doc}],
            },
        }
    return {"Type": resource_type, "Properties": {"PolicyDocument": doc, "Roles": ["r"]}}


def statements_after(resource_type: str, doc: Any, **parameters: Any) -> Any:
    # The input may already name the alias (as SAM's does) and a condition.
    doc_ = template(Fn=function(), FnAliaslive=existing_alias(), Res=policy(resource_type, doc))
    doc_["Conditions"] = {"C": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}}
    result = transform(doc_, parameters=parameters)
    props = result.template["Resources"]["Res"]["Properties"]
    found = (
        props["Policies"][0]["PolicyDocument"] if "Policies" in props else props["PolicyDocument"]
    )
    return found["Statement"] if isinstance(found, dict) else found


TYPES = ["AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"]


@pytest.mark.parametrize("resource_type", TYPES)
@pytest.mark.parametrize(
    ("resource", "added"),
    [
        pytest.param(ARN, ALIAS, id="getatt"),
        pytest.param({"Fn::GetAtt": "Fn.Arn"}, ALIAS, id="getatt-dotted"),
        pytest.param({"Ref": "Fn"}, ALIAS, id="ref"),
        pytest.param({"Fn::Sub": "${Fn.Arn}"}, {"Fn::Sub": "${FnAliaslive}"}, id="sub-arn"),
        pytest.param(
            {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}"},
            {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}:live"},
            id="sub-name",
        ),
        pytest.param(
            {"Fn::Sub": ["${A}", {"A": ARN}]},
            {"Fn::Sub": ["${A}", {"A": ALIAS}]},
            id="sub-variable-map",
        ),
        pytest.param(
            {"Fn::Join": [":", ["arn:aws:lambda:r:1:function", {"Ref": "Fn"}]]},
            {"Fn::Join": [":", ["arn:aws:lambda:r:1:function", {"Fn::Sub": "${Fn}:live"}]]},
            id="join",
        ),
        pytest.param(
            {"Fn::If": ["C", ARN, {"Ref": "AWS::NoValue"}]},
            {"Fn::If": ["C", ALIAS, {"Ref": "AWS::NoValue"}]},
            id="under-if",
        ),
    ],
)
def test_invoke_statement_keeps_the_function_and_adds_the_alias(
    resource_type: str, resource: Any, added: Any
) -> None:
    found = statements_after(resource_type, document(statement(resource)))
    assert found == [statement([resource, added])]


@pytest.mark.parametrize(
    "action",
    [
        "lambda:*",
        "lambda:Invoke*",
        "*",
        "Lambda:invokeFunction",
        ["s3:GetObject", "lambda:InvokeFunction"],
    ],
)
def test_wildcard_and_case_variants_of_the_invoke_action_are_extended(action: Any) -> None:
    found = statements_after("AWS::IAM::Policy", document(statement([ARN], action)))
    assert found == [statement([ARN, ALIAS], action)]


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(document(statement(ARN, "lambda:GetFunction")), id="other-action"),
        pytest.param(
            document(statement({"Fn::Sub": "${Fn.Arn}:*"})), id="already-covers-qualifiers"
        ),
        pytest.param(
            document(
                statement(
                    {
                        "Fn::Sub": [
                            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:"
                            "function:${functionName}*",
                            {"functionName": {"Ref": "Fn"}},
                        ]
                    }
                )
            ),
            id="sam-lambda-invoke-policy-template",
        ),
        pytest.param(document(statement([ARN, ALIAS])), id="alias-already-allowed"),
        pytest.param(
            document({"Effect": "Allow", "NotAction": "lambda:InvokeFunction", "Resource": ARN}),
            id="not-action",
        ),
    ],
)
def test_statements_that_need_nothing_are_left_alone(doc: dict[str, Any]) -> None:
    assert statements_after("AWS::IAM::ManagedPolicy", doc) == doc["Statement"]


def test_single_statement_mapping_and_deny_are_extended() -> None:
    deny = {"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": ARN}
    found = statements_after("AWS::IAM::Policy", {"Version": "2012-10-17", "Statement": deny})
    assert found == {**deny, "Resource": [ARN, ALIAS]}


def test_policy_document_as_a_string_is_reported_and_fails_under_strict() -> None:
    doc = {"Fn::Sub": '{"Statement": [{"Effect": "Allow", "Resource": "${Fn.Arn}"}]}'}
    result = transform(template(Fn=function(), Res=policy("AWS::IAM::Policy", doc)))
    assert result.template["Resources"]["Res"]["Properties"]["PolicyDocument"] == doc
    assert [(w.code, w.path) for w in result.report.warnings] == [
        ("SL305", "Properties.PolicyDocument")
    ]
    with pytest.raises(TransformError):
        transform(
            template(Fn=function(), Res=policy("AWS::IAM::Policy", doc)),
            parameters={"Strict": True},
        )


def test_step_functions_role_can_invoke_the_alias_its_definition_now_names() -> None:
    role = policy("AWS::IAM::Role", document(statement(ARN)))
    machine = {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {
            "RoleArn": {"Fn::GetAtt": ["Res", "Arn"]},
            "DefinitionString": {
                "Fn::Sub": '{"StartAt":"A","States":{"A":{"Type":"Task",'
                '"Resource":"${Fn.Arn}","End":true}}}'
            },
        },
    }
    out = transform(template(Fn=function(), Res=role, Machine=machine)).template
    definition = out["Resources"]["Machine"]["Properties"]["DefinitionString"]["Fn::Sub"]
    assert '"Resource":"${FnAliaslive}"' in definition
    statements = out["Resources"]["Res"]["Properties"]["Policies"][0]["PolicyDocument"]
    assert statements["Statement"][0]["Resource"] == [ARN, ALIAS]
