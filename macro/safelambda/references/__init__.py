"""Step 6, rewrite references: every invocation of a function moves to its alias. The step is
`references.run`; `catalog` is the table of places, `place`, `qualifier`, `permissions` and `iam`
rewrite them, `transitions` makes the deploy of the result safe (`rotation` gives API Deployments
and target groups new IDs, `ordering` adds `DependsOn`, `grants` reports grants left outside;
`apis` reads the APIs), `invocations` finds the unqualified ones for `check`, the cfn-lint rules
and the tests, `usage` and `permissions.granted_service` name the service each integration and
permission belongs to. The catalog, which of its actions invoke, and how principals and IAM
actions are read are shared with the deploy model."""

from . import catalog
from .grants import PRINCIPALS
from .iam import allows_invoke
from .invocations import INVOKING, Invocation, invocations, unqualified
from .permissions import granted_service
from .references import run
from .usage import ANY, URL, matches, principal_service, services_of

__all__ = [
    "ANY",
    "INVOKING",
    "PRINCIPALS",
    "URL",
    "Invocation",
    "allows_invoke",
    "catalog",
    "granted_service",
    "invocations",
    "matches",
    "principal_service",
    "run",
    "services_of",
    "unqualified",
]
