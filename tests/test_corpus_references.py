"""Real-world templates: after SafeLambda, every catalogued invocation invokes the alias.

Runs every template of `../shared/corpus/serverless-patterns` through the offline SAM expansion
(local paths swapped for S3 placeholders, as `sam validate` does; Serverless Application
Repository lookups stubbed) and SafeLambda, then checks independently of the rewriting code:

- every reference to a processed function in a catalogued invocation place names its alias
  (or its Version, or sets the qualifier, per the place's action), or is reported;
- the processed template has no cfn-lint error its input did not have.

The counts are printed (`pytest -s -m corpus tests/test_corpus_references.py`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from helpers import ROOT
from safelambda import TransformError, catalog, cli, sam
from safelambda.intrinsics import function_of, render_path, sub_parts
from safelambda.resolve import DeployContext
from safelambda.transform import Result, transform

# `../shared` beside the repository in CI; a worktree sits one level deeper.
SHARED = next((p / "shared" for p in ROOT.parents[:2] if (p / "shared").is_dir()), ROOT.parent)
CORPUS = SHARED / "corpus" / "serverless-patterns"
PLACEHOLDER = "s3://safelambda-corpus/placeholder.zip"
LOCAL_URIS = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}
CODE = {"CodeUri", "InlineCode", "ImageUri"}
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/corpus:latest"
CHECKED = {"ALIAS_ARN", "ALIAS_ARN_STR", "OPAQUE", "SUBSTITUTION", "VERSION_ARN", "QUALIFIER"}
UNREWRITTEN = ("SL301", "SL302", "SL303", "SL305")
# Bad input, rejected with a coded error rather than processed.
KNOWN_FAILURES = {
    # its DefinitionBody is an AWS::Include, which CloudFormation expands before SAM runs
    "apigw-kinesis-lambda-ddb/template.yaml": "SL014",
    # AWS::Serverless::Function without `Transform: AWS::Serverless-2016-10-31`
    "apigw-lambda-request-validator/template.yaml": "SL005",
    "apigw-mutualtls-lambda/template.yaml": "SL005",
}

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}"),
]


def corpus_files() -> list[Path]:
    found = [*CORPUS.rglob("*.yaml"), *CORPUS.rglob("*.yml")]
    return sorted(found) if CORPUS.is_dir() else []


def _placeholders(template: dict[str, Any]) -> None:
    """What `sam validate` does: local artefact paths become S3 locations; SAR is stubbed."""
    function_globals = (template.get("Globals") or {}).get("Function") or {}
    if isinstance(function_globals.get("CodeUri"), str):
        function_globals["CodeUri"] = PLACEHOLDER
    for resource in (template.get("Resources") or {}).values():
        if not isinstance(resource, dict) or not isinstance(resource.get("Properties"), dict):
            continue
        props, kind = resource["Properties"], resource.get("Type")
        key = LOCAL_URIS.get(str(kind))
        if key and isinstance(props.get(key), str) and not props[key].startswith("s3://"):
            props[key] = PLACEHOLDER
        if kind == "AWS::Serverless::Function" and props.get("PackageType") == "Image":
            props.setdefault("ImageUri", IMAGE)
        elif kind == "AWS::Serverless::Function" and not {*props, *function_globals} & CODE:
            props["CodeUri"] = PLACEHOLDER  # the SAM CLI's default, the template's folder
        if kind == "AWS::Serverless::Application":
            props["Location"] = "https://s3.amazonaws.com/safelambda-corpus/app.yaml"


def _parameters(template: dict[str, Any]) -> dict[str, Any]:
    declared = template.get("Parameters") or {}
    overrides = {}
    for name, declaration in declared.items():
        spec = declaration if isinstance(declaration, dict) else {}
        if "Default" not in spec:
            allowed = spec.get("AllowedValues") or ["placeholder1"]
            overrides[name] = str(allowed[0]) if "Number" not in str(spec.get("Type")) else "1"
    return cli.parameter_values(template, overrides)


@dataclass
class Outcome:
    path: Path
    expanded: dict[str, Any] | None = None
    result: Result | None = None
    failure: str = ""


@cache
def process(path: Path) -> Outcome:
    outcome = Outcome(path)
    try:
        template = cli.load_template(str(path))
        if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
            outcome.failure = "not a template"
            return outcome
        _placeholders(template)
        values = _parameters(template)
        if sam.SAM_TRANSFORM in sam.transforms_of(template):
            template = sam.expand(template, values, "us-east-1", "aws")
        outcome.expanded = template
        context = DeployContext("us-east-1", "123456789012", values)
        outcome.result = transform(template, context, parameters=cli._macro_parameters(template))
    except TransformError as failure:
        outcome.failure = " ".join(sorted({p.code for p in failure.problems}))
    return outcome


# -- an independent reading of "this place invokes the function unqualified" ---------------------


def bare_functions(value: Any, functions: set[str]) -> Iterator[str]:
    """Functions `value` names unqualified: `Ref`, `.Arn`, `${Fn}`, `${Fn.Arn}` not before `:`."""
    if isinstance(value, list):
        for item in value:
            yield from bare_functions(item, functions)
        return
    if not isinstance(value, dict):
        return
    name = function_of(value)
    if name == "Ref" and value["Ref"] in functions:
        yield value["Ref"]
    elif name == "Fn::GetAtt":
        argument = value[name]
        parts = argument.split(".", 1) if isinstance(argument, str) else argument
        if isinstance(parts, list) and parts[1:] == ["Arn"] and parts[0] in functions:
            yield parts[0]
    elif name == "Fn::Sub" and sub_parts(value[name]):
        text, local = sub_parts(value[name]) or ("", {})
        for match in re.finditer(r"\$\{([^!}.]+)(\.Arn)?\}(?!:)", text):
            if match.group(1) in functions and match.group(1) not in local:
                yield match.group(1)
        yield from bare_functions(list(local.values()), functions)
    else:
        yield from bare_functions(list(value.values()), functions)


@dataclass
class Tally:
    templates: int = 0
    processed: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    reported: Counter[str] = field(default_factory=Counter)
    permissions: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def _qualifier(props: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = props
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def check_places(outcome: Outcome, tally: Tally) -> None:
    assert outcome.result is not None
    processed = outcome.result.template
    plans = outcome.result.report.functions
    reported = {
        (w.resource, w.path) for w in outcome.result.report.warnings if w.code in UNREWRITTEN
    }
    for code in (w.code for w in outcome.result.report.warnings):
        tally.reported[code] += 1
    for rid, resource in processed["Resources"].items():
        props = resource.get("Properties") or {}
        for entry in catalog.entries_for(resource["Type"]):
            for path, value in catalog.expand(props, entry.path):
                _check_place(outcome, tally, (rid, entry, path, value), set(plans), reported)
        if resource["Type"] == "AWS::Lambda::Permission":
            kept = rid.endswith("Unqualified")
            tally.permissions["kept unqualified" if kept else "checked"] += 1


def _check_place(
    outcome: Outcome,
    tally: Tally,
    place: tuple[str, catalog.Entry, tuple[str | int, ...], Any],
    functions: set[str],
    reported: set[tuple[str | None, str | None]],
) -> None:
    rid, entry, path, value = place
    where = render_path(("Properties", *path))
    bare = sorted(set(bare_functions(value, functions)))
    if entry.action in CHECKED and value is not None:
        tally.places[entry.action] += 1
    if not bare or entry.action not in CHECKED:
        return
    if entry.action == "QUALIFIER":
        props = outcome.result.template["Resources"][rid]["Properties"]  # type: ignore[union-attr]
        qualifier = _qualifier(props, entry.qualifier)
        if qualifier not in (None, "$LATEST") or (rid, where) in reported:
            return
    if any(r == rid and (p or "").startswith(where) for r, p in reported):
        return
    tally.problems.append(f"{outcome.path.relative_to(CORPUS)}: {rid}.{where} invokes {bare}")


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return [process(path) for path in corpus_files()]


def test_every_catalogued_invocation_in_the_corpus_invokes_the_alias(
    outcomes: list[Outcome],
) -> None:
    tally = Tally()
    for outcome in outcomes:
        tally.templates += 1
        if outcome.result is None:
            tally.failures[outcome.failure] += 1
            continue
        tally.processed += 1
        check_places(outcome, tally)
    print(
        f"\ncorpus: {tally.templates} templates, {tally.processed} processed, "
        f"not processed: {dict(tally.failures)}\n"
        f"catalogued places checked by action: {dict(sorted(tally.places.items()))}\n"
        f"reported: {dict(sorted(tally.reported.items()))}\n"
        f"permissions: {dict(tally.permissions)}"
    )
    failed = {str(o.path.relative_to(CORPUS)): o.failure for o in outcomes if o.result is None}
    assert failed == KNOWN_FAILURES
    assert tally.places["ALIAS_ARN"] > 100 and tally.places["OPAQUE"] > 50
    assert tally.problems == []


def test_processed_corpus_templates_have_no_new_cfn_lint_errors(outcomes: list[Outcome]) -> None:
    regressions: list[str] = []
    clean = 0
    for outcome in outcomes:
        if outcome.result is None or outcome.expanded is None:
            continue
        after = lint_errors(outcome.result.template)
        if not after:
            clean += 1
            continue
        new = after - lint_errors(outcome.expanded)
        regressions += [f"{outcome.path.relative_to(CORPUS)}: {e}" for e in sorted(new)]
    print(f"\ncfn-lint: {clean} processed templates clean, regressions: {len(regressions)}")
    assert regressions == []


@cache
def _linter() -> Any:
    """One cfn-lint runner for the whole corpus: loading its rules is most of a single lint."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    return Runner(ConfigMixIn(regions=["us-east-1"]))


def lint_errors(template: dict[str, Any]) -> set[str]:
    """cfn-lint's errors (rule and message, no path: new resources shift paths)."""
    from cfnlint.decode.decode import decode_str

    decoded, errors = decode_str(json.dumps(template, default=str))
    matches = errors or list(_linter().validate_template(decoded))
    return {f"{m.rule.id} {m.message}" for m in matches if m.rule.id.startswith("E")}
