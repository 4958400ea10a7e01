"""`safelambda layers`: the bundled families with their sources, and one family's ARN."""

from __future__ import annotations

import json

import pytest

from helpers import safelambda
from safelambda.layers import bundled, bundled_document


def test_listing_names_every_family_with_its_builds_partitions_and_source() -> None:
    result = safelambda("layers")
    assert (result.returncode, result.stderr) == (0, "")
    blocks = result.stdout.strip().split("\n\n")
    assert [b.split()[0] for b in blocks] == sorted(bundled().families)
    (adapter,) = [b for b in blocks if b.startswith("lambda-web-adapter ")]
    assert "  x86_64  LambdaAdapterLayerX86:26 (account 753240598075)" in adapter
    assert "  arm64   LambdaAdapterLayerArm64:26 (account 753240598075)" in adapter
    assert "partitions aws, aws-cn; every region" in adapter
    assert "swaps keep the version number" in adapter
    assert "source, checked 2026-12-01: awslabs/aws-lambda-web-adapter" in adapter


def test_json_listing_carries_each_familys_source_and_release_table() -> None:
    result = safelambda("layers", "--format", "json")
    entries = {e["Family"]: e for e in json.loads(result.stdout)}
    assert set(entries) == set(bundled().families)
    for name, entry in entries.items():
        written = bundled_document()["Families"][name]
        assert (entry["Source"], entry["Checked"]) == (written["Source"], written["Checked"])
    insights = entries["lambda-insights"]
    assert insights["Architectures"]["arm64"] == {
        "Layer": "LambdaInsightsExtension-Arm64",
        "Version": 5,
        "Account": "580247275435",
    }
    assert "1.0.119.0" in insights["Releases"]
    assert entries["graphicsmagick"]["Swaps"] == "none: no arm64 build (on arm64, SL203)"


@pytest.mark.parametrize(
    ("args", "arn"),
    [
        pytest.param(
            ["lambda-web-adapter", "--region", "eu-west-1", "--architecture", "arm64"],
            "arn:aws:lambda:eu-west-1:753240598075:layer:LambdaAdapterLayerArm64:26",
            id="web-adapter-arm64",
        ),
        pytest.param(
            ["lambda-web-adapter", "--region", "cn-northwest-1"],
            "arn:aws-cn:lambda:cn-northwest-1:069767869989:layer:LambdaAdapterLayerX86:26",
            id="web-adapter-china",
        ),
        pytest.param(
            ["appconfig-extension", "--region", "eu-west-1", "--architecture", "arm64"],
            "arn:aws:lambda:eu-west-1:434848589818:layer:AWS-AppConfig-Extension-Arm64:48",
            id="appconfig-per-region-account",
        ),
        pytest.param(
            ["appconfig-extension", "--region", "us-gov-west-1"],
            "arn:aws-us-gov:lambda:us-gov-west-1:946746059096:layer:AWS-AppConfig-Extension:46",
            id="appconfig-govcloud",
        ),
    ],
)
def test_family_region_and_architecture_print_the_arn(args: list[str], arn: str) -> None:
    result = safelambda("layers", *args)
    assert (result.returncode, result.stdout, result.stderr) == (0, arn + "\n", "")


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        pytest.param(["web-adapter"], 1, "SL202: unknown layer family 'web-adapter'", id="family"),
        pytest.param(
            ["lambda-web-adapter", "--region", "cn-north-1", "--architecture", "arm64"],
            1,
            "SL203: layer family 'lambda-web-adapter' has no arm64 build in cn-north-1",
            id="no-build-there",
        ),
        pytest.param(
            ["graphicsmagick", "--region", "af-south-1"],
            1,
            "SL203: layer family 'graphicsmagick' is not published in af-south-1",
            id="region-not-published",
        ),
        pytest.param(
            ["graphicsmagick", "--region", "Ireland"], 2, "SL403: argument --region", id="region"
        ),
        pytest.param(
            ["graphicsmagick", "--architecture", "i386"],
            2,
            "SL403: argument --architecture",
            id="architecture",
        ),
    ],
)
def test_unknown_family_region_or_architecture_is_one_coded_line(
    args: list[str], code: int, line: str
) -> None:
    result = safelambda("layers", *args)
    assert (result.returncode, result.stdout) == (code, "")
    (error,) = result.stderr.splitlines()
    assert error.startswith(line)
