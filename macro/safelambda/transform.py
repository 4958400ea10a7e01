"""The pipeline: one pure function shared by the Lambda handler and the CLI.

Steps, in DESIGN.md's order: read settings, resolve (lazily, through `Resolver`), layers, hash and
version, rewrite references, report. The caller's template is never mutated: the steps change
only copies of what they change (`Work.edit`), and the result shares the rest with the input.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from . import layers, references, report, versions
from .config import template_settings
from .errors import Severity, TransformError, error
from .report import Report
from .template import RESOURCE_LIMIT, DeployContext, Resolver, checked
from .work import Work

Step = Callable[[Work], None]
STEPS: tuple[Step, ...] = (layers.run, versions.run, references.run)


class Result(NamedTuple):
    template: dict[str, Any]
    report: Report


def transform(
    fragment: Any,
    context: DeployContext | None = None,
    *,
    parameters: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Result:
    """Process one template; raise `TransformError` listing every error found.

    `context` is what CloudFormation tells the macro (region, account, parameter values);
    `parameters` are the transform's own parameters; `environ` the macro's settings.
    `fragment` is never changed. The result shares every value no step changed with it, so
    deep-copy the result before changing it in place if `fragment` must stay as it is.
    """
    # The steps build trees, which reference counting frees. Left running, the cycle collector
    # walked the caller's whole template again and again: 9% of the time at 200 functions.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _transform(fragment, context or DeployContext(), parameters or {}, environ or {})
    finally:
        if collecting:
            gc.enable()


def _transform(
    fragment: Any, context: DeployContext, parameters: Mapping[str, Any], environ: Mapping[str, str]
) -> Result:
    template, problems, names = checked(fragment)
    if problems:
        raise TransformError(problems)
    metadata = template.get("Metadata")
    own = metadata.get("SafeLambda", {}) if isinstance(metadata, dict) else {}
    settings, problems = template_settings(own, parameters, environ)
    if problems:
        raise TransformError(problems)
    work = Work(template, Resolver(template, context), settings, names=names)
    for step in STEPS:
        step(work)
    if len(work.resources) > RESOURCE_LIMIT:
        work.problems.append(
            error(
                "SL008",
                f"hold {len(work.resources)} resources once Versions and Aliases are added, "
                f"more than CloudFormation's {RESOURCE_LIMIT}; split the stack or set "
                "Skip: true on some functions",
                None,
                "Resources",
            )
        )
    errors = [p for p in work.problems if p.severity is Severity.ERROR]
    if errors:
        raise TransformError(errors)
    summary = report.build(work)
    report.attach(work.template, summary)
    return Result(work.template, summary)
