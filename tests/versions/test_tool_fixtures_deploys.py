"""The real CDK and Serverless Framework templates through the deploy model: creating the stack
with SafeLambda, adopting it on the stack the tool deployed, a code change and a configuration
change. Each deploy must succeed (no deploy-model error: one Version per changed function,
none for an unchanged one, no stage left on an old snapshot) and create exactly one Version for
each function whose code or configuration changed."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from test_tool_fixtures import APPS, TOOLS, VERSION, source

from safelambda import transform
from safelambda.deploy import Change, simulate
from safelambda.template import DeployContext

CONTEXT = DeployContext("us-east-1", "123456789012", {})


@functools.cache
def processed(app: str, step: str) -> dict[str, Any]:
    doc = {k: v for k, v in source(app, step).items() if k != "Transform"}
    return json.loads(json.dumps(transform(doc, CONTEXT).template))


def without_safelambda(app: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((TOOLS / app / "v1.json").read_text(encoding="utf-8"))
    return {k: v for k, v in doc.items() if k != "Transform"}


def created_versions(previous: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    deploy = simulate(previous, new, CONTEXT)
    assert [f.problem.render() for f in deploy.findings if f.problem.code in FAILING] == []
    return sorted(
        a.logical_id for a in deploy.actions if a.type == VERSION and a.change is Change.CREATE
    )


# The deploy model's findings that mean a failed deploy or an outage.
FAILING = ("SL501", "SL502", "SL503", "SL504", "SL506", "SL507", "SL510", "SL511", "SL513")


def versions_of(doc: dict[str, Any]) -> list[str]:
    return sorted(rid for rid, r in doc["Resources"].items() if r["Type"] == VERSION)


@pytest.mark.parametrize("app", APPS)
def test_creating_the_stack_publishes_one_version_per_function(app: str) -> None:
    new = processed(app, "v1")
    assert versions_of(new)
    assert created_versions(None, new) == versions_of(new)


@pytest.mark.parametrize("app", APPS)
def test_adopting_safelambda_on_the_tools_stack_publishes_one_version_per_function(
    app: str,
) -> None:
    new = processed(app, "v1")
    assert created_versions(without_safelambda(app), new) == versions_of(new)


@pytest.mark.parametrize(
    ("app", "before", "after"), [(a, "v1", "v2") for a in APPS] + [(a, "v2", "v3") for a in APPS]
)
def test_each_later_deploy_publishes_exactly_the_changed_functions_versions(
    app: str, before: str, after: str
) -> None:
    old, new = processed(app, before), processed(app, after)
    expected = sorted(set(versions_of(new)) - set(versions_of(old)))
    assert expected  # the fixtures change the app's own function in each step
    assert created_versions(old, new) == expected
