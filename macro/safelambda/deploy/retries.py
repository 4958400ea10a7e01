"""Asynchronous invocations get the event invoke config that exists at that moment.

Lambda queues an asynchronous event and applies its target's `AWS::Lambda::EventInvokeConfig`
(retries, maximum age, destinations); a target with none gets Lambda's defaults, two retries and
no destination ("Invoking a Lambda function asynchronously", Lambda guide). A config configures
one qualifier, and `Qualifier` is create-only (`data/create_only.tsv`; `AWS::Lambda::
EventInvokeConfig` reference: "Update requires: Replacement"), so moving a caller to an alias
moves it to a config that is created in this deploy. When an asynchronous caller
(`tables.ASYNCHRONOUS`) starts invoking a target before that target's new config exists, the
events in between are retried by the defaults and their failures go to no destination (SL512).
This matters only where the previous stack had a config for what the caller invoked (or for the
function): otherwise the defaults are all it ever had.
"""

from __future__ import annotations

from ..errors import Severity
from .tables import ASYNCHRONOUS, EVENT_INVOKE_CONFIG
from .targets import Call
from .transition import Finding, Transition, finding

CONFIGURED = "Properties.FunctionName"  # with its `Qualifier`, what a config configures


def configs(calls: list[Call], types: dict[str, str]) -> dict[str, list[str]]:
    """Target -> the event invoke configs that configure it, in document order."""
    found: dict[str, list[str]] = {}
    for call in calls:
        if types.get(call.resource) == EVENT_INVOKE_CONFIG and call.path == CONFIGURED:
            found.setdefault(call.target, []).append(call.resource)
    return found


def retries(t: Transition) -> list[Finding]:
    """SL512 for every asynchronous caller that starts invoking a target before its new
    event invoke config exists."""
    new = configs(t.new_calls, {rid: r.type for rid, r in t.new.resources.items()})
    old = configs(t.old_calls, {rid: r.type for rid, r in t.previous.resources.items()})
    before: dict[str, set[str]] = {}
    for call in t.old_calls:
        before.setdefault(call.resource, set()).add(call.target)
    found: list[Finding] = []
    for call in t.new_calls:
        if t.new.type_of(call.resource) not in ASYNCHRONOUS:
            continue
        had = before.get(call.resource, set())
        if not (t.renewed(call.target) or t.renewed(call.resource) or call.target not in had):
            continue  # it invoked this target before, under the config it had then
        if not old.keys() & {*had, call.function, call.target}:
            continue  # the defaults are all it ever had
        late = [c for c in new.get(call.target, []) if t.renewed(c)]
        late = [c for c in late if not t.before(c, call.resource)]
        if late:
            found.append(_defaults(t, call, late))
    return found


def _defaults(t: Transition, call: Call, late: list[str]) -> Finding:
    names = ", ".join(late)
    if any(t.before(call.resource, c) for c in late):
        advice = (
            f"{names} waits for {call.resource} (its destination names it), so no order can "
            f"close it: configure {call.target} in a deploy of its own first, or accept the "
            "defaults for this deploy"
        )
    else:
        advice = f"add DependsOn: [{names}] to {call.resource}"
    return finding(
        "SL512",
        Severity.WARNING,
        f"starts invoking {call.target} asynchronously ({call.place}) in this deploy, but "
        f"nothing orders it after {names}, which configures {call.target} and is created or "
        "replaced in this deploy: until it exists, events get Lambda's defaults (2 retries, no "
        f"destination) instead of its retries and destinations; {advice}",
        call.resource,
        Integration=call.resource,
        Place=call.place,
        Target=call.target,
        Configs=late,
    )
