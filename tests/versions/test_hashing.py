"""The hash and what it depends on: canonical form, dependency-aware hashing, the schema table."""

from __future__ import annotations

import copy
import gc
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import types_table
from helpers import ROOT, function, template
from safelambda import DeployContext, TransformError, transform
from safelambda.versions import dependencies, hashing
from strategies import VALUES

TABLE = ROOT / "macro" / "safelambda" / "data" / "create_only.tsv"


def create_only_table() -> str:
    """`data/create_only.tsv` as the CloudFormation resource schemas in cfn-lint define it."""
    from cfnlint.version import __version__

    folder, digests = types_table.schemas()
    lines = [
        "# Create-only properties of every CloudFormation resource type: a change to any of them",
        "# replaces the resource, and so changes its Ref and attributes. Nested create-only paths",
        "# count as their top-level property. Generated from the resource schemas cfn-lint "
        f"{__version__} ships;",
        "# regenerate with: pytest tests/versions/test_hashing.py --update-snapshots",
        "# Columns (tab-separated): resource type, create-only properties (comma-separated).",
    ]
    for type_ in sorted(digests):
        schema = json.loads((folder / "resources" / f"{digests[type_]}.json").read_text("utf-8"))
        names = sorted({p.split("/")[2] for p in schema.get("createOnlyProperties", [])})
        lines.append(f"{type_}\t{','.join(names)}")
    return "\n".join(lines) + "\n"


def test_create_only_table_matches_the_resource_schemas(update_snapshots: bool) -> None:
    expected = create_only_table()
    if update_snapshots:
        TABLE.write_text(expected, encoding="utf-8")
    assert TABLE.read_text(encoding="utf-8") == expected, "stale: run --update-snapshots"


# -- dependency-aware hashing --------------------------------------------------------------------

LAYER_ARN = {"Ref": "SharedLayer"}


def layer(**props: Any) -> dict[str, Any]:
    base = {"Content": {"S3Bucket": "artifacts", "S3Key": "layer-1.zip"}, "LayerName": "shared"}
    return {"Type": "AWS::Lambda::LayerVersion", "Properties": {**base, **props}}


def version_of(doc: dict[str, Any], context: DeployContext | None = None) -> str:
    report = transform(doc, context).report
    return report.functions["Fn"]["Version"]


def warnings_of(doc: dict[str, Any], context: DeployContext | None = None) -> list[str]:
    return [w.render() for w in transform(doc, context).report.warnings]


def test_dependencies_are_hashed_in_their_own_section() -> None:
    # Written out by hand: the layer's resolved create-only properties under Resources.
    canonical = (
        '{"dependencies":{"Resources":{"SharedLayer":{"Content":{"S3Bucket":"artifacts",'
        '"S3Key":"layer-1.zip"},"LayerName":"shared"}}},"properties":{"Code":{"ZipFile":"x"},'
        '"Handler":"a.b","Layers":[{"Ref":"SharedLayer"}],"Role":"r","Runtime":"python3.12"},'
        '"scheme":1}'
    )
    fn = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "python3.12",
            "Handler": "a.b",
            "Role": "r",
            "Code": {"ZipFile": "x"},
            "Layers": [LAYER_ARN],
        },
    }
    expected = hashlib.sha256(canonical.encode()).hexdigest()[:10]
    assert version_of(template(Fn=fn, SharedLayer=layer())) == f"FnVersion{expected}"


@pytest.mark.parametrize(
    ("reference", "change", "new_version"),
    [
        pytest.param(
            LAYER_ARN,
            {"Content": {"S3Bucket": "artifacts", "S3Key": "layer-2.zip"}},
            True,
            id="layer-content-ref",
        ),
        pytest.param(
            {"Fn::GetAtt": ["SharedLayer", "LayerVersionArn"]},
            {"CompatibleArchitectures": ["arm64"]},
            True,
            id="layer-architectures-getatt",
        ),
        pytest.param(
            {"Fn::Sub": "${SharedLayer}"}, {"Description": "v2"}, True, id="layer-description-sub"
        ),
        pytest.param({"Fn::GetAtt": "SharedLayer.LayerVersionArn"}, {}, False, id="unchanged"),
    ],
)
def test_in_template_layer_content_publishes_a_new_version(
    reference: Any, change: dict[str, Any], new_version: bool
) -> None:
    before = template(Fn=function({"Layers": [reference]}), SharedLayer=layer())
    after = template(Fn=function({"Layers": [reference]}), SharedLayer=layer(**change))
    assert (version_of(before) != version_of(after)) is new_version
    assert warnings_of(after) == []


def test_dependencies_are_followed_recursively() -> None:
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "layers-a"}}
    shared = layer(Content={"S3Bucket": {"Ref": "LayerBucket"}, "S3Key": "layer.zip"})
    doc = template(Fn=function({"Layers": [LAYER_ARN]}), SharedLayer=shared, LayerBucket=bucket)
    renamed = copy.deepcopy(doc)
    renamed["Resources"]["LayerBucket"]["Properties"]["BucketName"] = "layers-b"
    tagged = copy.deepcopy(doc)
    tagged["Resources"]["LayerBucket"]["Properties"]["Tags"] = [{"Key": "a", "Value": "b"}]
    assert version_of(doc) != version_of(renamed)  # the bucket is replaced: a new layer
    assert version_of(doc) == version_of(tagged)  # the bucket is updated in place


def test_reference_cycles_terminate_as_a_coded_error() -> None:
    # CloudFormation refuses a dependency cycle, and so does SafeLambda, before any hashing.
    first = {"Type": "AWS::SSM::Parameter", "Properties": {"Name": {"Fn::Sub": "${Second}-a"}}}
    second = {"Type": "AWS::SSM::Parameter", "Properties": {"Name": {"Fn::Sub": "${First}-b"}}}
    env = {"Environment": {"Variables": {"P": {"Ref": "First"}}}}
    with pytest.raises(TransformError) as failure:
        transform(template(Fn=function(env), First=first, Second=second))
    assert [p.code for p in failure.value.problems] == ["SL019"]


@pytest.mark.parametrize(
    ("change", "new_version"),
    [
        pytest.param({"RoleName": "orders-role"}, True, id="role-name-replaces-the-role"),
        pytest.param({"Path": "/service/"}, True, id="role-path-replaces-the-role"),
        pytest.param({"ManagedPolicyArns": ["arn:aws:iam::aws:policy/X"]}, False, id="policies"),
        pytest.param({"MaxSessionDuration": 7200}, False, id="session-duration"),
    ],
)
def test_a_role_counts_only_when_it_is_replaced(change: dict[str, Any], new_version: bool) -> None:
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}
    changed = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}, **change}}
    fn = function({"Role": {"Fn::GetAtt": ["FnRole", "Arn"]}})
    before, after = template(Fn=fn, FnRole=role), template(Fn=fn, FnRole=changed)
    assert (version_of(before) != version_of(after)) is new_version


@pytest.mark.parametrize(
    ("reference", "new_version"),
    [
        pytest.param({"Fn::GetAtt": ["Setting", "Value"]}, True, id="getatt-value"),
        pytest.param({"Ref": "Setting"}, False, id="ref-is-the-name"),
    ],
)
def test_an_attribute_that_is_a_property_follows_it(reference: Any, new_version: bool) -> None:
    def doc(value: str) -> dict[str, Any]:
        param = {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": value}}
        env = {"Environment": {"Variables": {"SETTING": reference}}}
        return template(Fn=function(env), Setting=param)

    assert (version_of(doc("a")) != version_of(doc("b"))) is new_version


def test_a_stream_arn_follows_the_stream_specification() -> None:
    def doc(view: str) -> dict[str, Any]:
        table = {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {"StreamSpecification": {"StreamViewType": view}},
        }
        env = {"Environment": {"Variables": {"S": {"Fn::GetAtt": ["Table", "StreamArn"]}}}}
        return template(Fn=function(env), Table=table)

    assert version_of(doc("NEW_IMAGE")) != version_of(doc("KEYS_ONLY"))


def test_an_unknown_condition_hashes_its_definition() -> None:
    def doc(stack_name: str) -> dict[str, Any]:
        timeout = {"Fn::If": ["IsMain", 30, 10]}
        out = template(Fn=function({"Timeout": timeout}))
        out["Conditions"] = {"IsMain": {"Fn::Equals": [{"Ref": "AWS::StackName"}, stack_name]}}
        return out

    assert version_of(doc("main")) != version_of(doc("orders"))
    assert warnings_of(doc("main")) == []  # a stack's name never changes


def test_novalue_under_an_unknown_condition_is_not_reported() -> None:
    tracing = {"Fn::If": ["IsMain", {"Mode": "Active"}, {"Ref": "AWS::NoValue"}]}
    doc = template(Fn=function({"TracingConfig": tracing}))
    doc["Conditions"] = {"IsMain": {"Fn::Equals": [{"Ref": "AWS::StackName"}, "main"]}}
    assert warnings_of(doc) == []


def test_one_function_reading_another_sam_version_hashes_the_template_as_given() -> None:
    # B's SAM Version is replaced, but A's hash sees it as written, whatever the order.
    sam_version = {
        "Type": "AWS::Lambda::Version",
        "Properties": {"FunctionName": {"Ref": "B"}, "Description": "one"},
    }
    env = {"Environment": {"Variables": {"B": {"Ref": "BVersion0123456789"}}}}
    first = template(B=function(), A=function(env), BVersion0123456789=sam_version)
    second = template(A=function(env), B=function(), BVersion0123456789=sam_version)
    changed = copy.deepcopy(first)
    changed["Resources"]["BVersion0123456789"]["Properties"]["Description"] = "two"
    ids = [transform(doc).report.functions["A"]["Version"] for doc in (first, second, changed)]
    assert ids[0] == ids[1] != ids[2]
    assert warnings_of(first) == []


def test_a_map_read_with_an_unknown_key_hashes_the_map() -> None:
    def doc(memory: int) -> dict[str, Any]:
        size = {"Fn::FindInMap": ["Sizes", {"Ref": "AWS::StackName"}, "Memory"]}
        out = template(Fn=function({"MemorySize": size}))
        out["Mappings"] = {"Sizes": {"orders": {"Memory": memory}}}
        return out

    assert version_of(doc(128)) != version_of(doc(256))


SECRET = "hunter2-do-not-echo"


@pytest.mark.parametrize(
    ("value", "extra", "warning"),
    [
        pytest.param(
            {"Fn::ImportValue": f"{SECRET}-export"},
            {},
            "Fn.Properties.Environment.Variables.V: a change here publishes no new Version, as "
            "SafeLambda cannot see the value of Fn::ImportValue;",
            id="import",
        ),
        pytest.param(
            f"{{{{resolve:ssm:/{SECRET}}}}}",
            {},
            "cannot see a {{resolve:ssm:…}} dynamic reference without a version",
            id="ssm-unpinned",
        ),
        pytest.param(f"{{{{resolve:ssm:/{SECRET}:3}}}}", {}, None, id="ssm-pinned"),
        pytest.param(
            f"{{{{resolve:ssm:arn:aws:ssm:us-east-1:123456789012:parameter/{SECRET}:12}}}}",
            {},
            None,
            id="ssm-arn-pinned",
        ),
        pytest.param(
            f"{{{{resolve:secretsmanager:{SECRET}:SecretString:password}}}}",
            {},
            "cannot see a {{resolve:secretsmanager:…}} dynamic reference without a version",
            id="secret-unpinned",
        ),
        pytest.param(
            f"{{{{resolve:secretsmanager:{SECRET}:SecretString:password::0123-abcd}}}}",
            {},
            None,
            id="secret-pinned",
        ),
        pytest.param(
            {"Fn::Sub": "prefix-{{resolve:ssm-secure:/db/password}}"},
            {},
            "cannot see a {{resolve:ssm-secure:…}} dynamic reference without a version",
            id="dynamic-in-sub",
        ),
        pytest.param({"Fn::Sub": "${AWS::StackName}-${AWS::StackId}"}, {}, None, id="stack-name"),
        pytest.param(
            {"Fn::Join": [",", {"Ref": "AWS::NotificationARNs"}]},
            {},
            "cannot see pseudo parameter AWS::NotificationARNs;",
            id="notification-arns",
        ),
        pytest.param(
            {"Fn::GetAtt": ["Lookup", "Endpoint"]},
            {"Lookup": {"Type": "Custom::Lookup", "Properties": {"ServiceToken": "arn:x"}}},
            "cannot see custom resource Lookup;",
            id="custom-resource",
        ),
        pytest.param(
            {"Fn::GetAtt": ["Child", "Outputs.QueueUrl"]},
            {"Child": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "u"}}},
            "cannot see the outputs of nested stack Child;",
            id="nested-stack-output",
        ),
        pytest.param(
            {"Ref": "Child"},
            {"Child": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "u"}}},
            None,
            id="nested-stack-id",
        ),
        pytest.param(
            {"Ref": "Widget"},
            {"Widget": {"Type": "Acme::Widgets::Widget", "Properties": {}}},
            "cannot see into Widget, of type Acme::Widgets::Widget;",
            id="unknown-type",
        ),
        pytest.param({"Fn::Select": [0, {"Fn::GetAZs": ""}]}, {}, None, id="availability-zones"),
    ],
)
def test_values_unknown_at_deploy_time_are_reported_without_their_value(
    value: Any, extra: dict[str, Any], warning: str | None
) -> None:
    doc = template(Fn=function({"Environment": {"Variables": {"V": value}}}), **extra)
    found = [w for w in warnings_of(doc) if w.startswith("SL103")]
    if warning is None:
        assert found == []
    else:
        assert len(found) == 1
        assert warning in found[0]
        assert found[0].endswith("when it changes, change a property of the function too")
    assert all(SECRET not in w for w in found)


def test_a_parameter_without_a_value_is_reported_by_name_only() -> None:
    doc = template(Fn=function({"Environment": {"Variables": {"TOKEN": {"Ref": "Token"}}}}))
    doc["Parameters"] = {"Token": {"Type": "String", "NoEcho": True}}
    assert warnings_of(doc) == [
        "SL103 Fn.Properties.Environment.Variables.TOKEN: a change here publishes no new Version, "
        "as SafeLambda cannot see the value of parameter Token in this deploy; when it changes, "
        "change a property of the function too"
    ]
    with_value = transform(doc, DeployContext(parameters={"Token": SECRET}))
    assert with_value.report.warnings == ()
    assert SECRET not in json.dumps(with_value.template)


def test_unknowns_reached_through_a_dependency_name_it() -> None:
    shared = layer(Content={"S3Bucket": {"Fn::ImportValue": "bucket"}, "S3Key": "k"})
    doc = template(Fn=function({"Layers": [LAYER_ARN]}), SharedLayer=shared)
    assert warnings_of(doc) == [
        "SL103 Fn.Properties.Layers[0]: a change here publishes no new Version, as SafeLambda "
        "cannot see the value of Fn::ImportValue, read through SharedLayer; when it changes, "
        "change a property of the function too"
    ]


def test_an_import_name_that_changes_still_publishes() -> None:
    def doc(stage: str) -> dict[str, Any]:
        value = {"Fn::ImportValue": {"Fn::Sub": "${Stage}-QueueUrl"}}
        out = template(Fn=function({"Environment": {"Variables": {"Q": value}}}))
        out["Parameters"] = {"Stage": {"Type": "String"}}
        return out

    dev = version_of(doc("dev"), DeployContext(parameters={"Stage": "dev"}))
    prod = version_of(doc("prod"), DeployContext(parameters={"Stage": "prod"}))
    assert dev != prod


def test_lone_surrogates_hash_instead_of_crashing() -> None:
    assert hashing.content_hash({"Description": "\ud800"}) != hashing.content_hash({})


def test_every_function_property_of_the_schema_is_classified() -> None:
    folder, digests = types_table.schemas()
    schema = json.loads(
        (folder / "resources" / f"{digests['AWS::Lambda::Function']}.json").read_text("utf-8")
    )
    read_only = {p.split("/")[2] for p in schema["readOnlyProperties"]}
    writable = set(schema["properties"]) - read_only
    assert writable - hashing.LOCKED - hashing.UNLOCKED == set()
    assert hashing.LOCKED.isdisjoint(hashing.UNLOCKED)


CONTEXT_RESOURCES = {
    "SharedLayer": layer(Content={"S3Bucket": {"Ref": "Bucket"}, "S3Key": {"Ref": "Stage"}}),
    "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Ref": "SharedLayer"}}},
    "Lookup": {"Type": "Custom::Lookup", "Properties": {"ServiceToken": "arn:x"}},
    "Role": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": {"Fn::ImportValue": "r"}}},
}
WORDS = ["SharedLayer", "Bucket", "Lookup", "Role", "Role.Arn", "Stage", "IsProd", "Sizes"]
WORDS += ["${SharedLayer}", "${Lookup.Url}", "{{resolve:ssm:/p}}", "AWS::NotificationARNs"]


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(st.sampled_from(WORDS) | VALUES, lambda c: st.lists(c, max_size=3), max_leaves=8)
)
def test_any_value_hashes_without_crashing_and_deterministically(value: Any) -> None:
    doc = template(Fn=function({"Environment": {"Variables": {"V": value}}}), **CONTEXT_RESOURCES)
    doc["Parameters"] = {"Stage": {"Type": "String"}}
    doc["Conditions"] = {"IsProd": {"Fn::Equals": [{"Ref": "AWS::StackName"}, "prod"]}}
    doc["Mappings"] = {"Sizes": {"prod": {"Memory": 1}}}
    try:
        first = transform(doc, DeployContext(parameters={"Stage": "s"}))
    except TransformError:  # a coded refusal is an answer too
        return
    again = transform(copy.deepcopy(doc), DeployContext(parameters={"Stage": "s"}))
    assert first.report == again.report
    twice = transform(first.template, DeployContext(parameters={"Stage": "s"}))
    assert twice.template == first.template
    assert all(w.code in ("SL101", "SL103", "SL301") for w in first.report.warnings)


@pytest.mark.parametrize(
    "description",
    [
        pytest.param(None, id="absent"),
        pytest.param("", id="empty"),
        pytest.param("orders", id="text"),
        pytest.param({"Fn::Sub": "Stack ${AWS::StackName} orders"}, id="intrinsic"),
    ],
)
def test_a_second_run_keeps_the_version_whatever_the_description(description: Any) -> None:
    props = {} if description is None else {"Description": description}
    once = transform(template(Fn=function(props))).template
    assert transform(once).template == once


def test_the_dependency_walk_leaves_nothing_for_the_cycle_collector() -> None:
    # A transform pauses the cycle collector: what the hash of each function needed must be
    # freed by reference counting, or it stays alive until the end of the transform.
    doc = template(Table={"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "t"}})
    for index in range(5):
        doc["Resources"][f"Fn{index}"] = function(
            {"Environment": {"Variables": {"T": {"Ref": "Table"}}}}
        )
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        transform(doc)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        kept = [
            o
            for o in gc.garbage
            if isinstance(o, dependencies.Dependencies | dependencies._Collector)
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()
    assert kept == []
