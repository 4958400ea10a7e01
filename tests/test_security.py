"""Security: the macro's role writes its own logs and nothing else, and no error message (or
log line, or report) echoes an environment variable value or a NoEcho parameter value.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from corpus_support import packaged
from helpers import ROOT, function, template
from safelambda import cli, handler
from safelambda.handler import process
from safelambda.offline import sam

SECRET = "s3cr3t-Pa55w0rd-9f8e7d"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def secret_template(**properties: Any) -> dict[str, Any]:
    """A function whose environment holds a literal secret and a NoEcho parameter."""
    env = {"Variables": {"API_KEY": SECRET, "DB_PASSWORD": {"Ref": "DbPassword"}}}
    doc = template(Fn=function({"Environment": env, **properties}))
    doc["Parameters"] = {"DbPassword": {"Type": "String", "NoEcho": True}}
    return doc


def with_resource(doc: dict[str, Any], rid: str, resource: dict[str, Any]) -> dict[str, Any]:
    doc["Resources"][rid] = resource
    return doc


def settings(doc: dict[str, Any], where: str, values: dict[str, Any]) -> dict[str, Any]:
    target = doc if where == "template" else doc["Resources"]["Fn"]
    target["Metadata"] = {"SafeLambda": values}
    return doc


# A type the integration catalog does not know: naming the function there is SL301.
UNCATALOGUED = {
    "Type": "AWS::Example::Workflow",
    "Properties": {
        "Target": {"Fn::GetAtt": ["Fn", "Arn"]},
        "Password": {"Ref": "DbPassword"},
    },
}

# (template, macro environment, transform parameters, the code expected)
FAILURES = [
    pytest.param(secret_template(), {"SAFELAMBDA_ALIAS_NAME": SECRET + "!"}, {}, "SL010", id="e1"),
    pytest.param(secret_template(), {"SAFELAMBDA_VERSION_RETENTION": SECRET}, {}, "SL010", id="e2"),
    pytest.param(secret_template(), {"SAFELAMBDA_STRICT": SECRET}, {}, "SL010", id="env-strict"),
    pytest.param(
        secret_template(), {}, {"AliasName": SECRET + "!", "Strict": SECRET}, "SL010", id="params"
    ),
    pytest.param(
        settings(secret_template(), "template", {"AliasName": {"Ref": "DbPassword"}}),
        {},
        {},
        "SL010",
        id="alias-from-noecho-parameter",
    ),
    pytest.param(
        settings(secret_template(), "function", {"AliasName": SECRET + " x", "Skip": SECRET}),
        {},
        {},
        "SL010",
        id="function-settings",
    ),
    pytest.param(
        secret_template(Environment={"Variables": {"API_KEY": [SECRET]}}),
        {},
        {},
        "SL040",
        id="secret-variable-of-the-wrong-type",
    ),
    pytest.param(
        secret_template(Timeout={"Fn::Sub": [SECRET, SECRET]}), {}, {}, "SL012", id="malformed"
    ),
    pytest.param(secret_template(Timeout={"Fn::Nope": SECRET}), {}, {}, "SL012", id="unknown-fn"),
    pytest.param(
        secret_template(Timeout={"Fn::Sub": SECRET + "${Missing}"}), {}, {}, "SL016", id="missing"
    ),
    pytest.param(
        with_resource(secret_template(), "Machine", UNCATALOGUED),
        {"SAFELAMBDA_STRICT": "true"},
        {},
        "SL301",
        id="strict-unrewritable",
    ),
    pytest.param(
        with_resource(secret_template(), "FnAliaslive", {"Type": "AWS::SNS::Topic"}),
        {},
        {},
        "SL011",
        id="collision",
    ),
]


def event(fragment: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    return {
        "requestId": "security",
        "region": "us-east-1",
        "accountId": "123456789012",
        "fragment": fragment,
        "params": params,
        "templateParameterValues": {"DbPassword": SECRET},
    }


@pytest.mark.parametrize(("doc", "environ", "params", "code"), FAILURES)
def test_failures_never_echo_secret_values(
    doc: dict[str, Any],
    environ: dict[str, str],
    params: dict[str, Any],
    code: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    response = process(event(doc, params), environ)
    logs = capsys.readouterr()
    assert response["status"] == "failure"
    assert code in response["errorMessage"]
    assert SECRET not in response["errorMessage"]
    assert SECRET not in logs.out + logs.err


def test_an_internal_error_answers_without_its_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"cannot hash {SECRET}")

    monkeypatch.setattr(handler, "transform", broken)
    response = process(event(secret_template(), {}), {})
    assert response["status"] == "failure"
    assert response["errorMessage"].endswith(
        "SL999: unexpected internal error; see the macro's logs"
    )
    assert SECRET not in response["errorMessage"]


def test_warnings_in_the_report_and_logs_never_echo_secret_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    function = secret_template(FutureSetting=SECRET, Description=SECRET * 11)
    doc = with_resource(function, "Machine", UNCATALOGUED)
    response = process(event(doc, {}), {"SAFELAMBDA_ALIAS_NAME": "live"})
    logs = capsys.readouterr()
    assert response["status"] == "success"
    report = response["fragment"]["Metadata"]["SafeLambda"]["Report"]
    assert {w.split()[0] for w in report["Warnings"]} == {"SL101", "SL102", "SL301"}
    assert SECRET not in json.dumps(report)
    assert SECRET not in logs.out + logs.err


def cli_run(path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "safelambda", "transform", str(path), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
    )


def test_cli_errors_and_warnings_never_echo_secret_values(tmp_path: Path) -> None:
    source = tmp_path / "template.json"
    doc = with_resource(secret_template(FutureSetting=SECRET), "Machine", UNCATALOGUED)
    source.write_text(json.dumps(doc), encoding="utf-8")
    override = f"DbPassword={SECRET}"
    warned = cli_run(source, "--parameter-overrides", override)
    assert warned.returncode == 0
    assert "SL101" in warned.stderr and "SL301" in warned.stderr
    assert SECRET not in warned.stderr
    strict = cli_run(source, "--parameter-overrides", override, SAFELAMBDA_STRICT="true")
    assert strict.returncode == 1 and "SL301" in strict.stderr
    bad_setting = cli_run(source, "--parameter-overrides", override, SAFELAMBDA_STRICT=SECRET)
    assert bad_setting.returncode == 1 and "SL010" in bad_setting.stderr
    malformed = cli_run(source, "--parameter-overrides", f"DbPassword:{SECRET}")
    assert malformed.returncode == 1 and "SL013" in malformed.stderr
    for result in (strict, bad_setting, malformed):
        assert SECRET not in result.stderr + result.stdout


def test_sam_errors_quoting_a_noecho_value_are_redacted(tmp_path: Path) -> None:
    source = tmp_path / "template.yaml"
    source.write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters:\n"
        "  Alias: {Type: String, NoEcho: true}\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {CodeUri: s3://b/k, Handler: a.b, Runtime: python3.12,"
        " AutoPublishAlias: !Ref Alias}\n",
        encoding="utf-8",
    )
    result = cli_run(source, "--parameter-overrides", f"Alias={SECRET} !")
    assert result.returncode == 1
    assert "SL014" in result.stderr and "AutoPublishAlias name ('****" in result.stderr
    assert SECRET not in result.stderr


# -- the macro's own deployment ---------------------------------------------------------------


def macro_template() -> dict[str, Any]:
    source = cli.load_template(str(ROOT / "template.yaml"))
    values = cli.parameter_values(source, {})
    return sam.expand(packaged(source), values, "us-east-1", "aws")


def test_macro_role_may_write_its_own_logs_and_nothing_else() -> None:
    resources = macro_template()["Resources"]
    iam = {rid: r["Type"] for rid, r in resources.items() if r["Type"].startswith("AWS::IAM::")}
    assert iam == {"MacroRole": "AWS::IAM::Role"}
    role = resources["MacroRole"]["Properties"]
    assert "ManagedPolicyArns" not in role
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]
    (policy,) = role["Policies"]
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": {"Fn::Sub": "${MacroLogGroup.Arn}"},
        }
    ]
    function_ = resources["MacroFunction"]["Properties"]
    assert function_["Role"] == {"Fn::GetAtt": ["MacroRole", "Arn"]}
    assert function_["LoggingConfig"]["LogGroup"] == {"Ref": "MacroLogGroup"}


def test_every_checkov_suppression_is_explained_here_and_in_the_readme() -> None:
    source = cli.load_template(str(ROOT / "template.yaml"))
    skipped = {
        (rid, skip["id"]): skip.get("comment", "")
        for rid, resource in source["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    }
    assert skipped, "the Security section documents the suppressions of the checkov run"
    security = README.split("## Security", 1)[1].split("\n## ", 1)[0]
    for (rid, check), comment in skipped.items():
        assert len(comment) > 40, f"{rid} {check}: say why"
        assert re.search(rf"^ *\| {check} \| {rid} \|", security, re.M), check


def _checkov() -> Path:
    """checkov from the `security` extra's pin, in a virtualenv of its own (see pyproject)."""
    import tomllib

    (pin,) = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["security"]
    venv = ROOT / ".venv-checkov"
    exe, stamp = venv / "bin" / "checkov", venv / "installed-pin"
    if not (exe.exists() and stamp.exists() and stamp.read_text() == pin):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", pin], check=True)
        stamp.write_text(pin)
    return exe


def test_macro_template_is_checkov_clean() -> None:
    result = subprocess.run(
        [str(_checkov()), "-f", str(ROOT / "template.yaml"), "--framework", "cloudformation"]
        + ["--quiet", "--compact", "--skip-download", "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    summary = json.loads(result.stdout)["summary"]
    assert summary["failed"] == 0, result.stdout
    assert summary["parsing_errors"] == 0
    assert summary["passed"] >= 10  # the checks really ran on the four resources
    assert summary["resource_count"] == 4
