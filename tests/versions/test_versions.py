"""Versions and aliases: golden IDs of the samples, SAM alias takeover, retention."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from helpers import SAMPLES, function, lint_errors, sample_templates, template
from safelambda import DeployContext, TransformError, cli, transform
from safelambda.offline import sam
from safelambda.versions.takeover import alias_logical_id

# The Version logical IDs of the samples. A change here republishes every function of every user
# on their next deploy: only ever with a new hash scheme (README, "Hash stability").
GOLDEN = {
    "api-sqs-sns/template.yaml": {"Worker": "WorkerVersione7006e2ca3"},
    # The family name in the protected templates resolves to exactly the literal layer ARN of
    # their unprotected twins, so each pair shares one Version.
    "arch-switch/previous.yaml": {"OrdersFunction": "OrdersFunctionVersioncf139576c5"},
    "arch-switch/previous-protected.yaml": {"OrdersFunction": "OrdersFunctionVersioncf139576c5"},
    "arch-switch/template.yaml": {"OrdersFunction": "OrdersFunctionVersioned52669a06"},
    "arch-switch/unprotected.yaml": {"OrdersFunction": "OrdersFunctionVersioned52669a06"},
    "cdk-app/template.json": {"Handler886CB40B": "Handler886CB40BVersion61b20985ad"},
    # The x86 extension the macro swaps for the arm64 one: the Version of the right template.
    "arch-switch/wrong-layer.yaml": {"OrdersFunction": "OrdersFunctionVersioned52669a06"},
    "pytest-helper/app.yaml": {"OrdersFunction": "OrdersFunctionVersione6a2f3837d"},
    "sam-app/template.yaml": {
        "ApiFunction": "ApiFunctionVersion52f4afbcdf",
        "QueueFunction": "QueueFunctionVersion275a3f9542",
    },
    "sam-local/template.yaml": {"HelloFunction": "HelloFunctionVersion5cb674b134"},
    "serverless-app/template.json": {"ApiLambdaFunction": "ApiLambdaFunctionVersione123ac14f9"},
}


def processed(path: str) -> dict[str, Any]:
    doc = cli.load_template(path)
    values = cli.parameter_values(doc, {})
    if sam.SAM_TRANSFORM in sam.transforms_of(doc):
        doc = sam.expand(doc, values, "us-east-1", "aws")
    return transform(doc, DeployContext(parameters=values)).template


@pytest.mark.parametrize("sample", sorted(GOLDEN), ids=str)
def test_sample_version_ids_are_pinned(sample: str) -> None:
    report = processed(str(SAMPLES / sample))["Metadata"]["SafeLambda"]["Report"]
    assert report["HashScheme"] == 1
    versions = {fid: entry["Version"] for fid, entry in report["Functions"].items()}
    assert versions == GOLDEN[sample]


def test_every_sample_template_is_pinned() -> None:
    found = {str(p.relative_to(SAMPLES)) for p in sample_templates()}
    assert {
        p for p in found if not p.rsplit("/", 1)[1].startswith(("expected.", "expanded."))
    } == set(GOLDEN)


# -- SAM AutoPublishAlias takeover ---------------------------------------------------------------

SAM_VERSION = "FnVersion0123456789"


def sam_expanded(**alias_extra: Any) -> dict[str, Any]:
    """What aws-sam-translator hands the macro for a function with AutoPublishAlias: live."""
    doc = template(
        Fn=function(),
        **{
            SAM_VERSION: {
                "Type": "AWS::Lambda::Version",
                "DeletionPolicy": "Retain",
                "Properties": {"FunctionName": {"Ref": "Fn"}, "Description": "release 7"},
            },
            "FnAliaslive": {
                "Type": "AWS::Lambda::Alias",
                **alias_extra,
                "Properties": {
                    "Name": "live",
                    "FunctionName": {"Ref": "Fn"},
                    "FunctionVersion": {"Fn::GetAtt": [SAM_VERSION, "Version"]},
                    "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 2},
                },
            },
            "Edge": {
                "Type": "AWS::CloudFront::Distribution",
                "DependsOn": [SAM_VERSION],
                "Properties": {
                    "DistributionConfig": {
                        "Enabled": True,
                        "Origins": [
                            {
                                "Id": "site",
                                "DomainName": "example.com",
                                "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"},
                            }
                        ],
                        "DefaultCacheBehavior": {
                            "TargetOriginId": "site",
                            "ViewerProtocolPolicy": "redirect-to-https",
                            "ForwardedValues": {"QueryString": False},
                            "LambdaFunctionAssociations": [
                                {
                                    "EventType": "origin-request",
                                    "LambdaFunctionARN": {"Ref": SAM_VERSION},
                                }
                            ],
                        },
                    }
                },
            },
        },
    )
    doc["Outputs"] = {
        "VersionArn": {"Value": {"Ref": SAM_VERSION}},
        "VersionNumber": {"Value": {"Fn::Sub": "${%s.Version}" % SAM_VERSION}},
    }
    return doc


def kinds(doc: dict[str, Any], type_: str) -> list[str]:
    return [rid for rid, res in doc["Resources"].items() if res["Type"] == type_]


def test_sam_version_is_replaced_everywhere_and_the_alias_kept() -> None:
    update_policy = {
        "CodeDeployLambdaAliasUpdate": {
            "ApplicationName": {"Ref": "ServerlessDeploymentApplication"},
            "DeploymentGroupName": {"Ref": "FnDeploymentGroup"},
        }
    }
    out = transform(sam_expanded(UpdatePolicy=update_policy)).template
    (version,) = kinds(out, "AWS::Lambda::Version")
    assert kinds(out, "AWS::Lambda::Alias") == ["FnAliaslive"]
    assert version != SAM_VERSION and version.startswith("FnVersion")
    alias = out["Resources"]["FnAliaslive"]
    assert alias["UpdatePolicy"] == update_policy
    assert alias["Properties"] == {
        "Name": "live",
        "FunctionName": {"Ref": "Fn"},
        "FunctionVersion": {"Fn::GetAtt": [version, "Version"]},
        "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 2},
    }
    edge = out["Resources"]["Edge"]
    assert edge["DependsOn"] == [version]
    association = edge["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert association["LambdaFunctionAssociations"][0]["LambdaFunctionARN"] == {"Ref": version}
    assert out["Outputs"] == {
        "VersionArn": {"Value": {"Ref": version}},
        "VersionNumber": {"Value": {"Fn::Sub": "${%s.Version}" % version}},
    }
    assert SAM_VERSION not in str(out)


def test_sam_version_description_is_kept_and_hashed() -> None:
    out = transform(sam_expanded()).template
    (version,) = kinds(out, "AWS::Lambda::Version")
    assert out["Resources"][version]["Properties"]["Description"] == "release 7"
    changed = sam_expanded()
    changed["Resources"][SAM_VERSION]["Properties"]["Description"] = "release 8"
    # A Version's Description is create-only: changing it in place would fail the deploy.
    (other,) = kinds(transform(changed).template, "AWS::Lambda::Version")
    assert other != version


def test_takeover_is_idempotent() -> None:
    once = transform(sam_expanded()).template
    assert transform(once).template == once


def test_alias_named_by_function_arn_is_taken_over() -> None:
    doc = sam_expanded()
    doc["Resources"]["FnAliaslive"]["Properties"]["FunctionName"] = {"Fn::GetAtt": "Fn.Arn"}
    out = transform(doc).template
    assert kinds(out, "AWS::Lambda::Alias") == ["FnAliaslive"]


def hand_alias(name: str, version: Any = "1") -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Alias",
        "Properties": {"Name": name, "FunctionName": {"Ref": "Fn"}, "FunctionVersion": version},
    }


def test_a_hand_written_alias_with_the_configured_name_is_adopted() -> None:
    out = transform(template(Fn=function(), Prod=hand_alias("live"))).template
    assert kinds(out, "AWS::Lambda::Alias") == ["Prod"]
    (version,) = kinds(out, "AWS::Lambda::Version")
    assert out["Resources"]["Prod"]["Properties"]["FunctionVersion"] == {
        "Fn::GetAtt": [version, "Version"]
    }


def test_a_hand_written_alias_with_another_name_is_left_alone() -> None:
    out = transform(template(Fn=function(), Pinned=hand_alias("stable", "3"))).template
    assert kinds(out, "AWS::Lambda::Alias") == ["FnAliaslive", "Pinned"]
    assert out["Resources"]["Pinned"] == hand_alias("stable", "3")


def test_sam_alias_wins_over_the_default_name() -> None:
    doc = sam_expanded()
    doc["Resources"]["FnAliaslive"]["Properties"]["Name"] = "prod"
    result = transform(doc)
    assert kinds(result.template, "AWS::Lambda::Alias") == ["FnAliaslive"]
    assert result.report.functions["Fn"]["AliasName"] == "prod"


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"Live": hand_alias("live")}, id="sam-alias-and-configured-name"),
        pytest.param(
            {"Second": hand_alias("other", {"Fn::GetAtt": [SAM_VERSION, "Version"]})},
            id="two-follow-the-sam-version",
        ),
    ],
)
def test_two_candidate_aliases_are_an_error(extra: dict[str, Any]) -> None:
    doc = sam_expanded()
    doc["Resources"]["FnAliaslive"]["Properties"]["Name"] = "prod"
    doc["Resources"].update(extra)
    with pytest.raises(TransformError) as failure:
        transform(doc)
    assert [(p.code, p.resource) for p in failure.value.problems] == [("SL104", "Fn")]
    assert "FnAliaslive named prod" in str(failure.value)


@pytest.mark.parametrize(
    ("name", "logical_id"),
    [
        pytest.param("live", "FnAliaslive", id="plain"),
        pytest.param("blue-green_1", "FnAliasblueDgreenU1", id="dash-underscore"),
    ],
)
def test_new_alias_ids_follow_sams_form(name: str, logical_id: str) -> None:
    assert alias_logical_id("Fn", name) == logical_id
    sam_template = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "CodeUri": "s3://b/k.zip",
                    "Handler": "a.b",
                    "Runtime": "python3.12",
                    "AutoPublishAlias": name,
                },
            }
        },
    }
    expanded = sam.expand(sam_template, {}, "us-east-1", "aws")
    assert kinds(expanded, "AWS::Lambda::Alias") == [logical_id]


# -- retention -----------------------------------------------------------------------------------


def retention(out: dict[str, Any], fn: str) -> tuple[str, str]:
    (version,) = [
        r
        for r in out["Resources"].values()
        if r["Type"] == "AWS::Lambda::Version" and r["Properties"]["FunctionName"] == {"Ref": fn}
    ]
    return version["DeletionPolicy"], version["UpdateReplacePolicy"]


@pytest.mark.parametrize(
    ("template_metadata", "parameters", "environ", "expected"),
    [
        pytest.param({}, {}, {}, ("Retain", "Delete"), id="default-retain"),
        pytest.param({"VersionRetention": "Delete"}, {}, {}, ("Delete", "Delete"), id="template"),
        pytest.param(
            {}, {"VersionRetention": "Delete"}, {}, ("Delete", "Delete"), id="transform-parameter"
        ),
        pytest.param(
            {},
            {},
            {"SAFELAMBDA_VERSION_RETENTION": "Delete"},
            ("Delete", "Delete"),
            id="macro-environment",
        ),
        pytest.param(
            {"VersionRetention": "Retain"},
            {},
            {"SAFELAMBDA_VERSION_RETENTION": "Delete"},
            ("Retain", "Delete"),
            id="template-beats-environment",
        ),
    ],
)
def test_version_retention_per_template_and_per_function(
    template_metadata: dict[str, Any],
    parameters: dict[str, Any],
    environ: dict[str, str],
    expected: tuple[str, str],
) -> None:
    # `Kept` always says Delete for itself: the function's own setting wins over every source.
    doc = template(
        Plain=function(), Kept=function(Metadata={"SafeLambda": {"VersionRetention": "Delete"}})
    )
    doc["Metadata"] = {"SafeLambda": template_metadata}
    out = transform(doc, parameters=parameters, environ=environ).template
    plain, kept = expected
    assert retention(out, "Plain") == (plain, plain)
    assert retention(out, "Kept") == (kept, kept)


def test_retention_applies_to_a_taken_over_sam_version() -> None:
    doc = sam_expanded()
    doc["Metadata"] = {"SafeLambda": {"VersionRetention": "Delete"}}
    out = transform(doc).template
    assert retention(out, "Fn") == ("Delete", "Delete")
    assert lint_errors(out) == []
    assert retention(transform(copy.deepcopy(sam_expanded())).template, "Fn") == (
        "Retain",
        "Retain",
    )


RETENTION_SAM = """\
Transform: [AWS::Serverless-2016-10-31, SafeLambda]
Metadata:
  SafeLambda: {VersionRetention: Delete}
Resources:
  Kept:
    Type: AWS::Serverless::Function
    Metadata:
      SafeLambda: {VersionRetention: Retain}
    Properties: {CodeUri: s3://b/k.zip, Handler: a.b, Runtime: python3.12, AutoPublishAlias: live}
  Dropped:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: s3://b/d.zip, Handler: a.b, Runtime: python3.12}
"""


def test_retention_end_to_end_through_sam_and_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, output = tmp_path / "template.yaml", tmp_path / "out.yaml"
    source.write_text(RETENTION_SAM, encoding="utf-8")
    assert cli.main(["transform", str(source), "-o", str(output), "--quiet"]) == 0
    out = cli.load_template(str(output))
    assert retention(out, "Kept") == ("Retain", "Retain")  # SAM's Version, taken over
    assert retention(out, "Dropped") == ("Delete", "Delete")
    assert capsys.readouterr().err == ""
