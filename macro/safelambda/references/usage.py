"""Who invokes each function after the rewrite, through which service, qualified or not.

Resource policies (`AWS::Lambda::Permission`) grant a *service principal* the right to invoke
one ARN; a permission on the function does not cover its alias, and the reverse (Lambda
developer guide, "Using aliases": a permission applies only to the ARN it names). So the
permission step needs to know, per function and per service, whether an integration now
invokes the alias and whether anything still invokes the unqualified function.
"""

from __future__ import annotations

import re
from functools import lru_cache

ANY = "*"  # a service we cannot name: matches every principal
URL = "function-url"  # Function URLs are granted with lambda:InvokeFunctionUrl, not a service

SUFFIX = re.compile(r"\.(amazonaws\.com(\.cn)?|amazon\.com|c2s\.ic\.gov|sc2s\.sgov\.gov)$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


@lru_cache(maxsize=256)  # a few types per template, asked once per reference
def services_of(resource_type: str) -> str:
    """The service of a resource type, as `principal_service` names it: `AWS::SNS::Topic` -> sns."""
    if resource_type == "AWS::Lambda::Url":
        return URL
    parts = resource_type.split("::")
    if len(parts) != 3 or parts[0] != "AWS":
        return ANY  # custom resources and third-party types: anyone
    return parts[1].lower()


def principal_service(principal: object) -> str | None:
    """`logs.eu-west-1.amazonaws.com` -> `logs`; None for accounts, ARNs, `*` and intrinsics.

    The last label names the service (`lambda.alarms.cloudwatch`, `hooks.cloudformation`).
    """
    if not isinstance(principal, str) or not SUFFIX.search(principal):
        return None
    labels = [p for p in SUFFIX.sub("", principal.lower()).split(".") if not REGION.fullmatch(p)]
    return labels[-1] if labels else None


@lru_cache(maxsize=1024)  # a few services per template, asked for every grant and caller
def matches(principal: str, service: str) -> bool:
    """`apigateway` ~ `apigatewayv2`, `cognito-idp` ~ `cognito`, `bedrock` ~ `bedrockagentcore`."""
    a, b = principal.replace("-", ""), service.replace("-", "")
    return service == ANY or a.startswith(b) or b.startswith(a)


class Usage:
    """Per function: services that invoke it qualified, services that still invoke it bare."""

    def __init__(self) -> None:
        self.qualified: dict[str, set[str]] = {}
        self.unqualified: dict[str, set[str]] = {}

    def invokes_alias(self, function: str, resource_type: str) -> None:
        self.qualified.setdefault(function, set()).add(services_of(resource_type))

    def invokes_bare(self, function: str, resource_type: str) -> None:
        self.unqualified.setdefault(function, set()).add(services_of(resource_type))

    def alias_used(self, function: str, service: str | None) -> bool:
        used = self.qualified.get(function, set())
        return bool(used) if service is None else any(matches(service, s) for s in used)

    def bare_used(self, function: str, service: str | None) -> bool:
        """Something may still invoke the unqualified function through this service."""
        left = self.unqualified.get(function, set()) | self.unqualified.get(ANY, set())
        return bool(left) if service is None else any(matches(service, s) for s in left)
