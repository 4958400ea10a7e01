"""Small builders and checks shared by the tests."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
# A sample is a folder with a template.yaml, or a template.json as the CDK and the Serverless
# Framework write them; its expected output has the template's format.
SAMPLE_DIRS = sorted(
    p.parent for p in SAMPLES.glob("*/template.*") if p.suffix in (".yaml", ".json")
)


def sample_file(sample: Path, stem: str) -> Path:
    """`template` or `expected` of a sample, in the sample's format."""
    suffix = ".json" if (sample / "template.json").exists() else ".yaml"
    return sample / f"{stem}{suffix}"


def sample_templates() -> list[Path]:
    """Every template file of every sample (events and other data files left out)."""
    return sorted(
        p
        for p in SAMPLES.glob("*/*")
        if p.suffix == ".yaml" or (p.suffix == ".json" and p.stem in ("template", "expected"))
    )


OFFLINE_FIXTURES = ROOT / "tests" / "fixtures" / "offline"


def function(properties: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A minimal valid AWS::Lambda::Function resource."""
    props = {
        "Runtime": "python3.12",
        "Handler": "app.handler",
        "Role": "arn:aws:iam::123456789012:role/app",
        "Code": {"S3Bucket": "artifacts", "S3Key": "app.zip"},
    }
    props.update(properties or {})
    return {"Type": "AWS::Lambda::Function", "Properties": props, **extra}


FUNCTION_ARN = {"Fn::GetAtt": ["Fn", "Arn"]}


def permission(
    principal: Any, function_name: Any = FUNCTION_ARN, **properties: Any
) -> dict[str, Any]:
    """An AWS::Lambda::Permission letting `principal` invoke `function_name` (default `Fn`)."""
    props = {
        "FunctionName": function_name,
        "Action": "lambda:InvokeFunction",
        "Principal": principal,
        **properties,
    }
    return {"Type": "AWS::Lambda::Permission", "Properties": props}


def template(**resources: Any) -> dict[str, Any]:
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": copy.deepcopy(resources)}


def lint_errors(processed: dict[str, Any], region: str = "us-east-1") -> list[str]:
    """cfn-lint's errors (not warnings) on a processed template."""
    from cfnlint.api import ManualArgs, lint

    matches = lint(json.dumps(processed), config=ManualArgs(regions=[region]))
    return [f"{m.rule.id} {m.message} ({m.path})" for m in matches if m.rule.id.startswith("E")]


def existing_alias(function_id: str = "Fn", name: str = "live") -> dict[str, Any]:
    """An alias the input already has (as SAM's AutoPublishAlias makes), for SafeLambda to adopt."""
    return {
        "Type": "AWS::Lambda::Alias",
        "Properties": {"FunctionName": {"Ref": function_id}, "FunctionVersion": "1", "Name": name},
    }


def safelambda(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The `safelambda` command in a fresh interpreter, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "safelambda", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


# No AWS identity anywhere: no keys, no profile, no config or credentials file, no instance role.
NO_CREDENTIALS = {
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@contextlib.contextmanager
def no_network() -> Iterator[list[str]]:
    """No socket can be made and no AWS credentials can be found while the block runs.

    `socket.socket` and `socket.create_connection` are replaced for the duration (boto3, urllib3
    and every other client open their connections through them); each attempt is recorded and
    refused, and the block fails if any was made, even when the caller swallowed the error.
    urllib3 (under boto3, under aws-sam-translator) binds a socket to `::1` once, when it is
    first imported, to learn whether the host has IPv6: no traffic, so it is imported first.
    """
    import urllib3.util.connection  # noqa: F401  (its import-time IPv6 probe, see above)

    attempts: list[str] = []

    class Refused(socket.socket):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            attempts.append(f"socket.socket{args}")
            raise OSError("the network is disabled for this test")

    def refuse(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(f"socket.create_connection({address!r})")
        raise OSError("the network is disabled for this test")

    environ = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    with (
        mock.patch.dict(os.environ, {**environ, **NO_CREDENTIALS}, clear=True),
        mock.patch.object(socket, "socket", Refused),
        mock.patch.object(socket, "create_connection", refuse),
    ):
        yield attempts
    assert attempts == [], f"a socket was opened: {attempts}"
