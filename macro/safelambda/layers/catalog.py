"""The layer mapping: reading and checking layer families (`families`) from each source.

`data/layers.json` is the bundled catalog and `data/layers.schema.json` its JSON Schema.

Mappings are checked by hand here rather than with `jsonschema`: the macro's cold start stays
free of it (and of its dependencies), and a test runs both checks over the same documents so the
schema and this code cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from .. import packagedata
from ..errors import Problem, error
from .families import (
    ARCHITECTURES,
    PREFIX,
    TEMPLATE_ARN,
    Build,
    Catalog,
    Exception_,
    Family,
    Release,
)

__all__ = ["ARCHITECTURES", "PREFIX", "Catalog", "Family", "bundled", "catalog", "read_mapping"]

FAMILY_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{0,63}")
ACCOUNT = re.compile(r"\d{12}")
REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d")
PARTITION = re.compile(r"aws(?:-[a-z]+)*")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- reading and checking a mapping ----------------------------------------------------------

Check = Callable[[Any], str | None]


def _string(pattern: re.Pattern[str] | None = None, what: str = "a string") -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str) or (pattern and not pattern.fullmatch(value)):
            return f"must be {what}"
        return None

    return check


def _strings(pattern: re.Pattern[str], what: str) -> Check:
    def check(value: Any) -> str | None:
        ok = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
        if not ok or not all(pattern.fullmatch(v) for v in value):
            return f"must be a non-empty list of {what}"
        return None

    return check


def _version(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return None if ok else "must be a positive integer"


def _architectures(value: Any) -> str | None:
    if not isinstance(value, list) or not value or any(a not in ARCHITECTURES for a in value):
        return "must be a non-empty list of x86_64 and arm64"
    return None


def _false(value: Any) -> str | None:
    return None if value is False else "may only be false (the default is available)"


def _true(value: Any) -> str | None:
    return None if value is True else "may only be true (the default is false)"


def _releases(value: Any) -> str | None:
    """Release name -> architecture -> region -> layer version: the vendor's release table."""
    shape = "must map release names to architectures to regions to layer versions"
    if not isinstance(value, dict) or not value:
        return shape
    for name, builds in value.items():
        if not (isinstance(name, str) and name and isinstance(builds, dict) and builds):
            return shape
        for arch, regions in builds.items():
            if arch not in ARCHITECTURES or not isinstance(regions, dict) or not regions:
                return shape
            if any(not REGION.fullmatch(str(r)) or _version(v) for r, v in regions.items()):
                return shape
    return None


# field -> (check, required). Unknown fields are errors, so a typo never silently does nothing.
FAMILY_FIELDS: dict[str, tuple[Check, bool]] = {
    "Description": (_string(), False),
    "Source": (_string(), False),
    "Checked": (_string(DATE, "a YYYY-MM-DD date"), False),
    "Partitions": (_strings(PARTITION, "partition names"), False),
    "Regions": (_strings(REGION, "region names"), False),
    "Architectures": (lambda v: None, True),  # checked by _builds
    "Exceptions": (lambda v: None if isinstance(v, list) else "must be a list", False),
    "SharedNumbering": (_true, False),
    "Releases": (_releases, False),
}
BUILD_FIELDS: dict[str, tuple[Check, bool]] = {
    "Arn": (
        _string(TEMPLATE_ARN, "an unversioned layer ARN (arn:…:lambda:…:ACCOUNT:layer:NAME)"),
        True,
    ),
    "Version": (_version, True),
}
EXCEPTION_FIELDS: dict[str, tuple[Check, bool]] = {
    "Partition": (_string(PARTITION, "a partition name"), False),
    "Regions": (_strings(REGION, "region names"), False),
    "Architectures": (_architectures, False),
    "Account": (_string(ACCOUNT, "a 12-digit account ID"), False),
    "Version": (_version, False),
    "Available": (_false, False),
    "Note": (_string(), False),
}


def _fields(value: Any, spec: dict[str, tuple[Check, bool]], at: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{at}: must be a mapping"]
    found = [f"{at}.{k}: unknown field" for k in value if k not in spec]
    for key, (check, required) in spec.items():
        if key not in value:
            found += [f"{at}.{key}: is required"] if required else []
        elif (message := check(value[key])) is not None:
            found.append(f"{at}.{key}: {message}")
    return found


def _family_problems(name: Any, value: Any) -> list[str]:
    if not isinstance(name, str) or not FAMILY_NAME.fullmatch(name):
        return [f"{name}: family names are 1-64 of [a-z0-9.-], starting with a letter or digit"]
    found = _fields(value, FAMILY_FIELDS, name)
    if found or not isinstance(value, dict):
        return found
    builds = value["Architectures"]
    if not isinstance(builds, dict) or not builds or set(builds) - set(ARCHITECTURES):
        return [f"{name}.Architectures: must map x86_64 and/or arm64 to a build"]
    for arch, build in builds.items():
        found += _fields(build, BUILD_FIELDS, f"{name}.Architectures.{arch}")
    if {"SharedNumbering", "Releases"} <= set(value):
        found.append(f"{name}: SharedNumbering and Releases exclude each other")
    for i, rule in enumerate(value.get("Exceptions", [])):
        at = f"{name}.Exceptions[{i}]"
        found += _fields(rule, EXCEPTION_FIELDS, at)
        if isinstance(rule, dict) and not {"Partition", "Regions"} & set(rule):
            found.append(f"{at}: needs Partition or Regions")
        if isinstance(rule, dict) and not {"Account", "Version", "Available"} & set(rule):
            found.append(f"{at}: needs Account, Version or Available")
    return found


def _family(name: str, value: dict[str, Any], where: str) -> Family:
    builds = {a: Build(b["Arn"], b["Version"]) for a, b in value["Architectures"].items()}
    rules = tuple(
        Exception_(
            partition=r.get("Partition"),
            regions=tuple(r.get("Regions", ())),
            architectures=tuple(r.get("Architectures", ARCHITECTURES)),
            account=r.get("Account"),
            version=r.get("Version"),
            available=r.get("Available", True),
        )
        for r in value.get("Exceptions", [])
    )
    releases = tuple(
        Release(release, {arch: dict(regions) for arch, regions in table.items()})
        for release, table in value.get("Releases", {}).items()
    )
    return Family(
        name,
        builds,
        tuple(value.get("Partitions", ("aws",))),
        tuple(value.get("Regions", ())),
        rules,
        where,
        value.get("SharedNumbering", False),
        releases,
    )


def read_mapping(value: Any, where: str) -> tuple[dict[str, Family], list[Problem]]:
    """Families from one source (a mapping, or JSON text of one); SL201 names each bad entry.

    Messages name the entry and field, never the value: a mapping set in the macro's
    environment may be anything.
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as failure:
            position = f"line {failure.lineno} column {failure.colno}"
            return {}, [error("SL201", f"is not valid JSON ({position})", None, where)]
    if not isinstance(value, dict):
        return {}, [error("SL201", "must map family names to families", None, where)]
    families: dict[str, Family] = {}
    problems: list[Problem] = []
    for name, family in value.items():
        found = _family_problems(name, family)
        problems += [error("SL201", f"layer family {m}", None, where) for m in found]
        if not found:
            families[name] = _family(name, family, where)
    return families, problems


@cache
def bundled_document() -> dict[str, Any]:
    text = packagedata.read_text("layers.json")
    document: dict[str, Any] = json.loads(text)
    return document


@cache
def bundled() -> Catalog:
    families, problems = read_mapping(bundled_document()["Families"], "bundled layers.json")
    if problems:  # a packaging defect: the test suite checks the bundled file
        raise ValueError("; ".join(p.render() for p in problems))
    return Catalog(families)


def catalog(sources: Iterable[tuple[str, Any]]) -> tuple[Catalog, list[Problem]]:
    """The bundled catalog overridden, in order, by each (where, mapping) source."""
    merged, problems = bundled(), list[Problem]()
    for where, value in sources:
        families, found = read_mapping(value, where)
        merged, problems = merged.merged(families), problems + found
    return merged, problems
