"""Real-world templates: every file of the shared corpus survives the whole chain.

The corpus (aws-samples/serverless-patterns, ../shared/corpus) was written by nobody on this
project. The full run takes about a minute of CPU; `pytest -m "not corpus"` leaves it out of a
quick local loop, CI always runs it. The numbers are pinned here and in README's "Tested on":
a change in either is deliberate (a new check, a fixed bug, a tool upgrade).

Each file also goes through `safelambda transform` itself, as a user runs it, with no network
and no AWS credentials: no crash, and no refusal but those CloudFormation would make too.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import corpus_support as corpus
from helpers import ROOT, function, no_network, template
from safelambda import cli
from safelambda.offline import sam

FILES = corpus.corpus_files()
needs_corpus = pytest.mark.skipif(not FILES, reason=f"no corpus at {corpus.CORPUS}")

# What the run gives today; README's "Tested on" shows the same numbers.
EXPECTED = {
    corpus.OK: 352,
    corpus.REJECTED_LOAD: 9,  # duplicate mapping keys (SL015), as the corpus README lists
    corpus.REJECTED_SAM: 1,  # apigw-kinesis-lambda-ddb: Auth on a DefinitionBody without paths
    corpus.REJECTED_INVALID: 2,  # AWS::Serverless::* without the SAM transform (SL005)
}


# What `safelambda transform` gives on the same files; README's "Tested on" shows these too.
TRANSFORMED = "transformed"
MISSING_INCLUDE = "refused: an `AWS::Include` file the corpus does not hold (`SL020`)"
REFUSED = {
    corpus.REJECTED_LOAD: "refused: a mapping key written twice (`SL015`)",
    corpus.REJECTED_INVALID: "refused: `AWS::Serverless::*` without the SAM transform (`SL005`)",
}
EXPECTED_COMMAND = {
    TRANSFORMED: 340,
    MISSING_INCLUDE: 13,  # the corpus keeps templates only, not the OpenAPI files they include
    REFUSED[corpus.REJECTED_LOAD]: 9,
    REFUSED[corpus.REJECTED_INVALID]: 2,
}
CODES = {"SL015": REFUSED[corpus.REJECTED_LOAD], "SL005": REFUSED[corpus.REJECTED_INVALID]}


@pytest.fixture(scope="module")
def runs() -> dict[str, corpus.Run]:
    return corpus.all_runs()


@pytest.fixture(scope="module")
def commands() -> dict[str, corpus.Command]:
    with no_network():  # the whole run: not one socket, not one credential
        return {c.name: c for c in map(corpus.transform_command, FILES)}


def verdict(command: corpus.Command) -> str:
    if command.code == 0:
        return TRANSFORMED
    pattern = r"^SL020 .* is missing: there is no (.+); create it or correct the Location$"
    missing = re.findall(pattern, command.stderr, re.M)
    if missing and command.codes == {"SL020"}:
        assert not any(Path(m).exists() for m in missing), command.stderr
        return MISSING_INCLUDE
    return CODES.get(" ".join(sorted(command.codes)), command.stderr)


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("name", [str(p.relative_to(corpus.CORPUS)) for p in FILES])
def test_corpus_template_survives_the_chain(runs: dict[str, corpus.Run], name: str) -> None:
    run = runs[name]
    assert run.outcome in corpus.ACCEPTABLE, f"{run.outcome}: {run.detail}"


@needs_corpus
@pytest.mark.corpus
def test_corpus_outcome_counts_are_the_documented_ones(runs: dict[str, corpus.Run]) -> None:
    counts = Counter(run.outcome for run in runs.values())
    assert dict(counts) == EXPECTED
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Tested on", 1)[1].split("\n## ", 1)[0]
    for outcome, count in EXPECTED.items():
        assert re.search(rf"^\| {re.escape(outcome)} \| {count} \|$", section, re.M), outcome
    processed = [r for r in runs.values() if r.outcome == corpus.OK]
    assert f"{sum(r.functions for r in processed)} functions" in section
    assert f"{sum(r.rewrites for r in processed)} references" in section


@needs_corpus
@pytest.mark.corpus
def test_corpus_rejections_are_the_ones_cloudformation_would_make(
    runs: dict[str, corpus.Run],
) -> None:
    loader = [r for r in runs.values() if r.outcome == corpus.REJECTED_LOAD]
    assert all(r.detail.startswith("SL015 ") for r in loader), [r.detail for r in loader]
    invalid = [r for r in runs.values() if r.outcome == corpus.REJECTED_INVALID]
    assert {r.detail.split()[0] for r in invalid} == {"SL005"}


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("name", [str(p.relative_to(corpus.CORPUS)) for p in FILES])
def test_corpus_template_transforms_with_the_command_or_is_refused_as_cloudformation_would(
    commands: dict[str, corpus.Command], runs: dict[str, corpus.Run], name: str
) -> None:
    command = commands[name]
    assert "SL999" not in command.stderr and "Traceback" not in command.stderr
    assert all(line.startswith("SL") for line in command.stderr.splitlines()), command.stderr
    expected = REFUSED.get(runs[name].outcome, TRANSFORMED)
    assert verdict(command) in (expected, MISSING_INCLUDE), command.stderr


@needs_corpus
@pytest.mark.corpus
def test_corpus_command_counts_are_the_documented_ones(
    commands: dict[str, corpus.Command],
) -> None:
    assert dict(Counter(map(verdict, commands.values()))) == EXPECTED_COMMAND
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Tested on", 1)[1].split("\n## ", 1)[0]
    for outcome, count in EXPECTED_COMMAND.items():
        assert re.search(rf"^\| {re.escape(outcome)} \| {count} \|$", section, re.M), outcome


# -- the harness can fail: each check catches what it is for ---------------------------------

LIVE = {"Fn": "live"}


@pytest.mark.parametrize(
    ("value", "found"),
    [
        pytest.param({"Ref": "Fn"}, ["Ref Fn"], id="ref"),
        pytest.param({"Fn::GetAtt": "Fn.Arn"}, ["GetAtt Fn.Arn"], id="getatt-dotted"),
        pytest.param({"Fn::Sub": "${Fn.Arn}"}, ["Sub ${Fn}"], id="sub-arn"),
        pytest.param({"Fn::Sub": "arn:function:${Fn}"}, ["Sub ${Fn}"], id="sub-embedded"),
        pytest.param({"Fn::If": ["C", {"Ref": "Fn"}, "x"]}, ["Ref Fn"], id="under-if"),
        pytest.param({"Ref": "FnAliaslive"}, [], id="alias"),
        pytest.param({"Fn::Sub": "arn:function:${Fn}:live"}, [], id="sub-qualified"),
        pytest.param({"Fn::GetAtt": ["Fn", "SnapStartResponse"]}, [], id="other-attribute"),
    ],
)
def test_off_alias_finds_every_unqualified_invocation(value: Any, found: list[str]) -> None:
    mapping = {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {"FunctionName": value}}
    processed = template(Map=mapping)
    misses = corpus.off_alias(processed, LIVE)
    assert [m.split(": ", 1)[1] for m in misses] == found


def test_lost_items_names_what_went_missing_and_forgives_replaced_sam_versions() -> None:
    before = template(
        Fn=function(),
        FnVersion0123456789={
            "Type": "AWS::Lambda::Version",
            "Properties": {"FunctionName": {"Ref": "Fn"}},
        },
    )
    before["Outputs"] = {"Name": {"Value": "x"}}
    after = template(Fn={"Type": "AWS::SNS::Topic"})
    versions = corpus.replaceable_versions(before, {"Fn"})
    assert versions == {"FnVersion0123456789"}
    assert corpus.lost_items(before, after, versions) == ["Outputs.Name", "Resources.Fn.Type"]


def test_lint_matches_reports_errors_by_rule_and_path() -> None:
    broken = template(Fn=function({"Timeout": "forever"}))
    assert ("E3012", "Resources/Fn/Properties/Timeout") in corpus.lint_matches(broken)
    assert corpus.lint_matches(template(Fn=function())) == set()


def test_packaged_points_local_artifacts_at_s3_and_keeps_the_rest() -> None:
    source = {
        "Transform": sam.SAM_TRANSFORM,
        "Resources": {
            "Local": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "./src"}},
            "Missing": {"Type": "AWS::Serverless::Function", "Properties": {}},
            "Inline": {"Type": "AWS::Serverless::Function", "Properties": {"InlineCode": "x"}},
            "S3": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "s3://b/k"}},
            "Sub": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": {"Ref": "P"}}},
            "Image": {"Type": "AWS::Serverless::Function", "Properties": {"PackageType": "Image"}},
            "Layer": {"Type": "AWS::Serverless::LayerVersion", "Properties": {"ContentUri": "l/"}},
            "App": {"Type": "AWS::Serverless::Application", "Properties": {"Location": "a.yaml"}},
        },
    }
    out = {k: v["Properties"] for k, v in corpus.packaged(source)["Resources"].items()}
    bucket = f"s3://{corpus.PLACEHOLDER_BUCKET}"
    assert out["Local"] == {"CodeUri": f"{bucket}/src"}
    assert out["Missing"] == {"CodeUri": f"{bucket}/root"}
    assert out["Inline"] == {"InlineCode": "x"}
    assert out["S3"] == {"CodeUri": "s3://b/k"}
    assert out["Sub"] == {"CodeUri": {"Ref": "P"}}
    assert out["Image"] == {"PackageType": "Image", "ImageUri": corpus.PLACEHOLDER_IMAGE}
    assert out["Layer"] == {"ContentUri": f"{bucket}/l"}
    assert out["App"] == {
        "Location": f"https://s3.amazonaws.com/{corpus.PLACEHOLDER_BUCKET}/a.yaml"
    }
    assert source["Resources"]["Local"]["Properties"] == {"CodeUri": "./src"}  # a copy


def test_placeholder_overrides_fill_only_parameters_without_default() -> None:
    doc = {
        "Parameters": {
            "Given": {"Type": "String", "Default": "x"},
            "Vpc": {"Type": "AWS::EC2::VPC::Id"},
            "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
            "Env": {"Type": "String", "AllowedValues": ["prod", "dev"]},
            "Free": {"Type": "String"},
        },
        "Resources": {},
    }
    overrides = corpus.placeholder_overrides(doc)
    assert overrides == {
        "Vpc": "vpc-0123456789abcdef0",
        "Subnets": "subnet-0123456789abcdef0,subnet-0123456789abcdef1",
        "Env": "prod",
        "Free": "placeholder",
    }
    assert cli.parameter_values(doc, overrides)["Subnets"] == [
        "subnet-0123456789abcdef0",
        "subnet-0123456789abcdef1",
    ]
