"""Read SafeLambda's settings.

Sources, later ones winning: defaults, the macro's environment (set when the macro is
installed), the template's `Metadata.SafeLambda`, the transform's `Parameters`. A function's own
`Metadata.SafeLambda` overrides the per-function settings (`Skip`, `AliasName`, `NextAliasName`,
`VersionRetention`). `Layers` is the exception: every source's layer mapping is kept, in order,
for `layer_catalog` to merge; a function's own `Layers` (family names) is read by `layers`.
`Adoption` is the template's alone: `Prepare` publishes and grants the aliases and rewires
nothing, for the first of two deploys that bring SafeLambda to a live stack; `Release` rewires as
`Complete` and keeps every moved grant's unqualified original beside it, for the first of two
deploys that remove SafeLambda. `NextAliasName` adds a second alias and its grants, for the first
of two deploys that rename the alias; it must differ from the function's `AliasName` (README,
"Adopting SafeLambda on a live stack").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from .errors import Problem, error

ALIAS_NAME = re.compile(r"(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}")
RETENTIONS = ("Retain", "Delete")
PREPARE, COMPLETE, RELEASE = "Prepare", "Complete", "Release"
ADOPTIONS = (PREPARE, COMPLETE, RELEASE)
# `Acknowledge` is read by `safelambda check` (cli/acknowledge.py); the macro ignores it.
TEMPLATE_KEYS = frozenset(
    {
        "AliasName",
        "NextAliasName",
        "VersionRetention",
        "Strict",
        "Report",
        "Layers",
        "Adoption",
        "Acknowledge",
    }
)
FUNCTION_KEYS = frozenset(
    {"Skip", "AliasName", "NextAliasName", "VersionRetention", "Layers", "Acknowledge"}
)
ENVIRONMENT = {
    "SAFELAMBDA_ALIAS_NAME": "AliasName",
    "SAFELAMBDA_VERSION_RETENTION": "VersionRetention",
    "SAFELAMBDA_STRICT": "Strict",
    "SAFELAMBDA_LAYER_MAPPING": "Layers",
    "SAFELAMBDA_ADOPTION": "Adoption",
}
VARIABLES = {key: variable for variable, key in ENVIRONMENT.items()}
MACRO_ENVIRONMENT = "macro environment"  # a source whose settings messages name by variable


def _where(path: str, key: str) -> str:
    """Where a setting is written: its variable in the macro's environment, else its path."""
    if path == MACRO_ENVIRONMENT:
        return VARIABLES.get(key, key)
    return f"{path}.{key}" if path else key


class Settings(NamedTuple):
    alias_name: str = "live"
    next_alias_name: str | None = None
    version_retention: str = "Retain"
    strict: bool = False
    skip: bool = False
    adoption: str = COMPLETE
    # (where, mapping as given) per source, in merge order; checked by layer_catalog.
    layer_mappings: tuple[tuple[str, Any], ...] = ()


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _alias_name(value: Any) -> str | None:
    return value if isinstance(value, str) and ALIAS_NAME.fullmatch(value) else None


def _one_of(choices: tuple[str, ...]) -> Any:
    return lambda value: value if value in choices else None


# setting -> (Settings field, reader returning the value or None when invalid, what is valid)
READERS: dict[str, tuple[str, Any, str]] = {
    "AliasName": (
        "alias_name",
        _alias_name,
        "must be 1 to 128 letters, digits, - or _, and not only digits",
    ),
    "NextAliasName": (
        "next_alias_name",
        _alias_name,
        "must be 1 to 128 letters, digits, - or _, and not only digits",
    ),
    "VersionRetention": ("version_retention", _one_of(RETENTIONS), "must be Retain or Delete"),
    "Adoption": ("adoption", _one_of(ADOPTIONS), "must be Prepare, Complete or Release"),
    "Strict": ("strict", _boolean, "must be true or false"),
    "Skip": ("skip", _boolean, "must be true or false"),
}


def _layer_mappings(
    settings: Settings, values: Mapping[str, Any], resource: str | None, path: str
) -> dict[str, Any]:
    """Each source's layer mapping is kept for layer_catalog to merge in order.

    A function's own `Layers` lists family names instead; layers.py reads it.
    """
    if resource is not None or "Layers" not in values:
        return {}
    return {
        "layer_mappings": (*settings.layer_mappings, (_where(path, "Layers"), values["Layers"]))
    }


def _apply(
    settings: Settings,
    values: Mapping[str, Any],
    allowed: frozenset[str],
    where: tuple[str | None, str],
) -> tuple[Settings, list[Problem]]:
    resource, path = where
    problems: list[Problem] = []
    changes = _layer_mappings(settings, values, resource, path)
    for key, value in values.items():
        at = _where(path, key)
        if key not in allowed:
            known = ", ".join(sorted(allowed - {"Report"}))
            problems.append(
                error("SL010", f"is not a SafeLambda setting here; use {known}", resource, at)
            )
        elif key in READERS:
            field, read, valid = READERS[key]
            found = read(value)
            if found is None:
                problems.append(error("SL010", valid, resource, at))
            else:
                changes[field] = found
    return settings._replace(**changes), problems


def _distinct(settings: Settings, resource: str | None, path: str) -> list[Problem]:
    """SL010 when the next alias is the alias itself: nothing would be renamed."""
    if settings.next_alias_name != settings.alias_name:
        return []
    return [
        error(
            "SL010",
            f"must differ from AliasName ({settings.alias_name}): it names the alias the next "
            "deploy renames the alias to",
            resource,
            _where(path, "NextAliasName"),
        )
    ]


def template_settings(
    metadata: Any, parameters: Mapping[str, Any], environ: Mapping[str, str]
) -> tuple[Settings, list[Problem]]:
    """Settings for the whole template, with every problem found in any source."""
    settings, problems = Settings(), []
    from_env = {key: environ[var] for var, key in ENVIRONMENT.items() if environ.get(var)}
    sources: list[tuple[Any, str]] = [
        (from_env, MACRO_ENVIRONMENT),
        (metadata, "Metadata.SafeLambda"),
        (parameters, "Transform.Parameters"),
    ]
    for values, path in sources:
        if not isinstance(values, Mapping):
            problems.append(error("SL010", "must be a mapping of SafeLambda settings", None, path))
            continue
        settings, found = _apply(settings, values, TEMPLATE_KEYS, (None, path))
        problems += found
    if not problems:
        problems = _distinct(settings, None, "")
    return settings, problems


def function_settings(
    base: Settings, logical_id: str, metadata: Any
) -> tuple[Settings, list[Problem]]:
    """The settings of one function: the template's, overridden by its `Metadata.SafeLambda`."""
    own = metadata.get("SafeLambda") if isinstance(metadata, dict) else None
    if own is None:
        return base, []
    if not isinstance(own, dict):
        return base, [
            error(
                "SL010",
                "must be a mapping of SafeLambda settings",
                logical_id,
                "Metadata.SafeLambda",
            )
        ]
    settings, problems = _apply(base, own, FUNCTION_KEYS, (logical_id, "Metadata.SafeLambda"))
    if not problems:
        problems = _distinct(settings, logical_id, "Metadata.SafeLambda")
    return settings, problems
