"""Who a stack lets invoke what: resource policies and IAM policies, as grants.

An `AWS::Lambda::Permission` lets one principal (a service, an account, anyone) invoke the one
ARN its `FunctionName` names: the function, an alias or a version, never the others (Lambda
guide, "Using aliases"), optionally only from the `SourceArn` it names. Services that assume an
IAM role (`tables.GRANTED_BY`) are granted by a statement allowing `lambda:InvokeFunction` in a
policy of that role: the role's own `Policies`, or an `AWS::IAM::Policy`, `ManagedPolicy` or
`RolePolicy` attached to it (the catalog's EXTEND_IAM places).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ..references import URL, allows_invoke, catalog, matches, principal_service
from ..template import names_in
from .stack import Stack
from .tables import BY_PERMISSION, BY_ROLE, PERMISSION, ROLE
from .targets import EVERYTHING, arn_of_everything, function_of, targets_in

INVOKE_URL = "lambda:invokefunctionurl"


class Grant(NamedTuple):
    resource: str
    by: str  # BY_PERMISSION or BY_ROLE
    service: str | None  # the principal's service; None: an account or anyone
    covers: frozenset[str]  # targets (see `targets`), with their wildcard forms
    # BY_PERMISSION: the resources its SourceArn names (None: from anywhere);
    # BY_ROLE: the roles it is a policy of.
    scope: frozenset[str] | None
    # `lambda:InvokeFunctionUrl`: what a Function URL needs, from any principal it names.
    url: bool = False

    def grants(self, stack: Stack, target: str) -> bool:
        function = function_of(stack, target)
        qualified = target != function
        return bool(
            {target, EVERYTHING, f"{function}*"} & self.covers
            or (qualified and f"{function}:*" in self.covers)
        )

    def serves(self, by: str, service: str, near: frozenset[str]) -> bool:
        """It grants a caller of this kind and service that is, or names, one of `near`."""
        if by != self.by:
            return False
        if by == BY_ROLE:
            return bool(self.scope and self.scope & near)
        if self.url != (service == URL):
            return False
        if self.url:
            return True  # its SourceArn names who calls the URL (a distribution), not the URL
        if self.service is not None and not matches(self.service, service):
            return False
        return self.scope is None or bool(self.scope & near)


def grants(stack: Stack) -> list[Grant]:
    """Every grant of `stack`, in document order."""
    roles = set(stack.of_type(ROLE))
    managed = _managed(stack, roles)
    found: list[Grant] = []
    for rid, resource in stack.resources.items():
        if resource.type == PERMISSION:
            grant = _permission(stack, rid, resource.properties)
            if grant is not None:
                found.append(grant)
            continue
        covers: set[str] = set()
        for entry in catalog.entries_for(resource.type):
            if entry.action == "EXTEND_IAM":
                for _, document in catalog.expand(resource.properties, entry.path):
                    covers |= _invocable(stack, document)
        if covers:
            scope = {rid} if rid in roles else _attached(resource.properties, roles)
            scope |= managed.get(rid, set())
            found.append(Grant(rid, BY_ROLE, None, frozenset(covers), frozenset(scope)))
    return found


def _permission(stack: Stack, rid: str, props: dict[str, Any]) -> Grant | None:
    action = props.get("Action")
    url = isinstance(action, str) and action.lower() == INVOKE_URL
    if not (url or allows_invoke(action)):
        return None
    covers = targets_in(props.get("FunctionName"), stack)
    if not covers:
        return None
    principal = props.get("Principal")
    service = principal_service(principal) if isinstance(principal, str) else None
    source = frozenset(names_in(props.get("SourceArn")) & stack.resources.keys())
    return Grant(rid, BY_PERMISSION, service, frozenset(covers), source or None, url)


def _invocable(stack: Stack, document: Any) -> set[str]:
    """The targets an IAM policy document allows to invoke."""
    found: set[str] = set()
    for statement in _statements(document):
        if statement.get("Effect") != "Allow" or not allows_invoke(statement.get("Action")):
            continue
        items = statement.get("Resource")
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, str) and arn_of_everything(item):
                found.add(EVERYTHING)
            else:
                found |= targets_in(item, stack)
    return found


def _statements(document: Any) -> Iterator[dict[str, Any]]:
    statements = document.get("Statement") if isinstance(document, dict) else None
    for statement in statements if isinstance(statements, list) else [statements]:
        if isinstance(statement, dict):
            yield statement


def _attached(props: dict[str, Any], roles: set[str]) -> set[str]:
    """The roles a policy names (`Roles`, `RoleName`), outside its document."""
    return names_in({k: v for k, v in props.items() if k != "PolicyDocument"}) & roles


def _managed(stack: Stack, roles: set[str]) -> dict[str, set[str]]:
    """Managed policy -> the roles whose `ManagedPolicyArns` name it."""
    found: dict[str, set[str]] = {}
    for role in roles:
        for policy in names_in(stack.resources[role].properties.get("ManagedPolicyArns")):
            found.setdefault(policy, set()).add(role)
    return found
