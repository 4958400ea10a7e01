"""Snapshots of every sample: processed output, SAM expansion and macro events stay in step.

Regenerate after a deliberate change with `pytest tests/test_samples.py --update-snapshots`,
then review the diff: a changed Version logical ID republishes that function for every user.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import SAMPLE_DIRS, SAMPLES, lint_errors, sample_file
from safelambda import cli
from safelambda.handler import process
from safelambda.offline import sam

SAM_SAMPLES = [p for p in SAMPLE_DIRS if (p / "expanded.yaml").exists()]


def macro_template(sample: Path) -> dict[str, Any]:
    return cli.load_template(str(sample_file(sample, "template")))


def macro_input(sample: Path) -> dict[str, Any]:
    """The fragment CloudFormation hands the macro: after SAM when the template lists it."""
    template = macro_template(sample)
    if sam.SAM_TRANSFORM in sam.transforms_of(template):
        return cli.load_template(str(sample / "expanded.yaml"))
    return template


def event_for(sample: Path) -> dict[str, Any]:
    template = macro_template(sample)
    return {
        "region": "us-east-1",
        "accountId": "123456789012",
        "requestId": f"sample-{sample.name}",
        "transformId": "123456789012::SafeLambda",
        "params": {},
        "templateParameterValues": cli.parameter_values(template, {}),
        "fragment": macro_input(sample),
    }


def check(path: Path, text: str, update: bool) -> None:
    if update:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run --update-snapshots"


def test_samples_listing_sam_have_an_expansion_snapshot() -> None:
    listing = [p for p in SAMPLE_DIRS if sam.SAM_TRANSFORM in sam.transforms_of(macro_template(p))]
    assert listing == SAM_SAMPLES
    assert SAM_SAMPLES, "at least one sample exercises the SAM expansion"


@pytest.mark.parametrize("sample", SAM_SAMPLES, ids=lambda p: p.name)
def test_sam_expansion_snapshot(sample: Path, update_snapshots: bool) -> None:
    template = macro_template(sample)
    expanded = sam.expand(template, cli.parameter_values(template, {}), "us-east-1", "aws")
    check(sample / "expanded.yaml", cli.dump_template(expanded, "yaml"), update_snapshots)


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=lambda p: p.name)
def test_cli_output_matches_snapshot(
    sample: Path, update_snapshots: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    template = sample_file(sample, "template")
    fmt = template.suffix.lstrip(".")
    assert cli.main(["transform", str(template), "--quiet", "--format", fmt]) == 0
    check(sample_file(sample, "expected"), capsys.readouterr().out, update_snapshots)


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=lambda p: p.name)
def test_macro_event_is_current_and_handler_answers_like_the_cli(
    sample: Path, update_snapshots: bool
) -> None:
    event = event_for(sample)
    check(
        SAMPLES / "events" / f"{sample.name}.json",
        json.dumps(event, indent=2) + "\n",
        update_snapshots,
    )
    response = process(json.loads((SAMPLES / "events" / f"{sample.name}.json").read_text()), {})
    assert response["status"] == "success"
    assert response["requestId"] == f"sample-{sample.name}"
    expected = cli.load_template(str(sample_file(sample, "expected")))
    fragment = {k: v for k, v in response["fragment"].items() if k != "Transform"}
    assert fragment == expected


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=lambda p: p.name)
def test_processed_sample_is_cfn_lint_clean(sample: Path) -> None:
    assert lint_errors(cli.load_template(str(sample_file(sample, "expected")))) == []


def test_arch_switch_integrations_all_invoke_the_alias() -> None:
    out = cli.load_template(str(SAMPLES / "arch-switch" / "expected.yaml"))["Resources"]
    alias = {"Ref": "OrdersFunctionAliaslive"}
    assert out["OrdersQueueMapping"]["Properties"]["FunctionName"] == alias
    assert out["OrdersApiPermission"]["Properties"]["FunctionName"] == alias
    assert (
        "${OrdersFunctionAliaslive}/invocations"
        in out["OrdersMethod"]["Properties"]["Integration"]["Uri"]["Fn::Sub"]
    )
    assert out["OrdersLogGroup"]["Properties"]["LogGroupName"] == {
        "Fn::Sub": "/aws/lambda/${OrdersFunction}"
    }


def test_sam_app_keeps_sams_alias_and_has_one_version_per_function() -> None:
    out = cli.load_template(str(SAMPLES / "sam-app" / "expected.yaml"))["Resources"]
    versions = sorted(
        r["Properties"]["FunctionName"]["Ref"]
        for r in out.values()
        if r["Type"] == "AWS::Lambda::Version"
    )
    aliases = sorted(rid for rid, r in out.items() if r["Type"] == "AWS::Lambda::Alias")
    assert versions == ["ApiFunction", "QueueFunction"]
    assert aliases == ["ApiFunctionAliaslive", "QueueFunctionAliaslive"]
