"""`safelambda check`: unqualified invocations (a), torn updates (c), exit codes, output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import SAMPLE_DIRS, SAMPLES, function, safelambda, sample_file, template
from safelambda import cli
from safelambda.cli import check
from safelambda.cli.check import Finding, Processed, Subject
from safelambda.errors import error
from safelambda.references import catalog
from safelambda.references.invocations import invocations, unqualified
from safelambda.template.resolve import DeployContext

ARCH = SAMPLES / "arch-switch"
PLACES = [
    "OrdersQueueMapping.Properties.FunctionName",
    "OrdersMethod.Properties.Integration.Uri.Fn::Sub",
]


def test_seed_scenario_without_safelambda_fails_naming_function_sides_and_integrations() -> None:
    result = safelambda(
        "check", "--previous", str(ARCH / "previous.yaml"), str(ARCH / "unprotected.yaml")
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        f"SL411 {place}: invokes OrdersFunction unqualified: every call reaches $LATEST, "
        "which is torn while an update runs"
        for place in PLACES
    ]
    assert lines[2] == (
        "SL412 OrdersFunction: updates code (Code.S3Key, Architectures) and configuration "
        f"(Layers) in parallel while {', '.join(PLACES)} invoke $LATEST; invoke it through an "
        "alias (Transform: SafeLambda)"
    )
    assert len(lines) == 3
    assert result.stderr == ""


def test_seed_scenario_as_json_for_machines() -> None:
    result = safelambda(
        "check",
        "--previous",
        str(ARCH / "previous.yaml"),
        str(ARCH / "unprotected.yaml"),
        "--format",
        "json",
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["Passed"] is False
    torn = [f for f in report["Findings"] if f["Code"] == "SL412"]
    assert torn == [
        {
            "Code": "SL412",
            "Message": torn[0]["Message"],
            "Resource": "OrdersFunction",
            "Severity": "error",
            "Function": "OrdersFunction",
            "CodeChanges": ["Code.S3Key", "Architectures"],
            "ConfigurationChanges": ["Layers"],
            "ExposedIntegrations": PLACES,
        }
    ]
    assert [f["Path"] for f in report["Findings"] if f["Code"] == "SL411"] == [
        p.split(".", 1)[1] for p in PLACES
    ]


def test_protected_previous_and_new_templates_pass() -> None:
    result = safelambda(
        "check", "--previous", str(ARCH / "previous-protected.yaml"), str(ARCH / "template.yaml")
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_adopting_safelambda_in_the_same_deploy_as_the_switch_is_still_torn() -> None:
    # The function is updated before the integrations that reference it, so during this deploy
    # they still invoke $LATEST as previous.yaml configured them.
    result = safelambda(
        "check", "--previous", str(ARCH / "previous.yaml"), str(ARCH / "template.yaml")
    )
    assert result.returncode == 1
    torn, *deploy = result.stdout.splitlines()
    assert torn.startswith("SL412 OrdersFunction: updates code")
    assert torn.endswith("deploy the alias first, with no change to the function, then this change")
    # The deploy model finds nothing else: the API moves to the alias with a new Deployment
    # (OrdersDeployment<hash>), ordered after the alias's permission, so no stage is left stale.
    assert deploy == []


@pytest.mark.parametrize("sample", SAMPLE_DIRS, ids=lambda p: p.name)
def test_every_processed_sample_passes(sample: Path) -> None:
    result = safelambda("check", "--quiet", str(sample_file(sample, "expected")))
    assert (result.returncode, result.stdout) == (0, "")


def test_unprotected_template_lists_every_unqualified_integration() -> None:
    result = safelambda("check", "-", stdin=(SAMPLES / "api-sqs-sns" / "template.yaml").read_text())
    assert result.returncode == 0  # it lists SafeLambda: every integration moves to the alias
    unprotected = cli.load_template(str(SAMPLES / "api-sqs-sns" / "template.yaml"))
    del unprotected["Transform"]
    places = [i.place for i in unqualified(unprotected)]
    assert places == [
        "HttpIntegration.Properties.IntegrationUri",
        "QueueMapping.Properties.FunctionName",
        "TopicSubscription.Properties.Endpoint",
        "NightlyRule.Properties.Targets[0].Arn",
        "Uploads.Properties.NotificationConfiguration.LambdaConfigurations[0].Function",
    ]


def _uri(value: Any) -> dict[str, Any]:
    return template(
        Fn=function(),
        FnAliaslive={
            "Type": "AWS::Lambda::Alias",
            "Properties": {"FunctionName": {"Ref": "Fn"}, "FunctionVersion": "1", "Name": "live"},
        },
        Rule={"Type": "AWS::Events::Rule", "Properties": {"Targets": [{"Id": "t", "Arn": value}]}},
    )


@pytest.mark.parametrize(
    ("value", "qualified"),
    [
        pytest.param({"Ref": "Fn"}, False, id="ref"),
        pytest.param({"Fn::GetAtt": ["Fn", "Arn"]}, False, id="getatt"),
        pytest.param({"Fn::GetAtt": "Fn.Arn"}, False, id="getatt-dotted"),
        pytest.param({"Ref": "FnAliaslive"}, True, id="alias"),
        pytest.param({"Fn::Sub": "${Fn.Arn}"}, False, id="sub-whole"),
        pytest.param({"Fn::Sub": "${Fn.Arn}:live"}, True, id="sub-qualified"),
        pytest.param({"Fn::Sub": "arn:aws:lambda:r:1:function:${Fn}"}, False, id="sub-name"),
        pytest.param({"Fn::Sub": "arn:aws:lambda:r:1:function:${Fn}:live"}, True, id="sub-name-q"),
        pytest.param({"Fn::Sub": ["${X}", {"X": {"Ref": "Fn"}}]}, False, id="sub-variable"),
        pytest.param({"Fn::Sub": ["${X}:live", {"X": {"Ref": "Fn"}}]}, True, id="sub-variable-q"),
        pytest.param({"Fn::Join": ["", [{"Fn::GetAtt": ["Fn", "Arn"]}]]}, False, id="join"),
        pytest.param(
            {"Fn::Join": ["", [{"Fn::GetAtt": ["Fn", "Arn"]}, ":live"]]}, True, id="join-q"
        ),
        pytest.param(
            {"Fn::Join": [":", [{"Fn::GetAtt": ["Fn", "Arn"]}, "live"]]}, True, id="join-d"
        ),
        pytest.param({"Fn::If": ["C", {"Ref": "Fn"}, "x"]}, False, id="if"),
    ],
)
def test_qualified_forms_are_told_from_latest(value: Any, qualified: bool) -> None:
    (place,) = invocations(_uri(value))
    assert (place.resource, place.function, place.qualified) == ("Rule", "Fn", qualified)


def test_qualifier_rows_are_qualified_by_their_own_property(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    row = catalog.Entry(
        "AWS::Lambda::EventInvokeConfig", ("FunctionName",), "QUALIFIER", ("Qualifier",), "test"
    )
    monkeypatch.setattr(catalog, "entries_for", lambda t: (row,) if t == row.type else ())
    config = {"Type": row.type, "Properties": {"FunctionName": {"Ref": "Fn"}}}
    assert [i.qualified for i in invocations(template(Fn=function(), C=config))] == [False]
    config["Properties"]["Qualifier"] = "$LATEST"
    assert [i.qualified for i in invocations(template(Fn=function(), C=config))] == [False]
    config["Properties"]["Qualifier"] = "live"
    assert [i.qualified for i in invocations(template(Fn=function(), C=config))] == [True]


def _subject(before: dict[str, Any], after: dict[str, Any], caller: Any) -> Subject:
    mapping = {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {"FunctionName": caller, "EventSourceArn": "arn:aws:sqs:us-east-1:1:q"},
    }
    context = DeployContext()
    return Subject(
        Processed(template(Fn=function(after), Map=mapping), context),
        Processed(template(Fn=function(before), Map={**mapping}), context),
    )


CODE_A = {"Code": {"S3Bucket": "b", "S3Key": "a.zip"}}
CODE_B = {"Code": {"S3Bucket": "b", "S3Key": "b.zip"}}


@pytest.mark.parametrize(
    ("before", "after", "torn"),
    [
        pytest.param(CODE_A, CODE_B, [], id="code-only"),
        pytest.param({"MemorySize": 128}, {"MemorySize": 256}, [], id="config-only"),
        pytest.param(
            {**CODE_A, "Timeout": 3},
            {**CODE_B, "Timeout": 9},
            [["Code.S3Key"], ["Timeout"]],
            id="code-and-config",
        ),
        pytest.param(
            {"Architectures": ["x86_64"], "Layers": ["l:1"]},
            {"Architectures": ["arm64"], "Layers": ["l-arm:1"]},
            [["Architectures"], ["Layers"]],
            id="architecture-and-layers",
        ),
        pytest.param(
            {"Layers": ["l:1"]},
            {"Architectures": ["x86_64"], "Layers": ["l:2"]},
            [],
            id="default-architecture-written-out",
        ),
        pytest.param(
            {**CODE_A, "Description": "a"}, {**CODE_B, "Description": "b"}, [], id="description"
        ),
        pytest.param(
            {**CODE_A, "Tags": [{"Key": "a", "Value": "1"}]},
            {**CODE_B, "Tags": [{"Key": "a", "Value": "2"}]},
            [],
            id="tags",
        ),
    ],
)
def test_torn_update_needs_both_sides(
    before: dict[str, Any], after: dict[str, Any], torn: list[list[str]]
) -> None:
    findings = check.torn_updates(_subject(before, after, {"Ref": "Fn"}))
    assert [[f.details["CodeChanges"], f.details["ConfigurationChanges"]] for f in findings] == (
        [torn] if torn else []
    )


def test_torn_update_is_harmless_when_callers_already_use_the_alias() -> None:
    alias = {"Fn::Sub": "${Fn.Arn}:live"}
    subject = _subject({**CODE_A, "Timeout": 3}, {**CODE_B, "Timeout": 9}, alias)
    assert check.torn_updates(subject) == []


def test_a_new_check_is_one_more_entry_in_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = Finding(error("SL999", "from an extra check", "Fn"))
    monkeypatch.setattr(check, "CHECKS", (*check.CHECKS, lambda subject: [extra]))
    processed = Processed(template(Fn=function()), DeployContext())
    assert check.run(Subject(processed)) == [extra]


def test_transform_warnings_are_shown_but_do_not_fail(tmp_path: Path) -> None:
    source = tmp_path / "t.json"
    parameter = {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String"}}
    parameter["Properties"]["Value"] = {"Fn::GetAtt": ["Fn", "Arn"]}  # type: ignore[index]
    source.write_text(
        json.dumps({"Transform": "SafeLambda", **template(Fn=function(), P=parameter)})
    )
    loud = safelambda("check", str(source))
    assert loud.returncode == 0
    assert loud.stdout.startswith("SL301 P.Properties.Value: names function Fn")
    quiet = safelambda("check", "--quiet", str(source))
    assert (quiet.returncode, quiet.stdout) == (0, "")


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        pytest.param(
            ["/nonexistent.yaml"], 3, "SL013: cannot read /nonexistent.yaml", id="missing"
        ),
        pytest.param(
            ["--previous", "/nonexistent.yaml", str(ARCH / "template.yaml")],
            3,
            "SL013: cannot read /nonexistent.yaml",
            id="missing-previous",
        ),
        pytest.param([str(ARCH / "template.yaml"), "--format", "xml"], 2, "SL403", id="usage"),
    ],
)
def test_exit_codes_tell_findings_from_broken_input(args: list[str], code: int, line: str) -> None:
    result = safelambda("check", *args)
    assert result.returncode == code
    assert result.stderr.startswith(line)
    assert len(result.stderr.splitlines()) == 1


def test_layer_built_for_the_other_architecture_fails_the_check(tmp_path: Path) -> None:
    wrong = (
        (ARCH / "unprotected.yaml")
        .read_text()
        .replace("Datadog-Extension-ARM:99", "Datadog-Extension:99")
    )
    assert wrong != (ARCH / "unprotected.yaml").read_text()
    source = tmp_path / "wrong.yaml"
    source.write_text(wrong)
    result = safelambda("check", str(source), "--format", "json")
    assert result.returncode == 1
    codes = [(f["Code"], f.get("Resource")) for f in json.loads(result.stdout)["Findings"]]
    assert ("SL206", "OrdersFunction") in codes
    right = safelambda("check", str(ARCH / "unprotected.yaml"), "--format", "json")
    assert "SL206" not in [f["Code"] for f in json.loads(right.stdout)["Findings"]]


@pytest.mark.parametrize(
    ("layer", "code"),
    [
        pytest.param("753240598075:layer:LambdaAdapterLayerX86:25", "SL206", id="web-adapter"),
        pytest.param("111111111111:layer:CompanyToolsX86:3", "SL207", id="named-x86"),
    ],
)
def test_x86_layer_on_an_arm64_function_fails_the_check(
    tmp_path: Path, layer: str, code: str
) -> None:
    arn = {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:" + layer}
    fn = function({"Architectures": ["arm64"], "Layers": [arn]})
    source = tmp_path / "t.json"
    source.write_text(json.dumps(template(Fn=fn)))
    result = safelambda("check", str(source), "--format", "json")
    assert result.returncode == 1
    found = [(f["Code"], f["Path"], f["Severity"]) for f in json.loads(result.stdout)["Findings"]]
    assert (code, "Properties.Layers[0]", "error") in found
