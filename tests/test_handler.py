"""The macro's contract with CloudFormation: always an answer, with the request's requestId."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from helpers import SAMPLES, function, template
from safelambda import handler
from safelambda.handler import lambda_handler, process


@pytest.fixture
def clean_metrics() -> None:
    """`process` called directly (other tests) adds metrics that only the decorator flushes."""
    handler.metrics.clear_metrics()


def event(fragment: Any, **extra: Any) -> dict[str, Any]:
    return {
        "region": "eu-west-1",
        "accountId": "111122223333",
        "requestId": "req-1",
        "transformId": "111122223333::SafeLambda",
        "params": {},
        "templateParameterValues": {},
        "fragment": fragment,
        **extra,
    }


@dataclass
class FakeContext:
    function_name: str = "safelambda"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:111122223333:function:safelambda"
    aws_request_id: str = "lambda-req"


def test_success_returns_fragment_and_request_id() -> None:
    response = process(event(template(Fn=function())), {})
    assert response["status"] == "success"
    assert response["requestId"] == "req-1"
    assert "FnAliaslive" in response["fragment"]["Resources"]


def test_failure_lists_every_coded_problem() -> None:
    fragment = {"Resources": {"A": {"Type": "AWS::Serverless::Function"}, "B": "x"}}
    response = process(event(fragment), {})
    assert response == {
        "requestId": "req-1",
        "status": "failure",
        "errorMessage": response["errorMessage"],
    }
    assert response["errorMessage"].startswith("SafeLambda found 2 error(s): SL005 A.Type: ")
    assert "SL003 B: " in response["errorMessage"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        pytest.param("not a dict", "SL006: the macro event is not a mapping", id="not-mapping"),
        pytest.param(
            {"requestId": "r"}, "SL006 fragment: the macro event has no fragment", id="no-fragment"
        ),
        pytest.param(
            {**event({}), "region": 5}, "SL006 region: region must be a str", id="region-type"
        ),
        pytest.param(
            {**event({}), "params": []}, "SL006 params: params must be a dict", id="params-type"
        ),
    ],
)
def test_malformed_events_are_coded_failures(bad: Any, message: str) -> None:
    response = process(bad, {})
    assert response["status"] == "failure"
    assert message in response["errorMessage"]


def test_transform_parameters_reach_the_core() -> None:
    response = process(event(template(Fn=function()), params={"AliasName": "prod"}), {})
    assert "FnAliasprod" in response["fragment"]["Resources"]


def test_unexpected_exception_is_a_failure_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("boom")

    monkeypatch.setattr(handler, "transform", explode)
    response = process(event(template(Fn=function())), {})
    assert response == {
        "requestId": "req-1",
        "status": "failure",
        "errorMessage": "SafeLambda found 1 error(s): "
        "SL999: unexpected internal error; see the macro's logs",
    }


def test_lambda_handler_emits_metrics_and_structured_logs(
    clean_metrics: None, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    response = lambda_handler(event(template(Fn=function(), Other=function())), FakeContext())
    assert response["status"] == "success"
    (record,) = [r for r in caplog.records if r.getMessage() == "transformed"]
    assert record.functions == ["Fn", "Other"]  # type: ignore[attr-defined]
    assert "fragment" not in record.__dict__  # never whole templates at INFO
    lines = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")
    ]
    (emf,) = [line for line in lines if "_aws" in line]
    assert emf["FunctionsVersioned"] == [2.0]
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "SafeLambda"


def test_sample_events_are_valid_macro_requests() -> None:
    for path in sorted((SAMPLES / "events").glob("*.json")):
        assert handler.event_problems(json.loads(path.read_text())) == [], path.name
