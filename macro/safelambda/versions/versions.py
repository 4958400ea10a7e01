"""Step 5: give every function an immutable Version and an Alias that points at it.

The Version references the function, so CloudFormation creates it only after both parallel
update calls on `$LATEST` have finished; the Alias then moves in one step. Integrations that
invoke the alias never see the torn state in between.
"""

from __future__ import annotations

from typing import Any

from ..config import function_settings
from ..errors import error, warning
from ..template import functions, properties
from ..work import FunctionPlan, Work
from . import digests, generators, hashing, takeover


def run(work: Work) -> None:
    planned: dict[str, digests.Planned] = {}
    owned = takeover.index(work.resources)
    for logical_id, resource in list(functions(work.resources)):
        settings, problems = function_settings(work.settings, logical_id, resource.get("Metadata"))
        work.problems += problems
        if settings.skip or problems:
            continue
        names = (settings.alias_name, settings.next_alias_name)
        existing, problems = takeover.survey(
            work.resources, owned.get(logical_id, []), logical_id, names
        )
        work.problems += problems
        if not problems:
            planned[logical_id] = digests.Planned(
                FunctionPlan(logical_id, settings), resource, existing
            )
    # Every function is hashed over the template as given, before any takeover renames a Version.
    work.problems += digests.hash_all(work, planned)
    work.problems += takeover.unfollowed(work.resources, work.resolver, list(planned))
    renames: dict[str, str] = {}
    additions: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for plan, resource, existing in planned.values():
        _mark(work, plan, hashing.strip_marker(properties(resource).get("Description")))
        renames.update(_take_over(work, plan, existing))
        additions[plan.logical_id] = _resources(work, plan, resource, existing)
        work.plans[plan.logical_id] = plan
    _insert(work, additions)
    if renames:
        # `FunctionVersion` of aliases, CodeDeploy hooks, Lambda@Edge associations, Outputs.
        work.rename(renames)


def _mark(work: Work, plan: FunctionPlan, user: Any) -> None:
    """The marker keeps its place; a text too long beside it is cut (as the hash read it)."""
    text = work.resolver.resolve(user)
    if isinstance(text, str) and hashing.was_cut(text):
        user = hashing.fitted(text)
        work.problems.append(
            warning(
                "SL102",
                f"is too long to hold SafeLambda's version marker within Lambda's "
                f"{hashing.DESCRIPTION_LIMIT} characters, so it is cut to "
                f"{hashing.TEXT_LIMIT}; shorten it to keep all of it",
                plan.logical_id,
                "Properties.Description",
            )
        )
    work.edit(plan.logical_id, ("Properties",))["Description"] = hashing.with_marker(
        user, plan.digest
    )


def _take_over(work: Work, plan: FunctionPlan, existing: takeover.Existing) -> dict[str, str]:
    """Drop the Versions SafeLambda replaces; settle which alias the function ends with."""
    for version_id in existing.versions:
        del work.resources[version_id]
    plan.adopted_alias = existing.alias is not None
    plan.taken_over = existing.tool
    if existing.alias is not None:
        plan.alias_id = existing.alias
        name = properties(work.resources[plan.alias_id]).get("Name")
        plan.alias_name = name if isinstance(name, str) else plan.settings.alias_name
    else:
        plan.alias_name = plan.settings.alias_name
        plan.alias_id = takeover.alias_logical_id(plan.logical_id, plan.alias_name)
    _next_alias(work, plan)
    return {old: plan.version_id for old in existing.versions if old != plan.version_id}


# The tools whose alias SafeLambda adopts keep writing it: a second alias beside theirs would
# leave their next deploy (with the new name) to replace it under SafeLambda's. Where each names it.
TOOL_ALIASES = {generators.SAM: "AutoPublishAlias", generators.CDK: "its lambda.Alias"}


def _next_alias(work: Work, plan: FunctionPlan) -> None:
    """The alias of `NextAliasName`, unless another tool manages the function's alias (SL108)."""
    next_name = plan.settings.next_alias_name
    if next_name is None:
        return
    tools = sorted(TOOL_ALIASES.keys() & set((plan.taken_over or "").split(", ")))
    if plan.adopted_alias and tools:
        where = " and ".join(f"{tool} ({TOOL_ALIASES[tool]})" for tool in tools)
        work.problems.append(
            warning(
                "SL108",
                f"has its alias {plan.alias_name} from {where}, so NextAliasName {next_name} "
                f"adds nothing here: rename the alias there, where the tool writes it",
                plan.logical_id,
            )
        )
        return
    plan.next_alias_id = takeover.alias_logical_id(plan.logical_id, next_name)


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
    if existing.tool is not None:
        version["Metadata"] = {"SafeLambda": {takeover.RECORD: existing.tool}}
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
    new += _following(work, plan, alias)
    for rid, _ in new:
        if rid in work.resources:
            work.problems.append(
                error("SL011", f"is a logical ID SafeLambda must add; {RENAME}", rid)
            )
    return new


def _following(
    work: Work, plan: FunctionPlan, alias: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """The alias of `NextAliasName`: the alias under the next name, same Version and Condition,
    so the deploy that renames finds it as it is. An earlier run's is written again in place."""
    if not plan.next_alias_id:
        return []
    name = plan.settings.next_alias_name
    following = {**alias, "Properties": {**alias["Properties"], "Name": name}}
    earlier = work.resources.get(plan.next_alias_id)
    if (
        earlier is None
        or earlier["Type"] != takeover.ALIAS
        or properties(earlier).get("Name") != name
    ):
        if work.names is not None:
            work.names[plan.next_alias_id] = (plan.logical_id, plan.version_id)
        return [(plan.next_alias_id, following)]
    work.resources[plan.next_alias_id] = following
    if work.names is not None:
        work.names.pop(plan.next_alias_id, None)
    return []


def _insert(work: Work, additions: dict[str, list[tuple[str, dict[str, Any]]]]) -> None:
    """Place each function's Version and Alias right after it, keeping document order."""
    ordered: dict[str, Any] = {}
    for rid, resource in work.resources.items():
        ordered[rid] = resource
        for new_id, new in additions.get(rid, []):
            ordered.setdefault(new_id, new)
    work.template["Resources"] = ordered


RENAME = "the template already uses it, so rename the template's resource"
