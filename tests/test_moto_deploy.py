"""Deploys with moto: processed samples as CloudFormation stacks, and the alias discipline
through the Lambda API. Everything runs in-process (`mock_aws`); no AWS account is involved.

What moto 5.2.5 models, what it does not (../shared/reference/local-tools.md), and what this
module does about it:

- moto's CloudFormation has no `AWS::Lambda::Alias`: it skips the type, `Ref` to it yields
  None, and a stack whose integrations invoke the alias fails ("Missing FunctionName"). The
  stacks here hold the processed sample's resources that moto models and that do not reach the
  alias (function, Version, role, log group, queue). The alias is checked through the Lambda API
  in the last test, with the alias name and configuration the processed templates carry.
- moto's `update_stack` adds new resources before it modifies changed ones
  (`moto.cloudformation.parsing.ResourceMap.update`), so a new Version would be published from
  the old `$LATEST`. CloudFormation orders by dependency: the Version references the function,
  so it is created after the function's update has finished. The update here is two moto calls
  in CloudFormation's order: the function changes (old Version kept), then the new Version
  replaces the old one. This is ordering only; moto still does all the CloudFormation work.
- moto drops `Architectures` and `Layers` when CloudFormation creates a function, and
  `UpdateFunctionCode` ignores `Architectures`: layers are asserted after updates, the
  architecture where `CreateFunction` keeps it.
- moto finds a layer by name and version whatever the account in its ARN, so the samples'
  Datadog extension layers (the version the bundled layer catalog names) are published that
  many times in the test account.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from helpers import SAMPLES
from safelambda import DeployContext, Report, cli, transform
from safelambda.template.intrinsics import references
from safelambda.template.resolve import Resolver

REGION = "us-east-1"
ACCOUNT = "123456789012"
CONTEXT = DeployContext(REGION, ACCOUNT, {"Stage": "prod"})
BUCKET = f"artifacts-{ACCOUNT}-{REGION}"
FUNCTION = "OrdersFunction"
MOTO_TYPES = frozenset(
    {
        "AWS::IAM::Role",
        "AWS::Lambda::Function",
        "AWS::Lambda::LayerVersion",
        "AWS::Lambda::Version",
        "AWS::Logs::LogGroup",
        "AWS::SQS::Queue",
    }
)
LAYERS = ("Datadog-Extension", "Datadog-Extension-ARM")
# The extension version the samples resolve to: the arm64 sample's processed layer ARN.
EXTENSION_VERSION = int(
    cli.load_template(str(SAMPLES / "arch-switch" / "expected.yaml"))["Resources"][
        "OrdersFunction"
    ]["Properties"]["Layers"][0].rsplit(":", 1)[1]
)


def processed(name: str) -> tuple[dict[str, Any], Report]:
    """The arch-switch sample as the macro returns it (x86: previous.yaml, arm64: template)."""
    source = cli.load_template(str(SAMPLES / "arch-switch" / name))
    result = transform(source, DeployContext(REGION, ACCOUNT, cli.parameter_values(source, {})))
    result.template.pop("Transform", None)
    return result.template, result.report


def deployable(template: dict[str, Any]) -> dict[str, Any]:
    """The resources moto models that do not reach one it lacks, and the outputs they allow."""
    resources = template["Resources"]

    def names(value: Any) -> set[str]:
        depends = value.get("DependsOn", []) if isinstance(value, dict) else []
        listed = [depends] if isinstance(depends, str) else depends
        return {ref.target for _, ref in references(value)} | set(listed)

    keep = {rid for rid, r in resources.items() if r["Type"] in MOTO_TYPES}
    while dropped := {rid for rid in keep if names(resources[rid]) & (set(resources) - keep)}:
        keep -= dropped
    outputs = {
        k: v for k, v in template.get("Outputs", {}).items() if names(v) & set(resources) <= keep
    }
    kept = {rid: r for rid, r in resources.items() if rid in keep}
    return {**template, "Resources": kept, "Outputs": outputs}


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


CODE = {key: zipped(f"def handler(event, context):\n    return {key!r}\n") for key in ("1", "2")}


def marker(report: Report) -> str:
    return "SafeLambda:" + report.functions[FUNCTION]["Version"][-10:]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    import boto3
    from moto import mock_aws

    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        for key, body in CODE.items():
            s3.put_object(Bucket=BUCKET, Key=f"orders/app-{key}.zip", Body=body)
        lam = boto3.client("lambda", region_name=REGION)
        for layer in LAYERS:
            for _ in range(EXTENSION_VERSION):
                lam.publish_layer_version(LayerName=layer, Content={"ZipFile": zipped("")})
        yield boto3


def layer_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:{name}:{EXTENSION_VERSION}"


def deploy(cloudformation: Any, template: dict[str, Any], update: bool) -> str:
    call = cloudformation.update_stack if update else cloudformation.create_stack
    call(StackName="orders", TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"])
    return str(cloudformation.describe_stacks(StackName="orders")["Stacks"][0]["StackStatus"])


def test_only_the_alias_and_what_invokes_it_stay_out_of_the_moto_stack() -> None:
    template, report = processed("template.yaml")
    left_out = set(template["Resources"]) - set(deployable(template)["Resources"])
    ((_, deployment),) = report.replaced  # the API's Deployment, with its new logical ID
    assert left_out == {
        report.functions[FUNCTION]["Alias"],  # moto lacks AWS::Lambda::Alias
        "OrdersQueueMapping",  # these invoke the alias, as SafeLambda made them
        "OrdersApiPermission",
        "OrdersMethod",
        deployment,  # depends on OrdersMethod
        "OrdersApi",  # API Gateway is outside what moto's CloudFormation is trusted for here
        "OrdersResource",
    }


def test_processed_sample_deploys_and_its_update_publishes_a_new_version(aws: Any) -> None:
    cloudformation, lam = aws.client("cloudformation"), aws.client("lambda")
    before, old = processed("previous.yaml")
    after, new = processed("template.yaml")
    assert deploy(cloudformation, deployable(before), update=False) == "CREATE_COMPLETE"
    name = cloudformation.describe_stack_resource(StackName="orders", LogicalResourceId=FUNCTION)[
        "StackResourceDetail"
    ]["PhysicalResourceId"]

    first = lam.get_function_configuration(FunctionName=name, Qualifier="1")
    assert first["Description"] == marker(old)  # published from the updated $LATEST
    assert first["CodeSha256"] == sha256(CODE["1"])
    assert (first["MemorySize"], first["Timeout"], first["Runtime"]) == (512, 10, "python3.12")
    assert first["Environment"]["Variables"] == {"STAGE": "prod", "DD_SITE": "datadoghq.com"}

    # CloudFormation's order: the function first, then the Version that references it.
    old_version, new_version = (
        old.functions[FUNCTION]["Version"],
        new.functions[FUNCTION]["Version"],
    )
    assert old_version != new_version  # architecture + layer + code changed: a new Version ID
    step = deployable(after)
    step["Resources"] = {k: v for k, v in step["Resources"].items() if k != new_version}
    step["Resources"][old_version] = before["Resources"][old_version]
    assert deploy(cloudformation, step, update=True) == "UPDATE_COMPLETE"
    assert deploy(cloudformation, deployable(after), update=True) == "UPDATE_COMPLETE"

    versions = lam.list_versions_by_function(FunctionName=name)["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"]
    second = lam.get_function_configuration(FunctionName=name, Qualifier="2")
    assert second["Description"] == marker(new)
    assert second["CodeSha256"] == sha256(CODE["2"])
    assert [layer["Arn"] for layer in second["Layers"]] == [layer_arn("Datadog-Extension-ARM")]
    unchanged = lam.get_function_configuration(FunctionName=name, Qualifier="1")
    assert (unchanged["Description"], unchanged["CodeSha256"]) == (marker(old), sha256(CODE["1"]))


def function_configuration(template: dict[str, Any], role: str) -> dict[str, Any]:
    """What CloudFormation passes CreateFunction for the processed function, resolved."""
    props = Resolver(template, CONTEXT).resolve(template["Resources"][FUNCTION]["Properties"])
    layers = [layer_arn(arn.split(":layer:")[1].split(":")[0]) for arn in props["Layers"]]
    return {**props, "Role": role, "Layers": layers}


def test_alias_keeps_callers_on_a_whole_version_while_latest_is_torn(aws: Any) -> None:
    iam, lam = aws.client("iam"), aws.client("lambda")
    role = iam.create_role(RoleName="orders", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    before, old = processed("previous.yaml")
    after, new = processed("template.yaml")
    alias = new.functions[FUNCTION]["AliasName"]
    assert alias == old.functions[FUNCTION]["AliasName"] == "live"

    first = function_configuration(before, role)
    assert first["Architectures"] == ["x86_64"]
    lam.create_function(FunctionName="orders", **first)
    assert lam.publish_version(FunctionName="orders")["Version"] == "1"
    lam.create_alias(FunctionName="orders", Name=alias, FunctionVersion="1")

    # The two calls CloudFormation makes in parallel; between them $LATEST is torn.
    update = function_configuration(after, role)
    lam.update_function_code(FunctionName="orders", **update["Code"])
    torn = lam.get_function_configuration(FunctionName="orders")
    assert torn["CodeSha256"] == sha256(CODE["2"])
    assert [x["Arn"] for x in torn["Layers"]] == [layer_arn("Datadog-Extension")]  # old layer
    live = lam.get_function_configuration(FunctionName="orders", Qualifier=alias)
    assert live["Version"] == "1"
    assert live["CodeSha256"] == sha256(CODE["1"])  # callers of the alias see version 1, whole
    assert [x["Arn"] for x in live["Layers"]] == [layer_arn("Datadog-Extension")]

    settings = {k: update[k] for k in ("Layers", "Description", "Environment", "MemorySize")}
    lam.update_function_configuration(FunctionName="orders", **settings)
    # What the Version and the Alias of the processed template do once both calls finished.
    assert lam.publish_version(FunctionName="orders")["Version"] == "2"
    lam.update_alias(FunctionName="orders", Name=alias, FunctionVersion="2")

    live = lam.get_function_configuration(FunctionName="orders", Qualifier=alias)
    assert live["Version"] == "2"
    assert live["Description"] == marker(new)
    assert live["CodeSha256"] == sha256(CODE["2"])
    assert [x["Arn"] for x in live["Layers"]] == [layer_arn("Datadog-Extension-ARM")]
    kept = lam.get_function_configuration(FunctionName="orders", Qualifier="1")
    assert (kept["Description"], kept["Architectures"]) == (marker(old), ["x86_64"])
    assert [x["Arn"] for x in kept["Layers"]] == [layer_arn("Datadog-Extension")]
