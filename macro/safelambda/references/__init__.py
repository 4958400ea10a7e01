"""Step 6, rewrite references: every invocation of a function moves to its alias. The step is
`references.run`; `catalog` is the table of places, `place`, `qualifier`, `permissions` and `iam`
rewrite them, `invocations` finds the unqualified ones for `check` and the tests, `usage` and
`permissions.granted_service` name the service each integration and permission belongs to."""

from .invocations import Invocation, invocations, unqualified
from .permissions import granted_service
from .references import run
from .usage import ANY, matches, services_of

__all__ = [
    "ANY",
    "Invocation",
    "granted_service",
    "invocations",
    "matches",
    "run",
    "services_of",
    "unqualified",
]
