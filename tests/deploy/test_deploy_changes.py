"""What CloudFormation does to each resource: create, update, replace, delete in cleanup, order."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from scenes import action, alias, changes, codes, fn, permission, rule, stack, version

from safelambda import DeployContext, Severity, TransformError
from safelambda.deploy import RULES, Change, Finding, Phase, Transition, finding, simulate

PROTECTED = stack(
    Fn=fn(Description="SafeLambda:aaaa"),
    FnVersionaaaa=version(),
    FnAliaslive=alias("FnVersionaaaa"),
    Nightly=rule("FnAliaslive"),
    NightlyPermission=permission(
        "FnAliaslive", "events.amazonaws.com", {"Fn::GetAtt": ["Nightly", "Arn"]}
    ),
)


def _code_change(properties: dict[str, Any]) -> dict[str, Any]:
    """PROTECTED after a change of `properties`, as SafeLambda makes it: new marker, new Version."""
    new = copy.deepcopy(PROTECTED)
    resources = new["Resources"]
    resources["Fn"]["Properties"].update(properties, Description="SafeLambda:bbbb")
    del resources["FnVersionaaaa"]
    resources["FnVersionbbbb"] = version()
    resources["FnAliaslive"] = alias("FnVersionbbbb")
    return new


def test_first_deploy_creates_everything_in_dependency_order() -> None:
    deploy = simulate(None, PROTECTED)
    assert [(a.logical_id, a.change) for a in deploy.actions] == [
        ("Fn", Change.CREATE),
        ("FnVersionaaaa", Change.CREATE),
        ("FnAliaslive", Change.CREATE),
        ("Nightly", Change.CREATE),
        ("NightlyPermission", Change.CREATE),
    ]
    assert deploy.before("Fn", "NightlyPermission")
    assert not deploy.before("NightlyPermission", "Nightly")


@pytest.mark.parametrize(
    "properties",
    [
        pytest.param({"Code": {"S3Bucket": "artifacts", "S3Key": "v2.zip"}}, id="code"),
        pytest.param({"MemorySize": 1024}, id="configuration"),
    ],
)
def test_a_change_updates_the_function_publishes_a_version_and_moves_the_alias(
    properties: dict[str, Any],
) -> None:
    deploy = simulate(PROTECTED, _code_change(properties))
    assert changes(deploy) == {
        "Fn": "update",
        "FnVersionbbbb": "create",
        "FnAliaslive": "update",
        "Nightly": "unchanged",
        "NightlyPermission": "unchanged",
        "cleanup:FnVersionaaaa": "delete",
    }
    assert action(deploy, "Fn").properties == tuple(sorted([*properties, "Description"]))
    assert action(deploy, "FnVersionaaaa", Phase.CLEANUP).retained
    assert deploy.findings == ()


def test_a_changed_create_only_property_replaces_and_the_old_one_goes_in_cleanup() -> None:
    new = copy.deepcopy(PROTECTED)
    new["Resources"]["Fn"]["Properties"]["FunctionName"] = "orders"
    deploy = simulate(PROTECTED, new)
    replaced = action(deploy, "Fn")
    assert (replaced.change, replaced.properties) == (Change.REPLACE, ("FunctionName",))
    # A new physical function: everything that names it changes, and what names those.
    assert changes(deploy)["FnVersionaaaa"] == "replace"
    assert changes(deploy)["FnAliaslive"] == "replace"
    assert changes(deploy)["NightlyPermission"] == "replace"
    assert changes(deploy)["Nightly"] == "update"
    cleanup = [a.logical_id for a in deploy.actions if a.phase is Phase.CLEANUP]
    assert cleanup == ["NightlyPermission", "FnAliaslive", "FnVersionaaaa", "Fn"]
    assert deploy.actions[-len(cleanup) :] == tuple(
        deploy.action(c, Phase.CLEANUP) for c in cleanup
    )


def test_removed_resources_are_deleted_in_cleanup_unless_retained() -> None:
    new = copy.deepcopy(PROTECTED)
    for rid in ("Nightly", "NightlyPermission"):
        del new["Resources"][rid]
    old = copy.deepcopy(PROTECTED)
    old["Resources"]["Nightly"]["DeletionPolicy"] = "Retain"
    deploy = simulate(old, new)
    deleted = {a.logical_id: a.retained for a in deploy.actions if a.change is Change.DELETE}
    assert deleted == {"NightlyPermission": False, "Nightly": True}


def test_parameter_values_and_conditions_decide_what_exists_and_changes() -> None:
    template = copy.deepcopy(PROTECTED)
    template["Parameters"] = {"Memory": {"Type": "Number"}, "Nightly": {"Type": "String"}}
    template["Conditions"] = {"WithNightly": {"Fn::Equals": [{"Ref": "Nightly"}, "yes"]}}
    template["Resources"]["Fn"]["Properties"]["MemorySize"] = {"Ref": "Memory"}
    for rid in ("Nightly", "NightlyPermission"):
        template["Resources"][rid]["Condition"] = "WithNightly"
    before = DeployContext(parameters={"Memory": "128", "Nightly": "yes"})
    after = DeployContext(parameters={"Memory": "256", "Nightly": "no"})
    deploy = simulate(template, template, after, before)
    assert changes(deploy) == {
        "Fn": "update",
        "FnVersionaaaa": "unchanged",
        "FnAliaslive": "unchanged",
        "cleanup:NightlyPermission": "delete",
        "cleanup:Nightly": "delete",
    }


def test_depends_on_orders_what_names_nothing() -> None:
    template = copy.deepcopy(PROTECTED)
    template["Resources"]["Nightly"]["DependsOn"] = "NightlyPermission"
    del template["Resources"]["NightlyPermission"]["Properties"]["SourceArn"]
    deploy = simulate(None, template)
    assert deploy.before("NightlyPermission", "Nightly")
    order = [a.logical_id for a in deploy.actions]
    assert order.index("NightlyPermission") < order.index("Nightly")


def test_a_new_type_under_an_old_logical_id_is_refused() -> None:
    new = copy.deepcopy(PROTECTED)
    new["Resources"]["Nightly"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    new["Resources"]["NightlyPermission"]["Properties"]["SourceArn"] = "arn:aws:events:::rule/x"
    deploy = simulate(PROTECTED, new)
    assert codes(deploy) == [("SL510", "Nightly")]
    assert "AWS::Events::Rule to AWS::SQS::Queue" in deploy.findings[0].problem.message
    assert deploy.failed


@pytest.mark.parametrize(
    ("previous", "new", "code"),
    [
        pytest.param(None, [], "SL001", id="new-not-a-mapping"),
        pytest.param([], PROTECTED, "SL001", id="previous-not-a-mapping"),
        pytest.param(
            None, stack(A={"Type": "AWS::SNS::Topic", "DependsOn": "B"}), "SL016", id="dangling"
        ),
        pytest.param(
            None,
            stack(
                A={"Type": "AWS::SNS::Topic", "DependsOn": "B"},
                B={"Type": "AWS::SNS::Topic", "DependsOn": "A"},
            ),
            "SL019",
            id="cycle",
        ),
    ],
)
def test_unreadable_templates_are_coded_errors(previous: Any, new: Any, code: str) -> None:
    with pytest.raises(TransformError) as raised:
        simulate(previous, new)
    assert [p.code for p in raised.value.problems] == [code]


def test_neither_template_is_changed_and_the_result_is_deterministic() -> None:
    old, new = copy.deepcopy(PROTECTED), _code_change({"MemorySize": 512})
    frozen = json.dumps([old, new], sort_keys=True)
    first, second = simulate(old, new), simulate(old, new)
    assert json.dumps([old, new], sort_keys=True) == frozen
    assert first.actions == second.actions
    assert first.findings == second.findings


def test_a_new_rule_is_one_more_entry_in_the_table() -> None:
    def created(t: Transition) -> list[Finding]:
        return [
            finding("SL999", Severity.WARNING, "created", rid)
            for rid, a in t.deploy.items()
            if a.change is Change.CREATE
        ]

    deploy = simulate(PROTECTED, _code_change({"MemorySize": 512}), rules=(*RULES, created))
    assert codes(deploy) == [("SL999", "FnVersionbbbb")]
