"""`Adoption: Prepare`: publish and grant the aliases on a live stack, rewire nothing yet.

Where a permission names its integration (an EventBridge rule, a Cognito user pool, an IoT rule,
an SNS topic's inline subscription, an HTTP API body), no order can make the alias's grant exist
before the integration invokes the alias. Deployed once with `Adoption: Prepare`, the stack gets
its Versions, aliases and alias grants while every integration still invokes the function; the
next deploy (without the setting) rewires onto grants that exist already.
"""

from __future__ import annotations

import copy
from itertools import pairwise
from typing import Any

import pytest

from helpers import function, lint_errors, permission, template
from safelambda import TransformError, transform
from safelambda.deploy import simulate
from safelambda.offline import pipeline

ARN = {"Fn::GetAtt": ["Fn", "Arn"]}


def live_stack() -> dict[str, Any]:
    """What a stack without SafeLambda holds: integrations and permissions on the function."""
    return template(
        Fn=function(),
        Rule={
            "Type": "AWS::Events::Rule",
            "Properties": {
                "ScheduleExpression": "rate(1 minute)",
                "Targets": [{"Id": "fn", "Arn": ARN}],
            },
        },
        RulePerm=permission("events.amazonaws.com", SourceArn={"Fn::GetAtt": ["Rule", "Arn"]}),
        Pool={
            "Type": "AWS::Cognito::UserPool",
            "Properties": {"LambdaConfig": {"PreSignUp": ARN}},
        },
        PoolPerm=permission("cognito-idp.amazonaws.com", SourceArn={"Fn::GetAtt": ["Pool", "Arn"]}),
        Topic={
            "Type": "AWS::SNS::Topic",
            "Properties": {"Subscription": [{"Protocol": "lambda", "Endpoint": ARN}]},
        },
        TopicPerm=permission("sns.amazonaws.com", SourceArn={"Ref": "Topic"}),
    )


INTEGRATIONS = ("Rule", "Pool", "Topic")
PERMISSIONS = ("RulePerm", "PoolPerm", "TopicPerm")


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("metadata", id="template-metadata"),
        pytest.param("parameters", id="transform-parameters"),
        pytest.param("environ", id="macro-environment"),
    ],
)
def test_prepare_rewires_nothing_and_grants_the_aliases_beside_the_existing_grants(
    where: str,
) -> None:
    doc = live_stack()
    options: dict[str, Any] = {}
    if where == "metadata":
        doc["Metadata"] = {"SafeLambda": {"Adoption": "Prepare"}}
    elif where == "parameters":
        options["parameters"] = {"Adoption": "Prepare"}
    else:
        options["environ"] = {"SAFELAMBDA_ADOPTION": "Prepare"}
    result = transform(copy.deepcopy(doc), **options)
    out = result.template["Resources"]
    for rid in INTEGRATIONS:
        assert out[rid] == doc["Resources"][rid]  # still invoking the function
    kinds = [r["Type"] for r in out.values()]
    assert kinds.count("AWS::Lambda::Version") == kinds.count("AWS::Lambda::Alias") == 1
    for rid in PERMISSIONS:
        assert out[rid]["Properties"]["FunctionName"] == {"Ref": "FnAliaslive"}
        assert out[rid + "Unqualified"] == doc["Resources"][rid]
    assert result.report.orderings == () and result.report.replaced == ()
    assert lint_errors(result.template) == []


def test_the_deploy_after_prepare_keeps_the_alias_grants_as_they_are_and_drops_the_copies() -> None:
    prepared = transform(live_stack(), parameters={"Adoption": "Prepare"}).template["Resources"]
    rewired = transform(live_stack()).template["Resources"]
    for rid in PERMISSIONS:
        # Same logical ID, same properties: CloudFormation leaves the alias grant in place while
        # the integrations move onto the alias, and deletes the unqualified copy in cleanup.
        assert rewired[rid] == prepared[rid]
        assert rid + "Unqualified" not in rewired
    assert rewired["Rule"]["Properties"]["Targets"][0]["Arn"] == {"Ref": "FnAliaslive"}


def test_complete_is_the_default_and_a_wrong_value_is_a_coded_error() -> None:
    assert transform(live_stack(), parameters={"Adoption": "Complete"}).template == (
        transform(live_stack()).template
    )
    with pytest.raises(
        TransformError, match=r"SL010 .*Adoption: must be Prepare, Complete or Release"
    ):
        transform(live_stack(), parameters={"Adoption": "prepare-ish"})


def test_prepare_leaves_sam_api_deployment_and_function_url_as_they_are() -> None:
    doc = {
        "Transform": ["AWS::Serverless-2016-10-31", "SafeLambda"],
        "Metadata": {"SafeLambda": {"Adoption": "Prepare"}},
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "CodeUri": "s3://artifacts/fn.zip",
                    "Handler": "app.handler",
                    "Runtime": "python3.12",
                    "FunctionUrlConfig": {"AuthType": "NONE"},
                    "Events": {
                        "Get": {"Type": "Api", "Properties": {"Path": "/", "Method": "get"}}
                    },
                },
            }
        },
    }
    outcome = pipeline.run(doc, pipeline.Options(), add_macro=True)
    before, after = outcome.macro_input or {}, outcome.output
    for rid in ("ServerlessRestApi", "FnUrl", "ServerlessRestApiProdStage"):
        assert after["Resources"][rid] == before["Resources"][rid]
    deployments = [r for r in after["Resources"] if r.startswith("ServerlessRestApiDeployment")]
    assert deployments == [r for r in before["Resources"] if r in deployments]
    assert "FnGetPermissionProdUnqualified" in after["Resources"]
    assert outcome.result is not None
    assert "SL304" not in {w.code for w in outcome.result.report.warnings}


# -- `Adoption: Release`: the first of two deploys that remove SafeLambda ----------------------


def test_release_rewires_as_complete_and_keeps_an_unqualified_copy_of_every_moved_grant() -> None:
    released = transform(live_stack(), parameters={"Adoption": "Release"})
    complete = transform(live_stack()).template["Resources"]
    out = released.template["Resources"]
    copies = {rid + "Unqualified" for rid in PERMISSIONS}
    assert {rid: r for rid, r in out.items() if rid not in copies} == complete
    for rid in PERMISSIONS:
        # The grant the template without SafeLambda has, so removing SafeLambda next finds the
        # function granted already while its integrations move back to it.
        assert out[rid + "Unqualified"] == live_stack()["Resources"][rid]
    assert lint_errors(released.template) == []
    again = transform(copy.deepcopy(released.template), parameters={"Adoption": "Release"})
    assert again.template == released.template


def test_removing_safelambda_after_release_leaves_no_window() -> None:
    plain = live_stack()
    live = transform(copy.deepcopy(plain)).template
    released = transform(copy.deepcopy(plain), parameters={"Adoption": "Release"}).template
    windows = [f.problem.resource for f in simulate(live, plain).findings]
    # Straight from SafeLambda to the plain template, each integration moves back to the function
    # before the permission that names it is created again.
    assert sorted(windows) == sorted(INTEGRATIONS)
    assert simulate(live, released).findings == ()  # only the copies are created
    assert simulate(released, plain).findings == ()  # the copies grant the function meanwhile


def test_renaming_the_alias_through_release_removal_and_prepare_also_leaves_no_window() -> None:
    """A rename moves each integration from one alias to the other while the new alias's grant
    is created after it (the grant names it): a window. Removing SafeLambda in two deploys and
    adopting it again in two, with the new name, moves each integration only onto grants that
    exist already."""
    plain = live_stack()
    live = transform(copy.deepcopy(plain)).template
    renamed = {"AliasName": "prod"}
    prod = transform(copy.deepcopy(plain), parameters=renamed).template
    assert sorted(f.problem.resource for f in simulate(live, prod).findings) == sorted(INTEGRATIONS)
    steps = [
        live,
        transform(copy.deepcopy(plain), parameters={"Adoption": "Release"}).template,
        plain,
        transform(copy.deepcopy(plain), parameters={**renamed, "Adoption": "Prepare"}).template,
        prod,
    ]
    for previous, new in pairwise(steps):
        assert simulate(previous, new).findings == ()


def test_a_window_no_order_can_close_names_the_procedure_that_closes_it() -> None:
    plain = live_stack()
    live = transform(copy.deepcopy(plain)).template
    prod = transform(copy.deepcopy(plain), parameters={"AliasName": "prod"}).template

    def endings(previous: dict[str, Any], new: dict[str, Any]) -> set[str]:
        found = simulate(previous, new).findings
        assert sorted(f.problem.resource or "" for f in found) == sorted(INTEGRATIONS)
        return {f.problem.message.rsplit(", so no DependsOn can order them: ", 1)[1] for f in found}

    assert endings(plain, live) == {
        "deploy once with Adoption: Prepare first (README, 'Adopting SafeLambda on a live stack')"
    }
    assert endings(live, plain) == {
        "deploy the stack's template once with Adoption: Release first (README, 'Adopting "
        "SafeLambda on a live stack')"
    }
    # A rename: the deploy with NextAliasName grants the new alias first.
    assert endings(live, prod) == {
        "deploy once with NextAliasName: prod first (README, 'Adopting SafeLambda on a live stack')"
    }
