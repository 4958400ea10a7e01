"""Lambda entry point of the `SafeLambda` CloudFormation macro: event -> transform -> response.

Whatever happens, the answer carries the request's `requestId` and a status: CloudFormation shows
`errorMessage` to the user, so it lists every coded problem and never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from .errors import Problem, TransformError, error
from .template import DeployContext
from .transform import transform

logger = Logger(service="safelambda")
metrics = Metrics(namespace="SafeLambda", service="safelambda")

# key -> (type, required)
EVENT_SHAPE: dict[str, tuple[type, bool]] = {
    "requestId": (str, True),
    "fragment": (dict, True),
    "region": (str, True),
    "accountId": (str, True),
    "params": (dict, False),
    "templateParameterValues": (dict, False),
}


def event_problems(event: Any) -> list[Problem]:
    if not isinstance(event, dict):
        return [error("SL006", "the macro event is not a mapping")]
    problems = []
    for key, (kind, required) in EVENT_SHAPE.items():
        if key not in event or event[key] is None:
            if required:
                problems.append(error("SL006", f"the macro event has no {key}", None, key))
        elif not isinstance(event[key], kind):
            problems.append(error("SL006", f"{key} must be a {kind.__name__}", None, key))
    return problems


def process(event: Any, environ: Mapping[str, str]) -> dict[str, Any]:
    """The macro response for one event; never raises."""
    request_id = event.get("requestId", "") if isinstance(event, dict) else ""
    try:
        problems = event_problems(event)
        if problems:
            raise TransformError(problems)
        context = DeployContext(
            event["region"], event["accountId"], event.get("templateParameterValues") or {}
        )
        result = transform(
            event["fragment"], context, parameters=event.get("params") or {}, environ=environ
        )
    except TransformError as failure:
        return _failure(request_id, failure.problems)
    except Exception:  # the macro must answer; CloudFormation otherwise waits and times out
        logger.exception("unexpected failure")
        return _failure(
            request_id, [error("SL999", "unexpected internal error; see the macro's logs")]
        )
    functions = len(result.report.functions)
    metrics.add_metric(name="FunctionsVersioned", unit=MetricUnit.Count, value=functions)
    metrics.add_metric(
        name="ReferencesRewritten", unit=MetricUnit.Count, value=len(result.report.rewrites)
    )
    logger.info(
        "transformed",
        extra={
            "functions": sorted(result.report.functions),
            "references_rewritten": len(result.report.rewrites),
            "warnings": [w.render() for w in result.report.warnings],
        },
    )
    return {"requestId": request_id, "status": "success", "fragment": result.template}


def _failure(request_id: Any, problems: tuple[Problem, ...] | list[Problem]) -> dict[str, Any]:
    metrics.add_metric(name="TransformFailures", unit=MetricUnit.Count, value=1)
    logger.warning("transform failed", extra={"errors": [p.as_dict() for p in problems]})
    message = f"SafeLambda found {len(problems)} error(s): " + " | ".join(
        p.render() for p in problems
    )
    return {"requestId": request_id, "status": "failure", "errorMessage": message}


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process(event, os.environ)
