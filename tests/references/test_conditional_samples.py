"""Every sample, with random catalogued places wrapped in `Fn::If` at random levels, is
rewritten as the sample itself is, and a second pass changes nothing.

A wrap puts the value at one level of a place's path (the place itself, a list item, a mapping
on the way) under `Fn::If: [Wrapped, value, !Ref AWS::NoValue]` or `[Wrapped, value, value]`.
The checks follow each wrapped place through both branches by its own path, not through the
catalog's path matching they test. Profile as in `tests/test_properties.py`.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from corpus_support import unqualified_in
from helpers import SAMPLES
from safelambda import DeployContext, Result, cli, transform
from safelambda.offline import sam
from safelambda.references import catalog
from test_properties import CI

CONDITION = "Wrapped"
NO_VALUE = {"Ref": "AWS::NoValue"}
# Places whose value must name no function unqualified after the transform.
INVOKING = frozenset({"ALIAS_ARN", "ALIAS_ARN_STR", "OPAQUE", "SUBSTITUTION", "VERSION_ARN"})
Path = tuple[str | int, ...]


def _macro_input(path: FilePath) -> tuple[dict[str, Any], DeployContext]:
    doc = cli.load_template(str(path))
    values = cli.parameter_values(doc, {})
    if sam.SAM_TRANSFORM in sam.transforms_of(doc):
        doc = sam.expand(doc, values, "us-east-1", "aws")
    doc = {k: v for k, v in doc.items() if k != "Transform"}
    doc["Conditions"] = {
        **doc.get("Conditions", {}),
        CONDITION: {"Fn::Equals": [{"Ref": "AWS::StackName"}, "prod"]},
    }
    return doc, DeployContext(parameters=values)


# wrong-layer.yaml carries the x86 extension on an arm64 function: the first pass swaps it and
# reports SL206, a second pass finds nothing to swap, so only its report differs (tested below).
SWAPPED = "wrong-layer.yaml"
SOURCES = sorted(
    p
    for p in SAMPLES.glob("*/*.yaml")
    if not p.name.startswith(("expected", "expanded")) and p.name != SWAPPED
)
INPUTS = {str(p.relative_to(SAMPLES)): _macro_input(p) for p in SOURCES}


# SafeLambda's own resources: it adopts or replaces them, and never reads them under Fn::If.
OWN_TYPES = frozenset({"AWS::Lambda::Version", "AWS::Lambda::Alias"})


def places(doc: dict[str, Any]) -> list[tuple[str, str, Path]]:
    """(resource, action, path under Properties) of every catalogued place to wrap."""
    found = []
    for rid, resource in doc["Resources"].items():
        if resource["Type"] in OWN_TYPES:
            continue
        props = resource.get("Properties") or {}
        for entry in catalog.entries_for(resource["Type"]):
            found += [(rid, entry.action, path) for path, _ in catalog.expand(props, entry.path)]
    return found


PLACES = {name: places(doc) for name, (doc, _) in INPUTS.items()}


def wrap(doc: dict[str, Any], rid: str, prefix: Path, same: bool) -> None:
    container: Any = doc["Resources"][rid]["Properties"]
    for part in prefix[:-1]:
        container = container[part]
    value = container[prefix[-1]]
    other = copy.deepcopy(value) if same else NO_VALUE
    container[prefix[-1]] = {"Fn::If": [CONDITION, value, other]}


@st.composite
def variants(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[tuple[str, str, Path]]]:
    """A sample with some places wrapped, and the paths of every place in the variant."""
    name = draw(st.sampled_from(sorted(INPUTS)))
    doc = copy.deepcopy(INPUTS[name][0])
    tracked = list(PLACES[name])
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.sampled_from(range(len(tracked))))
        rid, _, path = tracked[index]
        # A level is a position where a value sits: not right after an `Fn::If` key.
        levels = [k for k in range(1, len(path) + 1) if path[k - 1] != "Fn::If"]
        level = draw(st.sampled_from(levels))
        wrap(doc, rid, path[:level], draw(st.booleans()))
        tracked = [
            (
                r,
                a,
                p[:level] + ("Fn::If", 1) + p[level:]
                if r == rid and p[:level] == path[:level]
                else p,
            )
            for r, a, p in tracked
        ]
    return name, doc, tracked


def leaves(node: Any, path: Path) -> Iterator[Any]:
    """The values at `path`, through both branches of every `Fn::If` on it. A branch copied
    before a later wrap holds the place without it: that step is skipped there."""
    if not path:
        yield node
        return
    head, rest = path[0], path[1:]
    if head != "Fn::If":
        yield from leaves(node[head], rest)
    elif not (isinstance(node, dict) and "Fn::If" in node):
        yield from leaves(node, rest[1:])
    else:
        for branch in node["Fn::If"][1:]:
            if branch != NO_VALUE:
                yield from leaves(branch, rest[1:])


def unwrapped(path: Path) -> Path:
    """The path of the same place in the sample: without the `Fn::If` steps."""
    out: list[str | int] = []
    skip = False
    for part in path:
        if skip:
            skip = False
        elif part == "Fn::If":
            skip = True
        else:
            out.append(part)
    return tuple(out)


def codes(result: Result) -> Counter[str]:
    return Counter(w.code for w in result.report.warnings)


@CI
@given(variants())
def test_conditional_places_of_the_samples_are_rewritten_and_stable(
    variant: tuple[str, dict[str, Any], list[tuple[str, str, Path]]],
) -> None:
    name, doc, tracked = variant
    source, context = INPUTS[name]
    plain, result = transform(source, context), transform(doc, context)
    functions = {fid: f["AliasName"] for fid, f in result.report.functions.items()}
    same_versions = result.report.functions == plain.report.functions
    for rid, action, path in tracked:
        props = result.template["Resources"][rid]["Properties"]
        before = plain.template["Resources"][rid]["Properties"]
        for value in leaves(props, path):
            if action in INVOKING:
                assert list(unqualified_in(value, functions)) == [], (rid, path)
            if same_versions:  # a wrapped function property gives that function a new Version
                (expected,) = leaves(before, unwrapped(path))
                assert value == expected, (rid, path)
    assert codes(result) == codes(plain)
    text = json.dumps(result.template)
    assert json.dumps(transform(json.loads(text), context).template) == text


def test_a_second_pass_after_a_layer_swap_changes_only_the_report() -> None:
    source, context = _macro_input(SAMPLES / "arch-switch" / SWAPPED)
    first = transform(source, context)
    second = transform(json.loads(json.dumps(first.template)), context)
    assert [w.code for w in first.report.warnings] == ["SL206"]
    assert list(second.report.warnings) == []
    assert second.template["Resources"] == first.template["Resources"]
    assert second.report.functions == first.report.functions
