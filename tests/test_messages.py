"""Every code, rendered once as a user sees it, compared with a reviewed snapshot.

`tests/fixtures/messages.txt` holds one line per code of `CODES`: the message a real trigger
gives. A change of wording shows in its diff; regenerate with `pytest tests/test_messages.py
--update-snapshots` and read every changed line: one plain sentence about the user's resource
and property, what happened, and what to do.

The triggers live beside, one module per entry point a user meets: `messages_transform.py`
(the macro: `transform` and the Lambda handler), `messages_cli.py` (the `safelambda` command, files
on disk) and `messages_deploy.py` (the deploy model behind `check --previous`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import ROOT, function, template
from messages_cli import CLI, Trigger
from messages_deploy import DEPLOY
from messages_transform import ARN, TRANSFORM, failure, warnings, with_resource
from safelambda import CODES

SNAPSHOT = ROOT / "tests" / "fixtures" / "messages.txt"


def _anywhere(run: Callable[[], list[str]]) -> Trigger:
    """A trigger that needs no folder and prints nothing."""
    return lambda tmp, capsys: run()


TRIGGERS: dict[str, Trigger] = {
    **{code: _anywhere(run) for code, run in {**TRANSFORM, **DEPLOY}.items()},
    **CLI,
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
        "Adoption, AliasName, Layers, NextAliasName, Strict, VersionRetention",
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
