"""Step 7: the summary SafeLambda leaves in the processed template's `Metadata.SafeLambda`."""

from __future__ import annotations

from typing import Any, NamedTuple

from .errors import Problem, Severity
from .versions import HASH_SCHEME
from .work import FunctionPlan, Rewrite, Work


class Report(NamedTuple):
    """What SafeLambda did to one template: functions, rewritten references, warnings."""

    functions: dict[str, dict[str, str]]
    rewrites: tuple[Rewrite, ...] = ()
    warnings: tuple[Problem, ...] = ()
    # What the deploy does beyond the rewrites (not in the template's metadata: a second run
    # finds them done and reports none): resources given a new logical ID (old, new), DependsOn
    # added (resource, on) and orders a cycle forbids (resource, what it cannot wait for).
    replaced: tuple[tuple[str, str], ...] = ()
    orderings: tuple[tuple[str, str], ...] = ()
    windows: tuple[tuple[str, str], ...] = ()

    def as_metadata(self) -> dict[str, Any]:
        """Compact and deterministic: it is part of the template CloudFormation stores."""
        out: dict[str, Any] = {"HashScheme": HASH_SCHEME, "Functions": self.functions}
        if self.warnings:
            out["Warnings"] = [w.render() for w in self.warnings]
        return out


def build(work: Work) -> Report:
    functions = {fid: _function(plan) for fid, plan in work.plans.items()}
    # Sorted, not in document order: the report is part of the template, and the same template
    # with its keys in another order must give the same bytes.
    warnings = tuple(
        sorted(
            (p for p in work.problems if p.severity is Severity.WARNING),
            key=lambda p: (p.resource or "", p.path or "", p.code, p.message),
        )
    )
    return Report(
        functions,
        tuple(work.rewrites),
        warnings,
        tuple(work.replaced.items()),
        tuple(work.orderings),
        tuple(work.windows),
    )


def _function(plan: FunctionPlan) -> dict[str, str]:
    out = {"Alias": plan.alias_id, "AliasName": plan.alias_name, "Version": plan.version_id}
    if plan.taken_over is not None:
        out["TakenOver"] = plan.taken_over  # whose Version it replaced: SAM, CDK, …
    if plan.next_alias_id and plan.settings.next_alias_name:
        # `NextAliasName`: the alias the next deploy's rename moves every integration to.
        out["NextAlias"] = plan.next_alias_id
        out["NextAliasName"] = plan.settings.next_alias_name
    return out


def attach(template: dict[str, Any], report: Report) -> None:
    metadata = template.get("Metadata")
    metadata = dict(metadata) if isinstance(metadata, dict) else {}
    own = metadata.get("SafeLambda")
    own = dict(own) if isinstance(own, dict) else {}
    own["Report"] = report.as_metadata()
    metadata["SafeLambda"] = own
    template["Metadata"] = metadata
