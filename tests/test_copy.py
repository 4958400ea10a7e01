"""The template the steps edit: the caller's never changes, what no step changes stays shared,
and the input is depth-bounded and size-checked first."""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpers import function, sample_templates, template
from safelambda import TransformError, cli, transform
from safelambda.config import Settings
from safelambda.template.checks import DEPTH_LIMIT
from safelambda.template.resolve import DeployContext, Resolver
from safelambda.template.shape import BATCH, TEMPLATE_LIMIT, checked, json_size
from safelambda.work import Work


def nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = [value]
    return value


def codes(doc: dict[str, Any]) -> list[str]:
    try:
        transform(doc)
    except TransformError as failure:
        return [p.code for p in failure.problems]
    return []


def _deep_at(where: str, value: Any) -> dict[str, Any]:
    doc = template(Fn=function())
    queue: dict[str, Any] = {"Type": "AWS::SQS::Queue"}
    doc["Resources"]["Queue"] = queue
    if where == "Metadata":
        doc["Metadata"] = {"Deep": value}
    elif where == "resource-Metadata":
        queue["Metadata"] = {"Deep": value}
    elif where == "Properties":
        queue["Properties"] = {"Deep": value}
    elif where == "Outputs":
        doc["Outputs"] = {"Out": {"Value": value}}
    elif where == "Conditions":
        doc["Conditions"] = {"Same": {"Fn::Equals": [value, "a"]}}
    else:  # inside an Fn::Transform, which the intrinsic checks do not look into
        include = {"Name": "AWS::Include", "Parameters": {"Deep": value}}
        queue["Properties"] = {"Deep": {"Fn::Transform": include}}
    return doc


# Where a value goes, and its depth there (the template is at 0, its sections at 1).
DEPTHS = {
    "Metadata": 2,
    "resource-Metadata": 4,
    "Properties": 4,
    "Outputs": 3,
    "Conditions": 4,
    "Fn::Transform": 7,
}
# The resource and the property SL009 names for each.
NAMED = {
    "Metadata": (None, "Metadata"),
    "resource-Metadata": ("Queue", "Metadata"),
    "Properties": ("Queue", "Properties"),
    "Outputs": (None, "Outputs"),
    "Conditions": (None, "Conditions"),
    "Fn::Transform": ("Queue", "Properties"),
}


@pytest.mark.parametrize("where", DEPTHS)
@pytest.mark.parametrize(
    ("deeper", "expected"),
    [pytest.param(0, [], id="leaf-at-the-limit"), pytest.param(1, ["SL009"], id="one-deeper")],
)
def test_depth_is_bounded_at_the_limit(where: str, deeper: int, expected: list[str]) -> None:
    # A leaf at depth DEPTH_LIMIT is allowed: nested(levels) puts it at DEPTHS[where] + levels.
    doc = _deep_at(where, nested(DEPTH_LIMIT - DEPTHS[where] + deeper))
    assert codes(doc) == expected
    if expected:
        with pytest.raises(TransformError) as failure:
            transform(doc)
        (problem,) = failure.value.problems
        assert (problem.resource, problem.path) == NAMED[where]


def test_nesting_past_the_interpreters_recursion_limit_is_too_deep_not_a_crash() -> None:
    assert codes(_deep_at("Properties", nested(50_000))) == ["SL009"]


def test_a_malformed_intrinsic_beside_a_too_deep_value_is_reported_as_too_deep() -> None:
    # The second, path-building walk runs only on values the first found within the limit.
    doc = _deep_at("Properties", [{"Ref": 1}, nested(DEPTH_LIMIT)])
    assert codes(doc) == ["SL009"]


def test_a_function_property_at_the_depth_limit_is_hashed_without_recursion_trouble() -> None:
    # A property the types table does not know (hashed, SL101) may hold anything.
    # Fn (2) > Properties (3) > Future (4) > Deep (5): leaf at 5 + levels.
    doc = template(Fn=function({"Future": {"Deep": nested(DEPTH_LIMIT - 5)}}))
    assert "FnAliaslive" in transform(doc).template["Resources"]


def test_a_cycle_is_too_deep_not_a_crash() -> None:
    doc = template(Fn=function())
    loop: dict[str, Any] = {}
    loop["Again"] = loop
    doc["Metadata"] = {"Loop": loop}
    assert codes(doc) == ["SL009"]


def test_the_steps_get_their_own_top_level_and_resources_mappings_and_nothing_else() -> None:
    doc = template(Fn=function({"Tags": [{"Key": "team", "Value": "orders"}]}))
    doc["Metadata"] = {"Team": "orders"}
    mine, problems, _ = checked(doc)
    assert problems == []
    assert mine == doc
    assert mine is not doc and mine["Resources"] is not doc["Resources"]
    assert mine["Resources"]["Fn"] is doc["Resources"]["Fn"]
    assert mine["Metadata"] is doc["Metadata"]


def test_edit_copies_only_the_containers_on_the_way_to_the_change_and_each_once() -> None:
    doc = template(
        Fn=function(
            {"Environment": {"Variables": {"A": "1"}}, "Tags": [{"Key": "k", "Value": "v"}]}
        )
    )
    before = json.dumps(doc)
    mine = checked(doc).template
    work = Work(mine, Resolver(mine, DeployContext()), Settings())
    variables = work.edit("Fn", ("Properties", "Environment", "Variables"))
    variables["B"] = "2"
    assert work.edit("Fn", ("Properties", "Environment", "Variables")) is variables
    work.edit("Fn", ("Properties", "Tags", 0))["Value"] = "w"
    work.edit("Fn", ("Metadata", "New"))["Made"] = True  # missing mappings are created
    assert json.dumps(doc) == before
    edited, original = mine["Resources"]["Fn"], doc["Resources"]["Fn"]
    assert edited["Properties"]["Environment"]["Variables"] == {"A": "1", "B": "2"}
    assert edited["Properties"]["Tags"] == [{"Key": "k", "Value": "w"}]
    assert edited["Metadata"] == {"New": {"Made": True}}
    assert edited["Properties"]["Code"] is original["Properties"]["Code"]


def test_a_kept_resource_stays_as_it_was_when_it_is_edited_later() -> None:
    # The reference step keeps a permission as it was, for the unqualified copy, then edits it.
    doc = template(Fn=function({"Environment": {"Variables": {"A": "1"}}}))
    mine = checked(doc).template
    work = Work(mine, Resolver(mine, DeployContext()), Settings())
    work.edit("Fn", ("Properties", "Environment", "Variables"))["B"] = "2"
    kept = work.keep("Fn")
    work.edit("Fn", ("Properties", "Environment", "Variables"))["C"] = "3"
    assert kept["Properties"]["Environment"]["Variables"] == {"A": "1", "B": "2"}
    edited = mine["Resources"]["Fn"]["Properties"]["Environment"]["Variables"]
    assert edited == {"A": "1", "B": "2", "C": "3"}
    assert doc["Resources"]["Fn"]["Properties"]["Environment"]["Variables"] == {"A": "1"}


# Every sample SafeLambda reads directly: SAM sources are represented by their expansions.
EXPANDED = [
    pytest.param(doc, id=f"{path.parent.name}-{path.stem}")
    for path in sample_templates()
    if "AWS::Serverless::" not in json.dumps(doc := cli.load_template(str(path)), default=str)
]


@pytest.mark.parametrize("doc", EXPANDED)
def test_a_transform_never_changes_its_input_and_shares_what_it_left_alone(doc: Any) -> None:
    before = json.dumps(doc, default=str)
    after = transform(doc).template
    assert json.dumps(doc, default=str) == before
    # The versions step writes every function's marker and builds its Version and Alias anew;
    # any other resource it or a later step did not change is the input's own object.
    rebuilt = ("AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias")
    unchanged = [
        rid
        for rid, r in doc["Resources"].items()
        if after["Resources"].get(rid) == r and r["Type"] not in rebuilt
    ]
    assert unchanged
    assert all(after["Resources"][rid] is doc["Resources"][rid] for rid in unchanged)


TEMPLATES = [
    pytest.param(cli.load_template(str(path)), id=f"{path.parent.name}-{path.stem}")
    for path in sample_templates()
] + [
    pytest.param({"Resources": {}}, id="no-resources"),
    pytest.param({"Resources": "oops", "Outputs": {1: "non-string key"}}, id="odd"),
    pytest.param(
        template(**{f"Queue{i}": {"Type": "AWS::SQS::Queue"} for i in range(2 * BATCH + 3)}),
        id="several-batches",
    ),
]


@pytest.mark.parametrize("doc", TEMPLATES)
def test_json_size_is_the_length_of_the_whole_template_as_json(doc: dict[str, Any]) -> None:
    assert json_size(doc) == len(json.dumps(doc, default=str))


def _template_of_size(size: int) -> dict[str, Any]:
    doc = template(Fn=function(), Pad={"Type": "AWS::SQS::Queue", "Metadata": {"Pad": ""}})
    missing = size - len(json.dumps(doc))
    doc["Resources"]["Pad"]["Metadata"]["Pad"] = "x" * missing
    assert len(json.dumps(doc)) == size
    return doc


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        pytest.param(TEMPLATE_LIMIT, [], id="at-the-limit"),
        pytest.param(TEMPLATE_LIMIT + 1, ["SL007"], id="one-byte-over"),
    ],
)
def test_the_one_megabyte_limit_is_exact(size: int, expected: list[str]) -> None:
    assert codes(_template_of_size(size)) == expected
