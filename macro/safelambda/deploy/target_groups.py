"""A Lambda target group is made for one function: a new one is made for another.

An `AWS::ElasticLoadBalancingV2::TargetGroup` with `TargetType: lambda` registers one function,
alias or version. The ELB guide ("Lambda functions as targets") replaces the function by creating
a new target group and pointing the listener rules at it, and CloudFormation's in-place update
of `Targets` fails with "ElasticLoadBalancerV2 TargetGroup did not stabilize", its rollback too
(aws-cdk #8253 on an alias rename, #13833 moving between a function and its alias). A new logical
ID makes CloudFormation create the new group, move the listener and delete the old group in
cleanup, which is what SafeLambda's output does for the groups it moves to the alias (SL513).
A `Targets` that names a replaced alias or function changes too, though its text does not.
"""

from __future__ import annotations

from ..errors import Severity
from .changes import Change
from .tables import TARGET_GROUP
from .transition import Finding, Transition, finding

LAMBDA = "lambda"


def target_groups(t: Transition) -> list[Finding]:
    """SL513 for every Lambda target group whose target changes in place."""
    found: list[Finding] = []
    for rid, action in t.deploy.items():
        if action.type != TARGET_GROUP or action.change is not Change.UPDATE:
            continue
        if "Targets" not in action.properties:
            continue
        props = t.new.resources[rid].properties
        if str(props.get("TargetType", "")).lower() != LAMBDA:
            continue
        if not (props.get("Targets") and t.previous.resources[rid].properties.get("Targets")):
            continue  # a first target registered, or the last one removed: no swap
        before = sorted({c.target for c in t.old_calls if c.resource == rid})
        after = sorted({c.target for c in t.new_calls if c.resource == rid})
        found.append(_in_place(rid, before, after))
    return found


def _in_place(rid: str, before: list[str], after: list[str]) -> Finding:
    moved = f" from {', '.join(before) or 'its target'} to {', '.join(after) or 'another'}"
    return finding(
        "SL513",
        Severity.ERROR,
        f"changes its Lambda target in place{moved}: a Lambda target group is made for one "
        "function (the ELB guide replaces it by a new target group), and CloudFormation's "
        "update fails with 'TargetGroup did not stabilize' and fails to roll back (aws-cdk "
        "#8253, #13833); give the target group a new logical ID, so that the listener moves to "
        "a new group and the old one is deleted in cleanup",
        rid,
        Previous=before,
        Targets=after,
    )
