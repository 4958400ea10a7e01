"""`safelambda transform`: same core as the macro, files written whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import SAMPLES, lint_errors
from helpers import safelambda as run
from safelambda import cli
from safelambda.references.invocations import invocations

ARCH = str(SAMPLES / "arch-switch" / "template.yaml")


def test_transform_prints_the_processed_template_twice_identically() -> None:
    first, second = run("transform", ARCH), run("transform", ARCH)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert "OrdersFunctionAliaslive" in first.stdout
    assert "\nTransform:" not in first.stdout  # the processed template lists no transforms


def test_output_file_and_json_format(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert cli.main(["transform", ARCH, "-o", str(out), "--format", "json"]) == 0
    data = json.loads(out.read_text())
    assert data["Resources"]["OrdersFunctionAliaslive"]["Type"] == "AWS::Lambda::Alias"


def test_stdin_is_read_with_dash() -> None:
    result = run("transform", "-", stdin=Path(ARCH).read_text())
    assert result.returncode == 0
    assert result.stdout == run("transform", ARCH).stdout


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Resources:\n  Fn: {Type: AWS::Serverless::Function}\n", id="serverless"),
        pytest.param("- just\n- a list\n", id="not-a-mapping"),
        pytest.param("Resources: [\n", id="yaml-syntax"),
        pytest.param("Outputs: {}\n", id="no-resources"),
    ],
)
def test_errors_are_coded_one_line_each_and_nothing_is_written(tmp_path: Path, text: str) -> None:
    source = tmp_path / "t.yaml"
    source.write_text(text)
    out = tmp_path / "out.yaml"
    result = run("transform", str(source), "-o", str(out))
    assert result.returncode == 1
    assert result.stdout == ""
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]
    for line in result.stderr.splitlines():
        assert line.startswith("SL0"), line
    assert "Traceback" not in result.stderr


def test_yaml_error_is_the_yaml_error_not_the_json_decoder() -> None:
    result = run("transform", "-", stdin="Resources:\n  Fn: [\n")
    assert result.returncode == 1
    assert result.stderr.startswith("SL013: cannot parse standard input at line 3, column 1: ")
    assert "Expecting value" not in result.stderr


def test_parameter_overrides_follow_sam_deploy_syntax() -> None:
    assert cli.parse_overrides(["Stage=dev", "ParameterKey=Size,ParameterValue=a=b"]) == {
        "Stage": "dev",
        "Size": "a=b",
    }
    base = run("transform", ARCH, "--format", "json")
    dev = run("transform", ARCH, "--format", "json", "--parameter-overrides", "Stage=dev")
    dev_long = run(
        "transform",
        ARCH,
        "--format",
        "json",
        "--parameter-overrides",
        "ParameterKey=Stage,ParameterValue=dev",
    )
    assert dev.stdout == dev_long.stdout
    versions = [
        [k for k in json.loads(r.stdout)["Resources"] if k.startswith("OrdersFunctionVersion")]
        for r in (base, dev)
    ]
    assert versions[0] != versions[1]  # STAGE feeds the environment, so the version changes


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--parameter-overrides", "Nope=1"],
            "SL013 --parameter-overrides: gives Nope, which is not a parameter of this template",
            id="unknown",
        ),
        pytest.param(
            ["--parameter-overrides", "Stage"],
            "SL013 --parameter-overrides: parameter override 1 is not Key=Value",
            id="malformed",
        ),
    ],
)
def test_bad_overrides_are_coded(args: list[str], message: str) -> None:
    result = run("transform", ARCH, *args)
    assert result.returncode == 1
    assert message in result.stderr


def test_parameter_without_default_needs_an_override(tmp_path: Path) -> None:
    source = tmp_path / "t.yaml"
    source.write_text(
        "Parameters:\n  Stage: {Type: String}\nResources:\n  T: {Type: AWS::SNS::Topic}\n"
    )
    result = run("transform", str(source))
    assert result.returncode == 1
    assert (
        "SL013 Parameters.Stage: has no Default; give it a value with "
        "--parameter-overrides Stage=VALUE" in result.stderr
    )
    assert run("transform", str(source), "--parameter-overrides", "Stage=x").returncode == 0


def test_region_sets_partition_for_the_hash() -> None:
    us = run("transform", ARCH, "--format", "json")
    # GovCloud, not China: the sample's Datadog extension is not published in aws-cn (SL203).
    gov = run("transform", ARCH, "--format", "json", "--region", "us-gov-west-1")
    assert json.loads(us.stdout)["Metadata"] != json.loads(gov.stdout)["Metadata"]


def test_help_explains_itself_with_examples() -> None:
    top = run("--help")
    sub = run("transform", "--help")
    assert top.returncode == sub.returncode == 0
    assert "examples:" in top.stdout and "examples:" in sub.stdout
    assert "--parameter-overrides" in sub.stdout


def test_missing_file_is_coded() -> None:
    result = run("transform", "/nonexistent/template.yaml")
    assert result.returncode == 1
    assert result.stderr.startswith("SL013: cannot read /nonexistent/template.yaml")


SAM_APP = SAMPLES / "sam-app" / "template.yaml"
SAM_LOCAL = SAMPLES / "sam-local" / "template.yaml"


def test_sam_app_transforms_to_lint_clean_template_where_every_event_invokes_the_alias() -> None:
    result = run("transform", str(SAM_APP), "--format", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert lint_errors(out) == []
    places = {(i.resource, i.target) for i in invocations(out)}
    assert places == {
        ("ServerlessRestApi", "ApiFunctionAliaslive"),
        ("ApiFunctionNightly", "ApiFunctionAliaslive"),
        ("QueueFunctionJobs", "QueueFunctionAliaslive"),
        ("QueueFunctionAlerts", "QueueFunctionAliaslive"),
    }
    permissions = {
        rid: r["Properties"]["FunctionName"]
        for rid, r in out["Resources"].items()
        if r["Type"] == "AWS::Lambda::Permission"
    }
    assert permissions == {
        "ApiFunctionGetItemsPermissionProd": {"Ref": "ApiFunctionAliaslive"},
        "ApiFunctionNightlyPermission": {"Ref": "ApiFunctionAliaslive"},
        "QueueFunctionAlertsPermission": {"Ref": "QueueFunctionAliaslive"},
    }
    # The Api event lives in the RestApi's OpenAPI body, which SAM already points at the alias.
    body = out["Resources"]["ServerlessRestApi"]["Properties"]["Body"]
    uri = body["paths"]["/items"]["get"]["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
    assert uri.endswith("/functions/${ApiFunctionAliaslive}/invocations")


def test_local_code_paths_survive_the_sam_expansion_in_the_shape_sam_cli_reads() -> None:
    result = run("transform", str(SAM_LOCAL), "-q", "--format", "json")
    assert result.returncode == 0, result.stderr
    resources = json.loads(result.stdout)["Resources"]
    layer_id = next(k for k, r in resources.items() if r["Type"] == "AWS::Lambda::LayerVersion")
    assert resources["HelloFunction"]["Properties"]["Code"] == "src/"
    assert resources[layer_id]["Properties"]["Content"] == "layer/"
    assert resources["HelloFunction"]["Properties"]["Layers"] == [{"Ref": layer_id}]
    assert "safelambda-local-path" not in result.stdout


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # inside SAM CLI and its translator
def test_sam_cli_reads_functions_layers_and_routes_of_the_output(tmp_path: Path) -> None:
    """SAM CLI's own readers (what `sam local invoke/start-api -t` use) on the processed file.

    Running the functions needs Docker, which this suite does not assume; everything SAM CLI
    reads from the template before it starts a container is checked here.
    """
    from samcli.lib.providers.api_provider import ApiProvider
    from samcli.lib.providers.sam_function_provider import SamFunctionProvider
    from samcli.lib.providers.sam_stack_provider import SamLocalStackProvider

    out = tmp_path / "build" / "processed.yaml"
    out.parent.mkdir()
    assert cli.main(["transform", str(SAM_LOCAL), "-q", "-o", str(out)]) == 0
    assert "Code: ../../" in out.read_text()  # re-pointed from the output's folder
    stacks, _ = SamLocalStackProvider.get_stacks(str(out))
    (hello,) = SamFunctionProvider(stacks).get_all()
    sample = SAM_LOCAL.parent.resolve()
    assert (hello.name, hello.handler, hello.runtime) == (
        "HelloFunction",
        "app.handler",
        "python3.12",
    )
    assert Path(hello.codeuri).resolve() == sample / "src"
    assert hello.architectures == ["arm64"]
    assert [Path(layer.codeuri).resolve() for layer in hello.layers] == [sample / "layer"]
    routes = [
        (r.function_name, r.methods, r.path)
        for api in ApiProvider(stacks).get_all()
        for r in api.routes
    ]
    assert routes == [("HelloFunction", ["GET"], "/hello")]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_sam_cli_routes_hand_written_apis_through_the_alias_to_the_function(tmp_path: Path) -> None:
    from samcli.lib.providers.api_provider import ApiProvider
    from samcli.lib.providers.sam_stack_provider import SamLocalStackProvider

    out = tmp_path / "processed.yaml"
    assert cli.main(["transform", ARCH, "-q", "-o", str(out)]) == 0
    assert "${OrdersFunctionAliaslive}/invocations" in out.read_text()
    stacks, _ = SamLocalStackProvider.get_stacks(str(out))
    routes = [
        (r.function_name, r.path) for api in ApiProvider(stacks).get_all() for r in api.routes
    ]
    assert routes == [("OrdersFunction", "/orders")]


@pytest.mark.parametrize("command", ["transform", "plan", "check"])
def test_every_command_explains_itself_with_examples_and_exit_codes(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert f"safelambda {command} " in result.stdout
    assert "examples:" in result.stdout
    assert "exit codes: 0 " in result.stdout
    for option in ("--parameter-overrides", "--quiet", "--verbose", "--region", "--format"):
        assert option in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="no-command"),
        pytest.param(["plan"], id="no-template"),
        pytest.param(["transform", ARCH, "--format", "xml"], id="bad-choice"),
        pytest.param(["check", ARCH, "-q", "-v"], id="quiet-and-verbose"),
    ],
)
def test_usage_errors_are_one_coded_line(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("SL403: ")
    assert "--help" in line


def test_verbose_says_what_ran_and_quiet_hides_warnings(tmp_path: Path) -> None:
    source = tmp_path / "t.yaml"
    # An environment variable naming another function is reported, not rewritten.
    source.write_text(
        Path(SAM_LOCAL).read_text()
        + "  Caller:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n"
        "      Environment: {Variables: {TARGET: !Ref HelloFunction}}\n"
    )
    loud = run("transform", str(source), "-v")
    assert loud.returncode == 0, loud.stderr
    assert f"{source}: ran AWS::Serverless-2016-10-31, SafeLambda" in loud.stderr.splitlines()
    assert any(line.startswith("SL302 Caller.") for line in loud.stderr.splitlines())
    quiet = run("transform", str(source), "-q")
    assert (quiet.returncode, quiet.stderr) == (0, "")
    assert quiet.stdout == loud.stdout


def test_before_macro_prints_the_fragment_safelambda_receives() -> None:
    before = json.loads(run("transform", str(SAM_APP), "--before-macro", "--format", "json").stdout)
    expanded = cli.load_template(str(SAMPLES / "sam-app" / "expanded.yaml"))
    assert before == {k: v for k, v in expanded.items() if k != "Transform"}


def test_plan_and_check_read_stdin() -> None:
    text = Path(ARCH).read_text()
    assert run("plan", "-", stdin=text).stdout == run("plan", ARCH).stdout.replace(ARCH, "-")
    assert run("check", "-", stdin=text).returncode == 0


def test_unknown_transform_is_a_coded_error(tmp_path: Path) -> None:
    source = tmp_path / "t.yaml"
    source.write_text("Transform: [AWS::Include]\nResources:\n  T: {Type: AWS::SNS::Topic}\n")
    result = run("transform", str(source))
    assert result.returncode == 1
    assert result.stderr.startswith("SL401 Transform: AWS::Include cannot run offline")


def test_output_folder_that_does_not_exist_is_a_coded_error(tmp_path: Path) -> None:
    result = run("transform", ARCH, "-o", str(tmp_path / "missing" / "out.yaml"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"SL404: cannot write {tmp_path / 'missing' / 'out.yaml'}")
    assert list(tmp_path.iterdir()) == []
