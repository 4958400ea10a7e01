"""`safelambda check`: a CI gate against the torn `$LATEST` of a Lambda update, and with
`--previous`, against what the deploy itself breaks (the deploy model, `safelambda.deploy`).

Each check is one entry of `CHECKS`: a function from the processed templates (`Subject`) to
findings. A finding is a coded `Problem` plus structured details for `--format json`. `gate`
runs them over a template and the local files it points to (`Nested`, `Definition`) and applies
acknowledgements.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..deploy import simulate
from ..errors import Problem, error
from ..layers import architecture_mismatches
from ..references import Invocation, invocations, unqualified
from ..template import FUNCTION, DeployContext, Resolver, properties
from .acknowledge import Acknowledgement

# What CloudFormation changes through each of the two parallel Lambda calls of an update
# (DESIGN.md "The problem"). `UpdateFunctionCode` sets the code and the architecture ...
CODE_SIDE = ("Code", "Architectures", "PackageType")
# ... `UpdateFunctionConfiguration` everything an invocation runs with. `Description` is left
# out: it is set by the same call but changes nothing an invocation sees, and SafeLambda's own
# marker changes it on every new version.
CONFIG_SIDE = (
    "Runtime",
    "Handler",
    "Layers",
    "Environment",
    "MemorySize",
    "Timeout",
    "Role",
    "VpcConfig",
    "DeadLetterConfig",
    "TracingConfig",
    "KmsKeyArn",
    "FileSystemConfigs",
    "EphemeralStorage",
    "ImageConfig",
    "SnapStart",
    "LoggingConfig",
    "RuntimeManagementConfig",
)
# A property left out means this value, so adding it with this value changes nothing.
DEFAULTS: dict[str, Any] = {"Architectures": ["x86_64"], "PackageType": "Zip"}


@dataclass(frozen=True)
class Processed:
    """One template after every transform it lists, and the deploy values it was read with."""

    template: dict[str, Any]
    context: DeployContext


@dataclass(frozen=True)
class Nested:
    """A local nested stack: the stack resource, its template file, the child as processed."""

    stack: str
    file: str
    subject: Subject


@dataclass(frozen=True)
class Definition:
    """A state machine's local definition file (`DefinitionS3Location`, `DefinitionUri`)."""

    resource: str
    property: str
    file: str
    document: Any


@dataclass(frozen=True)
class Subject:
    """What `check` looks at: the new template, and the previous one when given; the local
    files the new one points to; where acknowledgements are read (the template as written)."""

    new: Processed
    previous: Processed | None = None
    warnings: tuple[Problem, ...] = ()
    source: Mapping[str, Any] | None = None
    nested: tuple[Nested, ...] = ()
    definitions: tuple[Definition, ...] = ()
    problems: tuple[Problem, ...] = ()  # local files that could not be read or processed
    passed: Mapping[str, str] = field(default_factory=dict)  # parameter -> the parent's function


@dataclass(frozen=True)
class Finding:
    problem: Problem
    details: dict[str, Any] = field(default_factory=dict)
    file: str | None = None  # the local file it is in, when not the checked template
    stack: tuple[str, ...] = ()  # the nested stacks, from the checked template, it is in
    acknowledged: Acknowledgement | None = None

    @property
    def resource(self) -> str | None:
        """The resource's logical ID, after the nested stacks it is in (`Stack/Resource`)."""
        names = (*self.stack, self.problem.resource) if self.problem.resource else self.stack
        return "/".join(names) or None

    def render(self) -> str:
        problem = self.problem._replace(resource=self.resource)
        return f"{self.file}: {problem.render()}" if self.file else problem.render()

    def as_dict(self) -> dict[str, Any]:
        out = {**self.problem.as_dict(), "Severity": str(self.problem.severity), **self.details}
        out.update({"File": self.file} if self.file else {})
        out.update({"Stack": list(self.stack)} if self.stack else {})
        if self.acknowledged is not None:
            out["Acknowledged"] = self.acknowledged.as_dict()
        return out


# The catalog leaves these places as written (no AWS documentation proves an alias works
# there), so SafeLambda cannot fix them: SL302, for a team to review and acknowledge.
UNPROVEN = "REPORT"


def latest_invocations(subject: Subject) -> list[Finding]:
    """(a) Every catalogued place that invokes a function of the new template unqualified."""
    findings = []
    for place in unqualified(subject.new.template):
        function = subject.passed.get(place.function, place.function)
        message = f"invokes {function} unqualified: every call reaches $LATEST, which is torn "
        message += "while an update runs"
        code = "SL411"
        if place.action == UNPROVEN:
            code = "SL302"
            message += "; SafeLambda leaves it (an alias is unproven there): review and acknowledge"
        findings.append(
            Finding(error(code, message, place.resource, place.path), {"Function": function})
        )
    return findings


def torn_updates(subject: Subject) -> list[Finding]:
    """(c) Functions this change updates through both Lambda calls while callers hit $LATEST.

    CloudFormation updates a function before anything that references it, so during the update
    its callers are still configured as in the *previous* template: those are the exposed ones,
    even when the new template moves them to an alias.
    """
    if subject.previous is None:
        return []
    old, new = subject.previous, subject.new
    exposed: dict[str, list[Invocation]] = {}
    for place in unqualified(old.template):
        exposed.setdefault(place.function, []).append(place)
    findings = []
    for function, places in exposed.items():
        before = _function_properties(old, function)
        after = _function_properties(new, function)
        if before is None or after is None:
            continue
        code = _changed(before, after, CODE_SIDE)
        config = _changed(before, after, CONFIG_SIDE)
        if code and config:
            findings.append(_torn(function, code, config, places, new.template))
    return findings


def _torn(
    function: str,
    code: list[str],
    config: list[str],
    places: list[Invocation],
    new: dict[str, Any],
) -> Finding:
    protected = not any(p.function == function for p in unqualified(new)) and any(
        p.function == function for p in invocations(new)
    )
    advice = (
        "deploy the alias first, with no change to the function, then this change"
        if protected
        else "invoke it through an alias (Transform: SafeLambda)"
    )
    message = (
        f"updates code ({', '.join(code)}) and configuration ({', '.join(config)}) in parallel "
        f"while {', '.join(p.place for p in places)} invoke $LATEST; {advice}"
    )
    return Finding(
        error("SL412", message, function),
        {
            "Function": function,
            "CodeChanges": code,
            "ConfigurationChanges": config,
            "ExposedIntegrations": [p.place for p in places],
        },
    )


def _function_properties(processed: Processed, function: str) -> dict[str, Any] | None:
    resources = processed.template.get("Resources")
    resource = resources.get(function) if isinstance(resources, dict) else None
    if not (isinstance(resource, dict) and resource.get("Type") == FUNCTION):
        return None
    resolved = Resolver(processed.template, processed.context).resolve(properties(resource))
    return resolved if isinstance(resolved, dict) else None


def _changed(before: dict[str, Any], after: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    changed: list[str] = []
    for name in names:
        old, new = before.get(name, DEFAULTS.get(name)), after.get(name, DEFAULTS.get(name))
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            keys = sorted(set(old) | set(new))
            changed += [f"{name}.{k}" for k in keys if old.get(k) != new.get(k)]
        else:
            changed.append(name)
    return changed


def passed_warnings(subject: Subject) -> list[Finding]:
    """Warnings from the transforms themselves (e.g. SL301: a reference left on $LATEST); an
    SL302 the check reports itself, as a failing finding, is not repeated."""
    reported = [(f.problem.resource, f.problem.path or "") for f in latest_invocations(subject)]
    return [
        Finding(w)
        for w in subject.warnings
        if not (w.code == "SL302" and any(_within(w, r, p) for r, p in reported))
    ]


def _within(problem: Problem, resource: str | None, path: str) -> bool:
    where = problem.path or ""
    return problem.resource == resource and (path == where or path.startswith(where + "."))


def layer_mismatches(subject: Subject) -> list[Finding]:
    """(b) Layers built for another architecture than their function's (SL206 and kin)."""
    return [Finding(p) for p in architecture_mismatches(subject.new.template, subject.new.context)]


def deploy_model(subject: Subject) -> list[Finding]:
    """(d) With a previous template: what CloudFormation does going from it to the new one, and
    the service rules that break that deploy (SL5xx)."""
    if subject.previous is None:
        return []
    old, new = subject.previous, subject.new
    deploy = simulate(old.template, new.template, new.context, old.context)
    return [Finding(f.problem, dict(f.details)) for f in deploy.findings]


Check = Callable[[Subject], list[Finding]]
CHECKS: tuple[Check, ...] = (
    latest_invocations,
    layer_mismatches,
    torn_updates,
    deploy_model,
    passed_warnings,
)


def run(subject: Subject) -> list[Finding]:
    return [finding for check in CHECKS for finding in check(subject)]
