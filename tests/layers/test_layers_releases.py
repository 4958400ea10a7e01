"""Swaps keep the release: the same number, the vendor's release table, or a warning naming both."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import function, template
from safelambda import DeployContext, transform
from safelambda.layers import architecture_mismatches
from safelambda.layers.catalog import bundled
from safelambda.layers.families import Sibling

INSIGHTS = "arn:aws:lambda:{}:580247275435:layer:LambdaInsightsExtension{}:{}"
POWERTOOLS = "arn:aws:lambda:{}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-{}:{}"
APPCONFIG = "arn:aws:lambda:us-east-1:027255383542:layer:AWS-AppConfig-Extension{}:{}"
ADAPTER = "arn:aws:lambda:us-east-1:753240598075:layer:LambdaAdapterLayer{}:{}"


def swapped(layer: str, architecture: str, region: str = "us-east-1") -> tuple[Any, list[str]]:
    fn = function({"Architectures": [architecture], "Layers": [layer]})
    result = transform(template(Fn=fn), DeployContext(region))
    return (
        result.template["Resources"]["Fn"]["Properties"]["Layers"],
        [w.code for w in result.report.warnings],
    )


@pytest.mark.parametrize(
    ("written", "architecture", "region", "expected"),
    [
        pytest.param(
            POWERTOOLS.format("us-east-1", "x86_64", 7),
            "arm64",
            "us-east-1",
            POWERTOOLS.format("us-east-1", "arm64", 7),
            id="powertools-same-number",
        ),
        pytest.param(
            ADAPTER.format("X86", 25),
            "arm64",
            "us-east-1",
            ADAPTER.format("Arm64", 25),
            id="web-adapter-same-number",
        ),
        pytest.param(
            INSIGHTS.format("us-east-1", "-Arm64", 1),
            "x86_64",
            "us-east-1",
            INSIGHTS.format("us-east-1", "", 16),
            id="insights-1.0.119.0-to-x86",
        ),
        pytest.param(
            INSIGHTS.format("us-east-1", "", 38),
            "arm64",
            "us-east-1",
            INSIGHTS.format("us-east-1", "-Arm64", 5),
            id="insights-1.0.229.0-to-arm64",
        ),
        pytest.param(
            INSIGHTS.format("ap-northeast-1", "", 25),
            "arm64",
            "ap-northeast-1",
            INSIGHTS.format("ap-northeast-1", "-Arm64", 2),
            id="insights-1.0.135.0-per-region",
        ),
        pytest.param(
            APPCONFIG.format("", 110),
            "arm64",
            "us-east-1",
            APPCONFIG.format("-Arm64", 43),
            id="appconfig-2.0.165",
        ),
    ],
)
def test_swap_keeps_the_written_release(
    written: str, architecture: str, region: str, expected: str
) -> None:
    layers, codes = swapped(written, architecture, region)
    assert (layers, codes) == ([expected], ["SL206"])


@pytest.mark.parametrize(
    ("written", "says"),
    [
        pytest.param(
            INSIGHTS.format("us-east-1", "", 21),
            "LambdaInsightsExtension:21 (release 1.0.143.0) is known, so SafeLambda swaps it "
            "for the catalog's LambdaInsightsExtension-Arm64:5",
            id="release-without-arm64",
        ),
        pytest.param(
            INSIGHTS.format("us-east-1", "", 999),
            "LambdaInsightsExtension:999 is known, so SafeLambda swaps it for the catalog's "
            "LambdaInsightsExtension-Arm64:5",
            id="release-not-in-the-table",
        ),
    ],
)
def test_unknown_matching_release_warns_naming_both_versions(written: str, says: str) -> None:
    fn = function({"Architectures": ["arm64"], "Layers": [written]})
    result = transform(template(Fn=fn), DeployContext("us-east-1"))
    assert result.template["Resources"]["Fn"]["Properties"]["Layers"] == [
        INSIGHTS.format("us-east-1", "-Arm64", 5)
    ]
    (warned,) = [w for w in result.report.warnings if w.code == "SL210"]
    assert (warned.resource, warned.path) == ("Fn", "Properties.Layers[0]")
    assert warned.message.startswith(f"no arm64 build of the release of {says}; check that is")


def test_check_names_the_release_keeping_arn_and_the_unknown_release() -> None:
    kept = function(
        {"Architectures": ["arm64"], "Layers": [POWERTOOLS.format("us-east-1", "x86_64", 7)]}
    )
    unknown = function(
        {"Architectures": ["arm64"], "Layers": [INSIGHTS.format("us-east-1", "", 999)]}
    )
    found = architecture_mismatches(template(Kept=kept, Unknown=unknown), DeployContext())
    assert [(p.code, p.resource, p.severity.value) for p in found] == [
        ("SL206", "Kept", "error"),
        ("SL206", "Unknown", "error"),
        ("SL210", "Unknown", "warning"),
    ]
    assert found[0].message.endswith(POWERTOOLS.format("us-east-1", "arm64", 7))


def test_a_layer_version_two_releases_claim_decides_nothing() -> None:
    # The release table gives ap-northeast-3 x86_64 :2 to both 1.0.143.0 and 1.0.178.0.
    insights = bundled().families["lambda-insights"]
    assert insights.sibling("x86_64", 2, "ap-northeast-3", "arm64", "ap-northeast-3") == Sibling(
        None
    )
    assert insights.sibling("x86_64", 38, "us-east-1", "arm64", "us-west-1") == Sibling(
        3, "1.0.229.0"
    )


def test_x86_only_family_on_arm64_is_an_error_naming_the_missing_build() -> None:
    magick = "arn:aws:lambda:eu-west-1:175033217214:layer:graphicsmagick:2"
    fn = function({"Architectures": ["arm64"], "Layers": [magick]})
    found = architecture_mismatches(template(Fn=fn), DeployContext("eu-west-1"))
    assert [p.render() for p in found] == [
        "SL203 Fn.Properties.Layers[0]: layer family 'graphicsmagick' has no arm64 build"
    ]
