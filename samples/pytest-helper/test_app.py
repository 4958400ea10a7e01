"""Tests of app.yaml after the transform, with `safelambda.testing` (run: pytest this folder)."""

from pathlib import Path

from safelambda.testing import process

APP = Path(__file__).parent / "app.yaml"


def test_every_integration_of_orders_invokes_the_alias(safelambda_template):
    template = safelambda_template(APP)
    template.assert_invoked_through_alias("OrdersFunction")
    template.assert_no_latest_invocations()


def test_arm64_function_got_arm64_layers(safelambda_template):
    template = safelambda_template(APP)
    assert template.architectures("OrdersFunction") == ["arm64"]
    assert template.layers("OrdersFunction") == [
        "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM:99"
    ]


def test_x86_function_got_x86_layers():
    template = process(APP, parameters={"Architecture": "x86_64"})
    assert template.architectures("OrdersFunction") == ["x86_64"]
    assert template.layers("OrdersFunction") == [
        "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:99"
    ]


def test_switching_architecture_publishes_a_new_version(safelambda_template):
    arm = safelambda_template(APP)
    x86 = safelambda_template(APP, parameters={"Architecture": "x86_64"})
    assert arm.version("OrdersFunction") != x86.version("OrdersFunction")
    assert arm.alias("OrdersFunction") == x86.alias("OrdersFunction") == "OrdersFunctionAliaslive"
