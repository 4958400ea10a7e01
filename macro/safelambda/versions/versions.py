"""Step 5: give every function an immutable Version and an Alias that points at it.

The Version references the function, so CloudFormation creates it only after both parallel
update calls on `$LATEST` have finished; the Alias then moves in one step. Integrations that
invoke the alias never see the torn state in between.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import function_settings
from ..errors import error, warning
from ..template import functions, properties, render_path
from ..work import FunctionPlan, Work
from . import dependencies, hashing, takeover


def run(work: Work) -> None:
    # Hash every function first, over the template as given: taking over one function's SAM
    # Version must not change what another function's hash sees.
    planned: list[tuple[FunctionPlan, dict[str, Any], takeover.Existing]] = []
    owned = takeover.index(work.resources)
    for logical_id, resource in list(functions(work.resources)):
        settings, problems = function_settings(work.settings, logical_id, resource.get("Metadata"))
        work.problems += problems
        if settings.skip or problems:
            continue
        existing, problems = takeover.survey(
            work.resources, owned.get(logical_id, []), logical_id, settings.alias_name
        )
        work.problems += problems
        if problems:
            continue
        plan = FunctionPlan(logical_id, settings)
        _hash(work, plan, resource, existing.version_properties)
        planned.append((plan, resource, existing))
    renames: dict[str, str] = {}
    additions: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for plan, resource, existing in planned:
        renames.update(_take_over(work, plan, existing))
        additions[plan.logical_id] = _resources(work, plan, resource, existing)
        work.plans[plan.logical_id] = plan
    _insert(work, additions)
    if renames:
        # `FunctionVersion` of aliases, CodeDeploy hooks, Lambda@Edge associations, Outputs.
        work.rename(renames)


def _hash(
    work: Work, plan: FunctionPlan, resource: dict[str, Any], version_properties: Mapping[str, Any]
) -> None:
    props = properties(resource)
    own = dict(props)
    if "Description" in own:
        own["Description"] = hashing.strip_marker(own["Description"])
        if own["Description"] == "":
            # Lambda treats "" as no description; a marker-only Description left by an earlier
            # run must hash like the absent one it replaced, or a second run republishes.
            del own["Description"]
    locked, unknown = hashing.split_properties(own)
    for name in unknown:
        work.problems.append(
            warning(
                "SL101",
                "unknown property treated as version-locked",
                plan.logical_id,
                f"Properties.{name}",
            )
        )
    resolved = work.resolver.resolve(locked)
    found = dependencies.collect(work.template, work.resolver, resolved, ("Properties",))
    for unknown_value in found.unknowns:
        work.problems.append(
            warning(
                "SL103", unknown_value.message, plan.logical_id, render_path(unknown_value.path)
            )
        )
    document = found.document()
    if version_properties:
        # Version properties are create-only: a change must come with a new logical ID.
        document["Version"] = work.resolver.resolve(version_properties)
    plan.digest = hashing.content_hash(resolved, document)
    plan.version_id = f"{plan.logical_id}Version{plan.digest[: hashing.ID_LENGTH]}"
    _mark(work, plan, own.get("Description"))


def _mark(work: Work, plan: FunctionPlan, user: Any) -> None:
    description = hashing.with_marker(user, plan.digest)
    if isinstance(description, str) and len(description) > hashing.DESCRIPTION_LIMIT:
        work.problems.append(
            error(
                "SL102",
                f"Description is {len(description)} characters with the version marker; "
                f"shorten it to at most {hashing.DESCRIPTION_LIMIT - hashing.MARKER_LENGTH}",
                plan.logical_id,
                "Properties.Description",
            )
        )
    work.edit(plan.logical_id, ("Properties",))["Description"] = description


def _take_over(work: Work, plan: FunctionPlan, existing: takeover.Existing) -> dict[str, str]:
    """Drop the Versions SafeLambda replaces; settle which alias the function ends with."""
    for version_id in existing.versions:
        del work.resources[version_id]
    plan.adopted_alias = existing.alias is not None
    if existing.alias is not None:
        plan.alias_id = existing.alias
        name = properties(work.resources[plan.alias_id]).get("Name")
        plan.alias_name = name if isinstance(name, str) else plan.settings.alias_name
    else:
        plan.alias_name = plan.settings.alias_name
        plan.alias_id = takeover.alias_logical_id(plan.logical_id, plan.alias_name)
    return {old: plan.version_id for old in existing.versions if old != plan.version_id}


def _resources(
    work: Work, plan: FunctionPlan, function: dict[str, Any], existing: takeover.Existing
) -> list[tuple[str, dict[str, Any]]]:
    retention = plan.settings.version_retention
    version: dict[str, Any] = {
        "Type": takeover.VERSION,
        "DeletionPolicy": retention,
        "UpdateReplacePolicy": retention,
        "Properties": {"FunctionName": {"Ref": plan.logical_id}, **existing.version_properties},
    }
    alias = work.resources[plan.alias_id] if plan.adopted_alias else {"Type": takeover.ALIAS}
    alias = {
        **alias,
        "Properties": {
            **properties(alias),
            "FunctionName": {"Ref": plan.logical_id},
            "FunctionVersion": {"Fn::GetAtt": [plan.version_id, "Version"]},
            "Name": plan.alias_name,
        },
    }
    if "Condition" in function:
        version["Condition"] = alias["Condition"] = function["Condition"]
    new = [(plan.version_id, version)]
    if plan.adopted_alias:
        work.resources[plan.alias_id] = alias
        if work.names is not None:
            work.names.pop(plan.alias_id, None)  # its other properties are read again if asked
    else:
        new.append((plan.alias_id, alias))
        if work.names is not None:  # what `Work.may_name` is asked about, as for the input's
            work.names[plan.alias_id] = (plan.logical_id, plan.version_id)
            if not existing.version_properties:
                work.names[plan.version_id] = (plan.logical_id,)
    for rid, _ in new:
        if rid in work.resources:
            work.problems.append(
                error("SL011", f"SafeLambda must add {rid!r} but the template already has it", rid)
            )
    return new


def _insert(work: Work, additions: dict[str, list[tuple[str, dict[str, Any]]]]) -> None:
    """Place each function's Version and Alias right after it, keeping document order."""
    ordered: dict[str, Any] = {}
    for rid, resource in work.resources.items():
        ordered[rid] = resource
        for new_id, new in additions.get(rid, []):
            ordered.setdefault(new_id, new)
    work.template["Resources"] = ordered
