"""`safelambda.testing`: users' own template tests pass on good templates, fail on bad ones."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import OFFLINE_FIXTURES, ROOT, SAMPLES
from safelambda import TransformError
from safelambda.testing import process

ARCH = SAMPLES / "arch-switch"


def test_the_sample_test_suite_passes_through_the_registered_fixture() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "samples/pytest-helper"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_protected_template_answers_what_a_test_asks() -> None:
    template = process(ARCH / "template.yaml", parameters={"Stage": "dev"})
    template.assert_invoked_through_alias("OrdersFunction")
    template.assert_no_latest_invocations()
    assert template.alias("OrdersFunction") == "OrdersFunctionAliaslive"
    assert template.version("OrdersFunction").startswith("OrdersFunctionVersion")
    assert template.architectures("OrdersFunction") == ["arm64"]
    assert template.layers("OrdersFunction") == [
        "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM:99"
    ]
    assert template.function("OrdersFunction")["Environment"]["Variables"]["STAGE"] == "dev"
    assert [i.place for i in template.integrations("OrdersFunction")] == [
        "OrdersQueueMapping.Properties.FunctionName",
        "OrdersMethod.Properties.Integration.Uri.Fn::Sub",
    ]
    assert template.warnings == []


def test_region_and_partition_reach_the_resolved_values() -> None:
    template = process(ARCH / "template.yaml", region="us-gov-west-1")
    assert template.layers("OrdersFunction") == [
        "arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:Datadog-Extension-ARM:99"
    ]


def test_a_template_that_does_not_list_safelambda_is_processed_as_the_cli_does() -> None:
    from helpers import safelambda

    template = process(ARCH / "unprotected.yaml", environ={})
    template.assert_invoked_through_alias("OrdersFunction")
    template.assert_no_latest_invocations()
    cli = safelambda("transform", str(ARCH / "unprotected.yaml"), "--format", "json", "-q")
    assert cli.returncode == 0
    assert template.template == json.loads(cli.stdout)


def test_macro_settings_come_from_the_environment_as_for_the_cli(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAFELAMBDA_ALIAS_NAME", "prod")
    assert process(ARCH / "unprotected.yaml").alias("OrdersFunction") == "OrdersFunctionAliasprod"
    isolated = process(ARCH / "unprotected.yaml", environ={})
    assert isolated.alias("OrdersFunction") == "OrdersFunctionAliaslive"


def test_a_missing_parameter_value_is_asked_for_as_an_argument_of_process() -> None:
    doc = {
        "Parameters": {"Stage": {"Type": "String"}},
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
    }
    with pytest.raises(TransformError) as failure:
        process(doc, parameters={"Stag": "prod"})
    assert [p.render() for p in failure.value.problems] == [
        "SL013 parameters: gives Stag, which is not a parameter of this template; "
        "remove it or declare it",
        "SL013 Parameters.Stage: has no Default; give it a value with "
        "process(..., parameters={'Stage': VALUE})",
    ]
    assert "--parameter-overrides" not in str(failure.value)


def test_unprotected_template_fails_each_assertion_with_the_places() -> None:
    template = process(ARCH / "unprotected.yaml", add_safelambda=False)
    assert template.report is None
    with pytest.raises(AssertionError, match="SafeLambda gave OrdersFunction no alias"):
        template.assert_invoked_through_alias("OrdersFunction")
    with pytest.raises(AssertionError) as failure:
        template.assert_no_latest_invocations()
    assert str(failure.value) == (
        "invoke $LATEST: OrdersQueueMapping.Properties.FunctionName (OrdersFunction); "
        "OrdersMethod.Properties.Integration.Uri.Fn::Sub (OrdersFunction)"
    )


def test_a_skipped_function_is_reported_on_latest() -> None:
    source = process(ARCH / "template.yaml").outcome.source
    skipped = {**source, "Resources": dict(source["Resources"])}
    orders = skipped["Resources"]["OrdersFunction"]
    # A skipped function cannot ask for layer families (SL202): give it a literal layer.
    literal = {**orders["Properties"], "Layers": ["arn:aws:lambda:us-east-1:1:layer:x:1"]}
    skipped["Resources"]["OrdersFunction"] = {
        **orders,
        "Properties": literal,
        "Metadata": {"SafeLambda": {"Skip": True}},
    }
    template = process(skipped)
    with pytest.raises(AssertionError, match="SafeLambda gave OrdersFunction no alias"):
        template.assert_invoked_through_alias("OrdersFunction")
    with pytest.raises(AssertionError, match="OrdersQueueMapping"):
        template.assert_no_latest_invocations()


def test_an_integration_on_a_version_is_not_the_alias() -> None:
    template = process(ARCH / "template.yaml")
    version = template.version("OrdersFunction")
    mapping = template.template["Resources"]["OrdersQueueMapping"]["Properties"]
    mapping["FunctionName"] = {"Ref": version}
    with pytest.raises(AssertionError) as failure:
        template.assert_invoked_through_alias("OrdersFunction")
    assert str(failure.value) == (
        "not through alias OrdersFunctionAliaslive: "
        f"OrdersQueueMapping.Properties.FunctionName invokes {version}"
    )


def test_asking_about_something_that_is_not_a_function_fails_clearly() -> None:
    template = process(ARCH / "template.yaml")
    with pytest.raises(AssertionError, match="OrdersQueue is not an AWS::Lambda::Function"):
        template.layers("OrdersQueue")


def test_process_reads_included_files_and_reports_the_offline_warnings() -> None:
    included = process(OFFLINE_FIXTURES / "include" / "template.yaml")
    included.assert_invoked_through_alias("OrdersFunction")
    assert "OrdersQueueMapping" in included.template["Resources"]  # from queue.json
    image = process(OFFLINE_FIXTURES / "image" / "template.yaml")
    assert [w.split()[0] for w in image.warnings][:2] == ["SL022", "SL022"]
