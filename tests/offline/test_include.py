"""Local `AWS::Include` files inserted before the Transform list, as CloudFormation does."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from helpers import OFFLINE_FIXTURES
from helpers import safelambda as run
from safelambda import TransformError
from safelambda.offline import expand_includes
from safelambda.references import invocations

INCLUDE = OFFLINE_FIXTURES / "include" / "template.yaml"


def include(location: Any) -> dict[str, Any]:
    return {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": location}}}


def problems_of(template: dict[str, Any], folder: Path) -> list[str]:
    with pytest.raises(TransformError) as failure:
        expand_includes(template, str(folder))
    return [p.render() for p in failure.value.problems]


def test_an_included_openapi_body_is_what_sam_and_safelambda_see() -> None:
    """Before: SAM failed on Cors ("'DefinitionBody' does not contain a valid Swagger
    definition"): the body was still the Fn::Transform that CloudFormation expands."""
    result = run("transform", str(INCLUDE), "--format", "json")
    assert result.returncode == 0, result.stderr
    resources = json.loads(result.stdout)["Resources"]
    body = resources["OrdersApi"]["Properties"]["Body"]
    uri = body["paths"]["/orders"]["get"]["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
    assert uri.endswith("/functions/${OrdersFunctionAliaslive}/invocations")
    assert "options" in body["paths"]["/orders"]  # Cors, added by SAM to the included paths
    assert "TokenAuthorizer" in body["components"]["securitySchemes"]  # Auth, likewise
    # The JSON snippet's resources, merged into Resources beside the template's own.
    assert resources["OrdersQueueMapping"]["Properties"]["FunctionName"] == {
        "Ref": "OrdersFunctionAliaslive"
    }
    places = {(i.resource, i.target) for i in invocations(json.loads(result.stdout))}
    assert ("OrdersQueueMapping", "OrdersFunctionAliaslive") in places
    # The remote snippet stays for the deploy to fetch.
    assert resources["Remote"]["Properties"] == include("s3://shared-snippets/topic.yaml")


def test_expansion_reads_from_the_given_folder_and_leaves_the_input_alone(tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "env.yaml").write_text("Variables:\n  STAGE: prod\n")
    (tmp_path / "parts" / "tags.json").write_text('{"Team": "orders"}')
    template = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Environment": include("parts/env.yaml"),
                    "Tags": [include("./parts/tags.json"), include("parts/tags.json")],
                },
            }
        },
        "Outputs": {"Fn::Transform": include("parts/tags.json")["Fn::Transform"]},
    }
    before = copy.deepcopy(template)
    out = expand_includes(template, str(tmp_path))
    props = out["Resources"]["Fn"]["Properties"]
    assert props["Environment"] == {"Variables": {"STAGE": "prod"}}
    assert props["Tags"] == [{"Team": "orders"}, {"Team": "orders"}]
    assert props["Tags"][0] is not props["Tags"][1]  # a copy for each place
    assert out["Outputs"] == {"Team": "orders"}
    assert template == before


@pytest.mark.parametrize(
    "location",
    [
        pytest.param("s3://bucket/snippet.yaml", id="s3"),
        pytest.param("https://bucket.s3.amazonaws.com/snippet.yaml", id="https"),
        pytest.param({"Fn::Sub": "s3://${Bucket}/snippet.yaml"}, id="intrinsic"),
    ],
)
def test_remote_and_computed_locations_stay_as_written(tmp_path: Path, location: Any) -> None:
    template = {
        "Resources": {"Api": {"Type": "AWS::ApiGateway::RestApi"}},
        "Mappings": include(location),
    }
    assert expand_includes(template, str(tmp_path)) == template


def test_snippet_keys_merge_beside_the_keys_written_there(tmp_path: Path) -> None:
    (tmp_path / "queue.yaml").write_text("Queue:\n  Type: AWS::SQS::Queue\n")
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}, **include("queue.yaml")}}
    out = expand_includes(template, str(tmp_path))
    assert list(out["Resources"]) == ["Topic", "Queue"]


@pytest.mark.parametrize(
    ("files", "template", "expected"),
    [
        pytest.param(
            {},
            {"Resources": {"Api": {"Type": "T", "Properties": {"Body": include("api.yaml")}}}},
            "SL020 Api.Properties.Body.Fn::Transform: AWS::Include file api.yaml is missing: there "
            "is no ",
            id="missing",
        ),
        pytest.param(
            {"api.yaml": "paths: [\n"},
            {"Resources": {"Api": {"Type": "T", "Properties": {"Body": include("api.yaml")}}}},
            "SL020 Api.Properties.Body.Fn::Transform: AWS::Include file api.yaml: cannot parse",
            id="not-yaml",
        ),
        pytest.param(
            {"api.yaml": b"\xff\xfe\x00"},
            {"Resources": {"Api": {"Type": "T", "Properties": {"Body": include("api.yaml")}}}},
            "SL020 Api.Properties.Body.Fn::Transform: cannot read AWS::Include file api.yaml: "
            "not UTF-8 text",
            id="binary",
        ),
        pytest.param(
            {"api": None},
            {"Resources": {"Api": {"Type": "T", "Properties": {"Body": include("api")}}}},
            "SL020 Api.Properties.Body.Fn::Transform: cannot read AWS::Include file api: ",
            id="a-folder",
        ),
        pytest.param(
            {"api.yaml": "a: 1\na: 2\n"},
            {"Resources": {"Api": {"Type": "T", "Properties": {"Body": include("api.yaml")}}}},
            "SL015 Api.Properties.Body.Fn::Transform: AWS::Include file api.yaml: the key is "
            "written twice",
            id="repeated-key",
        ),
        pytest.param(
            {"list.yaml": "- a\n- b\n"},
            {"Resources": {"Api": {"Type": "T", "Properties": {"Body": include("list.yaml")}}}},
            "SL021 Api.Properties.Body.Fn::Transform: AWS::Include file list.yaml does not hold "
            "a mapping",
            id="not-a-mapping",
        ),
        pytest.param(
            {
                "outer.yaml": "Fn::Transform:\n  Name: AWS::Include\n  Parameters:\n"
                "    Location: inner.yaml\n",
                "inner.yaml": "a: 1\n",
            },
            {"Resources": {"Api": {"Type": "T", "Properties": include("outer.yaml")}}},
            "SL021 Api.Properties.Fn::Transform: outer.yaml uses AWS::Include itself; "
            "CloudFormation refuses",
            id="nested",
        ),
        pytest.param(
            {"queue.yaml": "Topic:\n  Type: AWS::SQS::Queue\n"},
            {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}, **include("queue.yaml")}},
            "SL021 Topic: queue.yaml sets 'Topic', set here too",
            id="key-clash",
        ),
        pytest.param(
            {"p.yaml": "Stage: {Type: String}\n"},
            {"Parameters": include("p.yaml"), "Resources": {}},
            "SL021 Parameters: CloudFormation expands no AWS::Include here",
            id="in-parameters",
        ),
    ],
)
def test_a_bad_include_is_a_coded_error_naming_the_file_and_the_resource(
    tmp_path: Path, files: dict[str, Any], template: dict[str, Any], expected: str
) -> None:
    for name, content in files.items():
        target = tmp_path / name
        if content is None:
            target.mkdir()
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    (line,) = problems_of(template, tmp_path)
    assert line.startswith(expected), line


def test_every_bad_include_is_reported_at_once(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "A": {"Type": "T", "Properties": include("gone.yaml")},
            "B": {"Type": "T", "Properties": include("gone.yaml")},
        }
    }
    lines = problems_of(template, tmp_path)
    assert [line.split(":")[0] for line in lines] == [
        "SL020 A.Properties.Fn",
        "SL020 B.Properties.Fn",
    ]


def test_a_missing_include_through_the_cli_names_file_and_resource_and_writes_nothing(
    tmp_path: Path,
) -> None:
    source = tmp_path / "template.yaml"
    source.write_text(
        "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n"
        "      Body:\n        Fn::Transform:\n          Name: AWS::Include\n"
        "          Parameters: {Location: api/openapi.yaml}\n"
    )
    out = tmp_path / "out.yaml"
    result = run("transform", str(source), "-o", str(out))
    assert result.returncode == 1
    expected = os.path.join(str(tmp_path), "api", "openapi.yaml")
    assert result.stderr == (
        "SL020 Api.Properties.Body.Fn::Transform: AWS::Include file api/openapi.yaml is missing: "
        f"there is no {expected}; create it or correct the Location\n"
    )
    assert not out.exists()
