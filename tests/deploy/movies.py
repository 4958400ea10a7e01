"""A deploy is a movie: every deploy of one application, each replayed through the model.

`movie(source)` processes one template the way its users deploy it (`pipeline.run`: SAM first
when the template lists it, SafeLambda last) and simulates each transition a stack lives
through: its first deploy with SafeLambda, adopting SafeLambda on the stack deployed without it,
a code change, a configuration change, an alias rename, removing SafeLambda, and the README's
two-deploy procedures (`Adoption: Prepare` then the default; `Adoption: Release` then the
template without SafeLambda; `NextAliasName: prod` then `AliasName: prod`).
"""

from __future__ import annotations

import copy
from typing import Any

from safelambda.deploy import Deploy, simulate
from safelambda.deploy.stack import Stack
from safelambda.deploy.targets import calls
from safelambda.offline import load_yaml, pipeline

FUNCTIONS = frozenset({"AWS::Serverless::Function", "AWS::Lambda::Function"})
STEPS = (
    "create",
    "adopt",
    "code",
    "configuration",
    "rename",
    "remove",
    "prepare",
    "complete",
    "release",
    "removed",
    "next",
    "renamed",
)


def sam(events: dict[str, str] | None = None, resources: str = "", **properties: str) -> Any:
    """A SAM template of one Python function `Fn` with its code in S3: `events` by name and
    other `properties` as YAML flow values, `resources` as YAML lines of other resources."""
    lines = "".join(f"      {key}: {value}\n" for key, value in properties.items())
    if events:
        lines += "      Events:\n" + "".join(f"        {k}: {v}\n" for k, v in events.items())
    return load_yaml(
        "Transform: [AWS::Serverless-2016-10-31, SafeLambda]\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Runtime: python3.12\n"
        "      Handler: app.handler\n"
        "      CodeUri: s3://artifacts/app.zip\n" + lines + resources
    )


def processed(source: dict[str, Any], **settings: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the template without SafeLambda, with it), with these `Metadata.SafeLambda` settings."""
    doc = copy.deepcopy(source)
    if settings:
        metadata = doc.setdefault("Metadata", {})
        metadata["SafeLambda"] = {**metadata.get("SafeLambda", {}), **settings}
    outcome = pipeline.run(doc, pipeline.Options(), add_macro=True)
    assert outcome.macro_input is not None
    without = copy.deepcopy(outcome.macro_input)
    without.get("Metadata", {}).pop("SafeLambda", None)
    return without, outcome.output


def changed(source: dict[str, Any], what: str) -> dict[str, Any]:
    """The same template with every function's code (`code`) or memory (`configuration`) changed."""
    doc = copy.deepcopy(source)
    for resource in doc["Resources"].values():
        if resource.get("Type") not in FUNCTIONS:
            continue
        props = resource["Properties"]
        if what == "configuration":
            props["MemorySize"] = props.get("MemorySize", 128) + 128
        elif "CodeUri" in props:
            props["CodeUri"] = props["CodeUri"].replace(".zip", "-2.zip")
        elif "ZipFile" in props["Code"]:
            props["Code"] = {**props["Code"], "ZipFile": props["Code"]["ZipFile"] + "\n# 2"}
        else:
            props["Code"] = {**props["Code"], "S3Key": "changed.zip"}
    return doc


Pair = tuple[dict[str, Any] | None, dict[str, Any]]


def pairs(source: dict[str, Any]) -> dict[str, Pair]:
    """Each step's (template the stack holds, template deployed) for `source`."""
    without, live = processed(source)
    _, prepared = processed(source, Adoption="Prepare")
    _, released = processed(source, Adoption="Release")
    _, nexted = processed(source, NextAliasName="prod")
    prod = processed(source, AliasName="prod")[1]
    return {
        "create": (None, live),
        "adopt": (without, live),
        "code": (live, processed(changed(source, "code"))[1]),
        "configuration": (live, processed(changed(source, "configuration"))[1]),
        "rename": (live, prod),
        "remove": (live, without),
        "prepare": (without, prepared),
        "complete": (prepared, live),
        "release": (live, released),
        "removed": (released, without),
        "next": (live, nexted),
        "renamed": (nexted, prod),
    }


def movie(source: dict[str, Any]) -> dict[str, Deploy]:
    """Each step's deploy of `source`."""
    return {step: simulate(previous, new) for step, (previous, new) in pairs(source).items()}


def findings(deploy: Deploy) -> set[tuple[str, str | None]]:
    return {(f.problem.code, f.problem.resource) for f in deploy.findings}


def unqualified(template: dict[str, Any]) -> set[str]:
    """The integrations of `template` that invoke a function unqualified (`$LATEST`)."""
    stack = Stack(template)
    return {c.resource for c in calls(stack) if c.target == c.function}
