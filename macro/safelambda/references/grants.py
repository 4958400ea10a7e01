"""Which permissions let an integration invoke a function's alias, and which have none (SL307).

Services that push events or requests to Lambda invoke through the function's resource policy,
and a statement applies only to the ARN it names (Lambda developer guide, "Using aliases"). Once
an integration invokes the alias, a grant on the function no longer covers it: the template must
grant the alias, or the grant lives elsewhere (another stack, the console) and stops matching
after this deploy. A permission covers an integration when it grants the alias to the service
that integration is, for any source or for a source the integration is or names (an API, a
topic, a rule).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..errors import warning
from ..template import Path, function_of, names_in, properties, render_path
from ..work import Work
from . import apis
from .graph import Graph
from .permissions import service_of
from .place import Context
from .usage import matches, services_of

PERMISSION = "AWS::Lambda::Permission"
RESOURCE_POLICY = "AWS::Lambda::ResourcePolicy"
# Integrations whose service invokes through the function's resource policy, and the principal
# to grant (Lambda developer guide, the page of each service under "Invoking Lambda with events
# from other AWS services"; ELB guide, "Lambda functions as targets"). Role-based callers (event
# source mappings, Step Functions, Scheduler, Pipes, AppSync data sources, Firehose) need none.
PRINCIPALS: dict[str, str] = {
    **{
        t: "apigateway.amazonaws.com"
        for t in apis.CONTENT
        if t.rpartition("::")[2] in ("RestApi", "Method", "Authorizer", "Api", "Integration")
    },
    "AWS::Events::Rule": "events.amazonaws.com",
    "AWS::SNS::Topic": "sns.amazonaws.com",
    "AWS::SNS::Subscription": "sns.amazonaws.com",
    "AWS::S3::Bucket": "s3.amazonaws.com",
    "AWS::Cognito::UserPool": "cognito-idp.amazonaws.com",
    "AWS::IoT::TopicRule": "iot.amazonaws.com",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "elasticloadbalancing.amazonaws.com",
    "AWS::Logs::SubscriptionFilter": "logs.amazonaws.com",
    "AWS::CloudWatch::Alarm": "lambda.alarms.cloudwatch.amazonaws.com",
    "AWS::SecretsManager::RotationSchedule": "secretsmanager.amazonaws.com",
    "AWS::Config::ConfigRule": "config.amazonaws.com",
    "AWS::SES::ReceiptRule": "ses.amazonaws.com",
    "AWS::CodeCommit::Repository": "codecommit.amazonaws.com",
}
# Keys that make API Gateway invoke with a role instead of the resource policy: a Method's
# `Integration.Credentials`, an authorizer's, HTTP API `CredentialsArn`, OpenAPI `credentials`.
CREDENTIALS = frozenset(
    {"Credentials", "CredentialsArn", "AuthorizerCredentials", "AuthorizerCredentialsArn"}
    | {"credentials", "authorizerCredentials"}
)


class Grant(NamedTuple):
    resource_id: str
    service: str | None  # None: an account, `*`, or a principal known only at deploy time
    sources: tuple[str, ...]  # the resources its SourceArn names; empty: any source


class Grants:
    """The alias grants of the template, by function, read once after permissions moved."""

    def __init__(self, work: Work, context: Context, graph: Graph) -> None:
        self.work = work
        self.context = context
        self.graph = graph  # what each integration names, read once for both uses
        self.by_function: dict[str, list[Grant]] = {}
        self.policies: set[str] = set()  # functions an AWS::Lambda::ResourcePolicy grants
        # What each integration is and names, of what some grant's SourceArn names (tuples:
        # mostly empty or one name, and a set each was a twentieth of the peak memory).
        self.scopes: dict[str, tuple[str, ...]] = {}
        self.sources: set[str] = set()
        for rid, resource in work.resources.items():
            kind = resource["Type"]
            if kind not in (PERMISSION, RESOURCE_POLICY):
                continue
            props = properties(resource)
            named = props.get("FunctionName" if kind == PERMISSION else "ResourceArn")
            for fid in self._aliased(named):
                if kind == RESOURCE_POLICY:
                    self.policies.add(fid)
                    continue
                sources = names_in(props.get("SourceArn")) & work.resources.keys()
                self.sources |= sources
                grant = Grant(rid, service_of(work, resource), tuple(sorted(sources)))
                self.by_function.setdefault(fid, []).append(grant)

    def _aliased(self, value: Any) -> list[str]:
        owner, plans = self.context.owner, self.work.plans
        ref = value.get("Ref") if isinstance(value, dict) and len(value) == 1 else None
        names = {ref} if isinstance(ref, str) else names_in(value)  # mostly `!Ref FnAliaslive`
        return sorted({owner[n] for n in names if n in owner and plans[owner[n]].alias_id == n})

    def covering(self, resource_id: str, function: str) -> list[str]:
        """The permissions that let this resource's service invoke the function's alias."""
        service = services_of(self.work.resources[resource_id]["Type"])
        return [
            g.resource_id
            for g in self.by_function.get(function, [])
            if (g.service is None or matches(g.service, service))
            and (not g.sources or self._scoped(resource_id, g.sources))
        ]

    def _scoped(self, resource_id: str, sources: tuple[str, ...]) -> bool:
        """The resource is, belongs to or names one of a grant's sources."""
        if resource_id in sources:  # a rule's, a bucket's, an API's own permission
            return True
        scope = self.scopes.get(resource_id)
        if scope is None:  # a body may invoke hundreds of functions: read it once
            resource = self.work.resources[resource_id]
            named = set(self.graph.of(resource_id))
            if resource["Type"] in apis.CONTENT:
                named.add(apis.key_of(resource_id, resource) or resource_id)
            scope = self.scopes[resource_id] = tuple(sorted(named & self.sources))
        return any(s in scope for s in sources)

    def missing(self, resource_id: str, function: str, path: Path) -> None:
        """SL307 when a resource-policy caller of the alias has no grant in the template."""
        resource = self.work.resources[resource_id]
        principal = PRINCIPALS.get(resource["Type"])
        if principal is None or function in self.policies:
            return
        plan = self.work.plans[function]
        if self.covering(resource_id, function) or _role_based(
            properties(resource), {function, plan.alias_id}
        ):
            return
        self.work.problems.append(
            warning(
                "SL307",
                f"invokes {function} through its alias {plan.alias_id}, but no "
                f"AWS::Lambda::Permission in this template grants {principal} the alias, so "
                f"a grant made outside the template for {function} no longer covers it and the "
                "invocations fail after this deploy; add a permission with FunctionName "
                f"{plan.alias_id}, Principal {principal} and this resource's ARN as SourceArn",
                resource_id,
                render_path(("Properties", *path)),
            )
        )


def run(work: Work, context: Context, grants: Grants) -> None:
    for (resource_id, function), path in context.on_alias.items():
        grants.missing(work.replaced.get(resource_id, resource_id), function, path)


def _role_based(value: Any, names: set[str]) -> bool:
    """Every mention of `names` sits in a mapping that also names credentials (a role)."""
    found = False
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        node, covered = stack.pop()
        if isinstance(node, list):
            stack.extend((item, covered) for item in node)
        elif isinstance(node, dict) and function_of(node):
            if not names.isdisjoint(names_in(node)):
                if not covered:
                    return False
                found = True
        elif isinstance(node, dict):
            covered = covered or not CREDENTIALS.isdisjoint(node)
            stack.extend((item, covered) for item in node.values())
    return found
