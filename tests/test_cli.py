"""`safelambda transform`: same core as the macro, files written whole or not at all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SAMPLES
from safelambda import cli

ARCH = str(SAMPLES / "arch-switch" / "template.yaml")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "safelambda", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


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
    assert result.stderr.startswith("SL013: cannot parse -: ")
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
            "SL013 Nope.--parameter-overrides: is not a parameter",
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
        "SL013 Stage.Parameters: has no Default; give it with --parameter-overrides Stage=VALUE"
        in result.stderr
    )
    assert run("transform", str(source), "--parameter-overrides", "Stage=x").returncode == 0


def test_region_sets_partition_for_the_hash() -> None:
    us = run("transform", ARCH, "--format", "json")
    cn = run("transform", ARCH, "--format", "json", "--region", "cn-north-1")
    assert json.loads(us.stdout)["Metadata"] != json.loads(cn.stdout)["Metadata"]


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
