"""An invocation needs a grant that exists at that moment.

When a caller starts invoking a target in this deploy (a new integration, one moved to an alias,
a stage switched to a new snapshot, a route of an auto-deployed stage), the grant that lets its
service invoke that target must already exist: created earlier in the dependency order, or held
from before. A grant this deploy creates with no order against the caller leaves a window of
seconds in which invocations fail with a permission error, and EventBridge, SNS, Cognito and IoT
do not retry those (SL505); S3 checks the grant when the notification is configured and ELB when
it registers a Lambda target, so there the deploy fails (SL511). An integration moved to a new
target whose old grant lives outside the template leaves no grant at all (SL509).
"""

from __future__ import annotations

from typing import NamedTuple

from ..errors import Severity
from ..references import PRINCIPALS, URL, services_of
from .apis import content_of
from .grants import Grant
from .stack import Stack
from .tables import (
    ALIAS,
    BY_PERMISSION,
    BY_ROLE,
    CHECKED_WHEN_CONFIGURED,
    GRANTED_BY,
    ROLE,
    UNGRANTED,
    Checked,
)
from .targets import Call
from .transition import Finding, Transition, finding

WARNING = Severity.WARNING


class Caller(NamedTuple):
    """One call, and how its service is granted."""

    call: Call
    api: str | None  # the API whose content holds the call (its stages make it live)
    by: str  # BY_PERMISSION or BY_ROLE
    service: str

    def granting(self, stack: Stack, grants: list[Grant], target: str) -> list[Grant]:
        """The grants of `stack` that let this caller invoke `target`."""
        resource = self.call.resource
        near = frozenset({resource, *stack.names(resource), *([self.api] if self.api else [])})
        if self.by == BY_ROLE and not near & set(stack.of_type(ROLE)):
            # The role is named elsewhere (a Transfer server names its workflow's role): any
            # role of the template may be it.
            near = frozenset(stack.of_type(ROLE))
        return [
            g for g in grants if g.serves(self.by, self.service, near) and g.grants(stack, target)
        ]


class _Seen:
    """What the previous stack invoked: per integration, and per API (its snapshot)."""

    def __init__(self, t: Transition) -> None:
        content = content_of(t.old_apis)
        self.pairs = {(c.resource, c.target) for c in t.old_calls}
        self.by_api: dict[str, list[Call]] = {}
        self.by_resource: dict[str, list[Call]] = {}
        for call in t.old_calls:
            self.by_resource.setdefault(call.resource, []).append(call)
            if call.resource in content:
                self.by_api.setdefault(content[call.resource], []).append(call)

    def before(self, caller: Caller) -> list[Call]:
        if caller.api:
            return self.by_api.get(caller.api, [])
        return self.by_resource.get(caller.call.resource, [])


def windows(t: Transition) -> list[Finding]:
    """SL505, SL509 and SL511 for every call that starts in this deploy."""
    content = content_of(t.new_apis)
    seen = _Seen(t)
    found: list[Finding] = []
    reported: set[tuple[str, str]] = set()
    for call in t.new_calls:
        by = GRANTED_BY.get(t.new.type_of(call.resource) or "", BY_PERMISSION)
        api = content.get(call.resource)
        service = services_of(t.new.type_of(api or call.resource) or "")
        caller = Caller(call, api, by, service)
        if by == UNGRANTED or not _started(t, caller, seen):
            continue
        granting = caller.granting(t.new, t.new_grants, call.target)
        if not granting:
            found += _outside(t, caller, seen, reported)
            continue
        if not t.renewed(call.target) and caller.granting(t.previous, t.old_grants, call.target):
            continue  # granted before this deploy, and still until its cleanup
        if any(not t.changed(g.resource) for g in granting):
            continue  # an unchanged grant whose pattern (`Fn*`, `*`) covers the new target
        for actor in _actors(t, caller):
            if (actor, call.target) in reported or any(
                t.before(g.resource, actor) for g in granting
            ):
                continue
            reported.add((actor, call.target))
            found.append(_window(t, call, actor, granting))
    return found


def _started(t: Transition, caller: Caller, seen: _Seen) -> bool:
    call = caller.call
    if t.renewed(call.target):
        return True
    if caller.api is not None:
        before = {c.target for c in seen.before(caller)}
        return t.renewed(caller.api) or call.target not in before
    return t.renewed(call.resource) or (call.resource, call.target) not in seen.pairs


def _actors(t: Transition, caller: Caller) -> list[str]:
    """The resources whose action makes the call live: the caller itself, or for an API's
    content each stage that serves it from now on (a stale stage serves none of it)."""
    if caller.api is None:
        return [caller.call.resource]
    actors: list[str] = []
    for stage in t.new_apis[caller.api].stages:
        if stage.auto:
            actor = caller.call.resource
        elif stage.deployment and t.renewed(stage.deployment):
            actor = stage.resource
        else:
            continue
        if actor not in actors:
            actors.append(actor)
    return actors


def _window(t: Transition, call: Call, actor: str, granting: list[Grant]) -> Finding:
    names = ", ".join(g.resource for g in granting)
    cycle = any(t.before(actor, g.resource) for g in granting)
    advice = (
        f"{names} depends on {actor} (its SourceArn names it), so no DependsOn can order them: "
        f"{_first(t, call.target)}"
        if cycle
        else f"add DependsOn: [{names}] to {actor}"
    )
    checked = CHECKED_WHEN_CONFIGURED.get(t.new.type_of(actor) or "")
    if checked is not None:
        return _refused(call, actor, granting, checked.uncycle if cycle else advice, checked)
    return finding(
        "SL505",
        WARNING,
        f"starts invoking {call.target} ({call.place}) in this deploy, but "
        f"nothing orders it after {names}, which grants it and is itself created or changed in "
        "this deploy: for a few seconds invocations fail with a permission error, and "
        f"EventBridge, SNS, Cognito and IoT do not retry them; {advice}",
        actor,
        Integration=call.resource,
        Place=call.place,
        Target=call.target,
        Grants=[g.resource for g in granting],
    )


PROCEDURES = "(README, 'Adopting SafeLambda on a live stack')"


def _first(t: Transition, target: str) -> str:
    """What must come first: the deploy of SafeLambda's procedure that grants the target, when
    this deploy adopts or removes SafeLambda or renames its alias; else a deploy of the grant
    alone."""
    if t.new.processed and not t.previous.processed and t.previous.resources:
        return f"deploy once with Adoption: Prepare first {PROCEDURES}"
    if t.previous.processed and not t.new.processed:
        return f"deploy the stack's template once with Adoption: Release first {PROCEDURES}"
    renamed = _renamed_to(t, target)
    if renamed is not None:
        return f"deploy once with NextAliasName: {renamed} first {PROCEDURES}"
    return f"grant {target} in a deploy of its own first"


def _renamed_to(t: Transition, target: str) -> str | None:
    """The new alias name when `target` is the alias a rename between two SafeLambda outputs
    creates: a new alias of a function that had another in the previous template."""
    new = t.new.resources.get(target)
    if not (t.new.processed and t.previous.processed) or new is None or new.type != ALIAS:
        return None
    if target in t.previous.resources:
        return None
    function = t.new.owner.get(target)
    name = new.properties.get("Name")
    had = any(owner == function for owner, _ in t.previous.aliases)
    return name if isinstance(name, str) and had else None


def _refused(
    call: Call, actor: str, granting: list[Grant], advice: str, checked: Checked
) -> Finding:
    """SL511: the service checks the grant when it is configured, so the deploy fails."""
    names = ", ".join(g.resource for g in granting)
    return finding(
        "SL511",
        Severity.ERROR,
        f"is configured to invoke {call.target} ({call.place}) before {names} grants it, and "
        f"{checked.service} checks that grant {checked.refusal}; "
        + advice.format(grants=names, actor=actor),
        actor,
        Integration=call.resource,
        Place=call.place,
        Target=call.target,
        Grants=[g.resource for g in granting],
    )


def _outside(
    t: Transition, caller: Caller, seen: _Seen, reported: set[tuple[str, str]]
) -> list[Finding]:
    """SL509: moved from a target granted outside the template to one granted nowhere."""
    call = caller.call
    integration = caller.api or call.resource
    for old in seen.before(caller):
        if old.function != call.function or old.target == call.target:
            continue
        if caller.granting(t.previous, t.old_grants, old.target):
            continue
        if (integration, call.target) in reported:
            return []
        reported.add((integration, call.target))
        fix = _grant_to_add(caller, t.new.type_of(integration))
        return [
            finding(
                "SL509",
                WARNING,
                f"now invokes {call.target} instead of {old.target}, and no grant in this "
                f"template lets it invoke either: {old.target}'s grant lives outside the "
                f"template (another stack, a manual add-permission) and does not cover "
                f"{call.target}, so invocations fail after this deploy unless {call.target} is "
                f"granted too; {fix}",
                integration,
                Integration=call.resource,
                Place=call.place,
                Target=call.target,
                Previous=old.target,
            )
        ]
    return []


def _grant_to_add(caller: Caller, integration_type: str | None) -> str:
    """What to add so that the caller may invoke its new target: a role statement, a URL
    permission, or a permission for the principal the integration's service invokes as."""
    target = caller.call.target
    if caller.by == BY_ROLE:
        return f"allow lambda:InvokeFunction on {target} in the caller's role"
    if caller.service == URL:
        return f"let the URL's callers invoke it (lambda:InvokeFunctionUrl on {target})"
    principal = PRINCIPALS.get(integration_type or "")
    grantee = f"Principal {principal}" if principal else "its service as Principal"
    return f"add an AWS::Lambda::Permission with FunctionName {target} and {grantee}"
