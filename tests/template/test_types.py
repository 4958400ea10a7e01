"""Property types: a function property or a catalogued integration path of the wrong kind is
refused with a coded error naming resource and property; what CloudFormation accepts passes."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import ROOT, function, template
from safelambda import TransformError, transform
from safelambda.template import types
from types_table import types_table

TABLE = ROOT / "macro" / "safelambda" / "data" / "property_types.json"


def test_types_table_matches_the_resource_schemas(update_snapshots: bool) -> None:
    expected = types_table()
    if update_snapshots:
        TABLE.write_text(expected, encoding="utf-8")
    assert TABLE.read_text(encoding="utf-8") == expected, "stale: run --update-snapshots"


# -- every property of the table, of the wrong kind ----------------------------------------------

WRONG = ("some text", ["a", "list"], {"A": "mapping", "Of": "two keys"})


def wrong_value(node: dict[str, Any]) -> Any:
    """A value no kind of `node` accepts."""
    return next(v for v in WRONG if not any(types.KINDS[t][0](v) for t in node["type"]))


def typed(tree: dict[str, Any], path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """(path, node) of every typed property below `tree`, list items and map values as `*`."""
    found = []
    for key, node in tree.items():
        here = (*path, key)
        if "type" in node:
            found.append((here, node))
        found += typed(node.get("properties", {}), here)
        for step in ("items", "values"):
            if step in node:
                found += typed({"*": node[step]}, here)
    return found


FUNCTION_PROPERTIES = typed(types.table()[types.FUNCTION])


def nested_in(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    for part in reversed(path[1:]):
        value = [value] if part == "*" else {part: value}
    return {path[0]: value}


@pytest.mark.parametrize(
    ("path", "node"), FUNCTION_PROPERTIES, ids=["/".join(p) for p, _ in FUNCTION_PROPERTIES]
)
def test_every_function_property_of_the_wrong_kind_is_refused_naming_it(
    path: tuple[str, ...], node: dict[str, Any]
) -> None:
    fn = function()
    fn["Properties"].update(nested_in(path, wrong_value(node)))
    if path[-1] == "*" and path[-2] == "Variables":
        fn["Properties"]["Environment"]["Variables"] = {"NAME": wrong_value(node)}
    with pytest.raises(TransformError) as failure:
        transform(template(Fn=fn))
    (problem,) = failure.value.problems
    assert problem.code == "SL040"
    assert problem.resource == "Fn"
    where = "Properties." + ".".join(path).replace(".*", "[0]").replace(
        "Variables[0]", "Variables.NAME"
    )
    assert problem.path == where


def test_the_table_covers_every_property_safelambda_hashes() -> None:
    from safelambda.versions import hashing

    assert hashing.LOCKED - set(types.table()[types.FUNCTION]) == set()


# -- messages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("properties", "rendered"),
    [
        pytest.param(
            {"Architectures": "arm64"},
            "SL040 Fn.Properties.Architectures: is a string, but Lambda expects a list; "
            "write it as a list, [arm64]",
            id="architectures-string",
        ),
        pytest.param(
            {"Architectures": ["sparc"]},
            "SL041 Fn.Properties.Architectures[0]: is 'sparc', which Lambda does not accept; "
            "use one of arm64, x86_64",
            id="architectures-sparc",
        ),
        pytest.param(
            {"Architectures": ["arm64", "x86_64"]},
            "SL041 Fn.Properties.Architectures: lists 2 values; Lambda accepts exactly 1",
            id="architectures-two",
        ),
        pytest.param(
            {"Environment": {"Variables": {"TOKEN": ["secret"]}}},
            "SL040 Fn.Properties.Environment.Variables.TOKEN: is a list, but Lambda expects a "
            "string; write a string there",
            id="variable-value-not-echoed",
        ),
        pytest.param(
            {"Environment": {"Variables": "TOKEN=secret"}},
            "SL040 Fn.Properties.Environment.Variables: is a string, but Lambda expects a "
            "mapping; write a mapping there",
            id="variables-string-not-echoed",
        ),
        pytest.param(
            {"Code": ["app.zip"]},
            "SL040 Fn.Properties.Code: is a list, but Lambda expects a mapping or a string; "
            "write a mapping or a string there",
            id="code",
        ),
    ],
)
def test_a_wrong_type_reads_as_one_sentence_naming_the_property(
    properties: dict[str, Any], rendered: str
) -> None:
    with pytest.raises(TransformError) as failure:
        transform(template(Fn=function(properties)))
    assert [p.render() for p in failure.value.problems] == [rendered]
    assert "secret" not in str(failure.value)


def test_an_integration_path_of_the_wrong_type_names_the_resource_type() -> None:
    rule = {"Type": "AWS::Events::Rule", "Properties": {"Targets": {"Id": "a", "Arn": "x"}}}
    with pytest.raises(TransformError) as failure:
        transform(template(Fn=function(), Rule=rule))
    assert [p.render() for p in failure.value.problems] == [
        "SL042 Rule.Properties.Targets: is a mapping, but AWS::Events::Rule expects a list; "
        "write a list there"
    ]


# -- what CloudFormation accepts passes ---------------------------------------------------------

IF = "IsArm"


@pytest.mark.parametrize(
    "properties",
    [
        pytest.param({"Architectures": {"Fn::If": [IF, ["arm64"], ["x86_64"]]}}, id="if"),
        pytest.param({"Architectures": [{"Fn::If": [IF, "arm64", "x86_64"]}]}, id="if-item"),
        pytest.param(
            {"Architectures": {"Fn::If": [IF, ["arm64"], {"Ref": "AWS::NoValue"}]}}, id="novalue"
        ),
        pytest.param({"Architectures": {"Fn::Split": [",", "arm64"]}}, id="split"),
        pytest.param({"Layers": {"Ref": "LayerList"}}, id="layers-parameter"),
        pytest.param(
            {"Layers": [{"Fn::Sub": "arn:aws:lambda:${AWS::Region}:1:layer:x:1"}]}, id="sub"
        ),
        pytest.param({"MemorySize": "512", "Timeout": 30}, id="number-as-string"),
        pytest.param({"Description": 2024}, id="number-as-description"),
        pytest.param(
            {
                "Environment": {
                    "Variables": {"COUNT": 3, "ON": True, "ARN": {"Ref": "AWS::StackId"}}
                }
            },
            id="variables-numbers-booleans-intrinsics",
        ),
        pytest.param({"Code": "./src"}, id="code-local-path-before-package"),
        pytest.param({"VpcConfig": {"Ipv6AllowedForDualStack": "true"}}, id="boolean-as-string"),
        pytest.param(
            {"Environment": {"Fn::If": [IF, {"Variables": {"A": "b"}}, {"Ref": "AWS::NoValue"}]}},
            id="env-if",
        ),
        pytest.param({"FutureProperty": {"Any": ["shape"]}}, id="unknown-property-left-to-sl101"),
        pytest.param(
            {"Environment": {"Variables": {"FILLED_BY_SAM_LOCAL": None}}},
            id="null-left-to-sam-local-and-cloudformation",
        ),
    ],
)
def test_values_cloudformation_accepts_pass(properties: dict[str, Any]) -> None:
    doc = template(Fn=function(properties))
    doc["Parameters"] = {"LayerList": {"Type": "CommaDelimitedList", "Default": "a"}}
    doc["Conditions"] = {IF: {"Fn::Equals": [{"Ref": "AWS::StackName"}, "arm"]}}
    assert "FnAliaslive" in transform(doc).template["Resources"]
