"""What SAM CLI fills in before the translator: a missing CodeUri, a local image's tag."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from helpers import OFFLINE_FIXTURES
from helpers import safelambda as run
from safelambda import TransformError
from safelambda.offline import local, pipeline

NO_CODE_URI = OFFLINE_FIXTURES / "no-code-uri" / "template.yaml"
IMAGE = OFFLINE_FIXTURES / "image" / "template.yaml"


def resources_of(path: Path, *args: str) -> tuple[dict[str, Any], str]:
    result = run("transform", str(path), "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["Resources"], result.stderr


def sam_function(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Type": "AWS::Serverless::Function", "Properties": properties, **extra}


def test_functions_without_code_uri_have_their_code_in_the_template_folder() -> None:
    """Before: SAM's misleading "Only one of 'InlineCode' or 'CodeUri' can be set"."""
    resources, stderr = resources_of(NO_CODE_URI)
    assert resources["PutItemFunction"]["Properties"]["Code"] == "."
    assert resources["QueueLogger"]["Properties"]["Code"] == "."
    assert resources["InlineFunction"]["Properties"]["Code"] == {
        "ZipFile": "exports.handler = async () => 'ok';"
    }
    assert "PutItemFunctionAliaslive" in resources
    assert stderr == ""  # SAM CLI fills this silently, and so does SafeLambda


@pytest.mark.parametrize(
    ("shared", "own", "expected"),
    [
        pytest.param({}, {}, {"CodeUri": "."}, id="nothing"),
        pytest.param({"CodeUri": "src/"}, {}, {}, id="globals-code-uri"),
        pytest.param({}, {"CodeUri": "app/"}, {"CodeUri": "app/"}, id="own-code-uri"),
        pytest.param({}, {"InlineCode": "x"}, {"InlineCode": "x"}, id="inline"),
        pytest.param({}, {"ImageUri": "repo:1"}, {"ImageUri": "repo:1"}, id="image-uri"),
        pytest.param({}, {"CodeUri": {"Ref": "P"}}, {"CodeUri": {"Ref": "P"}}, id="intrinsic"),
        pytest.param({"Timeout": 3}, {}, {"CodeUri": "."}, id="other-globals"),
    ],
)
def test_code_uri_is_filled_only_where_sam_cli_fills_it(
    shared: dict[str, Any], own: dict[str, Any], expected: dict[str, Any]
) -> None:
    source = {"Globals": {"Function": shared}, "Resources": {"Fn": sam_function(dict(own))}}
    before = copy.deepcopy(source)
    out, notes = local.filled(source)
    assert out["Resources"]["Fn"]["Properties"] == {**own, **expected}
    assert notes == []
    assert source == before  # a copy


def test_image_functions_get_the_tag_sam_build_gives_them_with_a_warning() -> None:
    """Before: SAM stopped at "'ImageUri' must be set"."""
    resources, stderr = resources_of(IMAGE)
    codes = {rid: r["Properties"].get("Code") for rid, r in resources.items()}
    assert codes["HelloFunction"] == {"ImageUri": "hellofunction:python3.12-v1"}
    assert codes["NamedImage"] == {"ImageUri": "shared-image:latest"}  # DockerImage, lower case
    assert codes["PushedImage"] == {
        "ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/pushed:1"
    }
    covers = (
        ", the tag `sam build` gives the image, so offline the Version hash covers this tag, "
        "not the image's content; change DockerTag whenever the image changes, so that a deploy "
        "of this output publishes a new Version"
    )
    assert stderr.splitlines() == [
        "SL022 HelloFunction.Properties.ImageUri: is filled with hellofunction:python3.12-v1"
        + covers,
        f"SL022 NamedImage.Properties.ImageUri: is filled with shared-image:latest{covers}",
    ]
    assert resources_of(IMAGE, "-q")[1] == ""


@pytest.mark.parametrize(
    ("metadata", "uri"),
    [
        pytest.param({"Dockerfile": "Dockerfile", "DockerTag": 2}, "fn:2", id="numeric-tag"),
        pytest.param({"Dockerfile": "Dockerfile", "DockerTag": {"Ref": "T"}}, None, id="ref-tag"),
        pytest.param({"DockerContext": "."}, None, id="no-dockerfile"),
        pytest.param(None, None, id="no-metadata"),
    ],
)
def test_an_image_without_a_dockerfile_or_with_an_unknown_tag_is_left_to_sam(
    metadata: dict[str, Any] | None, uri: str | None
) -> None:
    extra = {"Metadata": metadata} if metadata is not None else {}
    source = {"Resources": {"Fn": sam_function({"PackageType": "Image"}, **extra)}}
    out, notes = local.filled(source)
    assert out["Resources"]["Fn"]["Properties"].get("ImageUri") == uri
    assert [n.code for n in notes] == (["SL022"] if uri else [])


def test_an_image_sam_build_cannot_build_stays_a_coded_sam_error() -> None:
    source = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Fn": sam_function({"PackageType": "Image"})},
    }
    with pytest.raises(TransformError, match="'ImageUri' must be set") as failure:
        pipeline.run(source, pipeline.Options())
    assert [p.code for p in failure.value.problems] == ["SL014"]


def test_the_warnings_reach_the_outcome_before_safelambdas_own() -> None:
    source = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Fn": sam_function({"PackageType": "Image"}, Metadata={"Dockerfile": "Dockerfile"}),
        },
    }
    outcome = pipeline.run(source, pipeline.Options(), add_macro=True)
    assert [w.code for w in outcome.warnings] == ["SL022"]
    assert outcome.all_warnings[: len(outcome.warnings)] == outcome.warnings
