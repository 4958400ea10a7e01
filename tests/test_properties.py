"""Properties that hold for every template, checked on generated ones (hypothesis).

Templates are drawn from functions (architectures, layers, environment, descriptions,
conditions, per-function settings, an alias SAM made earlier), in-template layers, parameters,
conditions, and one resource per integration kind of the catalog (`data/integrations.tsv`, so a
new catalog row is covered as soon as it lands), referencing a function in every form SafeLambda
rewrites. The profile is fixed for CI: derandomized, bounded examples, no example database;
`SAFELAMBDA_PROPERTY_EXAMPLES=2000 pytest tests/test_properties.py` searches harder.
"""

from __future__ import annotations

import copy
import json
import os
import random
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus_support import lost_items, off_alias, replaceable_versions
from safelambda import DeployContext, TransformError, transform
from safelambda.references import catalog
from safelambda.template import types

CI = settings(
    max_examples=int(os.environ.get("SAFELAMBDA_PROPERTY_EXAMPLES", "60")),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FUNCTION_IDS = ("Orders", "Billing", "Reports", "Worker")
ALIAS_NAMES = ("live", "prod", "blue_2")
PARAMETERS = {
    "Stage": {"Type": "String", "Default": "dev"},
    "UseArm": {"Type": "String", "Default": "true", "AllowedValues": ["true", "false"]},
}
CONDITIONS = {
    "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
    "IsArm": {"Fn::Equals": [{"Ref": "UseArm"}, "true"]},
}
LAYERS = {
    "LayerA": {
        "Type": "AWS::Lambda::LayerVersion",
        "Properties": {"Content": {"S3Bucket": "artifacts", "S3Key": "a.zip"}},
    },
    "LayerB": {
        "Type": "AWS::Lambda::LayerVersion",
        "Properties": {
            "Content": {"S3Bucket": "artifacts", "S3Key": {"Fn::Sub": "b-${Stage}.zip"}},
            "CompatibleArchitectures": ["arm64", "x86_64"],
        },
    },
}
# Catalog rows whose resource SafeLambda itself creates or adopts are not integrations to draw.
OWN_TYPES = frozenset({"AWS::Lambda::Version", "AWS::Lambda::Alias"})
INTEGRATIONS = tuple(e for e in catalog.entries() if e.type not in OWN_TYPES)
ON_ALIAS = frozenset({"ALIAS_ARN", "ALIAS_ARN_STR", "OPAQUE"})

architectures = st.sampled_from(
    [None, ["x86_64"], ["arm64"], {"Fn::If": ["IsArm", ["arm64"], ["x86_64"]]}]
)
layer = st.sampled_from(
    [
        "arn:aws:lambda:us-east-1:123456789012:layer:shared:3",
        {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:123456789012:layer:tools-${Stage}:1"},
        {"Ref": "LayerA"},
        {"Ref": "LayerB"},
    ]
)
variable = st.sampled_from(["x", {"Ref": "Stage"}, {"Fn::Sub": "${Stage}-${AWS::Region}"}])
description = st.sampled_from([None, "", "orders", {"Fn::Sub": "${AWS::StackName} worker"}])


def _optional(properties: dict[str, Any], **values: Any) -> dict[str, Any]:
    return {**properties, **{k: v for k, v in values.items() if v is not None}}


@st.composite
def functions(draw: st.DrawFn, fid: str) -> dict[str, dict[str, Any]]:
    """One function and, sometimes, the Version and Alias SAM's AutoPublishAlias made for it."""
    props = _optional(
        {
            "Runtime": draw(st.sampled_from(["python3.12", "nodejs20.x"])),
            "Handler": "app.handler",
            "Role": "arn:aws:iam::123456789012:role/app",
            "Code": {"S3Bucket": "artifacts", "S3Key": f"{fid}.zip"},
        },
        Architectures=draw(architectures),
        Layers=draw(st.none() | st.lists(layer, max_size=3, unique_by=json.dumps)),
        Description=draw(description),
        MemorySize=draw(st.none() | st.sampled_from([128, 512, {"Ref": "AWS::NoValue"}])),
        Timeout=draw(st.none() | st.integers(1, 900)),
        Environment=draw(
            st.none()
            | st.dictionaries(st.sampled_from(["STAGE", "TABLE"]), variable).map(
                lambda v: {"Variables": v}
            )
        ),
        Tags=draw(st.none() | st.just([{"Key": "team", "Value": fid}])),
    )
    resource: dict[str, Any] = {"Type": "AWS::Lambda::Function", "Properties": props}
    if draw(st.booleans()):
        resource["Condition"] = "IsProd"
    own = draw(
        st.none()
        | st.fixed_dictionaries({}, optional={"AliasName": st.sampled_from(ALIAS_NAMES)})
        | st.just({"Skip": True})
    )
    if own is not None:
        resource["Metadata"] = {"SafeLambda": own}
    out = {fid: resource}
    if draw(st.booleans()):  # what AutoPublishAlias left: SafeLambda adopts the alias
        version = f"{fid}Version{draw(st.text('0123456789abcdef', min_size=10, max_size=10))}"
        out[version] = {
            "Type": "AWS::Lambda::Version",
            "Properties": {"FunctionName": {"Ref": fid}},
        }
        out[f"{fid}Aliaslive"] = {
            "Type": "AWS::Lambda::Alias",
            "Properties": {
                "FunctionName": {"Ref": fid},
                "FunctionVersion": {"Fn::GetAtt": [version, "Version"]},
                "Name": "live",
            },
        }
    return out


def reference_forms(entry: catalog.Entry, fid: str) -> list[Any]:
    """Every way a template names the function at this catalog place."""
    if entry.type == "AWS::Logs::LogGroup":
        return [{"Fn::Sub": "/aws/lambda/${%s}" % fid}]
    if entry.action == "ALIAS_ARN_STR":
        invocations = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        return [
            {"Fn::Sub": invocations + "${%s.Arn}/invocations" % fid},
            {
                "Fn::Sub": [
                    invocations + "${Target}/invocations",
                    {"Target": {"Fn::GetAtt": [fid, "Arn"]}},
                ]
            },
            {"Fn::Join": ["", [invocations, {"Fn::GetAtt": [fid, "Arn"]}, "/invocations"]]},
        ]
    return [
        {"Ref": fid},
        {"Fn::GetAtt": [fid, "Arn"]},
        {"Fn::GetAtt": f"{fid}.Arn"},
        {"Fn::Sub": "${%s.Arn}" % fid},
        {"Fn::If": ["IsProd", {"Fn::GetAtt": [fid, "Arn"]}, {"Ref": "AWS::NoValue"}]},
    ]


def nest(resource_type: str, path: tuple[str, ...], value: Any) -> Any:
    """Properties holding `value` at a catalog path: `*` becomes a one-item list, or a mapping
    with one key where the schema has a mapping of free keys (`data/property_types.json`)."""
    node: Any = {"properties": types.table().get(resource_type, {})}
    maps = []
    for part in path:
        maps.append(part == "*" and "values" in node)
        node = (
            node.get("values" if maps[-1] else "items", {})
            if part == "*"
            else (node.get("properties", {}).get(part, {}))
        )
    for part, is_map in reversed(list(zip(path, maps, strict=True))):
        value = ({"Seed": value} if is_map else [value]) if part == "*" else {part: value}
    return value


@st.composite
def integrations(draw: st.DrawFn, fids: list[str]) -> dict[str, dict[str, Any]]:
    out = {}
    for index, entry in enumerate(draw(st.lists(st.sampled_from(INTEGRATIONS), max_size=6))):
        fid = draw(st.sampled_from(fids))
        value = draw(st.sampled_from(reference_forms(entry, fid)))
        kind = entry.type.replace("*", "Seed")
        props = nest(entry.type, entry.path, value)
        out[f"Integration{index}"] = {"Type": kind, "Properties": props}
    return out


@st.composite
def elsewhere(draw: st.DrawFn, fids: list[str]) -> dict[str, dict[str, Any]]:
    """References outside the catalog: reported (SL301 warnings), never rewritten blindly."""
    out = {}
    for index, fid in enumerate(draw(st.lists(st.sampled_from(fids), max_size=2))):
        out[f"Elsewhere{index}"] = {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "DefinitionString": "{}",
                "RoleArn": "arn:aws:iam::123456789012:role/sfn",
                "DefinitionSubstitutions": {"Target": {"Fn::GetAtt": [fid, "Arn"]}},
            },
        }
    return out


@st.composite
def templates(draw: st.DrawFn) -> dict[str, Any]:
    fids = draw(st.lists(st.sampled_from(FUNCTION_IDS), min_size=1, max_size=4, unique=True))
    resources: dict[str, Any] = dict(LAYERS)
    for fid in fids:
        resources.update(draw(functions(fid)))
    resources.update(draw(integrations(fids)))
    resources.update(draw(elsewhere(fids)))
    doc: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": copy.deepcopy(PARAMETERS),
        "Conditions": copy.deepcopy(CONDITIONS),
        "Resources": resources,
        "Outputs": {f"{fid}Arn": {"Value": {"Fn::GetAtt": [fid, "Arn"]}} for fid in fids},
    }
    settings_ = draw(st.none() | st.sampled_from([{"AliasName": "prod"}, {"Strict": False}]))
    if settings_ is not None:
        doc["Metadata"] = {"SafeLambda": settings_}
    return copy.deepcopy(doc)  # no shared sub-objects between resources


contexts = st.builds(
    lambda stage, arm: DeployContext("us-east-1", "123456789012", {"Stage": stage, "UseArm": arm}),
    st.sampled_from(["dev", "prod"]),
    st.sampled_from(["true", "false"]),
)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def of_type(template: dict[str, Any], kind: str, fid: str) -> list[str]:
    return sorted(
        rid
        for rid, r in template["Resources"].items()
        if r["Type"] == kind and r["Properties"].get("FunctionName") == {"Ref": fid}
    )


# -- the properties ---------------------------------------------------------------------------


def assert_nothing_lost(doc: dict[str, Any], out: Any) -> None:
    functions = set(out.report.functions)
    sam_versions = replaceable_versions(doc, functions)
    assert lost_items(doc, out.template, sam_versions, dict(out.report.replaced)) == []
    json.dumps(out.template)  # plain JSON, nothing else


@CI
@given(templates(), contexts)
def test_nothing_is_lost(doc: dict[str, Any], context: DeployContext) -> None:
    before = copy.deepcopy(doc)
    out = transform(doc, context)
    assert doc == before  # the input is never mutated
    assert_nothing_lost(doc, out)


@CI
@given(templates(), contexts)
def test_transforming_twice_equals_once_with_one_version_and_alias(
    doc: dict[str, Any], context: DeployContext
) -> None:
    once = transform(doc, context).template
    twice = transform(once, context).template
    assert canonical(twice) == canonical(once)
    for fid in FUNCTION_IDS:
        skipped = once["Resources"].get(fid, {}).get("Metadata", {}).get("SafeLambda", {})
        if fid in once["Resources"] and not skipped.get("Skip"):
            assert len(of_type(twice, "AWS::Lambda::Version", fid)) == 1
            assert len(of_type(twice, "AWS::Lambda::Alias", fid)) == 1


@CI
@given(templates(), contexts)
def test_output_bytes_are_deterministic(doc: dict[str, Any], context: DeployContext) -> None:
    first = json.dumps(transform(copy.deepcopy(doc), context).template)
    second = json.dumps(transform(copy.deepcopy(doc), context).template)
    assert first == second


def shuffled(value: Any, rnd: random.Random) -> Any:
    if isinstance(value, dict):
        keys = list(value)
        rnd.shuffle(keys)
        return {k: shuffled(value[k], rnd) for k in keys}
    if isinstance(value, list):
        return [shuffled(v, rnd) for v in value]
    return value


@CI
@given(templates(), contexts, st.randoms(use_true_random=False))
def test_output_does_not_depend_on_key_order(
    doc: dict[str, Any], context: DeployContext, rnd: random.Random
) -> None:
    straight = transform(doc, context).template
    mixed = transform(shuffled(doc, rnd), context).template
    assert canonical(mixed) == canonical(straight)


def _mentions(value: Any, targets: list[str]) -> bool:
    text = json.dumps(value)
    return any(t in text for t in targets)


@CI
@given(templates(), contexts)
def test_every_generated_integration_ends_on_the_alias(
    doc: dict[str, Any], context: DeployContext
) -> None:
    result = transform(doc, context)
    plans = result.report.functions
    assert off_alias(result.template, {f: p["AliasName"] for f, p in plans.items()}) == []
    for rid, resource in doc["Resources"].items():
        if not rid.startswith("Integration"):
            continue
        # The entry whose path the generator filled: a type may have several catalogued paths.
        entry, ((path, before),) = next(
            (e, found)
            for e in INTEGRATIONS
            if e.type.replace("*", "Seed") == resource["Type"]
            and (found := list(catalog.expand(resource["Properties"], e.path)))
        )
        now = dict(result.report.replaced).get(rid, rid)  # a target group gets a new ID
        after = result.template["Resources"][now]["Properties"]
        for part in path:
            after = after[part]
        fid = next(f for f in FUNCTION_IDS if f in json.dumps(before))
        if fid not in plans:  # a skipped function: nothing of it moves
            assert after == before
            continue
        resource_after = result.template["Resources"][now]
        _check_action(
            entry, before=before, after=after, resource=resource_after, fid=fid, plan=plans[fid]
        )


def _check_action(
    entry: catalog.Entry,
    *,
    before: Any,
    after: Any,
    resource: dict[str, Any],
    fid: str,
    plan: dict[str, str],
) -> None:
    """What each catalog action promises for the place it names."""
    qualified = "${%s}:%s" % (fid, plan["AliasName"])
    if entry.action in (*ON_ALIAS, "SUBSTITUTION"):
        assert _mentions(after, [plan["Alias"], qualified])
    elif entry.action == "VERSION_ARN":
        assert _mentions(after, [plan["Version"]])
    elif entry.action == "QUALIFIER" and entry.qualifier != entry.path:
        assert after == before  # the function stays named; its qualifier names the alias
        qualifier: Any = resource["Properties"]
        for part in entry.qualifier:
            qualifier = qualifier[part]
        assert qualifier == _qualifier_for(before, plan["AliasName"])
    elif entry.action == "PERMISSION":  # follows its integration, when the template has one
        assert after == before or _mentions(after, [plan["Alias"]])
    else:  # LEAVE, REPORT, HIDDEN; EXTEND_IAM needs a policy statement, not drawn here
        assert after == before


def _qualifier_for(target: Any, alias_name: str) -> Any:
    """A QUALIFIER place's qualifier: the alias name where the target names the function, and
    none where it is `AWS::NoValue`, under the same `Fn::If` as the target (the generator's
    `{"Fn::If": ["IsProd", <function>, NoValue]}`): with no target there is no qualifier."""
    if isinstance(target, dict) and "Fn::If" in target:
        condition, then, other = target["Fn::If"]
        return {
            "Fn::If": [
                condition,
                _qualifier_for(then, alias_name),
                _qualifier_for(other, alias_name),
            ]
        }
    return target if target == {"Ref": "AWS::NoValue"} else alias_name


def _other_architecture(props: dict[str, Any], context: DeployContext) -> None:
    current = props.get("Architectures", ["x86_64"])
    if isinstance(current, dict):  # the Fn::If on IsArm, as this deploy resolves it
        current = ["arm64"] if context.parameters["UseArm"] == "true" else ["x86_64"]
    props["Architectures"] = ["x86_64"] if current == ["arm64"] else ["arm64"]


# Changes `$LATEST` sees, each one resolved differently from anything `templates()` draws.
LOCKED_CHANGES: dict[str, Callable[[dict[str, Any], DeployContext], None]] = {
    "architecture": _other_architecture,
    "layer": lambda p, _: p.__setitem__(
        "Layers", [*p.get("Layers", []), "arn:aws:lambda:us-east-1:1:layer:new:1"]
    ),
    "timeout": lambda p, _: p.__setitem__("Timeout", p.get("Timeout", 3) % 900 + 1),
    "environment": lambda p, _: p.__setitem__("Environment", {"Variables": {"NEW": "1"}}),
}


@CI
@given(templates(), contexts, st.sampled_from(sorted(LOCKED_CHANGES)), st.data())
def test_a_locked_change_publishes_exactly_that_functions_new_version(
    doc: dict[str, Any], context: DeployContext, change: str, data: st.DataObject
) -> None:
    before = transform(doc, context).report.functions
    if not before:
        return
    fid = data.draw(st.sampled_from(sorted(before)))
    changed = copy.deepcopy(doc)
    LOCKED_CHANGES[change](changed["Resources"][fid]["Properties"], context)
    tagged = copy.deepcopy(doc)
    tagged["Resources"][fid]["Properties"]["Tags"] = [{"Key": "new", "Value": "tag"}]
    after = transform(changed, context).report.functions
    assert after[fid]["Version"] != before[fid]["Version"]
    assert {f: p for f, p in after.items() if f != fid} == {
        f: p for f, p in before.items() if f != fid
    }
    assert transform(tagged, context).report.functions == before  # Tags change no code


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["", "x", "Orders", "${x}"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["Ref", "Fn::Sub", "Fn::GetAtt", "Fn::If", "Type", "a"]),
            inner,
            max_size=2,
        )
    ),
    max_leaves=6,
)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, here + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, here + (i,))
    return found


@CI
@given(templates(), contexts, st.data())
def test_a_broken_template_raises_only_the_coded_error(
    doc: dict[str, Any], context: DeployContext, data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from(_paths(doc)[1:]))
    replacement = data.draw(JSON)
    container: Any = doc
    for part in target[:-1]:
        container = container[part]
    container[target[-1]] = replacement
    before = copy.deepcopy(doc)
    try:
        result = transform(doc, context)
    except TransformError as failure:
        assert failure.problems and all(p.code.startswith("SL") for p in failure.problems)
    else:
        assert_nothing_lost(doc, result)
    assert doc == before
