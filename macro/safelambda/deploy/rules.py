"""The service rules that break deploys, as a table: each rule reads the transition and returns
coded findings that name the resources and say what to do.

| rule          | codes              | what breaks                                              |
|---------------|--------------------|----------------------------------------------------------|
| type_changes  | SL510              | CloudFormation refuses a new type under an old logical ID |
| versions      | SL501, SL502       | Lambda publishes no Version of an unchanged `$LATEST`    |
| snapshots     | SL503, SL504, SL506, SL507 | a stage serves its Deployment's snapshot          |
| windows       | SL505, SL509, SL511 | an invocation needs a grant that exists at that moment  |
| fan_out       | SL508              | a replaced integration delivers twice until cleanup      |
| retries       | SL512              | an asynchronous event meets the config that exists then  |
| target_groups | SL513              | a Lambda target group cannot change its target in place  |
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import Severity
from ..versions import LOCKED
from .changes import Change
from .retries import retries
from .stale import snapshots
from .tables import FAN_OUT, VERSION
from .target_groups import target_groups
from .transition import Finding, Transition, finding
from .windows import windows

Rule = Callable[[Transition], list[Finding]]


def type_changes(t: Transition) -> list[Finding]:
    """SL510: "Update of resource type is not permitted" (aws-sam-cli #6786) fails the update."""
    return [
        finding(
            "SL510",
            Severity.ERROR,
            f"changes type from {t.previous.type_of(a.logical_id)} to {a.type} under the same "
            "logical ID, which CloudFormation refuses ('Update of resource type is not "
            "permitted'): give the new resource a new logical ID",
            a.logical_id,
            Previous=t.previous.type_of(a.logical_id),
            Type=a.type,
        )
        for a in t.deploy.values()
        if a.change is Change.REPLACE and a.properties == ("Type",)
    ]


def versions(t: Transition) -> list[Finding]:
    """SL501, SL502: Lambda publishes a Version only of a `$LATEST` that changed since the last
    one ("PublishVersion": "Lambda doesn't publish a version if the function's configuration and
    code haven't changed since the last version"); CloudFormation then fails the Version with
    "A version for this Lambda function exists"."""
    created: dict[str, list[str]] = {}
    for rid in t.new.of_type(VERSION):
        if t.renewed(rid) and rid in t.new.owner:
            created.setdefault(t.new.owner[rid], []).append(rid)
    found: list[Finding] = []
    for function, made in created.items():
        if len(made) > 1:
            found.append(_two_versions(function, made))
        elif _unchanged_latest(t, function):
            found.append(_unchanged(t, function, made[0]))
    return found


def _unchanged_latest(t: Transition, function: str) -> bool:
    """The function existed, its version-locked properties did not change, and the previous
    stack already published a Version of it (so `$LATEST` equals a published version)."""
    action = t.deploy.get(function)
    if action is None or action.renewed or set(action.properties) & LOCKED:
        return False
    return any(t.previous.owner.get(v) == function for v in t.previous.of_type(VERSION))


def _two_versions(function: str, made: list[str]) -> Finding:
    return finding(
        "SL501",
        Severity.ERROR,
        f"{len(made)} Versions of {function} are created in one deploy ({', '.join(made)}): "
        "Lambda publishes the first and refuses the others ('A version for this Lambda function "
        f"exists'), which fails the stack; keep one AWS::Lambda::Version per function",
        function,
        Function=function,
        Versions=made,
    )


def _unchanged(t: Transition, function: str, version: str) -> Finding:
    action = t.deploy[function]
    what = f"changes only {', '.join(action.properties)}" if action.properties else "is unchanged"
    return finding(
        "SL502",
        Severity.ERROR,
        f"is a new Version of {function}, which {what}: no version-locked property changes, so "
        "Lambda publishes nothing and the stack fails with 'A version for this Lambda function "
        f"exists'; keep the previous Version's logical ID, or change {function} with it",
        version,
        Function=function,
        Version=version,
    )


def fan_out(t: Transition) -> list[Finding]:
    """SL508: a replaced integration of a fan-out type delivers twice until cleanup."""
    invoked = {c.resource: c.target for c in t.old_calls}
    found = []
    for rid, action in t.deploy.items():
        if action.change is Change.REPLACE and action.type in FAN_OUT and rid in invoked:
            now = sorted({c.target for c in t.new_calls if c.resource == rid})
            found.append(
                finding(
                    "SL508",
                    Severity.WARNING,
                    f"is replaced ({', '.join(action.properties)} cannot change in place): the "
                    "new one is created before the old one is deleted in cleanup, so until then "
                    f"each event is delivered twice, to {invoked[rid]} and to "
                    f"{', '.join(now) or 'the new target'}; make the handler idempotent, or "
                    "accept the duplicates of this one deploy",
                    rid,
                    Previous=invoked[rid],
                    Targets=now,
                )
            )
    return found


RULES: tuple[Rule, ...] = (
    type_changes,
    versions,
    snapshots,
    windows,
    fan_out,
    retries,
    target_groups,
)
