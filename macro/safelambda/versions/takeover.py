"""Take over the Version and Alias that SAM's `AutoPublishAlias` (or an earlier run) made.

SAM names them `{Fn}Version<10 hex>` and `{Fn}Alias{Name}`. SafeLambda replaces the Version by
its own (hashed over everything version-locked, SAM #413, #2418, #3622) and keeps the alias, its
logical ID, name, `UpdatePolicy` (CodeDeploy traffic shifting from `DeploymentPreference`) and
`ProvisionedConcurrencyConfig`: a stack deployed with `AutoPublishAlias` keeps its alias when it
adopts SafeLambda, and every function ends with one Version and one alias.

Which alias is adopted: the one that follows a generated Version, or else the one whose name is
the configured `AliasName`. Two different candidates are an error (SL104); an alias you manage
yourself under another name (pinned to a version number, say) is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ..errors import Problem, error
from ..template import getatt_parts, properties

VERSION = "AWS::Lambda::Version"
ALIAS = "AWS::Lambda::Alias"
GENERATED = re.compile(r"Version[0-9a-f]{10}")  # after the function's logical ID: SAM's Versions


class Existing(NamedTuple):
    """What a function already has: Versions to replace, the alias to adopt."""

    versions: tuple[str, ...] = ()
    alias: str | None = None
    # Properties SAM gave its Version (`VersionDescription`, …), kept on SafeLambda's Version.
    version_properties: Mapping[str, Any] = MappingProxyType({})


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
    resources: dict[str, Any], owned: list[str], function_id: str, alias_name: str
) -> tuple[Existing, list[Problem]]:
    """The Versions and alias of `function_id` (`owned`: from `index`) SafeLambda takes over."""
    mine = {rid: properties(resources[rid]) for rid in owned}
    versions = tuple(
        rid
        for rid in mine
        if resources[rid]["Type"] == VERSION
        and rid.startswith(function_id)
        and GENERATED.fullmatch(rid, len(function_id))
    )
    aliases = [rid for rid in mine if resources[rid]["Type"] == ALIAS]
    followers = [a for a in aliases if _version_of(mine[a].get("FunctionVersion")) in versions]
    named = [a for a in aliases if mine[a].get("Name") == alias_name]
    candidates = list(dict.fromkeys(followers + named))
    if len(candidates) > 1:
        listed = " and ".join(f"{a} named {mine[a].get('Name')}" for a in candidates)
        return Existing(), [
            error(
                "SL104",
                f"aliases {listed} could each be the one SafeLambda moves; set AliasName to "
                "the one to keep or remove the others",
                function_id,
            )
        ]
    alias = candidates[0] if candidates else None
    followed = _version_of(mine[alias].get("FunctionVersion")) if alias else None
    source = followed if followed in versions else versions[0] if len(versions) == 1 else None
    carried = {k: v for k, v in mine[source].items() if k != "FunctionName"} if source else {}
    return Existing(versions, alias, carried), []
