"""Small builders and checks shared by the tests."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

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
