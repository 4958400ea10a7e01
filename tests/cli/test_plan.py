"""`safelambda plan`: the readable summary, and a JSON Patch that reproduces the output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonpatch
import pytest

from helpers import SAMPLES, safelambda
from safelambda import cli
from safelambda.cli import plan
from safelambda.offline import pipeline

# Every template of every sample folder (the arch-switch variants too).
TEMPLATES = sorted(
    p for p in SAMPLES.glob("*/*.yaml") if p.name not in ("expected.yaml", "expanded.yaml")
)
JSONPATCH = Path(sys.executable).parent / "jsonpatch"


def outcome_of(path: Path) -> pipeline.Outcome:
    source = cli.load_template(str(path))
    options = pipeline.Options(parameters=cli.parameter_values(source, {}))
    return pipeline.run(source, options, add_macro=True)


def name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_every_sample_template_is_covered() -> None:
    assert len(TEMPLATES) >= 7
    assert SAMPLES / "pytest-helper" / "app.yaml" in TEMPLATES


@pytest.mark.parametrize("path", TEMPLATES, ids=name)
def test_patch_applied_to_the_macro_input_gives_the_output(path: Path) -> None:
    outcome = outcome_of(path)
    patch = plan.json_patch(outcome)
    assert outcome.macro_input is not None
    assert jsonpatch.apply_patch(outcome.macro_input, patch) == outcome.output
    assert patch, "SafeLambda changes every sample"


@pytest.mark.parametrize("path", TEMPLATES, ids=name)
def test_jsonpatch_cli_round_trip(path: Path, tmp_path: Path) -> None:
    before = tmp_path / "in.json"
    patch = tmp_path / "plan.json"
    made = safelambda("transform", str(path), "-q", "--before-macro", "--format", "json")
    before.write_text(made.stdout)
    patch.write_text(safelambda("plan", str(path), "-q", "--format", "json-patch").stdout)
    applied = subprocess.run(
        [str(JSONPATCH), str(before), str(patch)], capture_output=True, text=True, check=True
    )
    expected = safelambda("transform", str(path), "-q", "--format", "json")
    assert expected.returncode == 0, expected.stderr
    assert json.loads(applied.stdout) == json.loads(expected.stdout)
    assert json.loads(before.read_text()) != json.loads(expected.stdout)


def test_patch_touches_only_what_safelambda_changes() -> None:
    patch = plan.json_patch(outcome_of(SAMPLES / "arch-switch" / "template.yaml"))
    version = "OrdersFunctionVersioned52669a06"
    deployment = "OrdersDeploymentaf00fe61b6"  # the API's Deployment, replaced
    assert [(op["op"], op["path"]) for op in patch] == [
        ("add", "/Metadata"),
        ("remove", "/Resources/OrdersDeployment"),
        ("add", f"/Resources/{version}"),
        ("add", "/Resources/OrdersFunctionAliaslive"),
        ("add", f"/Resources/{deployment}"),
        ("add", "/Resources/OrdersFunction/Properties/Description"),
        ("replace", "/Resources/OrdersFunction/Properties/Layers/0"),  # the family -> ARM ARN
        ("replace", "/Resources/OrdersQueueMapping/Properties/FunctionName/Ref"),
        ("replace", "/Resources/OrdersMethod/Properties/Integration/Uri/Fn::Sub"),
        ("remove", "/Resources/OrdersApiPermission/Properties/FunctionName/Fn::GetAtt"),
        ("add", "/Resources/OrdersApiPermission/Properties/FunctionName/Ref"),
    ]
    assert patch[5]["value"] == "SafeLambda:" + version.removeprefix("OrdersFunctionVersion")


def test_summary_names_functions_rewrites_layers_and_report() -> None:
    result = safelambda("plan", str(SAMPLES / "arch-switch" / "template.yaml"))
    assert result.returncode == 0, result.stderr
    sub = (
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
        "${%s}/invocations"
    )
    assert result.stdout.splitlines() == [
        f"SafeLambda plan for {SAMPLES / 'arch-switch' / 'template.yaml'} "
        "(transforms run: SafeLambda)",
        "",
        "Functions versioned (1):",
        "  OrdersFunction: Version OrdersFunctionVersioned52669a06, "
        "Alias OrdersFunctionAliaslive (name live)",
        "References moved (3):",
        "  OrdersQueueMapping.Properties.FunctionName: !Ref OrdersFunction → "
        "!Ref OrdersFunctionAliaslive",
        "  OrdersMethod.Properties.Integration.Uri.Fn::Sub: "
        f'"{sub % "OrdersFunction.Arn"}" → "{sub % "OrdersFunctionAliaslive"}"',
        "  OrdersApiPermission.Properties.FunctionName: !GetAtt OrdersFunction.Arn → "
        "!Ref OrdersFunctionAliaslive",
        "Layers changed (1):",
        '  OrdersFunction: ["safelambda:datadog-extension"] → '
        '["arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM:99"]',
        "Resources replaced (1):",
        "  OrdersDeployment → OrdersDeploymentaf00fe61b6",
        "Orderings added (1):",
        "  OrdersDeploymentaf00fe61b6 DependsOn OrdersApiPermission",
        "Windows left (0):",
        "  none",
        "Report (0):",
        "  none",
    ]


def test_summary_of_a_template_without_safelambda_says_so() -> None:
    result = safelambda("plan", str(SAMPLES / "arch-switch" / "unprotected.yaml"))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[1] == "SafeLambda is not in the template's Transform list: adding it does this."
    assert "References moved (3):" in lines


def test_summary_lists_changed_layers() -> None:
    outcome = outcome_of(SAMPLES / "arch-switch" / "template.yaml")
    assert outcome.macro_input is not None
    function = outcome.macro_input["Resources"]["OrdersFunction"]["Properties"]
    function["Layers"] = ["arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:65"]
    text = plan.summary(outcome, "t.yaml")
    assert "Layers changed (1):" in text
    assert (
        '  OrdersFunction: ["arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:65"] → '
        in text
    )


def test_plan_errors_are_coded_lines() -> None:
    result = safelambda("plan", os.devnull)
    assert result.returncode == 1
    assert result.stderr.startswith("SL001")
    assert len(result.stderr.splitlines()) == 1


def test_summary_lists_replaced_deployments_added_orderings_and_windows() -> None:
    outcome = outcome_of(SAMPLES / "arch-switch" / "template.yaml")
    assert outcome.result is not None
    report = outcome.result.report
    ((old, new),) = report.replaced
    assert old == "OrdersDeployment" and new.startswith("OrdersDeployment")
    lines = plan.summary(outcome, "t.yaml").splitlines()
    at = lines.index("Resources replaced (1):")
    assert lines[at + 1] == f"  {old} → {new}"
    at = lines.index("Orderings added (1):")
    assert lines[at + 1] == f"  {new} DependsOn OrdersApiPermission"
    assert lines[lines.index("Windows left (0):") + 1] == "  none"


def test_summary_names_each_window_with_the_two_phase_remedy() -> None:
    # The sample's EventBridge rule: its permission names the rule, so the rule cannot wait.
    lines = plan.summary(outcome_of(SAMPLES / "api-sqs-sns" / "template.yaml"), "t").splitlines()
    at = lines.index("Windows left (1):")
    assert lines[at + 1] == (
        "  NightlyRule may invoke the alias before NightlyPermission exists: waiting would be a "
        "cycle (deploy once first with Adoption: Prepare when adopting SafeLambda, with "
        "NextAliasName when renaming the alias)"
    )


def test_summary_and_report_name_the_next_alias(tmp_path: Path) -> None:
    doc = cli.load_template(str(SAMPLES / "arch-switch" / "template.yaml"))
    doc.setdefault("Metadata", {})["SafeLambda"] = {"NextAliasName": "prod"}
    path = tmp_path / "template.json"
    path.write_text(json.dumps(doc))
    outcome = outcome_of(path)
    assert outcome.result is not None
    entry = outcome.result.report.functions["OrdersFunction"]
    assert (entry["NextAlias"], entry["NextAliasName"]) == ("OrdersFunctionAliasprod", "prod")
    assert outcome.output["Metadata"]["SafeLambda"]["Report"]["Functions"]["OrdersFunction"] == (
        entry
    )
    assert (
        "  OrdersFunction: Version OrdersFunctionVersioned52669a06, Alias "
        "OrdersFunctionAliaslive (name live), next alias OrdersFunctionAliasprod (name prod)"
    ) in plan.summary(outcome, "template.json").splitlines()
