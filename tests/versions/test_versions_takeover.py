"""Which existing Versions SafeLambda replaces: the ones a tool publishes per content (SAM, the
CDK, the Serverless Framework, any digest-named one); every other Version of a processed function
is an error, never a second publish in the same deploy."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from helpers import function, template
from safelambda import TransformError, transform

VERSION = "AWS::Lambda::Version"
CDK_VERSION = "HandlerCurrentVersion93FB80BF443cb944419b85a0da57493163e14718"
SLS_VERSION = "ApiLambdaVersionW5aFrBzdOq4KstcppvLL391R5nCPMp6cmCoZA4onXSo"


def version_of(function_id: str, **properties: Any) -> dict[str, Any]:
    return {"Type": VERSION, "Properties": {"FunctionName": {"Ref": function_id}, **properties}}


def versions(doc: dict[str, Any]) -> list[str]:
    return [rid for rid, res in doc["Resources"].items() if res["Type"] == VERSION]


def problems(doc: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    with pytest.raises(TransformError) as failure:
        transform(doc)
    return [(p.code, p.resource, p.path) for p in failure.value.problems]


GENERATED = [
    pytest.param("Fn", "FnVersion0123456789", "SAM", id="sam"),
    pytest.param("Handler886CB40B", CDK_VERSION, "CDK", id="cdk-current-version"),
    # CDK trims a long path-based ID from its start: the Version's need not begin with the
    # function's.
    pytest.param("Fn", "rviceHandlerCurrentVersion93FB80BF" + "a" * 32, "CDK", id="cdk-trimmed"),
    pytest.param("ApiLambdaFunction", SLS_VERSION, "Serverless Framework", id="serverless"),
    pytest.param("Fn", "FnEdgeVersion" + "0123456789abcdef" * 2, "content hash", id="md5-hex"),
    pytest.param("Fn", "FnVer" + "f" * 64, "content hash", id="sha256-hex"),
]


@pytest.mark.parametrize(("function_id", "version_id", "tool"), GENERATED)
def test_a_version_generated_per_content_is_replaced_and_its_tool_reported(
    function_id: str, version_id: str, tool: str
) -> None:
    doc = template(**{function_id: function(), version_id: version_of(function_id)})
    result = transform(doc)
    (version,) = versions(result.template)
    assert version != version_id
    assert result.report.functions[function_id]["TakenOver"] == tool
    assert result.template["Resources"][version]["Metadata"] == {"SafeLambda": {"TakenOver": tool}}


FIXED = [
    pytest.param("Fn", "FnVersion0123456789a", id="eleven-digits"),
    pytest.param("Fn", "FnVersion012345678", id="nine-digits"),
    pytest.param("Fn", "FnVersion0123456ABC", id="uppercase-hex"),
    pytest.param("Fn", "FnVersionv123456789", id="not-hex"),
    pytest.param("Fn", "OtherVersion0123456789", id="sam-form-of-another-function"),
    pytest.param("Fn", "FnPinned", id="hand-written"),
    pytest.param("Fn", "V1A1B2C3D4", id="cdk-lambda-version-construct"),
    pytest.param("Fn", "FnCurrentVersion93FB80BF", id="cdk-form-without-hash"),
    pytest.param("ApiLambdaFunction", "OtherLambdaVersion" + SLS_VERSION[-43:], id="sls-other"),
    pytest.param("Fn", "FnVersion" + "0123456789abcdef" + "0123456789abcde", id="31-hex"),
]


@pytest.mark.parametrize(("function_id", "version_id"), FIXED)
def test_a_version_with_a_fixed_logical_id_is_an_error_naming_it(
    function_id: str, version_id: str
) -> None:
    doc = template(**{function_id: function(), version_id: version_of(function_id)})
    assert problems(doc) == [("SL105", version_id, "Properties.FunctionName")]


def test_the_fixed_version_error_says_how_to_proceed() -> None:
    with pytest.raises(TransformError) as failure:
        transform(template(Fn=function(), FnPinned=version_of("Fn")))
    message = str(failure.value)
    assert "fixed logical ID" in message and "A version for this Lambda function exists" in message
    assert "remove it" in message and "Metadata.SafeLambda.Skip: true on Fn" in message


def test_a_fixed_version_of_a_skipped_function_is_left_alone() -> None:
    skipped = function(Metadata={"SafeLambda": {"Skip": True}})
    doc = template(Fn=skipped, FnPinned=version_of("Fn"))
    assert transform(doc).template["Resources"]["FnPinned"] == version_of("Fn")


def test_every_fixed_version_is_reported_together() -> None:
    doc = template(A=function(), B=function(), APinned=version_of("A"), BPinned=version_of("B"))
    assert [code for code, _, _ in problems(doc)] == ["SL105", "SL105"]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param({"Fn::Sub": "${Fn}"}, id="sub"),
        pytest.param({"Fn::If": ["IsProd", {"Ref": "Fn"}, {"Ref": "Fn"}]}, id="if"),
        pytest.param({"Fn::Join": ["", [{"Fn::GetAtt": ["Fn", "Arn"]}]]}, id="join"),
        pytest.param("orders", id="literal-name"),
        pytest.param("arn:aws:lambda:us-east-1:123456789012:function:orders", id="literal-arn"),
        pytest.param({"Fn::Sub": "arn:${AWS::Partition}:lambda:::function:orders"}, id="sub-arn"),
    ],
)
def test_a_version_named_in_a_form_safelambda_does_not_follow_is_an_error(name: Any) -> None:
    doc = template(
        Fn=function({"FunctionName": "orders"}),
        Pinned={"Type": VERSION, "Properties": {"FunctionName": name}},
    )
    doc["Conditions"] = {"IsProd": {"Fn::Equals": ["a", "a"]}}
    assert problems(doc) == [("SL106", "Pinned", "Properties.FunctionName")]


def test_a_version_of_a_function_outside_the_template_is_left_alone() -> None:
    other = {"Type": VERSION, "Properties": {"FunctionName": "someone-elses"}}
    out = transform(template(Fn=function({"FunctionName": "orders"}), Other=other)).template
    assert out["Resources"]["Other"] == other


def test_generated_versions_that_disagree_on_their_properties_are_an_error() -> None:
    doc = template(
        Fn=function(),
        FnVersion0123456789=version_of("Fn", Description="one"),
        FnVersionabcdefabcd=version_of("Fn", Description="two"),
    )
    assert problems(doc) == [("SL107", "Fn", None)]


def test_generated_versions_that_agree_are_all_replaced_by_one() -> None:
    doc = template(
        Fn=function(),
        FnVersion0123456789=version_of("Fn", Description="one"),
        FnVersionabcdefabcd=version_of("Fn", Description="one"),
    )
    out = transform(doc).template
    (version,) = versions(out)
    assert out["Resources"][version]["Properties"]["Description"] == "one"


# -- everything that names the replaced Version moves to SafeLambda's ---------------------------


def naming_everything(function_id: str, version_id: str) -> dict[str, Any]:
    """A tool's Version named by an alias, Lambda@Edge, a scaling target, DependsOn, Outputs."""
    doc = template(
        **{
            function_id: function(),
            version_id: version_of(function_id),
            "Alias": {
                "Type": "AWS::Lambda::Alias",
                "Properties": {
                    "FunctionName": {"Ref": function_id},
                    "FunctionVersion": {"Fn::GetAtt": [version_id, "Version"]},
                    "Name": "prod",
                    "RoutingConfig": {"AdditionalVersionWeights": []},
                },
            },
            "Target": {
                "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
                "DependsOn": [version_id],
                "Properties": {
                    "MaxCapacity": 2,
                    "MinCapacity": 1,
                    "ResourceId": {
                        "Fn::Sub": f"function:${{{function_id}}}:${{{version_id}.Version}}"
                    },
                    "ScalableDimension": "lambda:function:ProvisionedConcurrency",
                    "ServiceNamespace": "lambda",
                },
            },
            "Edge": {
                "Type": "AWS::CloudFront::Distribution",
                "Properties": {
                    "DistributionConfig": {
                        "DefaultCacheBehavior": {
                            "LambdaFunctionAssociations": [
                                {
                                    "EventType": "origin-request",
                                    "LambdaFunctionARN": {"Ref": version_id},
                                }
                            ]
                        }
                    }
                },
            },
        }
    )
    doc["Outputs"] = {"QualifiedArn": {"Value": {"Ref": version_id}}}
    return doc


@pytest.mark.parametrize(("function_id", "version_id", "tool"), GENERATED)
def test_every_mention_of_the_replaced_version_names_safelambdas(
    function_id: str, version_id: str, tool: str
) -> None:
    result = transform(naming_everything(function_id, version_id))
    out = result.template
    (version,) = versions(out)
    assert version_id not in str(out)
    alias = out["Resources"]["Alias"]
    assert result.report.functions[function_id]["Alias"] == "Alias"
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version, "Version"]}
    assert alias["Properties"]["RoutingConfig"] == {"AdditionalVersionWeights": []}
    target = out["Resources"]["Target"]
    assert target["DependsOn"] == [version]
    assert target["Properties"]["ResourceId"] == {
        "Fn::Sub": f"function:${{{function_id}}}:${{{version}.Version}}"
    }
    behavior = out["Resources"]["Edge"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behavior["LambdaFunctionAssociations"][0]["LambdaFunctionARN"] == {"Ref": version}
    assert out["Outputs"] == {"QualifiedArn": {"Value": {"Ref": version}}}


# -- what is carried from the replaced Version ---------------------------------------------------

SHA = "7z/pBg9fXkLjq2ZTNwVff220SAPDcxgZFdy3QN7kkOc="


def serverless(key: str = "serverless/app/dev/1-x/app.zip", sha: str = SHA) -> dict[str, Any]:
    code = {"Code": {"S3Bucket": "deployments", "S3Key": key}}
    doc = template(
        ApiLambdaFunction=function(code),
        **{SLS_VERSION: version_of("ApiLambdaFunction", CodeSha256=sha)},
    )
    doc["Resources"][SLS_VERSION]["DeletionPolicy"] = "Retain"
    return doc


def version_id(doc: dict[str, Any]) -> str:
    return str(transform(doc).report.functions["ApiLambdaFunction"]["Version"])


def test_code_sha256_is_carried_and_the_deletion_policy_follows_version_retention() -> None:
    doc = serverless()
    doc["Metadata"] = {"SafeLambda": {"VersionRetention": "Delete"}}
    out = transform(doc).template
    (version,) = versions(out)
    assert out["Resources"][version]["Properties"]["CodeSha256"] == SHA
    assert out["Resources"][version]["DeletionPolicy"] == "Delete"
    assert out["Resources"][version]["UpdateReplacePolicy"] == "Delete"


def test_a_new_package_key_with_the_same_code_sha256_publishes_nothing() -> None:
    # The Serverless Framework uploads every deploy under a new key; the bytes decide.
    assert version_id(serverless(key="serverless/app/dev/2-y/app.zip")) == version_id(serverless())


def test_new_code_sha256_publishes_a_new_version() -> None:
    assert version_id(serverless(sha="AAAA" + SHA[4:])) != version_id(serverless())


def test_an_s3_key_is_hashed_when_no_code_sha256_is_carried() -> None:
    def plain(key: str) -> str:
        doc = template(Fn=function({"Code": {"S3Bucket": "deployments", "S3Key": key}}))
        return str(transform(doc).report.functions["Fn"]["Version"])

    assert plain("a.zip") != plain("b.zip")


def test_the_cdk_versions_metadata_is_not_carried() -> None:
    doc = template(Handler886CB40B=function(), **{CDK_VERSION: version_of("Handler886CB40B")})
    doc["Resources"][CDK_VERSION]["Metadata"] = {"aws:cdk:do-not-refactor": True}
    out = transform(doc).template
    (version,) = versions(out)
    assert out["Resources"][version]["Metadata"] == {"SafeLambda": {"TakenOver": "CDK"}}


# -- a second run over SafeLambda's own output -----------------------------------------------------


@pytest.mark.parametrize(
    "description",
    [
        pytest.param(None, id="no-description"),
        pytest.param("orders", id="literal"),
        pytest.param({"Fn::Sub": "orders in ${AWS::Region}"}, id="intrinsic"),
    ],
)
def test_an_earlier_runs_own_version_is_not_reported_as_taken_over(description: Any) -> None:
    fn = function({} if description is None else {"Description": description})
    once = transform(template(Fn=fn)).template
    again = transform(copy.deepcopy(once))
    assert "TakenOver" not in again.report.functions["Fn"]
    assert again.template == once


def test_a_second_run_reports_the_tool_the_first_run_replaced() -> None:
    once = transform(serverless())
    again = transform(copy.deepcopy(once.template))
    assert again.report.functions["ApiLambdaFunction"]["TakenOver"] == "Serverless Framework"
    assert again.template == once.template
