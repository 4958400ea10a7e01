"""The layer mapping format: the bundled catalog, its JSON Schema and the hand check agree."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from typing import Any

import jsonschema
import pytest

from helpers import ROOT
from safelambda.layers import catalog as layer_catalog
from safelambda.layers.catalog import ARCHITECTURES, bundled, bundled_document, read_mapping
from safelambda.layers.plan import name_says

DATA = ROOT / "macro" / "safelambda" / "data"
SCHEMA = json.loads((DATA / "layers.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
MAPPING = jsonschema.Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/mapping"})


def test_schema_is_a_valid_json_schema_and_the_bundled_catalog_follows_it() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert [e.message for e in VALIDATOR.iter_errors(bundled_document())] == []
    assert read_mapping(bundled_document()["Families"], "bundled")[1] == []


def test_bundled_catalog_covers_the_promised_families() -> None:
    families = set(bundled().families)
    promised = {
        "datadog-extension",
        "datadog-python312",
        "datadog-node20",
        "lambda-insights",
        "parameters-and-secrets",
        "adot-collector",
        "adot-python",
        "adot-nodejs",
        "lambda-web-adapter",
        "appconfig-extension",
        "graphicsmagick",  # used by three templates of the shared corpus
        *(f"powertools-v3-python3{minor}" for minor in range(10, 15)),
    }
    assert promised <= families


@pytest.mark.parametrize("name", sorted(bundled_document()["Families"]))
def test_every_bundled_family_says_where_its_facts_come_from_and_when(name: str) -> None:
    family = bundled_document()["Families"][name]
    assert family["Description"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", family["Checked"])
    assert "read " + family["Checked"] in family["Source"]


@pytest.mark.parametrize("name", sorted(bundled_document()["Families"]))
def test_no_bundled_build_is_named_for_the_other_architecture(name: str) -> None:
    """Guards the data against a swapped pair (an -ARM layer entered as the x86_64 build)."""
    for arch, build in bundled().families[name].builds.items():
        assert name_says(build.name) in (None, arch), (arch, build.name)


SINGLE_ARCHITECTURE = {"graphicsmagick": "x86_64"}  # native binaries published for one only


@pytest.mark.parametrize("name", sorted(bundled_document()["Families"]))
def test_bundled_family_resolves_in_us_east_1_for_both_architectures(name: str) -> None:
    family = bundled().families[name]
    only = SINGLE_ARCHITECTURE.get(name)
    assert set(family.builds) == ({only} if only else set(ARCHITECTURES))
    for arch in family.builds:
        arn = family.arn(arch, "us-east-1", "aws")
        assert arn is not None and re.fullmatch(
            r"arn:aws:lambda:us-east-1:\d{12}:layer:[\w-]+:\d+", arn
        ), (arch, arn)


def valid_family() -> dict[str, Any]:
    return {
        "Description": "x",
        "Partitions": ["aws", "aws-cn"],
        "Regions": ["eu-west-1", "cn-north-1"],
        "Architectures": {
            "x86_64": {
                "Arn": "arn:${AWS::Partition}:lambda:${AWS::Region}:111111111111:layer:t",
                "Version": 2,
            },
            "arm64": {"Arn": "arn:aws:lambda:eu-west-1:111111111111:layer:t-arm64", "Version": 1},
        },
        "Exceptions": [
            {"Partition": "aws-cn", "Account": "222222222222"},
            {
                "Regions": ["cn-north-1"],
                "Architectures": ["arm64"],
                "Available": False,
                "Note": "n",
            },
        ],
    }


def mutated(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    family = valid_family()
    node: Any = family
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return {"team": family}


DELETE = object()
CASES = {
    "valid": ({"team": valid_family()}, True),
    "empty-mapping": ({}, True),
    "no-architectures": (mutated(("Architectures",), DELETE), False),
    "empty-architectures": (mutated(("Architectures",), {}), False),
    "architecture-typo": (mutated(("Architectures", "aarch64"), {"Arn": "x", "Version": 1}), False),
    "build-missing-version": (mutated(("Architectures", "arm64", "Version"), DELETE), False),
    "version-zero": (mutated(("Architectures", "arm64", "Version"), 0), False),
    "version-bool": (mutated(("Architectures", "arm64", "Version"), True), False),
    "versioned-arn": (
        mutated(
            ("Architectures", "arm64", "Arn"), "arn:aws:lambda:eu-west-1:111111111111:layer:t:3"
        ),
        False,
    ),
    "arn-other-variable": (
        mutated(("Architectures", "arm64", "Arn"), "arn:aws:lambda:${Region}:111111111111:layer:t"),
        False,
    ),
    "short-account": (
        mutated(("Architectures", "arm64", "Arn"), "arn:aws:lambda:eu-west-1:1111:layer:t"),
        False,
    ),
    "unknown-family-field": (mutated(("Owner",), "me"), False),
    "bad-partition": (mutated(("Partitions",), ["amazon"]), False),
    "empty-regions": (mutated(("Regions",), []), False),
    "bad-region": (mutated(("Regions",), ["Europe"]), False),
    "checked-not-a-date": (mutated(("Checked",), "last week"), False),
    "exceptions-not-a-list": (mutated(("Exceptions",), {"Partition": "aws-cn"}), False),
    "exception-without-selector": (mutated(("Exceptions", 0), {"Account": "222222222222"}), False),
    "exception-without-effect": (mutated(("Exceptions", 0), {"Partition": "aws-cn"}), False),
    "exception-available-true": (mutated(("Exceptions", 1, "Available"), True), False),
    "exception-bad-account": (mutated(("Exceptions", 0, "Account"), "22"), False),
    "exception-bad-architecture": (mutated(("Exceptions", 1, "Architectures"), ["arm"]), False),
    "exception-unknown-field": (mutated(("Exceptions", 0, "Acount"), "222222222222"), False),
    "shared-numbering": (mutated(("SharedNumbering",), True), True),
    "shared-numbering-false": (mutated(("SharedNumbering",), False), False),
    "releases": (mutated(("Releases",), {"1.2": {"x86_64": {"eu-west-1": 2}}}), True),
    "releases-empty": (mutated(("Releases",), {}), False),
    "release-empty": (mutated(("Releases",), {"1.2": {}}), False),
    "release-bad-architecture": (mutated(("Releases",), {"1.2": {"arm": {"eu-west-1": 2}}}), False),
    "release-bad-region": (mutated(("Releases",), {"1.2": {"arm64": {"Ireland": 2}}}), False),
    "release-version-zero": (mutated(("Releases",), {"1.2": {"arm64": {"eu-west-1": 0}}}), False),
    "release-no-regions": (mutated(("Releases",), {"1.2": {"arm64": {}}}), False),
    "shared-numbering-and-releases": (
        {
            "team": {
                **valid_family(),
                "SharedNumbering": True,
                "Releases": {"1.2": {"x86_64": {"eu-west-1": 2}}},
            }
        },
        False,
    ),
    "bad-family-name": ({"Team": valid_family()}, False),
    "family-not-a-mapping": ({"team": ["arn"]}, False),
}


@pytest.mark.parametrize(("mapping", "valid"), CASES.values(), ids=CASES.keys())
def test_hand_check_and_json_schema_agree(mapping: dict[str, Any], valid: bool) -> None:
    schema_errors = list(MAPPING.iter_errors(mapping))
    _, problems = read_mapping(copy.deepcopy(mapping), "test")
    assert (schema_errors == []) is valid, [e.message for e in schema_errors]
    assert (problems == []) is valid, [p.render() for p in problems]
    assert all(p.code == "SL201" for p in problems)


def test_exceptions_apply_in_order_and_later_ones_win() -> None:
    family_doc = valid_family()
    family_doc["Exceptions"].append({"Regions": ["cn-north-1"], "Version": 9})
    families, problems = read_mapping({"team": family_doc}, "test")
    assert problems == []
    team = families["team"]
    assert team.arn("x86_64", "cn-north-1", "aws-cn") == (
        "arn:aws-cn:lambda:cn-north-1:222222222222:layer:t:9"
    )
    assert team.arn("arm64", "cn-north-1", "aws-cn") is None
    assert team.unavailable("arm64", "cn-north-1", "aws-cn") == "has no arm64 build in cn-north-1"
    assert team.unavailable("x86_64", "eu-central-1", "aws") == "is not published in eu-central-1"


def test_later_source_replaces_a_family_whole_and_keeps_the_others() -> None:
    own = {
        "Architectures": {
            "arm64": {"Arn": "arn:aws:lambda:us-east-1:111111111111:layer:dd", "Version": 1}
        }
    }
    merged, problems = layer_catalog.catalog([("first", {"datadog-extension": own})])
    assert problems == []
    assert set(merged.families["datadog-extension"].builds) == {"arm64"}
    assert merged.families["lambda-insights"] is bundled().families["lambda-insights"]


def test_mapping_given_as_json_text_reads_like_the_mapping() -> None:
    text = json.dumps({"team": valid_family()})
    assert read_mapping(text, "env")[0] == read_mapping({"team": valid_family()}, "env")[0]


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("Datadog-Extension-ARM", "arm64"),
        ("LambdaInsightsExtension-Arm64", "arm64"),
        ("AWSLambdaPowertoolsPythonV3-python312-arm64", "arm64"),
        ("aws-otel-collector-arm64-ver-0-90-1", "arm64"),
        ("NewRelicLambdaExtensionARM64", "arm64"),
        ("LambdaAdapterLayerArm64", "arm64"),
        ("LambdaAdapterLayerX86", "x86_64"),
        ("AWS-AppConfig-Extension-Arm64", "arm64"),
        ("AWSLambdaPowertoolsPythonV2-Arm64", "arm64"),
        ("NewRelicLambdaExtension-ARM64", "arm64"),
        ("honeycomb-lambda-extension-x86_64-v11-1-1", "x86_64"),
        ("elastic-apm-extension-ver-1-5-4-arm64", "arm64"),
        ("rotel-extension-amd64", "x86_64"),
        ("chromium-x64", "x86_64"),
        ("tool-graviton", "arm64"),
        ("Graviton2Tools", "arm64"),
        ("Arm64Tools", "arm64"),
        ("X86Tools", "x86_64"),
        ("ExtensionArm", "arm64"),
        ("layer_AARCH64", "arm64"),
        ("foo-x86-64", "x86_64"),
        ("graphicsmagick", None),
        ("Alarm", None),
        ("swarm64", None),
        ("aws-otel-collector-amd64-ver-0-90-1", "x86_64"),
        ("AWSLambdaPowertoolsPythonV3-python312-x86_64", "x86_64"),
        ("Datadog-Extension", None),
        ("farmer-tools", None),
        ("charming", None),
        ("layer-arm64-x86_64", None),  # says both: no claim
    ],
)
def test_what_a_layer_name_says_about_its_architecture(name: str, says: str | None) -> None:
    assert name_says(name) == says


def test_the_macro_handler_never_imports_jsonschema() -> None:
    """The hand check keeps the cold start lean; jsonschema is a test-only dependency."""
    code = (
        "import sys, safelambda.handler as h; "
        "h.process({'requestId': 'r', 'region': 'us-east-1', 'accountId': '123456789012', "
        "'fragment': {'Resources': {'F': {'Type': 'AWS::Lambda::Function', 'Properties': "
        "{'Layers': ['safelambda:datadog-extension']}}}}}, {}); "
        "print('jsonschema' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip().splitlines()[-1] == "False"
