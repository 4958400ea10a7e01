"""Step 6, rewrite references: every invocation of a function moves to its alias. The step is
`references.run`; `catalog` is the table of places, `place`, `qualifier`, `permissions` and `iam`
rewrite them, `transitions` makes the deploy of the result safe (`rotation` gives API Deployments
and target groups new IDs, `ordering` adds `DependsOn`, `grants` reports grants left outside;
`apis` reads the APIs), `invocations` finds the unqualified ones for `check` and the tests."""

from .invocations import Invocation, invocations, unqualified
from .references import run

__all__ = ["Invocation", "invocations", "run", "unqualified"]
