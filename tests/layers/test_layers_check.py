"""`architecture_mismatches`: the layer rules as a read-only check for `safelambda check`."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from helpers import function, template
from safelambda import DeployContext, Severity
from safelambda.layers import architecture_mismatches

DD = "464622532012"
DD_X86 = f"arn:aws:lambda:us-east-1:{DD}:layer:Datadog-Extension:99"
DD_ARM = f"arn:aws:lambda:us-east-1:{DD}:layer:Datadog-Extension-ARM:99"
US = DeployContext("us-east-1")


def rendered(found: list[Any]) -> list[tuple[str, str]]:
    return [(p.render(), p.severity.value) for p in found]


def test_x86_extension_on_an_arm64_function_is_an_error_and_nothing_is_rewritten() -> None:
    fragment = template(Fn=function({"Architectures": ["arm64"], "Layers": [DD_X86]}))
    before = copy.deepcopy(fragment)
    assert rendered(architecture_mismatches(fragment, US)) == [
        (
            "SL206 Fn.Properties.Layers[0]: layer Datadog-Extension is built for the other "
            f"architecture; arm64 uses {DD_ARM}",
            "error",
        )
    ]
    assert fragment == before


def test_matching_layers_and_family_names_are_fine() -> None:
    fragment = template(
        Arm=function({"Architectures": ["arm64"], "Layers": [DD_ARM, "safelambda:datadog-node20"]}),
        X86=function({"Layers": [DD_X86]}),
    )
    assert architecture_mismatches(fragment, US) == []


@pytest.mark.parametrize(
    ("layer", "architectures"),
    [
        pytest.param("vendor-arm64:2", ["x86_64"], id="arm64-on-x86"),
        pytest.param("LambdaAdapterLayerX86:25", ["arm64"], id="camel-case-x86-on-arm64"),
        pytest.param("NewRelicLambdaExtension-ARM64:9", ["x86_64"], id="separated-ARM64"),
    ],
)
def test_unknown_layer_named_for_the_other_architecture_fails_the_check(
    layer: str, architectures: list[str]
) -> None:
    # The layers step only warns (SL207, an error under Strict); `check` fails on it: an
    # extension built for the other architecture does not start.
    arn = f"arn:aws:lambda:us-east-1:111111111111:layer:{layer}"
    fn = function({"Architectures": architectures, "Layers": [arn]})
    found = architecture_mismatches(template(Fn=fn), US)
    assert [(p.code, p.severity) for p in found] == [("SL207", Severity.ERROR)]


def test_sam_function_with_globals_is_checked_as_sam_expands_it() -> None:
    fragment = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Globals": {"Function": {"Architectures": ["arm64"], "Layers": [DD_X86]}},
        "Resources": {
            "Api": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"Runtime": "python3.12", "Handler": "a.b", "CodeUri": "src/"},
            },
            "Worker": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"Architectures": ["x86_64"], "Layers": [DD_ARM]},
            },
        },
    }
    found = architecture_mismatches(fragment, US)
    assert [(p.code, p.resource, p.path) for p in found] == [
        ("SL206", "Api", "Properties.Layers[0]"),
        # Worker: the global x86 layer fits, its own arm64 layer does not.
        ("SL206", "Worker", "Properties.Layers[1]"),
    ]


def test_open_if_architecture_reports_the_branch_that_does_not_fit() -> None:
    fragment = template(
        Fn=function(
            {"Architectures": {"Fn::If": ["UseArm", ["arm64"], ["x86_64"]]}, "Layers": [DD_ARM]}
        )
    )
    fragment["Conditions"] = {"UseArm": {"Fn::Equals": [{"Ref": "AWS::StackName"}, "x"]}}
    found = architecture_mismatches(fragment, US)
    assert [(p.code, p.message.rsplit(" ", 1)[1]) for p in found] == [("SL206", DD_X86)]


def test_architecture_that_cannot_be_known_is_reported_with_layers_only() -> None:
    unknown = [{"Fn::ImportValue": "arch"}]
    fragment = template(
        Layered=function({"Architectures": unknown, "Layers": [DD_X86]}),
        Plain=function({"Architectures": unknown}),
    )
    found = architecture_mismatches(fragment, US)
    assert [(p.code, p.resource) for p in found] == [("SL204", "Layered")]


def test_deploy_time_and_template_mappings_are_used() -> None:
    own = {
        "Architectures": {
            "x86_64": {"Arn": "arn:aws:lambda:us-east-1:111111111111:layer:tool", "Version": 1},
            "arm64": {
                "Arn": "arn:aws:lambda:us-east-1:111111111111:layer:tool-graviton",
                "Version": 1,
            },
        }
    }
    fragment = template(
        Fn=function({"Layers": ["arn:aws:lambda:us-east-1:111111111111:layer:tool-graviton:1"]})
    )
    environ = {"SAFELAMBDA_LAYER_MAPPING": json.dumps({"tool": own})}
    # The team's family says nothing of its numbering: the swap warns naming both versions.
    assert [p.code for p in architecture_mismatches(fragment, US, environ)] == ["SL206", "SL210"]
    fragment["Metadata"] = {"SafeLambda": {"Layers": {"tool": {"Architectures": "x"}}}}
    assert [p.code for p in architecture_mismatches(fragment, US, environ)] == ["SL201"]


def test_not_a_template_is_nothing_to_check() -> None:
    assert architecture_mismatches(["not", "a", "template"], US) == []
    assert architecture_mismatches({"Resources": "none"}, US) == []
