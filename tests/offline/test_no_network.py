"""Offline means offline: no `transform` opens a socket or needs an AWS identity.

Every test here runs with `socket.socket` and `socket.create_connection` replaced and every
AWS credential source removed (`helpers.no_network`); the corpus gets the same treatment in
`tests/test_corpus.py`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from helpers import OFFLINE_FIXTURES, ROOT, SAMPLES, no_network
from safelambda import cli
from safelambda.offline import sar

APPLICATION = "arn:aws:serverlessrepo:us-east-1:123456789012:applications/log-shipper"
TEMPLATES = sorted(
    [*SAMPLES.glob("*/template.yaml"), *OFFLINE_FIXTURES.glob("*/template.yaml")],
    key=str,
)


def transform(
    path: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any], str]:
    code = cli.main(["transform", str(path), "--format", "json", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else {}, captured.err


@pytest.mark.parametrize(
    "path", TEMPLATES, ids=[str(p.parent.relative_to(ROOT)) for p in TEMPLATES]
)
def test_no_sample_or_fixture_opens_a_socket_or_needs_credentials(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with no_network() as attempts:
        code, _, err = transform(path, capsys, "-q")
    assert (code, err, attempts) == (0, "", [])


def test_a_serverless_repository_application_is_a_nested_stack_with_a_placeholder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: the translator called CreateCloudFormationTemplate and, without credentials,
    the run ended in SL999 with botocore's NoCredentialsError."""
    with no_network():
        code, out, err = transform(OFFLINE_FIXTURES / "sar" / "template.yaml", capsys)
    assert code == 0, err
    stack = out["Resources"]["Logger"]
    assert stack["Type"] == "AWS::CloudFormation::Stack"
    url = stack["Properties"]["TemplateURL"]
    assert url == f"{sar.PLACEHOLDER}{quote(APPLICATION, safe='')}/1.2.0/template.yaml"
    assert url == sar.placeholder_url(APPLICATION, "1.2.0")
    assert {"Key": "serverlessrepo:semanticVersion", "Value": "1.2.0"} in stack["Properties"][
        "Tags"
    ]
    assert stack["Properties"]["Parameters"] == {"Target": {"Fn::GetAtt": ["Handler", "Arn"]}}
    assert (
        f"SL023 Logger.Properties.TemplateURL: Serverless Application Repository application "
        f"{APPLICATION} 1.2.0 is not fetched offline" in err
    )


def test_the_repository_is_never_asked_even_when_boto3_could_reach_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import boto3

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a boto3 client was made: {args}")

    monkeypatch.setattr(boto3, "client", forbidden)
    monkeypatch.setattr(boto3.session.Session, "client", forbidden)
    code, out, err = transform(OFFLINE_FIXTURES / "every-type" / "template.yaml", capsys, "-q")
    assert (code, err) == (0, "")
    assert out["Resources"]["FromUrl"]["Properties"]["TemplateURL"] == (
        "https://s3.amazonaws.com/b/app.yaml"
    )


def test_the_every_type_fixture_has_every_resource_type_the_translator_knows() -> None:
    from samtranslator.public.sdk.resource import SamResourceType

    source = cli.load_template(str(OFFLINE_FIXTURES / "every-type" / "template.yaml"))
    types = {r["Type"] for r in source["Resources"].values()}
    assert {t.value for t in SamResourceType} <= types
    assert {"AWS::Serverless::Connector", "AWS::Serverless::GraphQLApi"} <= types


@pytest.mark.parametrize(
    ("location", "message"),
    [
        pytest.param(
            {"ApplicationId": {"Fn::ImportValue": "AppId"}, "SemanticVersion": "1.0.0"},
            "Property 'ApplicationId' cannot be resolved",
            id="unresolvable-id",
        ),
        pytest.param(
            {"ApplicationId": APPLICATION},
            "missing the required [SemanticVersion]",
            id="no-version",
        ),
    ],
)
def test_an_application_sam_cannot_resolve_is_a_coded_sam_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], location: dict[str, Any], message: str
) -> None:
    source = tmp_path / "template.json"
    source.write_text(
        json.dumps(
            {
                "Transform": "AWS::Serverless-2016-10-31",
                "Resources": {
                    "App": {
                        "Type": "AWS::Serverless::Application",
                        "Properties": {"Location": location},
                    }
                },
            }
        )
    )
    with no_network():
        code, _, err = transform(source, capsys)
    assert code == 1
    assert err.startswith("SL014 Transform: SAM could not expand the template: ")
    assert message in err
    assert "SL999" not in err and "Traceback" not in err
