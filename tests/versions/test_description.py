"""The version marker always fits: a Description too long beside it is cut, never refused.

Lambda allows 256 characters; the marker ` | SafeLambda:<10 hex>` takes 24. Without SafeLambda a
250-character Description deploys, so SafeLambda keeps its marker (every new Version is backed by
a real change of `$LATEST`) and cuts the user's text to 232 characters, with a warning (SL102).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpers import function, template
from safelambda import DeployContext, transform
from safelambda.versions import hashing

MARKER = r" | SafeLambda:"


def processed(description: Any, **extra: Any) -> tuple[dict[str, Any], list[str]]:
    doc = template(Fn=function({"Description": description}))
    doc.update(extra)
    result = transform(doc, DeployContext(parameters={"Team": "t" * 240}))
    warnings = [w.render() for w in result.report.warnings]
    return result.template, warnings


def description_of(doc: dict[str, Any]) -> Any:
    return doc["Resources"]["Fn"]["Properties"]["Description"]


def test_a_250_character_description_is_cut_to_fit_the_marker_with_a_warning() -> None:
    out, warnings = processed("d" * 250)
    description = description_of(out)
    assert len(description) == 256
    text, marker = description.split(MARKER)
    assert text == "d" * 231 + "…"
    assert len(marker) == hashing.ID_LENGTH
    assert warnings == [
        "SL102 Fn.Properties.Description: is too long to hold SafeLambda's version marker "
        "within Lambda's 256 characters, so it is cut to 232; shorten it to keep all of it"
    ]


@pytest.mark.parametrize("length", [232, 233, 250, 256, 4000], ids=lambda n: f"{n}-chars")
def test_a_second_pass_changes_nothing(length: int) -> None:
    once, warnings = processed("d" * length)
    doc = json.loads(json.dumps(once))
    again = transform(doc, DeployContext(parameters={"Team": "t" * 240})).template
    assert json.dumps(again) == json.dumps(once)
    assert bool(warnings) is (length > hashing.TEXT_LIMIT)


def test_a_description_that_fits_is_kept_whole() -> None:
    out, warnings = processed("d" * 232)
    assert description_of(out).startswith("d" * 232 + MARKER)
    assert warnings == []


def test_the_version_follows_the_text_as_deployed() -> None:
    first, _ = processed("d" * 231 + "x" * 20)
    cut_part_changed, _ = processed("d" * 231 + "y" * 20)  # only what is cut off differs
    kept_part_changed, _ = processed("e" + "d" * 230 + "x" * 20)
    assert description_of(cut_part_changed) == description_of(first)
    assert description_of(kept_part_changed) != description_of(first)


def test_an_intrinsic_description_too_long_when_resolved_is_cut_as_resolved() -> None:
    parameters = {"Team": {"Type": "String"}}
    out, warnings = processed({"Fn::Sub": "owned by ${Team}"}, Parameters=parameters)
    description = description_of(out)
    assert isinstance(description, str) and len(description) == 256
    assert description.startswith("owned by ttt") and [w[:5] for w in warnings] == ["SL102"]


def test_an_intrinsic_description_that_fits_keeps_its_intrinsic() -> None:
    out, warnings = processed({"Fn::Sub": "${AWS::StackName} worker"})
    description = description_of(out)
    assert description["Fn::Join"][1][0] == {"Fn::Sub": "${AWS::StackName} worker"}
    assert warnings == []
