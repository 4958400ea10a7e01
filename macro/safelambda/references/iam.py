"""EXTEND_IAM: a policy that lets a role invoke a function also lets it invoke the alias.

Roles, not resource policies, authorise Step Functions, Scheduler, Pipes, AppSync, Firehose and
other callers. Once their target is the alias, a statement naming only the function ARN no
longer matches the ARN they invoke. Each such statement keeps its resource and gains the alias
ARN; `Deny` statements are extended too, so a deny keeps covering what it covered. Under
`NextAliasName` each gains the next alias's ARN as well, so the deploy that renames the alias
finds its callers allowed already.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from itertools import pairwise
from typing import Any

from ..template import NO_VALUE_REF, SUB_VARIABLE, Path, function_of, retarget, sub_parts
from ..work import Rewrite
from .catalog import branches
from .place import Place, unrewritten

INVOKE = "lambda:invokefunction"
EFFECTS = ("Allow", "Deny")


def run(place: Place) -> None:
    for path, document in branches(place.value, place.path):
        if isinstance(document, dict) and not function_of(document):
            for where, statements in branches(document.get("Statement"), path + ("Statement",)):
                _statements(place, statements, where)
        elif document != NO_VALUE_REF and place.functions(document):
            unrewritten(
                place,
                "SL305",
                "is a policy document SafeLambda cannot read, so it does not allow the alias "
                "and a caller using it may be denied; allow lambda:InvokeFunction on the alias "
                "ARN yourself",
            )


def _statements(place: Place, statements: Any, path: Path) -> None:
    listed = statements if isinstance(statements, list) else [statements]
    for index, item in enumerate(listed):
        here = path + (index,) if isinstance(statements, list) else path
        for where, statement in branches(item, here):
            _extend(place, statement, where)


def allows_invoke(action: Any) -> bool:
    """True when an `Action` value matches `lambda:InvokeFunction` (wildcards, any case)."""
    actions = action if isinstance(action, list) else [action]
    return any(isinstance(a, str) and fnmatchcase(INVOKE, a.lower()) for a in actions)


def _extend(place: Place, statement: Any, path: Path) -> None:
    if not isinstance(statement, dict) or statement.get("Effect") not in EFFECTS:
        return
    if not allows_invoke(statement.get("Action")) or "Resource" not in statement:
        return
    resources = statement["Resource"]
    items = resources if isinstance(resources, list) else [resources]
    added: list[Any] = []
    for targets in (place.context.alias, place.context.next):
        for item in items:
            new, changes, _ = retarget(item, targets)
            if changes and not _wildcarded(item) and new not in items and new not in added:
                added.append(new)
    if added:
        place.work.edit(place.resource_id, ("Properties", *path))["Resource"] = items + added
        where = ("Properties", *path, "Resource")
        place.work.rewrites.append(Rewrite(place.resource_id, (where, resources, items + added)))


def _wildcarded(item: Any) -> bool:
    """`…function:${Fn}*` (SAM's LambdaInvokePolicy) already covers every qualifier."""
    parts = sub_parts(item.get("Fn::Sub")) if function_of(item) == "Fn::Sub" else None
    if parts:
        text = parts[0]
        return any(text.startswith("*", m.end()) for m in SUB_VARIABLE.finditer(text))
    join = item.get("Fn::Join") if function_of(item) == "Fn::Join" else None
    if isinstance(join, list) and len(join) == 2 and isinstance(join[1], list):
        pieces = join[1]
        return any(
            not isinstance(a, str) and isinstance(b, str) and b.startswith("*")
            for a, b in pairwise(pieces)
        )
    return False
