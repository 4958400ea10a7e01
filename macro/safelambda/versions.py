"""Step 5: give every function an immutable Version and an Alias that points at it.

The Version references the function, so CloudFormation creates it only after both parallel
update calls on `$LATEST` have finished; the Alias then moves in one step. Integrations that
invoke the alias never see the torn state in between.
"""

from __future__ import annotations

import re
from typing import Any

from . import hashing
from .config import function_settings
from .errors import error, warning
from .intrinsics import rename
from .template import functions, properties
from .work import FunctionPlan, Work

VERSION = "AWS::Lambda::Version"
ALIAS = "AWS::Lambda::Alias"


def run(work: Work) -> None:
    renames: dict[str, str] = {}
    additions: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for logical_id, resource in list(functions(work.resources)):
        settings, problems = function_settings(work.settings, logical_id, resource.get("Metadata"))
        work.problems += problems
        if settings.skip or problems:
            continue
        plan = FunctionPlan(logical_id, settings)
        _hash(work, plan, resource)
        renames.update(_take_over(work, plan))
        additions[logical_id] = _resources(work, plan, resource)
        work.plans[logical_id] = plan
    _insert(work, additions)
    if renames:
        _rename_everywhere(work, renames)


def _hash(work: Work, plan: FunctionPlan, resource: dict[str, Any]) -> None:
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
    plan.digest = hashing.content_hash(work.resolver.resolve(locked))
    plan.version_id = f"{plan.logical_id}Version{plan.digest[: hashing.ID_LENGTH]}"
    description = hashing.with_marker(own.get("Description"), plan.digest)
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
    if "Properties" not in resource:
        resource["Properties"] = props
    props["Description"] = description


def _versions_of(work: Work, logical_id: str, type_: str) -> list[str]:
    return [
        rid
        for rid, res in work.resources.items()
        if res["Type"] == type_ and properties(res).get("FunctionName") == {"Ref": logical_id}
    ]


def _take_over(work: Work, plan: FunctionPlan) -> dict[str, str]:
    """Adopt an alias made earlier (by SAM AutoPublishAlias or an earlier run); drop its Version.

    SAM names them `{Fn}Version<10 hex>` and `{Fn}Alias{Name}`: keeping the alias's logical ID
    and name means a stack deployed with AutoPublishAlias keeps its alias when it adopts
    SafeLambda, while the Version becomes SafeLambda's (hashed over everything locked).
    """
    generated = re.compile(re.escape(plan.logical_id) + r"Version[0-9a-f]{10}")
    old_versions = [
        v for v in _versions_of(work, plan.logical_id, VERSION) if generated.fullmatch(v)
    ]
    for version_id in old_versions:
        del work.resources[version_id]
    aliases = _versions_of(work, plan.logical_id, ALIAS)
    named = [
        a for a in aliases if properties(work.resources[a]).get("Name") == plan.settings.alias_name
    ]
    adopted = named or (aliases if len(aliases) == 1 else [])
    plan.adopted_alias = bool(adopted)
    if adopted:
        plan.alias_id = adopted[0]
        name = properties(work.resources[plan.alias_id]).get("Name")
        plan.alias_name = name if isinstance(name, str) else plan.settings.alias_name
    else:
        plan.alias_name = plan.settings.alias_name
        plan.alias_id = plan.logical_id + "Alias" + re.sub(r"[^A-Za-z0-9]", "", plan.alias_name)
    return {old: plan.version_id for old in old_versions if old != plan.version_id}


def _resources(
    work: Work, plan: FunctionPlan, function: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    retention = plan.settings.version_retention
    version: dict[str, Any] = {
        "Type": VERSION,
        "DeletionPolicy": retention,
        "UpdateReplacePolicy": retention,
        "Properties": {"FunctionName": {"Ref": plan.logical_id}},
    }
    alias = work.resources[plan.alias_id] if plan.adopted_alias else {"Type": ALIAS}
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
    else:
        new.append((plan.alias_id, alias))
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


def _rename_everywhere(work: Work, renames: dict[str, str]) -> None:
    outputs = work.template.get("Outputs")
    if isinstance(outputs, dict):
        work.template["Outputs"] = {k: rename(v, renames) for k, v in outputs.items()}
    for rid in list(work.resources):
        resource = work.resources[rid] = rename(work.resources[rid], renames)
        depends = resource.get("DependsOn")
        if isinstance(depends, str):
            resource["DependsOn"] = renames.get(depends, depends)
        elif isinstance(depends, list):
            resource["DependsOn"] = [renames.get(d, d) for d in depends]
