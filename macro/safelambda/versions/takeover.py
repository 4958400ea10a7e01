"""Take over the Versions other tools publish per content, and the alias that follows them.

SAM's `AutoPublishAlias`, the CDK's `currentVersion` and the Serverless Framework's
`versionFunctions` each publish a Version of their own (`generators` knows their logical IDs);
SafeLambda replaces it by its own (hashed over everything version-locked, SAM #413, #2418,
#3622), because two Versions of one function created in one deploy publish the same `$LATEST`
twice and Lambda refuses the second ("A version for this Lambda function exists", serverless
#6349, #8251). The alias that follows the replaced Version is kept with its logical ID, name,
`UpdatePolicy` (CodeDeploy traffic shifting), `RoutingConfig` and `ProvisionedConcurrencyConfig`:
a stack keeps its alias when it adopts SafeLambda, and every function ends with one Version and
one alias. A Version SafeLambda cannot take over is an error, never a second publish: one with a
fixed logical ID (SL105), one named in a form SafeLambda does not follow (SL106), several that
disagree on what to carry (SL107).

Which alias is adopted: the one that follows a generated Version, or else the one whose name is
the configured `AliasName`. Two different candidates are an error (SL104); an alias you manage
yourself under another name (pinned to a version number, say) is left alone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ..errors import Problem, error
from ..template import Resolver, getatt_parts, names_in, properties
from . import generators, hashing

VERSION = "AWS::Lambda::Version"
ALIAS = "AWS::Lambda::Alias"
# Where SafeLambda's Version records whose Version it replaced, so that the report of a second
# run over its own output says the same (`Metadata.SafeLambda.TakenOver`).
RECORD = "TakenOver"


class Existing(NamedTuple):
    """What a function already has: Versions to replace, the alias to adopt."""

    versions: tuple[str, ...] = ()
    alias: str | None = None
    # Properties the tool gave its Version (SAM's `VersionDescription`, the Serverless
    # Framework's `CodeSha256`, …), kept on SafeLambda's Version: see `carried`.
    version_properties: Mapping[str, Any] = MappingProxyType({})
    tool: str | None = None  # whose Version is replaced (`generators`), for the report


def alias_logical_id(function_id: str, name: str) -> str:
    # SAM's form (`-` -> `D`, `_` -> `U`), so an alias moved from AutoPublishAlias to SafeLambda
    # keeps its logical ID instead of being replaced under the same name.
    return f"{function_id}Alias{name.replace('-', 'D').replace('_', 'U')}"


def _function_named(value: Any) -> str | None:
    """The function a Version's or Alias's `FunctionName` names (`Ref` or `.Arn`), if any."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    if isinstance(value.get("Ref"), str):
        return str(value["Ref"])
    parts = getatt_parts(value.get("Fn::GetAtt"))
    return parts[0] if parts and parts[1] == "Arn" else None


def index(resources: dict[str, Any]) -> dict[str, list[str]]:
    """Versions and Aliases by the function they name, in document order, in one pass.

    Scanning every resource once per function made the versions step quadratic.
    """
    found: dict[str, list[str]] = {}
    for rid, resource in resources.items():
        if resource["Type"] in (VERSION, ALIAS):
            function_id = _function_named(properties(resource).get("FunctionName"))
            if function_id is not None:
                found.setdefault(function_id, []).append(rid)
    return found


def _version_of(value: Any) -> str | None:
    """The Version logical ID an alias's `FunctionVersion` follows, if it is one."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    parts = getatt_parts(value.get("Fn::GetAtt"))
    if parts and parts[1] == "Version":
        return parts[0]
    return None


def survey(
    resources: dict[str, Any],
    owned: list[str],
    function_id: str,
    names: tuple[str, str | None],
) -> tuple[Existing, list[Problem]]:
    """The Versions and alias of `function_id` (`owned`: from `index`) SafeLambda takes over.

    `names` are `AliasName` and `NextAliasName`: the next alias an earlier run added follows
    SafeLambda's Version too, and is not a candidate beside the alias (the versions step writes
    it again). Alone it is one: SAM's `AutoPublishAlias` alias has the same logical ID.
    """
    alias_name, next_name = names
    mine = {rid: properties(resources[rid]) for rid in owned}
    tools = {
        rid: _tool(resources, function_id, rid) for rid in mine if resources[rid]["Type"] == VERSION
    }
    problems = [_fixed(rid, function_id) for rid, tool in tools.items() if tool is None]
    versions = tuple(rid for rid, tool in tools.items() if tool is not None)
    aliases = [rid for rid in mine if resources[rid]["Type"] == ALIAS]
    followers = [a for a in aliases if _version_of(mine[a].get("FunctionVersion")) in versions]
    named = [a for a in aliases if mine[a].get("Name") == alias_name]
    candidates = list(dict.fromkeys(followers + named))
    if len(candidates) > 1:
        candidates = [a for a in candidates if not _is_next(a, mine[a], function_id, next_name)]
    if len(candidates) > 1:
        listed = " and ".join(f"{a} named {mine[a].get('Name')}" for a in candidates)
        problems.append(
            error(
                "SL104",
                f"aliases {listed} could each be the one SafeLambda moves; set AliasName to "
                "the one to keep or remove the others",
                function_id,
            )
        )
    carried, disagree = _carried(mine, versions, function_id)
    problems += disagree
    if problems:
        return Existing(), problems
    replaced = sorted({str(tools[rid]) for rid in versions} - {generators.SAFELAMBDA})
    tool = ", ".join(replaced) or _recorded(resources, versions)
    return Existing(versions, candidates[0] if candidates else None, carried, tool), []


def _is_next(rid: str, alias: dict[str, Any], function_id: str, next_name: str | None) -> bool:
    """The alias of `NextAliasName` an earlier run may have added: its logical ID and name."""
    if next_name is None or alias.get("Name") != next_name:
        return False
    return rid == alias_logical_id(function_id, next_name)


def _tool(resources: dict[str, Any], function_id: str, version_id: str) -> str | None:
    """Whose per-content Version `version_id` is; SAFELAMBDA for an earlier run's own."""
    tool = generators.tool_of(function_id, version_id)
    if tool == generators.SAM:
        # SafeLambda's own form is SAM's; its hash is the marker in the function's Description.
        marker = hashing.marker_of(properties(resources[function_id]).get("Description"))
        if marker is not None and version_id == f"{function_id}Version{marker}":
            return generators.SAFELAMBDA
    return tool


def _recorded(resources: dict[str, Any], versions: tuple[str, ...]) -> str | None:
    """What an earlier run's Version says it took over."""
    for rid in versions:
        metadata = resources[rid].get("Metadata")
        own = metadata.get("SafeLambda") if isinstance(metadata, dict) else None
        if isinstance(own, dict) and isinstance(own.get(RECORD), str):
            return str(own[RECORD])
    return None


def _fixed(version_id: str, function_id: str) -> Problem:
    return error(
        "SL105",
        f"is a Version of {function_id} with a fixed logical ID, beside the one SafeLambda "
        f"publishes on every change of {function_id}, and two Versions of one function created "
        "in one deploy fail it with 'A version for this Lambda function exists'; remove it and "
        f"point what uses it at the alias, or set Metadata.SafeLambda.Skip: true on {function_id}",
        version_id,
        "Properties.FunctionName",
    )


def _carried(
    mine: dict[str, dict[str, Any]], versions: tuple[str, ...], function_id: str
) -> tuple[dict[str, Any], list[Problem]]:
    """The properties SafeLambda's Version keeps from the Versions it replaces.

    Every property but `FunctionName`: all are create-only, so they are hashed too and a change
    of one gives a new Version. `Description` overrides the function's on the Version;
    `ProvisionedConcurrencyConfig` and `RuntimePolicy` configure the Version itself;
    `CodeSha256` makes Lambda refuse to publish other code than the one the tool packaged, which
    holds for SafeLambda's Version too: it is created after the function's update, from the same
    package. Resource attributes are not carried: `DeletionPolicy` and `UpdateReplacePolicy`
    follow `VersionRetention` like every Version SafeLambda publishes; `Metadata` describes the
    tool's resource (the CDK's construct path, `aws:cdk:do-not-refactor`), which is gone.
    """
    found = {rid: {k: v for k, v in mine[rid].items() if k != "FunctionName"} for rid in versions}
    distinct = [dict(c) for c in {hashing.canonical_json(c): c for c in found.values()}.values()]
    if len(distinct) > 1:
        return {}, [
            error(
                "SL107",
                f"Versions {', '.join(versions)} of {function_id} have different properties, "
                "so SafeLambda cannot tell whose properties its Version should keep; remove all "
                "but one",
                function_id,
            )
        ]
    return (distinct[0] if distinct else {}), []


# A package's location says nothing about its content: the Serverless Framework uploads every
# deploy under a new key (`serverless/<service>/<stage>/<time>/<service>.zip`) whether the code
# changed or not, and writes the package's SHA-256 on its Version as `CodeSha256`. Where a
# replaced Version states one, that hash stands for the S3 location in SafeLambda's: the same
# bytes under a new key change nothing in `$LATEST` and publish nothing, new bytes publish.
S3_LOCATION = frozenset({"S3Bucket", "S3Key", "S3ObjectVersion"})


def code_identity(locked: dict[str, Any], version_properties: Mapping[str, Any]) -> dict[str, Any]:
    """`locked` with an S3 `Code` location replaced by the carried `CodeSha256`, if any."""
    sha = version_properties.get("CodeSha256")
    code = locked.get("Code")
    if sha is None or not isinstance(code, dict) or not code or not S3_LOCATION.issuperset(code):
        return locked
    return {**locked, "Code": {"CodeSha256": sha}}


def unfollowed(
    resources: dict[str, Any], resolver: Resolver, processed: Collection[str]
) -> list[Problem]:
    """SL106 for each Version of a processed function whose `FunctionName` `index` cannot read.

    Under `Fn::If` or `Fn::Sub`, or as a literal name or ARN, it still publishes a Version of the
    function: SafeLambda can neither replace it nor leave it beside its own.
    """
    named: dict[str, str] | None = None
    wanted = set(processed)
    problems = []
    for rid, resource in resources.items():
        value = properties(resource).get("FunctionName") if resource["Type"] == VERSION else None
        if value is None or _function_named(value) is not None:
            continue
        found = sorted(names_in(value) & wanted)
        if not found:
            named = _names(resources, resolver, processed) if named is None else named
            found = [named[n] for n in _literal_names(resolver.resolve(value)) if n in named]
        for function_id in found:
            problems.append(
                error(
                    "SL106",
                    f"is a Version of {function_id} named in a form SafeLambda does not follow, "
                    "so it would be published beside SafeLambda's own; remove it, or write "
                    f"FunctionName as a Ref to {function_id} if a tool generates it per content",
                    rid,
                    "Properties.FunctionName",
                )
            )
    return problems


def _names(
    resources: dict[str, Any], resolver: Resolver, processed: Collection[str]
) -> dict[str, str]:
    """Function name -> logical ID, for the processed functions whose name is known."""
    out = {}
    for function_id in processed:
        name = resolver.resolve(properties(resources[function_id]).get("FunctionName"))
        if isinstance(name, str):
            out[name] = function_id
    return out


def _literal_names(value: Any) -> list[str]:
    """The function names a literal `FunctionName` may spell: a name, or a (partial) ARN."""
    if not isinstance(value, str):
        return []
    parts = value.split(":")
    # `arn:aws:lambda:region:account:function:name` or `account:function:name`; no qualifier.
    if "function" in parts[:-1]:
        return [parts[parts.index("function") + 1]]
    return [value]
