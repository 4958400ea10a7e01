"""Every code, rendered once as a user sees it, compared with a reviewed snapshot.

`tests/fixtures/messages.txt` holds one line per code of `CODES`: the message a real trigger
gives. A change of wording shows in its diff; regenerate with `pytest tests/test_messages.py
--update-snapshots` and read every changed line: one plain sentence about the user's resource
and property, what happened, and what to do.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import ROOT, SAMPLES, existing_alias, function, template
from safelambda import CODES, DeployContext, TransformError, cli, transform
from safelambda.handler import process

SNAPSHOT = ROOT / "tests" / "fixtures" / "messages.txt"
LAYER_DD = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:99"
ARN = {"Fn::GetAtt": ["Fn", "Arn"]}
Trigger = Callable[[Path, pytest.CaptureFixture[str]], list[str]]


def failure(doc: Any, **options: Any) -> list[str]:
    with pytest.raises(TransformError) as raised:
        transform(doc, **options)
    return [p.render() for p in raised.value.problems]


def warnings(doc: Any, **options: Any) -> list[str]:
    return [w.render() for w in transform(doc, **options).report.warnings]


def with_function(**properties: Any) -> dict[str, Any]:
    return template(Fn=function(properties))


def with_resource(resource_type: str, **properties: Any) -> dict[str, Any]:
    return template(Fn=function(), Res={"Type": resource_type, "Properties": properties})


def strict(doc: dict[str, Any]) -> dict[str, Any]:
    doc["Metadata"] = {"SafeLambda": {"Strict": True}}
    return doc


def cli_lines(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    """What `safelambda ARGS` prints, in process."""
    with contextlib.suppress(SystemExit):
        cli.main(list(args))
    captured = capsys.readouterr()
    return (captured.err + captured.out).splitlines()


def written(tmp: Path, name: str, content: Any) -> str:
    path = tmp / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return str(path)


def _over_500() -> dict[str, Any]:
    return template(**{f"Fn{i}": function() for i in range(167)})


def _deep() -> dict[str, Any]:
    value: Any = "leaf"
    for _ in range(150):
        value = [value]
    return with_resource("AWS::SNS::Topic", DisplayName=value)


def _two_aliases() -> dict[str, Any]:
    return template(Fn=function(), A=existing_alias("Fn", "live"), B=existing_alias("Fn", "live"))


def _versions_twice() -> dict[str, Any]:
    doc = template(Fn=function())
    for suffix in ("0123456789", "abcdefabcd"):
        doc["Resources"][f"FnVersion{suffix}"] = {
            "Type": "AWS::Lambda::Version",
            "Properties": {"FunctionName": {"Ref": "Fn"}},
        }
        doc["Resources"][f"FnAlias{suffix}"] = {
            "Type": "AWS::Lambda::Alias",
            "Properties": {
                "FunctionName": {"Ref": "Fn"},
                "FunctionVersion": {"Fn::GetAtt": [f"FnVersion{suffix}", "Version"]},
                "Name": f"n{suffix}",
            },
        }
    return doc


def _check(tmp: Path, capsys: pytest.CaptureFixture[str], previous: bool) -> list[str]:
    arch = SAMPLES / "arch-switch"
    before = ["--previous", str(arch / "previous.yaml")] if previous else []
    return cli_lines(capsys, "check", str(arch / "unprotected.yaml"), *before)


def _internal(tmp: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    from safelambda import handler

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    original = handler.transform
    handler.transform = broken
    try:
        event = {"requestId": "r", "region": "us-east-1", "accountId": "123456789012"}
        response = process({**event, "fragment": template(Fn=function())}, {})
    finally:
        handler.transform = original
    return [response["errorMessage"]]


FUNCTION_LAYERS = {"Architectures": ["arm64"], "Layers": [LAYER_DD]}

TRIGGERS: dict[str, Trigger] = {
    "SL001": lambda t, c: failure([1, 2]),
    "SL002": lambda t, c: failure({"Resources": ["Fn"]}),
    "SL003": lambda t, c: failure(template(Fn=function(), Bad="AWS::SNS::Topic")),
    "SL004": lambda t, c: failure(template(Fn=function(), Bad={"Type": "X", "Properties": []})),
    "SL005": lambda t, c: failure(template(Fn={"Type": "AWS::Serverless::Function"})),
    "SL006": lambda t, c: [process({"requestId": "r", "fragment": None}, {})["errorMessage"]],
    "SL007": lambda t, c: failure(with_resource("AWS::SNS::Topic", DisplayName="x" * 1_000_001)),
    "SL008": lambda t, c: failure(_over_500()),
    "SL009": lambda t, c: failure(_deep()),
    "SL010": lambda t, c: failure(
        {**template(Fn=function()), "Metadata": {"SafeLambda": {"AliasName": 5}}}
    ),
    "SL011": lambda t, c: failure(template(Fn=function(), FnAliaslive={"Type": "AWS::SNS::Topic"})),
    "SL012": lambda t, c: failure(with_resource("AWS::SNS::Topic", DisplayName={"Fn::Sub": 5})),
    "SL013": lambda t, c: cli_lines(c, "transform", written(t, "t.yaml", "Resources: [\n")),
    "SL014": lambda t, c: cli_lines(
        c,
        "transform",
        written(
            t,
            "sam.yaml",
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
            "    Type: AWS::Serverless::Function\n    Properties: {Handler: a.b}\n",
        ),
    ),
    "SL015": lambda t, c: cli_lines(
        c, "transform", written(t, "d.yaml", "Resources:\n  A: {Type: X}\n  A: {Type: Y}\n")
    ),
    "SL016": lambda t, c: failure(with_resource("AWS::SNS::Topic", DisplayName={"Ref": "Gone"})),
    "SL017": lambda t, c: failure({**template(Fn=function()), "Outputs": ["a"]}),
    "SL018": lambda t, c: failure(template(Fn=function(), T={"Type": "X", "Condition": 1})),
    "SL019": lambda t, c: failure(
        template(
            A={"Type": "X", "Properties": {"P": {"Ref": "B"}}},
            B={"Type": "X", "Properties": {"P": {"Ref": "A"}}},
        )
    ),
    "SL040": lambda t, c: failure(with_function(Architectures="arm64")),
    "SL041": lambda t, c: failure(with_function(Architectures=["sparc"])),
    "SL042": lambda t, c: failure(
        with_resource("AWS::Events::Rule", Targets={"Id": "a", "Arn": ARN})
    ),
    "SL101": lambda t, c: warnings(with_function(FutureSetting=1)),
    "SL102": lambda t, c: warnings(with_function(Description="d" * 250)),
    "SL103": lambda t, c: warnings(
        with_function(Environment={"Variables": {"T": {"Fn::ImportValue": "table"}}})
    ),
    "SL104": lambda t, c: failure(_versions_twice()),
    "SL201": lambda t, c: failure(
        template(Fn=function()), environ={"SAFELAMBDA_LAYER_MAPPING": "{"}
    ),
    "SL202": lambda t, c: failure(
        template(
            Fn=function({"Architectures": ["arm64"]}, Metadata={"SafeLambda": {"Layers": ["nope"]}})
        )
    ),
    "SL203": lambda t, c: failure(
        template(
            Fn=function(
                {"Architectures": ["arm64"]},
                Metadata={"SafeLambda": {"Layers": ["datadog-extension"]}},
            )
        ),
        context=DeployContext(region="cn-north-1"),
    ),
    "SL204": lambda t, c: failure(
        template(
            Fn=function(
                {"Architectures": [{"Fn::ImportValue": "arch"}]},
                Metadata={"SafeLambda": {"Layers": ["datadog-extension"]}},
            )
        )
    ),
    "SL205": lambda t, c: failure(
        with_function(Layers=[f"arn:aws:lambda:us-east-1:1:layer:l{i}:1" for i in range(6)])
    ),
    "SL206": lambda t, c: warnings(with_function(**FUNCTION_LAYERS)),
    "SL207": lambda t, c: warnings(
        with_function(
            Architectures=["arm64"],
            Layers=["arn:aws:lambda:us-east-1:123456789012:layer:tools-x86_64:1"],
        )
    ),
    "SL208": lambda t, c: warnings(
        with_function(
            Layers=[
                "arn:aws:lambda:us-east-1:123456789012:layer:tools:1",
                "arn:aws:lambda:us-east-1:123456789012:layer:tools:2",
            ]
        )
    ),
    "SL209": lambda t, c: failure(
        template(Fn=function(Metadata={"SafeLambda": {"Layers": "datadog-extension"}}))
    ),
    "SL301": lambda t, c: warnings(with_resource("AWS::Example::Workflow", Target=ARN)),
    "SL302": lambda t, c: warnings(
        with_resource("AWS::SecretsManager::RotationSchedule", RotationLambdaARN=ARN)
    ),
    "SL303": lambda t, c: warnings(
        with_resource(
            "AWS::StepFunctions::StateMachine", DefinitionS3Location={"Bucket": "b", "Key": "k"}
        )
    ),
    "SL304": lambda t, c: warnings(
        with_resource("AWS::Lambda::Url", TargetFunctionArn=ARN, AuthType="NONE")
    ),
    "SL305": lambda t, c: warnings(
        with_resource(
            "AWS::Lambda::EventInvokeConfig",
            FunctionName={"Ref": "Fn"},
            Qualifier={"Fn::ImportValue": "q"},
        )
    ),
    "SL306": lambda t, c: warnings(
        with_resource(
            "AWS::Lambda::Permission",
            FunctionName=ARN,
            Action="lambda:InvokeFunction",
            Principal="sns.amazonaws.com",
        )
    ),
    "SL401": lambda t, c: cli_lines(
        c, "transform", written(t, "m.yaml", "Transform: MyMacro\nResources: {}\n")
    ),
    "SL402": lambda t, c: cli_lines(
        c,
        "transform",
        written(
            t,
            "l.yaml",
            "Transform: AWS::LanguageExtensions\nResources:\n"
            "  'Fn::ForEach::Topics':\n"
            "    [Name, !ImportValue names, {'${Name}': {Type: AWS::SNS::Topic}}]\n",
        ),
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
    "SL999": _internal,
}


def rendered(code: str, tmp: Path, capsys: pytest.CaptureFixture[str]) -> str:
    lines = TRIGGERS[code](tmp, capsys)
    found = [line for line in lines if re.search(rf"\b{code}\b", line)]
    assert found, f"{code}: its trigger gave {lines}"
    return re.sub(re.escape(str(tmp)), "<tmp>", found[0])


def test_every_code_has_a_trigger() -> None:
    assert sorted(TRIGGERS) == sorted(CODES)


def test_every_code_reads_as_reviewed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], update_snapshots: bool
) -> None:
    lines = []
    for code in sorted(CODES):
        here = tmp_path / code
        here.mkdir()
        lines.append(rendered(code, here, capsys))
    text = "\n".join(lines) + "\n"
    if update_snapshots:
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert SNAPSHOT.read_text(encoding="utf-8") == text, "changed: review, run --update-snapshots"


# -- the variants of a code that read differently -------------------------------------------------

STACK = {"TemplateURL": "https://s3.amazonaws.com/b/child.yaml", "Parameters": {"Target": ARN}}
VARIANTS = [
    pytest.param(
        lambda: warnings(with_resource("AWS::CloudFormation::Stack", **STACK)),
        "SL302 Res.Properties.Parameters: passes function Fn to a nested stack, whose template "
        "SafeLambda cannot see, so the child may invoke $LATEST; pass the alias FnAliaslive "
        "instead if it does",
        id="sl302-nested-stack",
    ),
    pytest.param(
        lambda: warnings(
            template(
                Fn=function(),
                Caller=function({"Environment": {"Variables": {"TARGET": {"Ref": "Fn"}}}}),
            )
        ),
        "SL302 Caller.Properties.Environment.Variables: names function Fn in an environment "
        "variable, so code that invokes it by this value reaches $LATEST; use the alias "
        "FnAliaslive instead if the code invokes it",
        id="sl302-environment",
    ),
    pytest.param(
        lambda: warnings(
            with_resource("AWS::ApiGateway::RestApi", Body={"Fn::Transform": {"Name": "X"}})
        ),
        "SL303 Res.Properties.Body: holds an Fn::Transform whose output SafeLambda cannot see, "
        "so the functions it invokes may be reached on $LATEST; name their aliases there yourself",
        id="sl303-transform",
    ),
    pytest.param(
        lambda: failure({**template(Fn=function()), "Metadata": {"SafeLambda": {"Alias": "live"}}}),
        "SL010 Metadata.SafeLambda.Alias: is not a SafeLambda setting here; use Acknowledge, "
        "AliasName, Layers, Strict, VersionRetention",
        id="sl010-unknown-setting",
    ),
    pytest.param(
        lambda: failure(template(Fn=function()), environ={"SAFELAMBDA_STRICT": "maybe"}),
        "SL010 SAFELAMBDA_STRICT: must be true or false",
        id="sl010-environment-variable",
    ),
    pytest.param(
        lambda: warnings(
            template(
                Fn=function(),
                Rule={
                    "Type": "AWS::Events::Rule",
                    "Properties": {"Targets": [{"Id": "a", "Arn": ARN}]},
                },
                Perm={
                    "Type": "AWS::Lambda::Permission",
                    "Properties": {
                        "FunctionName": ARN,
                        "Action": "lambda:InvokeFunction",
                        "Principal": "123456789012",
                    },
                },
            )
        ),
        "SL306 Perm: moved to the alias, and an unqualified copy PermUnqualified is kept because "
        "a caller outside the template may still invoke Fn unqualified",
        id="sl306-kept",
    ),
]


@pytest.mark.parametrize(("trigger", "expected"), VARIANTS)
def test_a_variant_reads_as_reviewed(trigger: Callable[[], list[str]], expected: str) -> None:
    assert expected in trigger()
