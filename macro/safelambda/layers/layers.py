"""Step 3: every function gets the layers built for its architecture, region and partition.

Lambda does not check that a layer matches the function's architecture: an x86 extension on an
arm64 function fails only at run time (`exec format error`, `Extension.LaunchError`). This step
runs before hashing, so a layer change publishes a new Version.

A function asks for a layer by family name, in `Layers` (`safelambda:datadog-extension`) or in
its `Metadata.SafeLambda.Layers` (appended after `Layers`). A literal ARN the mapping knows but
of the other architecture is swapped for its sibling; an unknown ARN whose name says the other
architecture is reported. `architecture_mismatches` runs the same rules without rewriting, for
`safelambda check`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import ENVIRONMENT, function_settings
from ..errors import Problem, error
from ..template import FUNCTION, DeployContext, Resolver, functions, properties
from ..work import Work
from . import catalog as layer_catalog
from .families import PREFIX
from .plan import ArchTree, Planner, architecture

SERVERLESS_FUNCTION = "AWS::Serverless::Function"
MAPPING_VARIABLE = next(var for var, key in ENVIRONMENT.items() if key == "Layers")


def run(work: Work) -> None:
    catalog, problems = layer_catalog.catalog(work.settings.layer_mappings)
    work.problems += problems
    if problems:
        return
    for logical_id, resource in functions(work.resources):
        settings, found = function_settings(work.settings, logical_id, resource.get("Metadata"))
        if found:
            continue  # the versions step reports them
        props = properties(resource)
        requested, found = requested_families(logical_id, resource.get("Metadata"))
        if settings.skip:
            found += _skipped(logical_id, props.get("Layers"), requested)
        if found or settings.skip or ("Layers" not in props and not requested):
            work.problems += found
            continue
        planner = Planner(catalog, work.resolver, logical_id, settings.strict)
        new = _plan(planner, props, requested)
        work.problems += dict.fromkeys(planner.problems)  # each arch branch may find the same
        if planner.changed:
            work.edit(logical_id)["Properties"] = {**props, "Layers": new}


def _plan(planner: Planner, props: dict[str, Any], requested: list[str]) -> Any:
    tree: ArchTree | None = architecture(planner.resolver, props)
    if tree is None:
        planner.problems.append(
            error(
                "SL204",
                "Architectures must resolve at deploy time to [x86_64] or [arm64] (from "
                "literals, parameters, mappings or conditions); SafeLambda never guesses the "
                "architecture its layers are chosen for",
                planner.logical_id,
                "Properties.Architectures",
            )
        )
        return props.get("Layers")
    return planner.plan(props.get("Layers"), requested, tree)


def requested_families(logical_id: str, metadata: Any) -> tuple[list[str], list[Problem]]:
    """The family names in a function's `Metadata.SafeLambda.Layers` (prefix optional)."""
    own = metadata.get("SafeLambda") if isinstance(metadata, dict) else None
    value = own.get("Layers") if isinstance(own, dict) else None
    if value is None:
        return [], []
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return list(value), []
    return [], [
        error(
            "SL209",
            "must be a list of layer family names",
            logical_id,
            "Metadata.SafeLambda.Layers",
        )
    ]


def _skipped(logical_id: str, layers: Any, requested: list[str]) -> list[Problem]:
    written = layers if isinstance(layers, list) else []
    asked = requested or [v for v in written if isinstance(v, str) and v.startswith(PREFIX)]
    if not asked:
        return []
    message = "Skip is set, so SafeLambda cannot resolve the layer families this function asks for"
    return [error("SL202", message, logical_id, "Metadata.SafeLambda.Skip")]


# -- `safelambda check` ----------------------------------------------------------------------


def architecture_mismatches(
    template: Any, context: DeployContext, environ: Mapping[str, str] | None = None
) -> list[Problem]:
    """Functions whose layers do not fit their architecture, in region `context.region`.

    Reads `AWS::Lambda::Function` and `AWS::Serverless::Function` (with SAM `Globals`) and
    changes nothing. A known layer of the other architecture is an error (SL206); the mapping
    sources are the bundled catalog, `environ`'s SAFELAMBDA_LAYER_MAPPING and the template's
    `Metadata.SafeLambda.Layers`.
    """
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        return []
    catalog, problems = layer_catalog.catalog(_check_sources(template, environ or {}))
    if problems:
        return problems
    resolver = Resolver(template, context)
    globals_ = _globals(template)
    for logical_id, resource in template["Resources"].items():
        props = _function_properties(resource, globals_)
        if props is None:
            continue
        requested, found = requested_families(str(logical_id), resource.get("Metadata"))
        planner = Planner(catalog, resolver, str(logical_id), rewrite=False)
        if "Layers" in props or requested:
            _plan(planner, props, requested)
        problems += found + planner.problems
    return list(dict.fromkeys(problems))


def _check_sources(template: dict[str, Any], environ: Mapping[str, str]) -> list[tuple[str, Any]]:
    sources: list[tuple[str, Any]] = []
    if environ.get(MAPPING_VARIABLE):
        sources.append((MAPPING_VARIABLE, environ[MAPPING_VARIABLE]))
    metadata = template.get("Metadata")
    own = metadata.get("SafeLambda") if isinstance(metadata, dict) else None
    if isinstance(own, dict) and "Layers" in own:
        sources.append(("Metadata.SafeLambda.Layers", own["Layers"]))
    return sources


def _globals(template: dict[str, Any]) -> dict[str, Any]:
    found = template.get("Globals")
    function = found.get("Function") if isinstance(found, dict) else None
    return function if isinstance(function, dict) else {}


def _function_properties(resource: Any, globals_: dict[str, Any]) -> dict[str, Any] | None:
    """The properties that decide layers, with SAM `Globals` applied as SAM applies them."""
    if not isinstance(resource, dict) or resource.get("Type") not in (
        FUNCTION,
        SERVERLESS_FUNCTION,
    ):
        return None
    props = properties(resource)
    if resource["Type"] == FUNCTION:
        return props
    merged = dict(props)
    if "Architectures" not in merged and "Architectures" in globals_:
        merged["Architectures"] = globals_["Architectures"]
    shared, own = globals_.get("Layers"), props.get("Layers")
    if isinstance(shared, list):  # SAM appends a function's list to the global one
        merged["Layers"] = shared + own if isinstance(own, list) else shared
    return merged
