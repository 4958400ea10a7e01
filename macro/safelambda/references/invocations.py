"""Where a template invokes its functions, and whether each place is qualified.

An unqualified place (`Ref Fn`, `Fn.Arn`, `${Fn}` not followed by `:qualifier`) reaches
`$LATEST` and sees the torn state of every update. The places are the catalog's
(`catalog.entries_for` + `catalog.expand`), so each row added to `data/integrations.tsv` is
checked here too. Used by `safelambda check` and `safelambda.testing`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ..template import (
    FUNCTION,
    SUB_VARIABLE,
    Path,
    function_of,
    getatt_parts,
    properties,
    render_path,
    sub_parts,
)
from . import catalog

# Catalog actions whose places invoke the function. REPORT places invoke it too (SafeLambda
# leaves them unqualified because an alias there is unproven), so they still reach $LATEST.
# Permissions and IAM statements grant invocation; they invoke nothing themselves.
INVOKING = frozenset(
    {"ALIAS_ARN", "ALIAS_ARN_STR", "OPAQUE", "SUBSTITUTION", "VERSION_ARN", "QUALIFIER", "REPORT"}
)
QUALIFIED_BY_TYPE = frozenset({"AWS::Lambda::Alias", "AWS::Lambda::Version"})
LATEST = "$LATEST"


class Invocation(NamedTuple):
    """One place in `resource` at `path` that invokes `function` through `target`."""

    resource: str
    path: str
    function: str
    target: str  # the function itself, or the Alias or Version it names
    qualified: bool
    action: str = ""  # the catalog row's action (REPORT: SafeLambda leaves the place as it is)
    location: Path = ()  # `path` as keys and indexes, for tools that point into the template

    @property
    def place(self) -> str:
        return f"{self.resource}.{self.path}"


def owners(resources: dict[str, Any]) -> dict[str, str]:
    """Logical ID of every function, and of each alias and version of one -> the function."""
    kinds = {k: r.get("Type") if isinstance(r, dict) else None for k, r in resources.items()}
    found = {k: k for k, kind in kinds.items() if kind == FUNCTION}
    for logical_id, kind in kinds.items():
        if kind in QUALIFIED_BY_TYPE:
            name = properties(resources[logical_id]).get("FunctionName")
            target = next((n for _, n, _ in _named(name, ())), None)
            if target in found and found[target] == target:
                found[logical_id] = target
    return found


def invocations(template: dict[str, Any], actions: frozenset[str] = INVOKING) -> list[Invocation]:
    """Every catalogued invocation of a function of `template`, in document order.

    `actions` picks other catalogue rows instead: `{"PERMISSION"}` gives the functions, aliases
    and versions each permission names (the cfn-lint rules compare them with the invocations).
    """
    resources = template.get("Resources")
    resources = resources if isinstance(resources, dict) else {}
    owned = owners(resources)
    found: list[Invocation] = []
    for resource_id, resource in resources.items():
        if not (isinstance(resource, dict) and isinstance(resource.get("Type"), str)):
            continue
        props = properties(resource)
        for entry in catalog.entries_for(resource["Type"]):
            if entry.action not in actions:
                continue
            pinned = _qualifier_set(props, entry)
            for path, value in catalog.expand(props, entry.path):
                for where, name, qualified in _named(value, ("Properties", *path)):
                    if name in owned:
                        direct = name == owned[name]
                        found.append(
                            Invocation(
                                resource_id,
                                render_path(where),
                                owned[name],
                                name,
                                qualified or pinned or not direct,
                                entry.action,
                                where,
                            )
                        )
    return found


def unqualified(template: dict[str, Any]) -> list[Invocation]:
    return [i for i in invocations(template) if not i.qualified]


def _qualifier_set(props: dict[str, Any], entry: catalog.Entry) -> bool:
    """A QUALIFIER row's own qualifier property names a version or alias (not `$LATEST`)."""
    if entry.action != "QUALIFIER" or not entry.qualifier:
        return False
    return any(v not in (None, "", LATEST) for _, v in catalog.expand(props, entry.qualifier))


def _named(value: Any, path: Path) -> Iterator[tuple[Path, str, bool]]:
    """(path, logical ID, qualified) for each name or ARN reference inside `value`."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _named(item, path + (index,))
        return
    if not isinstance(value, dict):
        return
    name = function_of(value)
    argument = value[name] if name else None
    if name == "Ref" and isinstance(argument, str):
        yield path, argument, False
    elif name == "Fn::GetAtt":
        parts = getatt_parts(argument)
        if parts and parts[1] == "Arn":
            yield path, parts[0], False
    elif name == "Fn::Sub" and sub_parts(argument):
        yield from _in_sub(*(sub_parts(argument) or ("", {})), path + (name,))
    elif name == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
        yield from _in_join(argument[0], argument[1], path + (name, 1))
    else:
        for key, item in value.items():
            yield from _named(item, path + (key,))


def _followed_by_qualifier(text: str, end: int) -> bool:
    return text[end : end + 1] == ":"


def _in_sub(text: str, local: dict[str, Any], path: Path) -> Iterator[tuple[Path, str, bool]]:
    uses: dict[str, list[bool]] = {}
    for match in SUB_VARIABLE.finditer(text):
        variable = match.group(1).strip()
        qualified = _followed_by_qualifier(text, match.end())
        if variable in local:
            uses.setdefault(variable, []).append(qualified)
            continue
        resource, _, attribute = variable.partition(".")
        if attribute in ("", "Arn"):
            yield path, resource, qualified
    for variable, qualified_uses in uses.items():
        for where, name, qualified in _named(local[variable], path + (1, variable)):
            yield where, name, qualified or all(qualified_uses)


def _in_join(delimiter: Any, parts: Any, path: Path) -> Iterator[tuple[Path, str, bool]]:
    if not isinstance(parts, list):
        yield from _named(parts, path)
        return
    for index, part in enumerate(parts):
        following = parts[index + 1] if index + 1 < len(parts) else None
        qualified = function_of(part) in ("Ref", "Fn::GetAtt") and (
            (isinstance(following, str) and following.startswith(":"))
            or (delimiter == ":" and following is not None)
        )
        for where, name, inner in _named(part, path + (index,)):
            yield where, name, inner or qualified
