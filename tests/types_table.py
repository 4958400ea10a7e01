"""`data/property_types.json` from the CloudFormation resource schemas cfn-lint ships.

The macro never imports cfn-lint: it reads the small table this module derives. Two parts:
- every writable property of `AWS::Lambda::Function`, whole (SafeLambda reads or hashes them);
- for every other type of the catalog, the properties on the way to each catalogued place.

A node is `{"type": [...], "items": node, "properties": {name: node}, "values": node}` (values:
of a mapping with free keys), plus `enum`, `minItems`, `maxItems` where SafeLambda reads the value
itself (`Architectures`, `PackageType`). Other enumerations (`Runtime`, log levels) grow with
Lambda: a table older than Lambda must never refuse what CloudFormation deploys.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from safelambda.references import catalog

FUNCTION = "AWS::Lambda::Function"
VALUES_READ = frozenset({"Architectures", "PackageType"})
# cfn-lint's schema lets an environment variable be any JSON type; CloudFormation's own reference
# says "Type: Object of String" (AWS::Lambda::Function Environment, Variables) and rejects a
# list or a mapping there.
OVERRIDES: dict[tuple[str, ...], dict[str, Any]] = {
    (FUNCTION, "Environment", "Variables", "*"): {"type": ["string"]},
}
# Local artifacts: before `aws cloudformation package` (or `sam package`) uploads them, these
# properties hold a local path, a string (AWS CLI reference, `cloudformation package`: "This
# command can upload local artifacts referenced in the following places"), and `safelambda
# transform` serves `sam local` such templates.
LOCAL_ARTIFACTS = frozenset(
    {
        (FUNCTION, "Code"),
        ("AWS::ApiGateway::RestApi", "BodyS3Location"),
        ("AWS::ApiGatewayV2::Api", "BodyS3Location"),
        ("AWS::StepFunctions::StateMachine", "DefinitionS3Location"),
    }
)
# What a template can write in place of a value of each kind is not in the schema: intrinsic
# functions, everywhere. The checker allows them; the table says only the literal kinds.
KEYS = ("enum", "minItems", "maxItems")


def schemas() -> tuple[Path, dict[str, str]]:
    """cfn-lint's schema folder, and each resource type's schema file digest (us-east-1's
    first, then the other regions' for types it lacks)."""
    import cfnlint

    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    providers = sorted(
        (schemas / "providers").glob("*.json"), key=lambda p: (p.name != "us-east-1.json", p.name)
    )
    digests: dict[str, str] = {}
    for provider in providers:
        for type_, digest in json.loads(provider.read_text(encoding="utf-8")).items():
            digests.setdefault(type_, digest)
    return schemas, digests


class _Schema:
    def __init__(self, document: dict[str, Any], type_: str) -> None:
        self.document = document
        self.type = type_

    def deref(self, fragment: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in fragment:
            name = fragment["$ref"].rsplit("/", 1)[-1]
            fragment = {
                **self.document["definitions"][name],
                **{k: v for k, v in fragment.items() if k not in ("$ref", "description")},
            }
        return fragment

    @staticmethod
    def values_of(fragment: dict[str, Any]) -> dict[str, Any] | None:
        patterns = fragment.get("patternProperties")
        if isinstance(patterns, dict) and len(patterns) == 1:
            return dict(next(iter(patterns.values())))
        extra = fragment.get("additionalProperties")
        return dict(extra) if isinstance(extra, dict) else None

    def node(self, fragment: dict[str, Any], where: tuple[str, ...], whole: bool) -> dict[str, Any]:
        fragment = self.deref(fragment)
        if (self.type, *where) in OVERRIDES:
            return dict(OVERRIDES[(self.type, *where)])
        out: dict[str, Any] = {}
        types = fragment.get("type")
        if types:
            out["type"] = sorted({types} if isinstance(types, str) else set(types))
            if (self.type, *where) in LOCAL_ARTIFACTS:
                out["type"] = sorted({*out["type"], "string"})
        if where and where[0] in VALUES_READ:
            out.update({k: fragment[k] for k in KEYS if k in fragment})
        if not whole:
            return out
        if isinstance(fragment.get("items"), dict):
            out["items"] = self.node(fragment["items"], (*where, "*"), whole)
        properties = fragment.get("properties")
        if isinstance(properties, dict):
            out["properties"] = {
                k: self.node(v, (*where, k), whole) for k, v in sorted(properties.items())
            }
        values = self.values_of(fragment)
        if values is not None:
            out["values"] = self.node(values, (*where, "*"), whole)
        return out

    def function(self) -> dict[str, Any]:
        read_only = {p.split("/")[2] for p in self.document.get("readOnlyProperties", [])}
        return {
            k: self.node(v, (k,), True)
            for k, v in sorted(self.document["properties"].items())
            if k not in read_only
        }

    def along(self, path: tuple[str, ...]) -> dict[str, Any]:
        """The properties on the way to `path`, the value there, and its items' kind."""
        top: dict[str, Any] = {"properties": {}}
        tree, fragment = top, {"properties": self.document["properties"]}
        for index, segment in enumerate(path):
            if segment == "*":
                step = fragment.get("items") if "items" in fragment else self.values_of(fragment)
                key = "items" if "items" in fragment else "values"
            else:
                step = (fragment.get("properties") or {}).get(segment)
                key = "properties"
            if not isinstance(step, dict):
                return top  # the schema does not describe the rest of the path
            step = self.deref(step)
            node = self.node(step, path[: index + 1], whole=False)
            if key == "properties":
                tree = tree.setdefault("properties", {}).setdefault(segment, node)
            else:
                tree = tree.setdefault(key, node)
            fragment = step
        if isinstance(fragment.get("items"), dict):
            tree.setdefault("items", self.node(fragment["items"], (*path, "*"), whole=False))
        return top


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into.setdefault(key, value)


def types_table() -> str:
    from cfnlint.version import __version__

    folder, digests = schemas()

    def schema(type_: str) -> _Schema:
        path = folder / "resources" / f"{digests[type_]}.json"
        return _Schema(json.loads(path.read_text(encoding="utf-8")), type_)

    table: dict[str, Any] = {FUNCTION: schema(FUNCTION).function()}
    for entry in catalog.entries():
        if entry.type == FUNCTION or entry.type not in digests or entry.action == "LEAVE":
            continue
        along = schema(entry.type).along(entry.path)["properties"]
        if along:
            _merge(table.setdefault(entry.type, {}), along)
    source = (
        f"CloudFormation resource schemas of cfn-lint {__version__}; regenerate with: "
        "pytest tests/template/test_types.py --update-snapshots"
    )
    # One resource type a line: small, and a schema change shows as a readable diff.
    lines = [
        f' "{name}": {json.dumps(tree, separators=(",", ":"))}'
        for name, tree in sorted(table.items())
    ]
    return '{"Source": %s,\n"Types": {\n%s\n}}\n' % (json.dumps(source), ",\n".join(lines))
