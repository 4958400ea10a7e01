"""Triggers of `tests/test_messages.py` that a user meets through the `safelambda` command: files
on disk (templates, includes, nested stacks), run in process by `cli_lines`."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import OFFLINE_FIXTURES, SAMPLES
from safelambda import cli

Trigger = Callable[[Path, pytest.CaptureFixture[str]], list[str]]
Capture = pytest.CaptureFixture[str]


def cli_lines(capsys: Capture, *args: str) -> list[str]:
    """What `safelambda ARGS` prints, in process."""
    with contextlib.suppress(SystemExit):
        cli.main(list(args))
    captured = capsys.readouterr()
    return (captured.err + captured.out).splitlines()


def written(tmp: Path, name: str, content: Any) -> str:
    path = tmp / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return str(path)


def _transform(tmp: Path, capsys: Capture, text: str, **files: str) -> list[str]:
    """`safelambda transform` of a template written as `text`, beside `files`."""
    for name, content in files.items():
        written(tmp, name, content)
    return cli_lines(capsys, "transform", written(tmp, "template.yaml", text))


def _included(tmp: Path, capsys: Capture, **files: str) -> list[str]:
    """An API whose body is the local AWS::Include file api.yaml."""
    text = (
        "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n"
        "      Body:\n        Fn::Transform:\n          Name: AWS::Include\n"
        "          Parameters: {Location: api.yaml}\n"
    )
    return _transform(tmp, capsys, text, **files)


def _check(tmp: Path, capsys: Capture, previous: bool) -> list[str]:
    arch = SAMPLES / "arch-switch"
    before = ["--previous", str(arch / "previous.yaml")] if previous else []
    return cli_lines(capsys, "check", str(arch / "unprotected.yaml"), *before)


def _nested(tmp: Path, capsys: Capture, location: str) -> list[str]:
    """`check` of a template whose nested stack's template is the local file `location`."""
    stack = {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": location}}
    return cli_lines(
        capsys, "check", written(tmp, "template.json", {"Resources": {"Child": stack}})
    )


def _acknowledged(tmp: Path, capsys: Capture, entries: Any, *args: str) -> list[str]:
    """`check` of a template that says it acknowledges `entries`."""
    document = {
        "Metadata": {"SafeLambda": {"Acknowledge": entries}},
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
    }
    return cli_lines(capsys, "check", written(tmp, "template.json", document), *args)


CLI: dict[str, Trigger] = {
    "SL013": lambda t, c: cli_lines(c, "transform", written(t, "t.yaml", "Resources: [\n")),
    "SL014": lambda t, c: _transform(
        t,
        c,
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
        "    Type: AWS::Serverless::Function\n    Properties: {Handler: a.b}\n",
    ),
    "SL015": lambda t, c: _transform(t, c, "Resources:\n  A: {Type: X}\n  A: {Type: Y}\n"),
    "SL020": _included,
    "SL021": lambda t, c: _included(t, c, **{"api.yaml": "- paths\n"}),
    "SL022": lambda t, c: cli_lines(c, "transform", str(OFFLINE_FIXTURES / "image/template.yaml")),
    "SL023": lambda t, c: cli_lines(c, "transform", str(OFFLINE_FIXTURES / "sar/template.yaml")),
    "SL401": lambda t, c: _transform(t, c, "Transform: MyMacro\nResources: {}\n"),
    "SL402": lambda t, c: _transform(
        t,
        c,
        "Transform: AWS::LanguageExtensions\nResources:\n"
        "  'Fn::ForEach::Topics':\n"
        "    [Name, !ImportValue names, {'${Name}': {Type: AWS::SNS::Topic}}]\n",
    ),
    "SL403": lambda t, c: cli_lines(c, "transform"),
    "SL404": lambda t, c: cli_lines(
        c,
        "transform",
        str(SAMPLES / "api-sqs-sns" / "template.yaml"),
        "-q",
        "-o",
        str(t / "no" / "x.yaml"),
    ),
    "SL411": lambda t, c: _check(t, c, previous=False),
    "SL412": lambda t, c: _check(t, c, previous=True),
    "SL413": lambda t, c: _nested(t, c, "child.yaml"),
    "SL414": lambda t, c: _nested(t, c, "template.json"),
    "SL415": lambda t, c: _acknowledged(t, c, ["SL302"]),
    "SL416": lambda t, c: _acknowledged(t, c, "SL302"),
}
