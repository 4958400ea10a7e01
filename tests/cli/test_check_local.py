"""`safelambda check` reads what a template points to on disk: local `AWS::Include` files, local
nested stacks (recursively, cycle-safe) and local state machine definitions, each finding naming
the file and the path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import safelambda

LATEST = "every call reaches $LATEST, which is torn while an update runs"
SAM = "AWS::Serverless-2016-10-31"
WORKER = {
    "Type": "AWS::Serverless::Function",
    "Properties": {"Runtime": "python3.12", "Handler": "app.handler", "CodeUri": "src/"},
}


def write(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def state_machine(substitutions: dict[str, Any]) -> dict[str, Any]:
    return {
        "Transform": SAM,
        "Resources": {
            "Worker": WORKER,
            "Flow": {
                "Type": "AWS::Serverless::StateMachine",
                "Properties": {
                    "DefinitionUri": "statemachine/flow.asl.json",
                    "DefinitionSubstitutions": substitutions,
                    "Policies": [{"LambdaInvokePolicy": {"FunctionName": {"Ref": "Worker"}}}],
                },
            },
        },
    }


def definition(tmp_path: Path, resource: str) -> None:
    task = {"Type": "Task", "Resource": resource, "End": True}
    document = {"StartAt": "Work", "States": {"Work": task}}
    (tmp_path / "statemachine").mkdir(exist_ok=True)
    (tmp_path / "statemachine" / "flow.asl.json").write_text(json.dumps(document))


def test_local_definition_on_the_unqualified_function_fails_and_passes_after_transform(
    tmp_path: Path,
) -> None:
    arn = {"Fn::GetAtt": ["Worker", "Arn"]}
    source = write(tmp_path / "template.yaml", state_machine({"WorkerArn": arn, "Unused": arn}))
    definition(tmp_path, "${WorkerArn}")
    before = safelambda("check", str(source))
    assert before.returncode == 1
    # The finding is in the definition file, at the state that invokes; the unused
    # substitution invokes nothing and is not reported.
    assert before.stdout.splitlines() == [
        f"{tmp_path}/statemachine/flow.asl.json: SL411 Flow.Definition.States.Work.Resource: "
        f"invokes Worker unqualified (substitution WorkerArn): {LATEST}"
    ]
    out = tmp_path / "out.yaml"
    assert safelambda("transform", str(source), "-q", "-o", str(out)).returncode == 0
    after = safelambda("check", str(out))
    assert (after.returncode, after.stdout, after.stderr) == (0, "", "")


def test_definition_that_qualifies_the_substitution_itself_passes(tmp_path: Path) -> None:
    source = write(
        tmp_path / "template.yaml", state_machine({"WorkerArn": {"Fn::GetAtt": ["Worker", "Arn"]}})
    )
    definition(tmp_path, "${WorkerArn}:live")
    result = safelambda("check", str(source))
    assert (result.returncode, result.stdout) == (0, "")


def nested(location: str, target: Any, kind: str = "AWS::CloudFormation::Stack") -> dict[str, Any]:
    key = "TemplateURL" if kind == "AWS::CloudFormation::Stack" else "Location"
    stack = {"Type": kind, "Properties": {key: location, "Parameters": {"Target": target}}}
    return {"Transform": SAM, "Resources": {"Worker": WORKER, "Child": stack}}


def mapping(function: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {"FunctionName": function, "EventSourceArn": {"Fn::GetAtt": ["Q", "Arn"]}},
    }


def child(**resources: Any) -> dict[str, Any]:
    return {
        "Parameters": {"Target": {"Type": "String"}},
        "Resources": {"Q": {"Type": "AWS::SQS::Queue"}, **resources},
    }


@pytest.mark.parametrize(
    ("kind", "passed", "expected"),
    [
        pytest.param(
            "AWS::CloudFormation::Stack",
            {"Fn::GetAtt": ["Worker", "Arn"]},
            1,
            id="stack-passes-the-function",
        ),
        pytest.param(
            "AWS::Serverless::Application",
            {"Ref": "Worker"},
            1,
            id="sam-application-passes-the-name",
        ),
        pytest.param(
            "AWS::CloudFormation::Stack",
            {"Fn::Sub": "${Worker.Arn}:live"},
            0,
            id="stack-passes-an-alias",
        ),
    ],
)
def test_function_passed_to_a_local_nested_stack_is_checked_where_the_child_invokes_it(
    tmp_path: Path, kind: str, passed: Any, expected: int
) -> None:
    write(tmp_path / "stacks" / "child.yaml", child(Mapping=mapping({"Ref": "Target"})))
    source = write(tmp_path / "template.yaml", nested("stacks/child.yaml", passed, kind))
    result = safelambda("check", str(source))
    assert result.returncode == expected, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines == (
        [
            f"{tmp_path}/stacks/child.yaml: SL411 Child/Mapping.Properties.FunctionName: invokes "
            f"Worker of the parent stack (parameter Target of Child) unqualified: {LATEST}"
        ]
        if expected
        else []
    )


def test_a_parameter_the_child_never_invokes_answers_for_the_parents_sl302(
    tmp_path: Path,
) -> None:
    # Without the child, passing a function to a nested stack is SL302 (child invisible).
    write(tmp_path / "child.yaml", child(Topic={"Type": "AWS::SNS::Topic"}))
    source = write(tmp_path / "template.yaml", nested("child.yaml", {"Ref": "Worker"}))
    result = safelambda("check", str(source))
    assert (result.returncode, result.stdout) == (0, "")


def test_nested_stack_own_integration_fails_and_passes_once_the_child_is_transformed(
    tmp_path: Path,
) -> None:
    own = {
        "Transform": SAM,
        "Resources": {
            "Q": {"Type": "AWS::SQS::Queue"},
            "Consumer": {
                **WORKER,
                "Properties": {
                    **WORKER["Properties"],
                    "Events": {
                        "Queue": {
                            "Type": "SQS",
                            "Properties": {"Queue": {"Fn::GetAtt": ["Q", "Arn"]}},
                        }
                    },
                },
            },
        },
    }
    write(tmp_path / "child.yaml", own)
    parent = {"Resources": {"Child": {"Type": "AWS::CloudFormation::Stack", "Properties": {}}}}
    parent["Resources"]["Child"]["Properties"]["TemplateURL"] = "child.yaml"
    source = write(tmp_path / "template.yaml", parent)
    before = safelambda("check", str(source), "--format", "json")
    assert before.returncode == 1
    (finding,) = json.loads(before.stdout)["Findings"]
    assert {k: finding[k] for k in ("Code", "Resource", "Path", "File", "Stack")} == {
        "Code": "SL411",
        "Resource": "ConsumerQueue",
        "Path": "Properties.FunctionName",
        "File": f"{tmp_path}/child.yaml",
        "Stack": ["Child"],
    }
    # CloudFormation runs the child's own Transform when it creates the nested stack.
    transformed = safelambda("transform", str(tmp_path / "child.yaml"), "-q", "-o", "-")
    (tmp_path / "child.yaml").write_text(transformed.stdout)
    after = safelambda("check", str(source))
    assert (after.returncode, after.stdout) == (0, "")


def test_nested_stacks_are_read_recursively_and_a_cycle_is_an_error(tmp_path: Path) -> None:
    grandchild = child(Mapping=mapping({"Ref": "Target"}))
    write(tmp_path / "c" / "grandchild.yaml", grandchild)
    middle = child()
    middle["Resources"]["Inner"] = {
        "Type": "AWS::CloudFormation::Stack",
        "Properties": {
            "TemplateURL": "grandchild.yaml",
            "Parameters": {"Target": {"Ref": "Target"}},
        },
    }
    middle["Resources"]["Back"] = {
        "Type": "AWS::CloudFormation::Stack",
        "Properties": {"TemplateURL": "../template.yaml"},
    }
    write(tmp_path / "c" / "child.yaml", middle)
    source = write(tmp_path / "template.yaml", nested("c/child.yaml", {"Ref": "Worker"}))
    result = safelambda("check", str(source))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path}/c/child.yaml: SL414 Child/Back.Properties.TemplateURL: names "
        f"{tmp_path}/template.yaml, a template that already holds this stack, so CloudFormation "
        "would nest it forever; point TemplateURL at another template",
        f"{tmp_path}/c/grandchild.yaml: SL411 Child/Inner/Mapping.Properties.FunctionName: "
        f"invokes Target of the parent stack (parameter Target of Inner) unqualified: {LATEST}",
    ]


@pytest.mark.parametrize(
    ("template", "kept", "line"),
    [
        pytest.param(
            nested("missing.yaml", {"Ref": "Worker"}),
            "SL302",
            "SL413 Child.Properties.TemplateURL: names local file {dir}/missing.yaml, but check "
            "cannot read it: No such file or directory; correct TemplateURL or the file, so that "
            "check sees what it invokes",
            id="nested-stack",
        ),
        pytest.param(
            state_machine({"W": {"Ref": "Worker"}}),
            "SL411",
            "SL413 Flow.Properties.DefinitionS3Location: names local file "
            "{dir}/statemachine/flow.asl.json, but check cannot read it: No such file or "
            "directory; correct DefinitionS3Location or the file, so that check sees what it "
            "invokes",
            id="definition",
        ),
    ],
)
def test_a_local_file_that_cannot_be_read_fails_naming_it(
    tmp_path: Path, template: dict[str, Any], kept: str, line: str
) -> None:
    source = write(tmp_path / "template.yaml", template)
    result = safelambda("check", str(source))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == line.format(dir=tmp_path)
    # What the file would have answered for stays reported: nothing unseen passes.
    assert [ln.split(" ", 1)[0] for ln in lines[:-1]] == [kept]


def test_a_nested_stacks_finding_is_acknowledged_by_its_stack_path(tmp_path: Path) -> None:
    write(tmp_path / "child.yaml", child(Mapping=mapping({"Ref": "Target"})))
    source = write(tmp_path / "template.yaml", nested("child.yaml", {"Ref": "Worker"}))
    reviewed = "SL411:Child/Mapping.Properties.FunctionName"
    result = safelambda("check", str(source), "--acknowledge", reviewed)
    assert result.returncode == 0
    assert result.stdout.startswith(f"acknowledged {tmp_path}/child.yaml: SL411 Child/Mapping.")
    assert result.stdout.rstrip().endswith("[--acknowledge[0]]")


def test_transform_written_elsewhere_still_points_at_the_local_child(tmp_path: Path) -> None:
    write(tmp_path / "child.yaml", child(Mapping=mapping({"Ref": "Target"})))
    source = write(tmp_path / "template.yaml", nested("child.yaml", {"Ref": "Worker"}))
    (tmp_path / "build").mkdir()
    out = tmp_path / "build" / "out.yaml"
    assert safelambda("transform", str(source), "-q", "-o", str(out)).returncode == 0
    assert "TemplateURL: ../child.yaml" in out.read_text()
    # The parent passes the function itself (SL302: no alias is proven there), so the child
    # still invokes its $LATEST: check follows the re-pointed path to say so.
    result = safelambda("check", str(out))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{tmp_path}/child.yaml: SL411 Child/Mapping.")


OPENAPI = {
    "openapi": "3.0.1",
    "info": {"title": "orders", "version": "1"},
    "paths": {
        "/orders": {
            "get": {
                "x-amazon-apigateway-integration": {
                    "type": "aws_proxy",
                    "httpMethod": "POST",
                    "uri": {
                        "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                        "functions/${Worker.Arn}/invocations"
                    },
                }
            }
        }
    },
}


def included_api(transforms: Any) -> dict[str, Any]:
    include = {"Name": "AWS::Include", "Parameters": {"Location": "./api/openapi.json"}}
    return {
        "Transform": transforms,
        "Resources": {
            "Worker": WORKER,
            "Api": {
                "Type": "AWS::Serverless::Api",
                "Properties": {"StageName": "prod", "DefinitionBody": {"Fn::Transform": include}},
            },
        },
    }


def test_an_api_in_a_local_include_is_checked_and_passes_once_transformed(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "openapi.json").write_text(json.dumps(OPENAPI))
    source = write(tmp_path / "template.yaml", included_api(SAM))
    failed = safelambda("check", str(source))
    assert failed.returncode == 1
    assert "SL411 Api.Properties.Body.paths./orders.get" in failed.stdout
    protected = write(tmp_path / "protected.yaml", included_api([SAM, "SafeLambda"]))
    (tmp_path / "build").mkdir()
    out = tmp_path / "build" / "template.yaml"
    assert safelambda("transform", str(protected), "-o", str(out), "-q").returncode == 0
    passed = safelambda("check", str(out))
    assert (passed.returncode, passed.stdout) == (0, "")
