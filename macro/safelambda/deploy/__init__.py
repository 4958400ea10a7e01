"""What CloudFormation does going from the template a stack holds to a new one: a deploy is a
movie, not a picture (DESIGN.md). Pure like the core: templates in, a `Deploy` out.

The entry is `model.simulate(previous, new, context) -> Deploy`: `Deploy.actions` lists every
resource created, updated in place, replaced, deleted in cleanup or unchanged (`changes`), in
dependency order (`graph`); `Deploy.findings` the coded findings of the service rules
(`rules`: Lambda Versions, API Gateway snapshots in `stale`, grants and their windows in
`windows`, event invoke configs in `retries`, Lambda target groups in `target_groups`).
`stack` reads one template, `targets` and `grants` what it invokes and who may, `apis` its API
Gateway stages, `tables` the per-type facts. A rule is a function of a
`Transition` (both stacks and every action) to `Finding`s; `simulate(..., rules=)` runs others.
"""

from .changes import Action, Change, Phase
from .model import Deploy, simulate
from .rules import RULES, Rule
from .transition import Finding, Transition, finding

__all__ = [
    "RULES",
    "Action",
    "Change",
    "Deploy",
    "Finding",
    "Phase",
    "Rule",
    "Transition",
    "finding",
    "simulate",
]
