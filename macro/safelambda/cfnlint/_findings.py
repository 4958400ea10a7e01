"""What each rule finds: one function per rule ID, from the shared `Analysis`.

Each reads the template the way `safelambda check` does and reuses its parts: the integration
catalog (`references.invocations`/`unqualified`), the layer catalog
(`layers.architecture_mismatches`) and the deploy-time resolver. A finding is a cfn-lint path
and a message that starts with the SafeLambda code, as `check` prints it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..errors import Problem, error
from ..layers import PREFIX, architecture_mismatches
from ..references import (
    ANY,
    Invocation,
    granted_service,
    invocations,
    matches,
    services_of,
    unqualified,
)
from ..template import Resolver, properties
from . import _paths
from ._analysis import FUNCTION_TYPES, MACRO, Analysis, analysis
from ._paths import LintPath

Finding = tuple[LintPath, str]
SAM = "AWS::Serverless-2016-10-31"
PERMISSIONS = frozenset({"PERMISSION"})
# Which rule reports each code `architecture_mismatches` finds. Left out: SL204 (an
# architecture only the deploy knows: nothing to compare offline), SL205 (cfn-lint's schema
# counts layers), SL208 (a duplicate is harmless until the macro removes it).
LAYER_RULES = {
    "SL201": "E9206",
    "SL202": "E9206",
    "SL203": "E9206",
    "SL206": "E9206",
    "SL209": "E9206",
    "SL207": "W9207",
}
STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def find(rule_id: str, cfn: Any, macro_name: str = MACRO) -> list[Finding]:
    """The findings of rule `rule_id` on cfn-lint's template `cfn`."""
    found = analysis(cfn, macro_name)
    return RULES[rule_id](found) if found is not None else []


def steps(rendered: str | None) -> tuple[str | int, ...]:
    """`Properties.Layers[0]` -> `("Properties", "Layers", 0)`."""
    return tuple(int(index) if index else key for key, index in STEP.findall(rendered or ""))


def _place(found: Analysis, place: Invocation) -> str:
    if _paths.in_source(found.located, place.resource):
        return place.place
    return f"{place.place} (which {SAM} makes)"


# -- W9411: invocations of $LATEST -----------------------------------------------------------


def latest(found: Analysis) -> list[Finding]:
    """Every catalogued place that invokes a function unqualified, as `check` finds them.

    With SafeLambda in `Transform` only what the macro leaves unqualified is left; when the
    template cannot be processed offline (W9401 says why) the places as written are checked,
    unless the macro would have rewritten them.
    """
    if found.processed is None and found.macro:
        return []
    template = found.source if found.processed is None else found.processed
    advice = (
        "SafeLambda leaves this place unqualified (see its warnings for why)"
        if found.macro
        else "list SafeLambda in Transform, or invoke an alias"
    )
    return [
        (
            _paths.locate(found.located, place.resource, place.location, place.function),
            error(
                # As `check` codes it: a place the catalog leaves as written is SL302.
                "SL302" if place.action == UNPROVEN else "SL411",
                f"invokes {place.function} unqualified: every call reaches $LATEST, which is "
                f"torn while an update runs; "
                + (UNPROVEN_ADVICE if place.action == UNPROVEN else advice),
                _place(found, place),
            ).render(),
        )
        for place in unqualified(template)
    ]


UNPROVEN = "REPORT"  # the catalog's action for the places SafeLambda leaves as written
UNPROVEN_ADVICE = "SafeLambda leaves it (an alias is unproven there): review it"


# -- E9306: an alias or version invoked where only the function is granted ------------------


def grants(found: Analysis) -> list[Finding]:
    """Qualified invocations whose service has a permission on the unqualified function only.

    A permission applies only to the ARN it names (Lambda developer guide, "Using aliases":
    https://docs.aws.amazon.com/lambda/latest/dg/using-aliases.html), so the service is refused
    when it invokes the alias. Services that invoke through a role (event source mappings, Step
    Functions, Scheduler) have no permission at all and are never reported.
    """
    template = found.processed
    if template is None:
        return []
    resources = _paths.resources_of(template)
    resolver = Resolver(template, found.context)
    granted: dict[str, list[tuple[Invocation, str | None]]] = {}
    for grant in invocations(template, PERMISSIONS):
        service = granted_service(resolver, resources[grant.resource])
        granted.setdefault(grant.function, []).append((grant, service))
    findings = []
    for place in invocations(template):
        service = services_of(str(resources[place.resource]["Type"]))
        if not place.qualified or service == ANY:  # ANY: a caller we cannot name
            continue
        given = granted.get(place.function, [])
        bare = [g.resource for g, by in given if not g.qualified and by and matches(by, service)]
        covered = any(_covers(g, place) and (by is None or matches(by, service)) for g, by in given)
        if bare and not covered:
            findings.append(_ungranted(found, place, service, bare))
    return findings


def _covers(grant: Invocation, place: Invocation) -> bool:
    """A qualified grant covers the place when it names its alias or version, or when either
    names its qualifier only in a string (`${Fn.Arn}:live`), which offline reading cannot tell."""
    if not grant.qualified:
        return False
    unknown = place.function in (place.target, grant.target)
    return unknown or grant.target == place.target


def _ungranted(found: Analysis, place: Invocation, service: str, bare: list[str]) -> Finding:
    target = place.target if place.target != place.function else "the alias or version it names"
    message = (
        f"invokes {target} of {place.function} through {service}, but the template grants "
        f"{service} the unqualified function only ({', '.join(bare)}): a permission covers only "
        f"the ARN it names, so every call is refused; grant {target} too"
    )
    return (
        _paths.locate(found.located, place.resource, place.location, place.function),
        error("SL306", message, _place(found, place)).render(),
    )


# -- E9206, W9207: layers for the other architecture, family names ---------------------------


def _layer_problems(found: Analysis) -> list[Problem]:
    problems: list[Problem] = []
    for region in found.regions:
        problems += architecture_mismatches(found.source, found.context_in(region))
    return list(dict.fromkeys(problems))


def layers(found: Analysis) -> list[Finding]:
    """Layers for the other architecture and family names no mapping (or no macro) resolves.

    With SafeLambda in `Transform`, a known layer of the other architecture is swapped by the
    macro (SL206 is then a warning of its report) and is not a finding here.
    """
    families = [] if found.macro else _families_without_macro(found)
    flagged = {(p.resource, p.path) for p in families}
    kept = [
        p
        for p in _layer_problems(found)
        if LAYER_RULES.get(p.code) == "E9206"
        and not (found.macro and p.code == "SL206")
        and _deployed(found, p)
        and (p.resource, p.path) not in flagged
    ]
    return [_layer_finding(found, p) for p in families + kept]


def _deployed(found: Analysis, problem: Problem) -> bool:
    """Without the macro only `Layers` reaches Lambda: `Metadata.SafeLambda` means nothing."""
    return found.macro or str(problem.path).startswith("Properties.Layers")


def layer_names(found: Analysis) -> list[Finding]:
    """Unknown layers whose names say the other architecture (SL207)."""
    return [
        _layer_finding(found, p)
        for p in _layer_problems(found)
        if LAYER_RULES.get(p.code) == "W9207" and _deployed(found, p)
    ]


def _families_without_macro(found: Analysis) -> list[Problem]:
    """`safelambda:` names in `Layers` of a template that does not list the macro."""
    problems = []
    for logical_id, resource in _paths.resources_of(found.located).items():
        if not isinstance(resource, dict) or resource.get("Type") not in FUNCTION_TYPES:
            continue
        written = properties(resource).get("Layers")
        for index, layer in enumerate(written if isinstance(written, list) else []):
            if isinstance(layer, str) and layer.startswith(PREFIX):
                message = (
                    f"{layer} is a SafeLambda layer family, but the template does not list "
                    "SafeLambda in Transform: Lambda gets the name as written and rejects it"
                )
                problems.append(error("SL202", message, logical_id, f"Properties.Layers[{index}]"))
    return problems


def _layer_finding(found: Analysis, problem: Problem) -> Finding:
    if problem.resource is None:
        return _paths.deepest(found.located, steps(problem.path)), problem.render()
    path = _paths.deepest(found.located, ("Resources", problem.resource, *steps(problem.path)))
    return path, problem.render()


# -- W9401: what could not be processed offline ----------------------------------------------


def unprocessed(found: Analysis) -> list[Finding]:
    """Why the template could not be processed offline (the layer rules report their own)."""
    findings = []
    for problem in found.problems:
        if problem.code in LAYER_RULES:
            continue
        where = ("Resources", problem.resource) if problem.resource else ("Transform",)
        path = _paths.deepest(found.located, (*where, *steps(problem.path)))
        unseen = "SafeLambda cannot process the template offline, so its rules did not check"
        findings.append((path, f"{problem.render()} ({unseen} what the transforms make)"))
    return findings


RULES: dict[str, Callable[[Analysis], list[Finding]]] = {
    "W9411": latest,
    "E9306": grants,
    "E9206": layers,
    "W9207": layer_names,
    "W9401": unprocessed,
}
