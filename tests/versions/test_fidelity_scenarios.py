"""The SAM `AutoPublishAlias` bugs users filed, each replayed before and after the change.

Each scenario deploys a SAM template through aws-sam-translator and SafeLambda twice (before and
after one edit, with the parameter values of each deploy) and compares the Version logical ID
CloudFormation would see: a new one exactly when `$LATEST` changes.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from helpers import lint_errors
from safelambda import DeployContext, cli, transform
from safelambda.offline import sam
from safelambda.template.intrinsics import SUB_VARIABLE, references, render_path

BASE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: [AWS::Serverless-2016-10-31, SafeLambda]
Parameters:
  Stage: {Type: String, Default: dev}
  LogLevel: {Type: String, Default: INFO}
Mappings:
  Stages:
    dev: {TableSuffix: dev-1}
    prod: {TableSuffix: prod-1}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  SharedLayer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      LayerName: shared
      Content: {S3Bucket: artifacts, S3Key: shared-1.zip}
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://artifacts/orders-1.zip
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: live
      AutoPublishAliasAllProperties: true
      Description: orders API
      Timeout: 10
      MemorySize: 256
      Architectures: [x86_64]
      ReservedConcurrentExecutions: 5
      Layers:
        - arn:aws:lambda:us-east-1:123456789012:layer:insights:21
        - !Ref SharedLayer
      LoggingConfig: {LogFormat: Text}
      Environment:
        Variables:
          LOG_LEVEL: !Ref LogLevel
          TABLE: !Sub
            - "orders-${Suffix}"
            - Suffix: !FindInMap [Stages, !Ref Stage, TableSuffix]
          TRACING: !If [IsProd, full, sampled]
          GREETING: hello
          QUEUE: !GetAtt Jobs.Arn
      Tags: {team: orders}
      Events:
        Get:
          Type: Api
          Properties: {Path: /orders, Method: get}
  Jobs:
    Type: AWS::SQS::Queue
"""

_counter = itertools.count()


def deploy(tmp_path: Path, text: str, **overrides: str) -> dict[str, Any]:
    """The template CloudFormation would deploy: SAM, then SafeLambda, as the macro would."""
    path = tmp_path / f"template-{next(_counter)}.yaml"
    path.write_text(text, encoding="utf-8")
    doc = cli.load_template(str(path))
    values = cli.parameter_values(doc, overrides)
    doc = sam.expand(doc, values, "us-east-1", "aws")
    return transform(doc, DeployContext(parameters=values)).template


def version_and_alias(out: dict[str, Any], fn: str = "Orders") -> tuple[str, str]:
    """The function's one Version and one Alias (there must be exactly one of each)."""
    mine = {
        rid: res["Type"]
        for rid, res in out["Resources"].items()
        if res["Type"] in ("AWS::Lambda::Version", "AWS::Lambda::Alias")
        and res["Properties"]["FunctionName"] == {"Ref": fn}
    }
    (version,) = [rid for rid, t in mine.items() if t == "AWS::Lambda::Version"]
    (alias,) = [rid for rid, t in mine.items() if t == "AWS::Lambda::Alias"]
    assert out["Resources"][alias]["Properties"]["FunctionVersion"] == {
        "Fn::GetAtt": [version, "Version"]
    }
    return version, alias


def compare(
    tmp_path: Path,
    edits: list[tuple[str, str]],
    before: dict[str, str] | None = None,
    after: dict[str, str] | None = None,
) -> tuple[str, str]:
    """Version IDs before and after `edits` (text replacements) and the parameter values."""
    changed = BASE
    for old, new in edits:
        assert old in changed, old
        changed = changed.replace(old, new)
    first = deploy(tmp_path, BASE, **(before or {}))
    second = deploy(tmp_path, changed, **(after or {}))
    (v1, a1), (v2, a2) = version_and_alias(first), version_and_alias(second)
    assert a1 == a2 == "OrdersAliaslive"  # SAM's alias, kept
    return v1, v2


def test_env_var_fed_by_a_parameter_publishes_sam_413(tmp_path: Path) -> None:
    before, after = compare(tmp_path, [], {"LogLevel": "INFO"}, {"LogLevel": "DEBUG"})
    assert before != after


def test_env_var_literal_change_publishes_sam_1305(tmp_path: Path) -> None:
    before, after = compare(tmp_path, [("GREETING: hello", "GREETING: bonjour")])
    assert before != after


def test_parameter_resolved_through_find_in_map_publishes_sam_1640(tmp_path: Path) -> None:
    before, after = compare(tmp_path, [], {"Stage": "dev"}, {"Stage": "prod"})
    assert before != after
    # The map's value itself, with the same parameter values.
    before, after = compare(tmp_path, [("dev: {TableSuffix: dev-1}", "dev: {TableSuffix: dev-2}")])
    assert before != after


def test_timeout_change_publishes_sam_2418(tmp_path: Path) -> None:
    before, after = compare(tmp_path, [("Timeout: 10", "Timeout: 30")])
    assert before != after


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param([("Tags: {team: orders}", "Tags: {team: payments}")], id="tags"),
        pytest.param(
            [("ReservedConcurrentExecutions: 5", "ReservedConcurrentExecutions: 50")],
            id="reserved-concurrency",
        ),
        pytest.param(
            [
                (
                    "      Timeout: 10\n      MemorySize: 256\n",
                    "      MemorySize: 256\n      Timeout: 10\n",
                )
            ],
            id="key-order",
        ),
        pytest.param(
            [
                ("Layers:\n        - arn", "Layers:\n\n        -   arn"),
                ("{LogFormat: Text}", "\n        LogFormat: Text"),
            ],
            id="whitespace-and-flow-style",
        ),
        pytest.param(
            [
                ("!Ref SharedLayer", "{Ref: SharedLayer}"),
                ("!GetAtt Jobs.Arn", "{Fn::GetAtt: Jobs.Arn}"),
                ("!Ref LogLevel", "\n            Ref: LogLevel"),
                ("TABLE: !Sub\n", "TABLE:\n            Fn::Sub:\n"),
                (
                    "!FindInMap [Stages, !Ref Stage, TableSuffix]",
                    '{"Fn::FindInMap": [Stages, {Ref: Stage}, TableSuffix]}',
                ),
                ("!If [IsProd, full, sampled]", "{'Fn::If': [IsProd, full, sampled]}"),
                (
                    "IsProd: !Equals [!Ref Stage, prod]",
                    "IsProd: {'Fn::Equals': [{Ref: Stage}, prod]}",
                ),
            ],
            id="short-vs-long-intrinsics",
        ),
    ],
)
def test_changes_that_leave_latest_alone_keep_the_version_sam_3281(
    tmp_path: Path, edits: list[tuple[str, str]]
) -> None:
    before, after = compare(tmp_path, edits)
    assert before == after


def test_in_template_layer_content_publishes_sam_3610(tmp_path: Path) -> None:
    # The layer keeps its logical ID; only its content (a create-only property) changes.
    before, after = compare(tmp_path, [("S3Key: shared-1.zip", "S3Key: shared-2.zip")])
    assert before != after


def test_serverless_layer_content_and_description_publish_sam_3648(tmp_path: Path) -> None:
    layer = (
        "  SharedLayer:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n"
        "      LayerName: shared\n      ContentUri: s3://artifacts/shared-1.zip\n"
    )
    old_layer = BASE[BASE.index("  SharedLayer:") : BASE.index("  Orders:")]
    base = BASE.replace(old_layer, layer)
    ids = []
    for text in (
        base,
        base.replace("shared-1.zip", "shared-2.zip"),
        base.replace("LayerName: shared\n", "LayerName: shared\n      Description: v2\n"),
    ):
        ids.append(version_and_alias(deploy(tmp_path, text))[0])
    assert len(set(ids)) == 3


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param([("{LogFormat: Text}", "{LogFormat: JSON}")], id="logging-config"),
        pytest.param([("Description: orders API", "Description: orders API v2")], id="description"),
        pytest.param([("Architectures: [x86_64]", "Architectures: [arm64]")], id="architectures"),
    ],
)
def test_configuration_changes_publish_sam_3622(
    tmp_path: Path, edits: list[tuple[str, str]]
) -> None:
    before, after = compare(tmp_path, edits)
    assert before != after


def test_parameter_with_all_properties_publishes_sam_3820(tmp_path: Path) -> None:
    # AutoPublishAliasAllProperties hashes `!Ref Stage`, not its value; here the value decides a
    # condition (TRACING) and a map lookup (TABLE).
    before, after = compare(tmp_path, [], {"Stage": "dev"}, {"Stage": "prod"})
    assert before != after
    same_before, same_after = compare(tmp_path, [], {"Stage": "prod"}, {"Stage": "prod"})
    assert same_before == same_after


def test_condition_change_publishes_sam_3820(tmp_path: Path) -> None:
    edits = [("IsProd: !Equals [!Ref Stage, prod]", "IsProd: !Equals [!Ref Stage, dev]")]
    before, after = compare(tmp_path, edits)
    assert before != after


def test_layer_arn_change_publishes_sam_cli_7775(tmp_path: Path) -> None:
    before, after = compare(tmp_path, [("layer:insights:21", "layer:insights:22")])
    assert before != after


# -- the whole SAM application: one Version and one Alias per function, events on the alias ----

APP = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: [AWS::Serverless-2016-10-31, SafeLambda]
Globals:
  Function:
    Runtime: python3.12
    Handler: app.handler
    Timeout: 10
Resources:
  Canary:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://artifacts/canary.zip
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Canary10Percent5Minutes
        Alarms: [!Ref CanaryErrors]
      Events:
        Get:
          Type: Api
          Properties: {Path: /canary, Method: get}
        Nightly:
          Type: Schedule
          Properties: {Schedule: rate(1 day)}
  Warm:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://artifacts/warm.zip
      AutoPublishAlias: prod
      AutoPublishAliasAllProperties: true
      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 2}
      FunctionUrlConfig: {AuthType: AWS_IAM}
      Events:
        Http:
          Type: HttpApi
          Properties: {Path: /warm, Method: post}
        Jobs:
          Type: SQS
          Properties: {Queue: !GetAtt Jobs.Arn}
  Plain:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://artifacts/plain.zip
      Events:
        Alerts:
          Type: SNS
          Properties: {Topic: !Ref Alerts}
        Uploads:
          Type: S3
          Properties: {Bucket: !Ref Uploads, Events: s3:ObjectCreated:*}
        Bus:
          Type: EventBridgeRule
          Properties: {Pattern: {source: [orders]}}
  CanaryErrors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Errors
      Statistic: Sum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
  Jobs:
    Type: AWS::SQS::Queue
  Alerts:
    Type: AWS::SNS::Topic
  Uploads:
    Type: AWS::S3::Bucket
Outputs:
  CanaryVersion:
    Value: !Ref Canary.Version
  WarmAlias:
    Value: !Ref Warm.Alias
"""

ALIASES = {"Canary": "CanaryAliaslive", "Warm": "WarmAliasprod", "Plain": "PlainAliaslive"}
# Where naming the function itself is right: its Version and Alias, its role's trust, log groups.
NOT_INVOCATIONS = {"AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::IAM::Role"}


def unqualified_invocations(out: dict[str, Any]) -> list[str]:
    """Every place outside NOT_INVOCATIONS that names a function's ARN or name unqualified."""
    found = []
    for rid, res in out["Resources"].items():
        if res["Type"] in NOT_INVOCATIONS:
            continue
        for path, ref in references(res.get("Properties", {}), ("Properties",)):
            if ref.target not in ALIASES or ref.attribute not in (None, "Arn"):
                continue
            if ref.form == "Sub" and _qualified_in_sub(res, path, ref.target):
                continue
            found.append(f"{rid}.{render_path(path)} -> {ref.target}")
    return found


def _qualified_in_sub(resource: dict[str, Any], path: tuple[Any, ...], target: str) -> bool:
    node: Any = resource
    for part in path:
        node = node[part]
    text = node if isinstance(node, str) else node[0]
    names = [m.group(0) for m in SUB_VARIABLE.finditer(text) if m.group(1).startswith(target)]
    alias = ALIASES[target].removeprefix(target + "Alias")
    return all(text.count(n + ":") == text.count(n) for n in names) and f":{alias}" in text


def test_sam_application_ends_with_one_version_and_alias_per_function_all_events_on_it(
    tmp_path: Path,
) -> None:
    out = deploy(tmp_path, APP)
    for fn, alias_id in ALIASES.items():
        assert version_and_alias(out, fn)[1] == alias_id
    assert unqualified_invocations(out) == []
    canary = out["Resources"]["CanaryAliaslive"]
    assert canary["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]["DeploymentGroupName"] == {
        "Ref": "CanaryDeploymentGroup"
    }
    assert out["Resources"]["CanaryDeploymentGroup"]["Type"] == "AWS::CodeDeploy::DeploymentGroup"
    warm = out["Resources"]["WarmAliasprod"]["Properties"]
    assert warm["ProvisionedConcurrencyConfig"] == {"ProvisionedConcurrentExecutions": 2}
    assert out["Resources"]["WarmUrl"]["Properties"]["TargetFunctionArn"] == {
        "Ref": "WarmAliasprod"
    }
    canary_version = version_and_alias(out, "Canary")[0]
    assert out["Outputs"]["CanaryVersion"]["Value"] == {"Ref": canary_version}
    assert out["Outputs"]["WarmAlias"]["Value"] == {"Ref": "WarmAliasprod"}
    sam_ids = re.findall(r"\b(?:Canary|Warm)Version[0-9a-f]{10}\b", str(out))
    assert set(sam_ids) == {canary_version, version_and_alias(out, "Warm")[0]}
    assert lint_errors(out) == []


def test_sam_application_processed_twice_is_unchanged(tmp_path: Path) -> None:
    once = deploy(tmp_path, APP)
    assert transform(once).template == once
