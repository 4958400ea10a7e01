"""The entry: `simulate(previous, new)` -> what CloudFormation does, and what breaks.

Both templates are processed CloudFormation (after every transform they list): `previous` is
the template the stack holds (None before its first deploy), `new` the one being deployed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Problem, Severity, TransformError
from ..template import DeployContext, checked
from .changes import Action, Phase, actions
from .graph import Graph
from .rules import RULES, Rule
from .stack import Stack, empty
from .transition import Finding, Transition


@dataclass(frozen=True)
class Deploy:
    """One deploy: every resource's action, in order, and the coded findings of the rules."""

    actions: tuple[Action, ...]  # the deploy phase in dependency order, then the cleanup phase
    findings: tuple[Finding, ...]
    graph: Graph  # the new template's dependencies

    def action(self, logical_id: str, phase: Phase = Phase.DEPLOY) -> Action | None:
        return next(
            (a for a in self.actions if a.logical_id == logical_id and a.phase is phase), None
        )

    def before(self, first: str, second: str) -> bool:
        """CloudFormation finishes `first` before it starts `second` (both in the new template)."""
        return self.graph.before(first, second)

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(f.problem for f in self.findings)

    @property
    def codes(self) -> list[str]:
        return [f.problem.code for f in self.findings]

    @property
    def failed(self) -> bool:
        """Some finding is an outage or a failed deploy (errors; windows are warnings)."""
        return any(f.problem.severity is Severity.ERROR for f in self.findings)


def simulate(
    previous: dict[str, Any] | None,
    new: dict[str, Any],
    context: DeployContext | None = None,
    previous_context: DeployContext | None = None,
    rules: tuple[Rule, ...] = RULES,
) -> Deploy:
    """Model the deploy of `new` onto a stack that holds `previous`.

    `context` carries the new deploy's region, account and parameter values; `previous_context`
    those of the previous one (default: the same). Raises `TransformError` with every problem
    when a template cannot be read (not a mapping, malformed intrinsics, a cycle). Neither
    template is changed.
    """
    context = context or DeployContext()
    _readable(new)
    before = empty()
    if previous is not None:
        _readable(previous)
        before = Stack(previous, previous_context or context)
    after = Stack(new, context)
    transition = Transition(before, after, actions(before, after))
    findings = tuple(f for rule in rules for f in rule(transition))
    return Deploy(transition.actions, findings, after.graph)


def _readable(template: Any) -> None:
    problems = [p for p in checked(template).problems if p.severity is Severity.ERROR]
    if problems:
        raise TransformError(problems)
