"""Deploy sequences replayed through the model on the macro's real output (issue 13):
asynchronous sources whose function has an event invoke config, and an ALB target group.

Each template is deployed every way `movies.pairs` lists: create, adopt, a code change, a
configuration change (MemorySize), an alias rename (`AliasName: prod`), removal, and the two
two-deploy procedures (`Adoption: Prepare` then the default; `Adoption: Release` then removal).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest
from movies import STEPS, Pair, findings, pairs, sam
from scenes import LOAD_BALANCER, codes

from safelambda.deploy import Phase, simulate

EVENTS = {
    "SNS": "{Type: SNS, Properties: {Topic: !Ref Topic}}",
    "S3": "{Type: S3, Properties: {Bucket: !Ref Bucket, Events: 's3:ObjectCreated:*'}}",
    "EventBridgeRule": "{Type: EventBridgeRule, Properties: {Pattern: {source: [orders]}}}",
}


def with_config(event: str) -> dict[str, Any]:
    """A SAM function with an event invoke config (no retries, failures to a queue)."""
    return sam(
        {"Source": EVENTS[event]},
        "  Topic: {Type: AWS::SNS::Topic}\n  Bucket: {Type: AWS::S3::Bucket}\n",
        EventInvokeConfig="{MaximumRetryAttempts: 0, DestinationConfig: {OnFailure: {Type: SQS}}}",
    )


@functools.cache
def sam_sequence(event: str) -> dict[str, Pair]:
    return pairs(with_config(event))


# What each deploy of each source finds, reasoned out:
# - SNS: SAM's `AWS::SNS::Subscription` names the function in `Endpoint`, which is create-only,
#   so moving it to the alias (adopt, rename) or back (remove) replaces it: both subscriptions
#   deliver until cleanup (SL508). SafeLambda orders the new one after the alias's permission and
#   its event invoke config, so no window; the template without SafeLambda does not, so removal
#   has a permission window (SL505) and a window of default retries (SL512).
# - S3: the bucket is updated in place; SAM orders it after its permission, SafeLambda also after
#   the config, so only removal, where the config goes back to `$LATEST` (replaced) with nothing
#   ordering the bucket after it, leaves the defaults window (SL512).
# - EventBridge: the rule's permission names the rule (`SourceArn`), so the rule cannot wait for
#   it: a window on every deploy that moves the rule (SL505; also on create, SAM's own). The rule
#   does wait for the config (SafeLambda's order), except on removal (SL512).
# Code and configuration changes move only the alias: nothing invokes anything new. Prepare and
# Release create grants and change no source. The deploy after Prepare moves each source as
# adoption does, onto a grant that exists: the SNS subscription is still replaced (SL508). The
# removal after Release moves each source back as removal does, onto a grant that exists, but the
# config still goes back to `$LATEST` after it (SL512), and the subscription is replaced (SL508).
# `NextAliasName: prod` creates the next alias and its grants and moves nothing. The
# deploy that renames after it moves each source onto the next alias's grant, which exists: the
# subscription's Endpoint still changes, so it is replaced (SL508), and no window is left.
EXPECTED: dict[str, dict[str, set[tuple[str, str | None]]]] = {
    "SNS": {
        "adopt": {("SL508", "FnSource")},
        "rename": {("SL508", "FnSource")},
        "renamed": {("SL508", "FnSource")},
        "remove": {("SL505", "FnSource"), ("SL508", "FnSource"), ("SL512", "FnSource")},
        "complete": {("SL508", "FnSource")},
        "removed": {("SL508", "FnSource"), ("SL512", "FnSource")},
    },
    "S3": {"remove": {("SL512", "Bucket")}, "removed": {("SL512", "Bucket")}},
    "EventBridgeRule": {
        "create": {("SL505", "FnSource")},
        "adopt": {("SL505", "FnSource")},
        "rename": {("SL505", "FnSource")},
        "remove": {("SL505", "FnSource"), ("SL512", "FnSource")},
        "removed": {("SL512", "FnSource")},
    },
}


@pytest.mark.parametrize("deploy", STEPS)
@pytest.mark.parametrize("event", sorted(EVENTS))
def test_an_asynchronous_source_with_an_event_invoke_config_deploys_as_reasoned(
    event: str, deploy: str
) -> None:
    previous, new = sam_sequence(event)[deploy]
    outcome = simulate(previous, new)
    assert findings(outcome) == EXPECTED[event].get(deploy, set())
    assert not outcome.failed


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_without_the_macros_order_the_adopted_source_would_get_the_defaults(event: str) -> None:
    """The rule itself, on the macro's output with the order on the config taken away."""
    before, out = sam_sequence(event)["adopt"]
    unordered = copy.deepcopy(out)
    (source,) = [
        rid
        for rid, r in unordered["Resources"].items()
        if "FnEventInvokeConfig" in r.get("DependsOn", [])
    ]
    unordered["Resources"][source]["DependsOn"].remove("FnEventInvokeConfig")
    found = [c for c in codes(simulate(before, unordered)) if c[0] == "SL512"]
    assert found == [("SL512", source)]


def alb(name: str | None = None) -> dict[str, Any]:
    """A hand-written function behind an ALB listener, its target group ordered after the
    permission ELB checks when it registers the function."""
    arn = {"Fn::GetAtt": ["Fn", "Arn"]}
    group: dict[str, Any] = {"TargetType": "lambda", "Targets": [{"Id": arn}]}
    if name:
        group["Name"] = name
    forward = [{"Type": "forward", "TargetGroupArn": {"Ref": "TargetGroup"}}]
    function = {
        "Runtime": "python3.12",
        "Handler": "app.handler",
        "Role": "arn:aws:iam::123456789012:role/fn",
        "Code": {"S3Bucket": "artifacts", "S3Key": "app.zip"},
    }
    grant = {
        "Action": "lambda:InvokeFunction",
        "FunctionName": arn,
        "Principal": "elasticloadbalancing.amazonaws.com",
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": function},
            "FnElbPermission": {"Type": "AWS::Lambda::Permission", "Properties": grant},
            "TargetGroup": {
                "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                "DependsOn": "FnElbPermission",
                "Properties": group,
            },
            "Listener": {
                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                "Properties": {
                    "LoadBalancerArn": LOAD_BALANCER,
                    "Port": 80,
                    "Protocol": "HTTP",
                    "DefaultActions": forward,
                },
            },
        },
    }


@functools.cache
def alb_sequence(name: str | None) -> dict[str, Pair]:
    return pairs(alb(name=name))


def _group(template: dict[str, Any]) -> str:
    (rid,) = [r for r, v in template["Resources"].items() if v["Type"].endswith("TargetGroup")]
    return rid


# A target group that moves to another target gets a new logical ID from SafeLambda (adopt: the
# alias; rename: the hash covers the alias it names) or back its own (remove): CloudFormation
# creates the new group, after the permission (the author's order, which SafeLambda keeps), moves
# the listener and deletes the old group in cleanup. A code or configuration change keeps it, and
# so do Prepare (nothing moves), Release (the group stays on the alias) and NextAliasName (the
# group stays on the current alias; the deploy that renames after it replaces it as a rename).
KEPT = frozenset({"code", "configuration", "prepare", "release", "next"})


@pytest.mark.parametrize("deploy", STEPS)
@pytest.mark.parametrize("name", [None, "orders"], ids=["generated-name", "fixed-name"])
def test_an_alb_target_group_is_replaced_by_a_new_logical_id_and_nothing_breaks(
    name: str | None, deploy: str
) -> None:
    previous, new = alb_sequence(name)[deploy]
    outcome = simulate(previous, new)
    assert codes(outcome) == []
    group = outcome.action(_group(new))
    assert group is not None
    assert (group.change == "create") is (deploy not in KEPT)
    if previous is not None and _group(previous) != _group(new):
        assert outcome.action(_group(previous), Phase.CLEANUP) is not None


@pytest.mark.parametrize("deploy", ["adopt", "rename"])
def test_a_target_group_kept_under_its_logical_id_would_fail_the_deploy(deploy: str) -> None:
    """The rule itself: the macro's output with the group under the previous logical ID."""
    previous, new = alb_sequence(None)[deploy]
    assert previous is not None
    old, rotated = _group(previous), _group(new)
    kept = copy.deepcopy(new)
    kept["Resources"] = {(old if r == rotated else r): v for r, v in kept["Resources"].items()}
    kept["Resources"]["Listener"]["Properties"]["DefaultActions"][0]["TargetGroupArn"] = {
        "Ref": old
    }
    outcome = simulate(previous, kept)
    assert codes(outcome) == [("SL513", old)]
    assert outcome.failed
