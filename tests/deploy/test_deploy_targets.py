"""Hand-written pairs for the last two rules of issue 13: asynchronous callers and the event
invoke config of their target (SL512), Lambda target groups (SL513, and SL511 for ELB)."""

from __future__ import annotations

from typing import Any

import pytest
from scenes import SNS, arn, codes, config, on, permission, target_group, topic

from safelambda.deploy import simulate


@pytest.mark.parametrize(
    ("previous", "new", "found"),
    [
        pytest.param(
            topic("Fn"),
            topic("FnAliaslive"),
            [("SL512", "Subscription")],
            id="adoption-unordered",
        ),
        pytest.param(
            topic("Fn"), topic("FnAliaslive", after=("FnConfig",)), [], id="adoption-ordered"
        ),
        pytest.param(
            topic("FnAliaslive"),
            topic("FnAliasprod"),
            [("SL512", "Subscription")],
            id="alias-rename-unordered",
        ),
        pytest.param(
            topic("FnAliaslive"),
            topic("Fn"),
            [("SL512", "Subscription")],
            id="removal-unordered",
        ),
        pytest.param(
            topic("Fn", configured=False), topic("FnAliaslive"), [], id="no-config-before"
        ),
        pytest.param(None, topic("FnAliaslive"), [], id="first-deploy"),
        pytest.param(topic("FnAliaslive"), topic("FnAliaslive"), [], id="unchanged"),
    ],
)
def test_an_asynchronous_caller_moved_before_its_targets_new_config_gets_the_defaults(
    previous: dict[str, Any] | None, new: dict[str, Any], found: list[tuple[str, str]]
) -> None:
    deploy = simulate(previous, new)
    assert [c for c in codes(deploy) if c[0] != "SL508"] == found  # SL508: a new subscription
    assert not deploy.failed  # a window of default retries is a warning


def test_the_defaults_finding_names_caller_target_and_config_and_the_order_to_add() -> None:
    deploy = simulate(topic("Fn"), topic("FnAliaslive"))
    (late,) = [f for f in deploy.findings if f.problem.code == "SL512"]
    assert late.details["Target"] == "FnAliaslive"
    assert late.details["Configs"] == ["FnConfig"]
    assert "2 retries, no destination" in late.problem.message
    assert late.problem.message.endswith("add DependsOn: [FnConfig] to Subscription")


def test_a_config_whose_destination_waits_for_the_caller_cannot_be_ordered() -> None:
    """The topic that delivers to the alias is also where its failures go: the config names
    the topic, so the topic cannot wait for the config."""

    def inline(target: str) -> dict[str, Any]:
        subscribed = {"Subscription": [{"Protocol": "lambda", "Endpoint": arn(target)}]}
        return on(
            target,
            Topic={"Type": "AWS::SNS::Topic", "Properties": subscribed},
            FnConfig=config(target, destination={"Ref": "Topic"}),
            TopicPermission=permission(target, SNS, {"Ref": "Topic"}),
        )

    deploy = simulate(inline("Fn"), inline("FnAliaslive"))
    (late,) = [f for f in deploy.findings if f.problem.code == "SL512"]
    assert late.problem.resource == "Topic"
    assert "FnConfig waits for Topic" in late.problem.message
    assert "no order can close it" in late.problem.message


def test_a_synchronous_caller_is_not_retried_by_lambda() -> None:
    previous = target_group("Fn", configured=True)
    new = target_group("FnAliaslive", configured=True, logical_id="FnTargetGroupa1")
    assert [c for c in codes(simulate(previous, new)) if c[0] == "SL512"] == []


def _empty() -> dict[str, Any]:
    """The target group with no target yet."""
    empty = target_group("Fn")
    del empty["Resources"]["FnTargetGroup"]["Properties"]["Targets"]
    return empty


@pytest.mark.parametrize(
    ("previous", "new", "found"),
    [
        pytest.param(
            target_group("Fn"),
            target_group("FnAliaslive"),
            [("SL513", "FnTargetGroup")],
            id="to-the-alias-in-place",
        ),
        pytest.param(
            target_group("FnAliaslive"),
            target_group("FnAliasprod"),
            [("SL513", "FnTargetGroup")],
            id="alias-rename-in-place",
        ),
        pytest.param(
            target_group("Fn"),
            target_group("FnAliaslive", logical_id="FnTargetGroupa1"),
            [],
            id="new-logical-id",
        ),
        pytest.param(target_group("FnAliaslive"), target_group("FnAliaslive"), [], id="unchanged"),
        pytest.param(_empty(), target_group("Fn"), [], id="first-target-registered"),
    ],
)
def test_a_lambda_target_group_cannot_change_its_target_in_place(
    previous: dict[str, Any], new: dict[str, Any], found: list[tuple[str, str]]
) -> None:
    deploy = simulate(previous, new)
    assert codes(deploy) == found
    assert deploy.failed is bool(found)


def test_the_in_place_finding_says_to_give_the_group_a_new_logical_id() -> None:
    (in_place,) = simulate(target_group("Fn"), target_group("FnAliaslive")).findings
    assert in_place.details == {"Previous": ["Fn"], "Targets": ["FnAliaslive"]}
    assert "give the target group a new logical ID" in in_place.problem.message


def test_an_instance_target_group_changes_its_targets_in_place() -> None:
    def instances(target: str) -> dict[str, Any]:
        new = target_group(target)
        group = new["Resources"]["FnTargetGroup"]["Properties"]
        group.update(TargetType="instance", Targets=[{"Id": target}])
        return new

    assert codes(simulate(instances("i-1"), instances("i-2"))) == []


@pytest.mark.parametrize(
    ("previous", "ordered", "found"),
    [
        pytest.param(None, False, [("SL511", "FnTargetGroup")], id="first-deploy"),
        pytest.param(None, True, [], id="ordered"),
        pytest.param(
            target_group("Fn"), False, [("SL511", "FnTargetGroupa1")], id="adoption-unordered"
        ),
    ],
)
def test_elb_refuses_a_lambda_target_before_its_permission(
    previous: dict[str, Any] | None, ordered: bool, found: list[tuple[str, str]]
) -> None:
    target = "Fn" if previous is None else "FnAliaslive"
    logical_id = "FnTargetGroup" if previous is None else "FnTargetGroupa1"
    deploy = simulate(previous, target_group(target, logical_id=logical_id, ordered=ordered))
    assert codes(deploy) == found
    if found:
        assert deploy.failed
        message = deploy.findings[0].problem.message
        assert "Elastic Load Balancing checks that grant when it registers" in message
        assert message.endswith(f"add DependsOn: [FnElbPermission] to {logical_id}")


def test_a_target_group_named_by_its_permission_cannot_wait_for_it() -> None:
    new = target_group("Fn", ordered=False)
    new["Resources"]["FnElbPermission"]["Properties"]["SourceArn"] = {"Ref": "FnTargetGroup"}
    (refused,) = simulate(None, new).findings
    assert refused.problem.code == "SL511"
    assert "grant by SourceAccount instead of the target group's ARN" in refused.problem.message
