"""The deploy model on every corpus template: first deploy, adoption, alias rename, removal,
and the README's two-deploy procedures.

Each template SafeLambda processes is deployed these ways: from nothing, from itself without
SafeLambda (adoption), from SafeLambda's output to the output with `AliasName: prod` (rename),
back to the template without SafeLambda (removal); adoption in two deploys (`Adoption: Prepare`,
then the default), removal in two (`Adoption: Release`, then without SafeLambda), and the rename
in two (`NextAliasName: prod`, then `AliasName: prod`). The model must never crash and must give
the same answer twice. The counts of findings are pinned as
today's macro output gives them; update them deliberately, with the reason.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import corpus_support as corpus
from safelambda import TransformError, transform
from safelambda.deploy import simulate
from safelambda.template.resolve import DeployContext

FILES = corpus.corpus_files()
needs_corpus = pytest.mark.skipif(not FILES, reason=f"no corpus at {corpus.CORPUS}")
TRANSITIONS = (
    "first",
    "adopt",
    "rename",
    "remove",
    "prepare",
    "complete",
    "release",
    "removed",
    "next",
    "renamed",
)

# Templates with at least one finding of each code, per transition, with today's macro. No
# stale stage (SL503, SL506, SL507) anywhere: every rewritten API gets a new Deployment. In one
# deploy, what remains: windows whose grant names its caller (SL505: EventBridge rules, SAM HTTP
# APIs, Cognito, IoT; on a first deploy too, where SafeLambda changes nothing of the kind; on a
# removal, every integration moving back to its function). Through the procedures none is left:
# Prepare, Release and NextAliasName only add grants (the last also the next alias), and the
# deploy after each moves integrations onto grants that exist: the rename through NextAliasName
# finds what the rename in one deploy finds but its 40 windows. In every way that moves them:
# SNS subscriptions replaced to change their Endpoint (SL508), and grants outside the template
# (SL509: Function URLs with AWS_IAM auth, whose callers' IAM policies must name the qualified
# function). Deployments the authors order after some parts of their API
# only (SL504) where SafeLambda does not replace them: on a first deploy (apigw-cors-nonproxy,
# apigw-kinesis-lambda, apigw-websocket-api-connection-dynamodb: parts SafeLambda does not
# change), and when the template without SafeLambda comes back (apigw-cors-proxy); a Deployment
# SafeLambda makes waits for every part it moved. Removal, in one deploy or after Release, also
# moves one S3 bucket back to the function before the function's event invoke config is created
# again (SL512, apigw-direct-s3-lambda-dotnet): the config's `Qualifier` goes back from `live` to
# `$LATEST`, so it is replaced, and the template without SafeLambda does not order the bucket
# after it as SafeLambda's output did. No corpus template changes a Lambda target group in place
# (SL513).
EXPECTED = {
    "first": {"SL504": 3, "SL505": 45},
    "adopt": {"SL505": 40, "SL508": 5, "SL509": 6},
    "rename": {"SL505": 40, "SL508": 5, "SL509": 2},
    "remove": {"SL504": 1, "SL505": 140, "SL508": 5, "SL509": 6, "SL512": 1},
    "prepare": {},
    "complete": {"SL508": 5, "SL509": 6},
    "release": {},
    "removed": {"SL504": 1, "SL508": 5, "SL509": 6, "SL512": 1},
    "next": {},
    "renamed": {"SL508": 5, "SL509": 2},
}

Pairs = dict[str, tuple[dict[str, Any] | None, dict[str, Any]]]


def _pairs(path: Path) -> tuple[Pairs, DeployContext] | None:
    """The four transitions of one template, and its deploy values; None when SafeLambda does
    not process it."""
    try:
        fragment, values = corpus._expanded(corpus.Run(path.name), path)
        context = DeployContext(corpus.REGION, "123456789012", values)
        live = transform(fragment, context).template
        prod = transform(fragment, context, environ={"SAFELAMBDA_ALIAS_NAME": "prod"}).template
        prepared = transform(fragment, context, parameters={"Adoption": "Prepare"}).template
        released = transform(fragment, context, parameters={"Adoption": "Release"}).template
        nexted = transform(fragment, context, parameters={"NextAliasName": "prod"}).template
    except (corpus.Verdict, TransformError):
        return None
    pairs: Pairs = {
        "first": (None, live),
        "adopt": (fragment, live),
        "rename": (live, prod),
        "remove": (live, fragment),
        # The two-deploy procedures of the README: adoption through Prepare, removal through
        # Release.
        "prepare": (fragment, prepared),
        "complete": (prepared, live),
        "release": (live, released),
        "removed": (released, fragment),
        # A rename in two: NextAliasName grants the new alias, then AliasName moves onto it.
        "next": (live, nexted),
        "renamed": (nexted, prod),
    }
    return pairs, context


@functools.cache
def _outcomes() -> dict[str, Counter[str]]:
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    found: dict[str, Counter[str]] = {t: Counter() for t in TRANSITIONS}
    for path in FILES:
        read = _pairs(path)
        if read is None:
            continue
        pairs, context = read
        for transition, (previous, new) in pairs.items():
            deploy = simulate(previous, new, context)
            again = simulate(previous, new, context)
            assert (deploy.actions, deploy.findings) == (again.actions, again.findings), path
            declared = set(new["Resources"]) | set((previous or {}).get("Resources", {}))
            assert {f.problem.resource for f in deploy.findings} <= declared, path
            found[transition].update(set(deploy.codes))
    return found


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("transition", TRANSITIONS)
def test_the_model_reads_every_corpus_deploy_as_pinned(transition: str) -> None:
    assert dict(_outcomes()[transition]) == EXPECTED[transition]
