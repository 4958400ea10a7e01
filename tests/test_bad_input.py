"""Bad input never crashes: a coded failure through the macro handler and the CLI alike.

Every case goes through `handler.process` (the macro: status failure, coded errorMessage, the
event untouched) and through `python -m safelambda transform FILE -o OUT` (exit 1, one coded line
per problem on stderr, nothing on stdout, no output file, the input file untouched).
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import function, template
from safelambda.handler import process

CODE = re.compile(r"\bSL\d{3}\b")
TOPIC = {"Type": "AWS::SNS::Topic"}


def with_resources(**resources: Any) -> dict[str, Any]:
    return template(Fn=function(), **resources)


def with_section(name: str, value: Any) -> dict[str, Any]:
    doc = with_resources()
    doc[name] = value
    return doc


def with_property(value: Any) -> dict[str, Any]:
    """A function plus a topic whose property holds `value` (where intrinsics are evaluated)."""
    doc = with_resources(Topic={"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": value}})
    doc["Parameters"] = {"Stage": {"Type": "String", "Default": "dev"}}
    doc["Conditions"] = {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}}
    return doc


def nested(depth: int) -> dict[str, Any]:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    doc = with_property("x")  # set afterwards: `template()` deep-copies, recursively
    doc["Resources"]["Topic"]["Properties"]["DisplayName"] = value
    return doc


def many(functions: int, topics: int) -> dict[str, Any]:
    resources = {f"Fn{i}": function() for i in range(functions)}
    resources.update({f"Topic{i}": TOPIC for i in range(topics)})
    return template(**resources)


def cycle(*names: str) -> dict[str, Any]:
    """Topics whose DisplayName names the next one, the last naming the first."""
    nxt = names[1:] + names[:1]
    return template(
        **{
            a: {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Fn::GetAtt": [b, "X"]}}}
            for a, b in zip(names, nxt, strict=True)
        }
    )


def collision(kind: str) -> dict[str, Any]:
    if kind == "alias-id":
        return with_resources(FnAliaslive=TOPIC)
    # The alias ID is taken by an alias of another function: SafeLambda must not adopt it.
    other = function()
    alias = {
        "Type": "AWS::Lambda::Alias",
        "Properties": {"FunctionName": {"Ref": "Other"}, "FunctionVersion": "1", "Name": "x"},
    }
    return with_resources(Other=other, FnAliaslive=alias)


def with_function(**properties: Any) -> dict[str, Any]:
    doc = template(Fn=function(properties))
    doc["Conditions"] = {"IsArm": {"Fn::Equals": [{"Ref": "AWS::StackName"}, "arm"]}}
    return doc


def integration(resource_type: str, **properties: Any) -> dict[str, Any]:
    return with_resources(Res={"Type": resource_type, "Properties": properties})


ARN = {"Fn::GetAtt": ["Fn", "Arn"]}


def huge() -> dict[str, Any]:
    return with_property("x" * 1_000_001)


# (fragment, codes through the handler, codes through the CLI when they differ)
CASES = [
    # the fragment itself: the handler checks the event (SL006), the CLI the file (SL001)
    pytest.param([1, 2], {"SL006"}, {"SL001"}, id="fragment-list"),
    pytest.param("Resources", {"SL006"}, {"SL001"}, id="fragment-string"),
    pytest.param(42, {"SL006"}, {"SL001"}, id="fragment-number"),
    pytest.param(None, {"SL006"}, {"SL001"}, id="fragment-null"),
    # Resources and resources
    pytest.param({"Outputs": {}}, {"SL002"}, None, id="resources-missing"),
    pytest.param({"Resources": ["Fn"]}, {"SL002"}, None, id="resources-list"),
    pytest.param({"Resources": "Fn"}, {"SL002"}, None, id="resources-string"),
    pytest.param(with_resources(Bad="AWS::SNS::Topic"), {"SL003"}, None, id="resource-string"),
    pytest.param(with_resources(Bad={"Properties": {}}), {"SL003"}, None, id="resource-no-type"),
    pytest.param(with_resources(Bad={"Type": 7}), {"SL003"}, None, id="resource-type-number"),
    pytest.param(
        with_resources(Bad={**TOPIC, "Properties": ["a"]}), {"SL004"}, None, id="properties-list"
    ),
    pytest.param(
        with_resources(Bad={**TOPIC, "Metadata": "a"}), {"SL004"}, None, id="metadata-string"
    ),
    pytest.param(
        with_resources(Bad={"Type": "AWS::Serverless::Function"}), {"SL005"}, None, id="sam-left"
    ),
    # sections and resource attributes
    pytest.param(with_section("Outputs", ["a"]), {"SL017"}, None, id="outputs-list"),
    pytest.param(with_section("Conditions", "a"), {"SL017"}, None, id="conditions-string"),
    pytest.param(with_section("Parameters", []), {"SL017"}, None, id="parameters-list"),
    pytest.param(with_section("Mappings", 3), {"SL017"}, None, id="mappings-number"),
    pytest.param(with_section("Metadata", "notes"), {"SL017"}, None, id="metadata-section-str"),
    pytest.param(
        with_resources(Bad={**TOPIC, "Condition": 1}), {"SL018"}, None, id="condition-number"
    ),
    pytest.param(
        with_resources(Bad={**TOPIC, "DependsOn": {"Fn": 1}}), {"SL018"}, None, id="depends-map"
    ),
    pytest.param(
        with_resources(Bad={**TOPIC, "DependsOn": ["Fn", 2]}), {"SL018"}, None, id="depends-num"
    ),
    # settings
    pytest.param(
        with_section("Metadata", {"SafeLambda": {"AliasName": 5}}), {"SL010"}, None, id="alias-int"
    ),
    pytest.param(
        with_section("Metadata", {"SafeLambda": ["Strict"]}), {"SL010"}, None, id="settings-list"
    ),
    pytest.param(
        template(Fn=function(Metadata={"SafeLambda": {"Skip": "maybe"}})),
        {"SL010"},
        None,
        id="skip-maybe",
    ),
    pytest.param(
        with_section("Metadata", {"SafeLambda": {"VersionRetention": "Keep", "Typo": 1}}),
        {"SL010"},
        None,
        id="retention-and-unknown-key",
    ),
    # intrinsics: unknown, malformed, naming nothing
    pytest.param(with_property({"Ref": 1}), {"SL012"}, None, id="ref-number"),
    pytest.param(with_property({"Ref": ["Fn"]}), {"SL012"}, None, id="ref-list"),
    pytest.param(with_property({"Fn::Nope": "x"}), {"SL012"}, None, id="unknown-function"),
    pytest.param(with_property({"Fn::GetAtt": "FnArn"}), {"SL012"}, None, id="getatt-no-dot"),
    pytest.param(with_property({"Fn::GetAtt": ["Fn"]}), {"SL012"}, None, id="getatt-one-item"),
    pytest.param(with_property({"Fn::Sub": ["${X}", "X"]}), {"SL012"}, None, id="sub-vars-str"),
    pytest.param(with_property({"Fn::Sub": ["a", {}, "b"]}), {"SL012"}, None, id="sub-three"),
    pytest.param(with_property({"Fn::Sub": 5}), {"SL012"}, None, id="sub-number"),
    pytest.param(with_property({"Fn::If": ["IsProd", "a"]}), {"SL012"}, None, id="if-two"),
    pytest.param(with_property({"Fn::Join": [",", "a", "b"]}), {"SL012"}, None, id="join-three"),
    pytest.param(with_property({"Fn::Select": 0}), {"SL012"}, None, id="select-number"),
    pytest.param(with_property({"Ref": "Missing"}), {"SL016"}, None, id="ref-missing"),
    pytest.param(
        with_property({"Fn::GetAtt": ["Missing", "Arn"]}), {"SL016"}, None, id="getatt-missing"
    ),
    pytest.param(
        with_property({"Fn::GetAtt": ["Stage", "Arn"]}), {"SL016"}, None, id="getatt-parameter"
    ),
    pytest.param(with_property({"Fn::Sub": "${Missing}"}), {"SL016"}, None, id="sub-missing"),
    pytest.param(with_property({"Fn::Sub": "${Stage.Arn}"}), {"SL016"}, None, id="sub-param-attr"),
    pytest.param(
        with_property({"Fn::Sub": ["${Missing} ${Y}", {"Y": {"Ref": "Gone"}}]}),
        {"SL016"},
        None,
        id="sub-missing-in-text-and-variables",
    ),
    pytest.param(with_property({"Fn::If": ["Nope", "a", "b"]}), {"SL016"}, None, id="if-missing"),
    pytest.param(
        with_resources(Bad={**TOPIC, "Condition": "Nope"}), {"SL016"}, None, id="condition-missing"
    ),
    pytest.param(
        with_resources(Bad={**TOPIC, "DependsOn": "Gone"}), {"SL016"}, None, id="depends-missing"
    ),
    pytest.param(
        with_section("Outputs", {"O": {"Value": {"Ref": "Gone"}}}), {"SL016"}, None, id="output-ref"
    ),
    pytest.param(
        with_section("Conditions", {"A": {"Fn::Not": [{"Condition": "Gone"}]}}),
        {"SL016"},
        None,
        id="condition-names-missing-condition",
    ),
    pytest.param(
        with_property({"Fn::Nope": {"Ref": "Gone"}}), {"SL012", "SL016"}, None, id="all-collected"
    ),
    # cycles
    pytest.param(cycle("A"), {"SL019"}, None, id="cycle-self"),
    pytest.param(cycle("A", "B"), {"SL019"}, None, id="cycle-two"),
    pytest.param(cycle("A", "B", "C"), {"SL019"}, None, id="cycle-three"),
    pytest.param(
        template(A={**TOPIC, "DependsOn": "B"}, B={**TOPIC, "DependsOn": ["A"]}),
        {"SL019"},
        None,
        id="cycle-depends-on",
    ),
    # size and shape limits
    pytest.param(huge(), {"SL007"}, None, id="over-1mb"),
    pytest.param(many(150, 201), {"SL008"}, None, id="over-500-after-injection"),
    pytest.param(many(0, 501), {"SL008"}, None, id="over-500-before"),
    pytest.param(nested(150), {"SL009"}, None, id="nested-150"),
    # function properties of the wrong type or value (SL040, SL041), as Lambda's schema has them
    pytest.param(with_function(Architectures="arm64"), {"SL040"}, None, id="architectures-str"),
    pytest.param(with_function(Architectures=["sparc"]), {"SL041"}, None, id="architectures-sparc"),
    pytest.param(
        with_function(Architectures=["x86_64", "arm64"]), {"SL041"}, None, id="architectures-two"
    ),
    pytest.param(
        with_function(Layers="arn:aws:lambda:us-east-1:123456789012:layer:shared:3"),
        {"SL040"},
        None,
        id="layers-string",
    ),
    pytest.param(with_function(Layers=[["nested"]]), {"SL040"}, None, id="layers-item-list"),
    pytest.param(with_function(Environment="STAGE=dev"), {"SL040"}, None, id="environment-str"),
    pytest.param(
        with_function(Environment={"Variables": ["STAGE"]}), {"SL040"}, None, id="variables-list"
    ),
    pytest.param(
        with_function(Environment={"Variables": {"STAGE": {"a": 1, "b": 2}}}),
        {"SL040"},
        None,
        id="variable-mapping",
    ),
    pytest.param(with_function(Code=["app.zip"]), {"SL040"}, None, id="code-list"),
    pytest.param(
        with_function(Code={"S3Bucket": ["artifacts"], "S3Key": "app.zip"}),
        {"SL040"},
        None,
        id="code-bucket-list",
    ),
    pytest.param(with_function(Description=["a", "b"]), {"SL040"}, None, id="description-list"),
    pytest.param(with_function(MemorySize="lots"), {"SL040"}, None, id="memory-text"),
    pytest.param(with_function(Timeout=True), {"SL040"}, None, id="timeout-boolean"),
    pytest.param(with_function(Runtime={"a": 1, "b": 2}), {"SL040"}, None, id="runtime-mapping"),
    pytest.param(with_function(PackageType="Zipfile"), {"SL041"}, None, id="package-type"),
    pytest.param(
        with_function(VpcConfig={"SubnetIds": "subnet-1"}), {"SL040"}, None, id="subnets-string"
    ),
    pytest.param(
        with_function(Architectures={"Fn::If": ["IsArm", ["arm64"], "x86_64"]}),
        {"SL040"},
        None,
        id="architectures-if-branch",
    ),
    # catalogued integration paths of the wrong type (SL042)
    pytest.param(
        integration("AWS::Events::Rule", Targets={"Id": "a", "Arn": ARN}),
        {"SL042"},
        None,
        id="rule-targets-mapping",
    ),
    pytest.param(
        integration("AWS::Lambda::EventSourceMapping", FunctionName=[ARN]),
        {"SL042"},
        None,
        id="mapping-function-list",
    ),
    pytest.param(
        integration(
            "AWS::S3::Bucket",
            NotificationConfiguration={"LambdaConfigurations": {"Function": ARN, "Event": "e"}},
        ),
        {"SL042"},
        None,
        id="s3-configurations-mapping",
    ),
    # logical-ID collisions
    pytest.param(collision("alias-id"), {"SL011"}, None, id="collision-topic-as-alias-id"),
    pytest.param(collision("foreign-alias"), {"SL011"}, None, id="collision-foreign-alias"),
]


def event(fragment: Any) -> dict[str, Any]:
    return {
        "requestId": "bad-input",
        "region": "us-east-1",
        "accountId": "123456789012",
        "fragment": fragment,
        "params": {},
        "templateParameterValues": {"Stage": "dev"},
    }


def codes(text: str) -> set[str]:
    return set(CODE.findall(text))


@pytest.mark.parametrize(("fragment", "expected", "cli_expected"), CASES)
def test_bad_fragment_fails_coded_through_the_handler(
    fragment: Any, expected: set[str], cli_expected: set[str] | None
) -> None:
    request = event(fragment)
    before = copy.deepcopy(request)
    response = process(request, {})
    assert response["requestId"] == "bad-input"
    assert response["status"] == "failure"
    assert "fragment" not in response
    assert codes(response["errorMessage"]) == expected, response["errorMessage"]
    assert request == before


def run_cli(source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "safelambda", "transform", str(source), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )


def assert_cli_failure(source: Path, expected: set[str]) -> subprocess.CompletedProcess[str]:
    """Exit 1, coded lines only, nothing written, the input file byte for byte as it was."""
    before = source.read_bytes()
    out = source.parent / "out.yaml"
    result = run_cli(source, out)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines and all(re.match(r"SL\d{3}[ :]", line) for line in lines), result.stderr
    assert codes(result.stderr) == expected, result.stderr
    assert sorted(source.parent.iterdir()) == [source]
    assert source.read_bytes() == before
    return result


@pytest.mark.parametrize(("fragment", "expected", "cli_expected"), CASES)
def test_bad_fragment_fails_coded_through_the_cli(
    tmp_path: Path, fragment: Any, expected: set[str], cli_expected: set[str] | None
) -> None:
    source = tmp_path / "template.json"
    source.write_text(json.dumps(fragment), encoding="utf-8")
    assert_cli_failure(source, cli_expected or expected)


FILES = [
    pytest.param(b"Resources:\n  A: {Type: AWS::SNS::Topic}\n  A: {Type: X}\n", "SL015", id="dup"),
    pytest.param(
        b'{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Type": "X"}}}', "SL015", id="dup-json"
    ),
    pytest.param(bytes(range(128, 256)), "SL013", id="binary"),
    pytest.param(b"", "SL001", id="empty"),
    pytest.param(b"Resources: [\n", "SL013", id="yaml-syntax"),
    pytest.param(b'{"Resources": ', "SL013", id="json-syntax"),
    pytest.param(b"a: &a [*a]\nResources: {}\n", "SL013", id="alias-cycle"),
    pytest.param(
        b"Resources:\n  T: {Type: AWS::SNS::Topic, Properties: !Nope x}\n", "SL012", id="tag"
    ),
    pytest.param(
        b"Resources:\n  T: {Type: AWS::SNS::Topic, Properties: {A: !Ref [1]}}\n",
        "SL012",
        id="ref-tag-list",
    ),
    pytest.param(
        b'{"Resources": ' + b"[" * 5000 + b"]" * 5000 + b"}", "SL013", id="json-5000-deep"
    ),
]


@pytest.mark.parametrize(("content", "code"), FILES)
def test_unreadable_template_files_fail_coded(tmp_path: Path, content: bytes, code: str) -> None:
    source = tmp_path / "template.yaml"
    source.write_bytes(content)
    assert_cli_failure(source, {code})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "template.yaml",
            "Resources:\n  Fn:\n    Type: AWS::SNS::Topic\n    Properties:\n  Name: x: y\n",
            "at line 5, column 10: mapping values are not allowed here",
            id="yaml",
        ),
        pytest.param(
            "template.yaml",
            "Resources:\n  Fn: {Type: AWS::SNS::Topic\n",
            "at line 3, column 1: while parsing a flow mapping, expected ',' or '}', "
            "but got '<stream end>'",
            id="yaml-with-context",
        ),
        pytest.param(
            "template.yaml",
            "Resources:\n  A: {Type: X}\n  key\nOther: 1\n",
            "at line 4, column 1: while scanning a simple key, could not find expected ':'",
            id="yaml-simple-key",
        ),
        pytest.param(
            "template.json",
            '{"Resources": {\n  "A": {"Type": "X",}\n}}',
            "at line 2, column 21: Expecting property name enclosed in double quotes",
            id="json",
        ),
    ],
)
def test_a_parse_error_names_the_file_line_column_and_reason(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    result = assert_cli_failure(source, {"SL013"})
    assert result.stderr == f"SL013: cannot parse {source} {message}\n"


def test_yaml_alias_bomb_is_refused_quickly_as_too_large(tmp_path: Path) -> None:
    # Nine levels of ten aliases each would unroll to a billion values.
    lines = ["l0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
    source = tmp_path / "template.yaml"
    source.write_text("\n".join(lines) + "\nResources: {}\n", encoding="utf-8")
    result = assert_cli_failure(source, {"SL007"})
    assert "500000 values" in result.stderr


def test_a_few_yaml_aliases_are_unrolled_as_sam_deploy_does(tmp_path: Path) -> None:
    source = tmp_path / "template.yaml"
    source.write_text(
        "Resources:\n"
        "  A: {Type: AWS::SNS::Topic, Properties: {Tags: &tags [{Key: k, Value: v}]}}\n"
        "  B: {Type: AWS::SNS::Topic, Properties: {Tags: *tags}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "safelambda", "transform", str(source), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    resources = json.loads(result.stdout)["Resources"]
    assert resources["B"]["Properties"]["Tags"] == [{"Key": "k", "Value": "v"}]


def test_duplicate_keys_are_all_listed_with_their_paths_and_lines(tmp_path: Path) -> None:
    source = tmp_path / "template.yaml"
    source.write_text(
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::SNS::Topic\n"
        "    Properties: {DisplayName: a, DisplayName: b}\n"
        "Outputs:\n"
        "  O: {Value: x}\n"
        "  O: {Value: y}\n",
        encoding="utf-8",
    )
    result = assert_cli_failure(source, {"SL015"})
    assert result.stderr.splitlines() == [
        "SL015 Outputs.O: the key is written twice in one mapping (lines 6 and 7); "
        "CloudFormation rejects the template",
        "SL015 Fn.Properties.DisplayName: the key is written twice in one mapping "
        "(lines 4 and 4); CloudFormation rejects the template",
    ]


@pytest.mark.parametrize(
    ("event_value", "key"),
    [
        pytest.param("not an event", None, id="event-string"),
        pytest.param({"requestId": 5}, "requestId", id="request-id-number"),
        pytest.param({"region": ["us-east-1"]}, "region", id="region-list"),
        pytest.param({"params": ["AliasName"]}, "params", id="params-list"),
        pytest.param({"templateParameterValues": "Stage=dev"}, "templateParameterValues", id="tpv"),
        pytest.param({"fragment": None}, "fragment", id="fragment-missing"),
    ],
)
def test_malformed_event_fails_coded(event_value: Any, key: str | None) -> None:
    request: Any = event(template(Fn=function()))
    if isinstance(event_value, dict):
        request.update(event_value)
    else:
        request = event_value
    response = process(request, {})
    assert response["status"] == "failure"
    assert codes(response["errorMessage"]) == {"SL006"}
    if key:
        assert f"SL006 {key}:" in response["errorMessage"]


def test_very_deep_fragment_fails_coded_without_recursion() -> None:
    # Deeper than Python's recursion limit: the depth check must be iterative.
    response = process(event(nested(5000)), {})
    assert response["status"] == "failure"
    assert codes(response["errorMessage"]) == {"SL009"}


@pytest.mark.parametrize(
    ("functions", "topics", "ok"),
    [pytest.param(166, 2, True, id="exactly-500"), pytest.param(166, 3, False, id="501")],
)
def test_resource_limit_counts_what_safelambda_adds(functions: int, topics: int, ok: bool) -> None:
    response = process(event(many(functions, topics)), {})
    assert (response["status"] == "success") is ok
    if ok:
        assert len(response["fragment"]["Resources"]) == 500
    else:
        assert "501 resources" in response["errorMessage"]


# The checks above must not refuse what CloudFormation accepts.
@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"Ref": "AWS::NoValue"}, id="pseudo"),
        pytest.param({"Ref": "Stage"}, id="parameter"),
        pytest.param({"Fn::GetAtt": ["Fn", {"Ref": "Stage"}]}, id="getatt-ref-attribute"),
        pytest.param({"Fn::Sub": "${AWS::Region}-${Stage}-${Fn.Arn}-${!Literal}"}, id="sub"),
        pytest.param({"Fn::Sub": ["${Local}", {"Local": {"Ref": "Fn"}}]}, id="sub-local"),
        pytest.param({"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, "b"]}, id="if"),
        pytest.param({"Fn::Join": ["", {"Fn::GetAZs": ""}]}, id="join-of-intrinsic"),
        pytest.param({"Fn::ImportValue": {"Fn::Sub": "${Stage}-x"}}, id="import"),
        pytest.param(
            {"Fn::Transform": {"Name": "X", "Parameters": {"A": {"Ref": "Made"}}}}, id="tx"
        ),
        pytest.param(
            [{"Fn::Transform": {"Name": "AWS::Include"}}, {"Ref": "MadeByTheInclude"}],
            id="names-unchecked-while-a-transform-may-add-them",
        ),
        pytest.param({"Condition": "NotAFunctionOutsideConditions"}, id="condition-key"),
    ],
)
def test_valid_intrinsics_pass(value: Any) -> None:
    doc = with_property(value)
    doc["Conditions"]["Both"] = {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": ["a", "a"]}]}
    response = process(event(doc), {})
    assert response["status"] == "success", response.get("errorMessage")
