"""The private copy every step edits: independent of the caller's, depth-bounded, size-checked."""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpers import SAMPLES, function, template
from safelambda import TransformError, cli, transform
from safelambda.template import DEPTH_LIMIT, TEMPLATE_LIMIT, json_size, private_copy


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


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        # Metadata is at depth 1 and its "Deep" value at 2, so the leaf is at 2 + levels.
        pytest.param(DEPTH_LIMIT - 2, [], id="leaf-at-the-limit"),
        pytest.param(DEPTH_LIMIT - 1, ["SL009"], id="leaf-one-deeper"),
    ],
)
def test_depth_is_bounded_at_the_limit(levels: int, expected: list[str]) -> None:
    doc = template(Fn=function())
    doc["Metadata"] = {"Deep": nested(levels)}
    assert codes(doc) == expected


def test_a_function_property_at_the_depth_limit_is_hashed_without_recursion_trouble() -> None:
    # Fn (2) > Properties (3) > Environment (4) > Variables (5) > DEEP (6): leaf at 6 + levels.
    doc = template(Fn=function({"Environment": {"Variables": {"DEEP": nested(DEPTH_LIMIT - 6)}}}))
    assert "FnAliaslive" in transform(doc).template["Resources"]


def _containers(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [id(value), *(i for v in value.values() for i in _containers(v))]
    if isinstance(value, list):
        return [id(value), *(i for v in value for i in _containers(v))]
    return []


def test_the_copy_shares_no_container_and_no_mutable_leaf_with_the_input() -> None:
    doc = template(Fn=function({"Tags": [{"Key": "team", "Value": "orders"}]}))
    doc["Metadata"] = {"Opaque": bytearray(b"kept apart")}
    copied, problems = private_copy(doc)
    assert problems == []
    assert copied == doc
    assert set(_containers(copied)).isdisjoint(_containers(doc))
    assert copied["Metadata"]["Opaque"] is not doc["Metadata"]["Opaque"]


TEMPLATES = [
    pytest.param(cli.load_template(str(path)), id=f"{path.parent.name}-{path.stem}")
    for path in sorted(SAMPLES.glob("*/*.yaml"))
] + [
    pytest.param({"Resources": {}}, id="no-resources"),
    pytest.param({"Resources": "oops", "Outputs": {1: "non-string key"}}, id="odd"),
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
