"""`safelambda check --previous OLD NEW`: the deploy model as a CI gate, on any template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_deploy_apis import UNPROTECTED, rest
from test_deploy_windows import events

from helpers import safelambda

SAM_API = """\
Transform: {transform}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://artifacts/app.zip
      Events:
        Get:
          Type: Api
          Properties: {{Path: /, Method: get}}
"""


def _write(folder: Path, name: str, template: dict[str, Any] | str) -> str:
    path = folder / name
    path.write_text(template if isinstance(template, str) else json.dumps(template))
    return str(path)


def test_adding_safelambda_to_a_sam_api_passes_the_deploy_model(tmp_path: Path) -> None:
    old = _write(tmp_path, "old.yaml", SAM_API.format(transform="AWS::Serverless-2016-10-31"))
    new = _write(
        tmp_path, "new.yaml", SAM_API.format(transform="[AWS::Serverless-2016-10-31, SafeLambda]")
    )
    result = safelambda("check", "--previous", old, new)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_plain_cloudformation_without_safelambda_gets_the_same_gate(tmp_path: Path) -> None:
    old = _write(tmp_path, "old.json", UNPROTECTED)
    new = _write(tmp_path, "new.json", rest("FnAliaslive"))
    result = safelambda("check", "--previous", old, new, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    deploy = [f for f in report["Findings"] if f["Code"].startswith("SL5")]
    assert [(f["Code"], f["Resource"], f["Severity"]) for f in deploy] == [
        ("SL503", "ApiDeploymentA", "error"),
        ("SL506", "ApiDeploymentA", "error"),
    ]
    assert deploy[1]["Target"] == "Fn"
    assert deploy[1]["Grants"] == ["Permission"]


def test_a_window_is_printed_but_does_not_fail(tmp_path: Path) -> None:
    old = _write(tmp_path, "old.json", events("FnAliaslive"))
    new = _write(tmp_path, "new.json", events("FnAliaslive"))
    assert safelambda("check", "--previous", old, new).returncode == 0
    first = _write(tmp_path, "first.json", events("Fn"))
    loud = safelambda("check", "--previous", first, new)
    assert loud.returncode == 0
    assert (
        [line for line in loud.stdout.splitlines() if line.startswith("SL5")]
        == [line for line in loud.stdout.splitlines() if line.startswith("SL505 Nightly: ")]
        != []
    )
    quiet = safelambda("check", "--quiet", "--previous", first, new)
    assert "SL505" not in quiet.stdout


def test_an_unreadable_previous_template_is_a_coded_error(tmp_path: Path) -> None:
    broken = {"Resources": {"A": {"Type": "AWS::SNS::Topic", "DependsOn": "Missing"}}}
    old = _write(tmp_path, "old.json", broken)
    new = _write(tmp_path, "new.json", events("Fn"))
    result = safelambda("check", "--previous", old, new)
    assert result.returncode == 3
    assert result.stderr.startswith("SL016 A")


def test_check_help_explains_the_deploy_model() -> None:
    result = safelambda("check", "--help")
    assert result.returncode == 0
    for words in ("deploy model", "cleanup", "SL501", "SL503", "SL505", "SL510"):
        assert words in result.stdout
