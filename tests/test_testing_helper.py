"""`safelambda.testing`: users' own template tests pass on good templates, fail on bad ones."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import OFFLINE_FIXTURES, ROOT, SAMPLES
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


def test_unprotected_template_fails_each_assertion_with_the_places() -> None:
    template = process(ARCH / "unprotected.yaml")
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
