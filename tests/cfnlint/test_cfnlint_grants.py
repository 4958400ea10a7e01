"""E9306 (an alias invoked where only the function is granted) and W9401 (not processed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint_support import lint_file

from helpers import function, template
from safelambda import cli
from safelambda.cfnlint import FOLDER
from safelambda.template import rename

VERSION = {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}}
ALIAS = {
    "Type": "AWS::Lambda::Alias",
    "Properties": {
        "FunctionName": {"Ref": "Fn"},
        "FunctionVersion": {"Fn::GetAtt": ["FnVersion", "Version"]},
        "Name": "live",
    },
}
TOPIC = {"Type": "AWS::SNS::Topic"}
SAM = "AWS::Serverless-2016-10-31"


def subscription(endpoint: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::SNS::Subscription",
        "Properties": {"Protocol": "lambda", "TopicArn": {"Ref": "Topic"}, "Endpoint": endpoint},
    }


def permission(target: Any, principal: Any = "sns.amazonaws.com") -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "FunctionName": target,
            "Action": "lambda:InvokeFunction",
            "Principal": principal,
            "SourceArn": {"Ref": "Topic"},
        },
    }


def mapping(target: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {"FunctionName": target, "EventSourceArn": {"Fn::GetAtt": ["Q", "Arn"]}},
    }


def lint(tmp_path: Path, doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    hits = lint_file(tmp_path, cli.dump_template(doc, "yaml"))
    return [(h.rule, h.path, h.message.split()[0]) for h in hits if h.rule != "W9411"]


BASE = {"Fn": function(), "FnVersion": VERSION, "FnAlias": ALIAS, "Topic": TOPIC}
ON_ALIAS = {"Ref": "FnAlias"}
BARE = {"Fn::GetAtt": ["Fn", "Arn"]}
SUBSCRIBED = ("E9306", "Resources/Sub/Properties/Endpoint", "SL306")


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        pytest.param(
            {"Sub": subscription(ON_ALIAS), "P": permission(BARE)}, [SUBSCRIBED], id="bare"
        ),
        pytest.param(
            {"Sub": subscription(ON_ALIAS), "P": permission(BARE), "A": permission(ON_ALIAS)},
            [],
            id="alias-granted-too",
        ),
        pytest.param(
            {"Sub": subscription(ON_ALIAS), "P": permission({"Fn::Sub": "${Fn.Arn}:live"})},
            [],
            id="qualified-in-a-string",
        ),
        pytest.param(
            {"Sub": subscription(ON_ALIAS), "P": permission(BARE, "123456789012")},
            [],
            id="account-principal",
        ),
        pytest.param(
            {"Sub": subscription(ON_ALIAS), "P": permission(BARE, "s3.amazonaws.com")},
            [],
            id="other-service",
        ),
        pytest.param(
            {"Sub": subscription(ON_ALIAS), "P": permission({"Ref": "FnVersion"})},
            [],
            id="version-granted-alias-invoked-no-bare-grant",
        ),
        pytest.param(
            {"Sub": subscription({"Ref": "FnVersion"}), "P": permission(BARE)},
            [("E9306", "Resources/Sub/Properties/Endpoint", "SL306")],
            id="version",
        ),
        pytest.param(
            {"Q": {"Type": "AWS::SQS::Queue"}, "M": mapping(ON_ALIAS), "P": permission(BARE)},
            [],
            id="role-based-mapping",
        ),
    ],
)
def test_an_alias_invoked_where_only_the_function_is_granted(
    tmp_path: Path, resources: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    assert lint(tmp_path, template(**BASE, **resources)) == expected


def test_the_macro_moves_the_permission_so_a_template_listing_it_is_not_flagged(
    tmp_path: Path,
) -> None:
    doc = template(**BASE, Sub=subscription(ON_ALIAS), P=permission(BARE))
    assert lint(tmp_path, doc) == [SUBSCRIBED]
    # The macro takes over a Version whose logical ID carries a content hash (a fixed one is
    # SL105), and the alias that follows it.
    hashed = rename(doc, {"FnVersion": "FnVersion0123456789"})
    hashed["Resources"]["FnVersion0123456789"] = hashed["Resources"].pop("FnVersion")
    assert lint(tmp_path, {"Transform": "SafeLambda", **hashed}) == []


def test_the_message_names_the_alias_the_service_and_the_permission(tmp_path: Path) -> None:
    doc = template(**BASE, Sub=subscription(ON_ALIAS), P=permission(BARE))
    (hit,) = [h for h in lint_file(tmp_path, cli.dump_template(doc, "yaml")) if h.rule == "E9306"]
    assert hit.message == (
        "SL306 Sub.Properties.Endpoint: invokes FnAlias of Fn through sns, but the template "
        "grants sns the unqualified function only (P): a permission covers only the ARN it "
        "names, so every call is refused; grant FnAlias too"
    )


# -- W9401, and the macro's name -------------------------------------------------------------

UNPROTECTED = template(Fn=function(), Topic=TOPIC, Sub=subscription(BARE))


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        pytest.param(
            "AWS::Include",
            [("W9401", "Transform", "SL401"), ("W9411", "Resources/Sub/Properties/Endpoint")],
            id="another-transform-the-rules-check-as-written",
        ),
        pytest.param(
            "MySafeLambda",
            [("W9401", "Transform", "SL401"), ("W9411", "Resources/Sub/Properties/Endpoint")],
            id="safelambda-under-another-name-unconfigured",
        ),
        pytest.param("SafeLambda", [], id="safelambda"),
    ],
)
def test_what_cannot_be_processed_offline_is_said(
    tmp_path: Path, transform: str, expected: list[tuple[str, ...]]
) -> None:
    hits = lint_file(tmp_path, cli.dump_template({"Transform": transform, **UNPROTECTED}, "yaml"))
    found = [(h.rule, h.path, h.message.split()[0]) for h in hits]
    assert [f if f[0] == "W9401" else f[:2] for f in found] == expected


def test_macro_name_is_configured_per_rule(tmp_path: Path) -> None:
    """`--configure-rule W9411:macro_name=MySafeLambda`, as cfn-lint's command line takes it."""
    from cfnlint.api import ManualArgs
    from cfnlint.api import lint_file as cfn_lint_file

    path = tmp_path / "template.yaml"
    path.write_text(cli.dump_template({"Transform": "MySafeLambda", **UNPROTECTED}, "yaml"))
    named = {rule: {"macro_name": "MySafeLambda"} for rule in ("W9411", "W9401")}
    for configured, expected in (({}, ["W9401", "W9411"]), (named, [])):
        config = ManualArgs(append_rules=[FOLDER], configure_rules=configured)
        found = sorted(m.rule.id for m in cfn_lint_file(path, config) if m.rule.id[1] == "9")
        assert found == expected


def test_without_the_sam_translator_w9401_says_what_to_install(tmp_path: Path) -> None:
    """cfn-lint does not need aws-sam-translator; a SAM template then cannot be expanded."""
    path = tmp_path / "template.yaml"
    path.write_text(cli.dump_template({"Transform": SAM, **UNPROTECTED}, "yaml"))
    code = (
        "import sys; sys.modules['samtranslator'] = None\n"  # as if it were not installed
        "from pathlib import Path\n"
        "from cfnlint.api import ManualArgs, lint_file\n"
        f"for m in lint_file(Path({str(path)!r}), ManualArgs(append_rules=[{FOLDER!r}])):\n"
        "    print(m.rule.id, '/'.join(map(str, m.path)), m.message)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    lines = run.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "W9401 Transform SL014 Transform",
        "W9411 Resources/Sub/Properties/Endpoint SL411 Sub.Properties.Endpoint",  # as written
    ], run.stderr
    assert "pip install 'safelambda[sam]'" in lines[0]
