"""Run one real-world template through the whole chain and judge the result.

Load (cfn-flip, through `safelambda.cli.load_template`) -> expand SAM offline (aws-sam-translator)
-> SafeLambda -> checks: nothing lost, JSON-serialisable, deterministic, idempotent, no new
cfn-lint error, every catalogued invocation on the alias. Shared by `tests/test_corpus.py` and
`scripts/corpus_report.py`; neither caches anything between runs.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import json
import os
import re
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import ROOT
from safelambda import TransformError, cli, transform
from safelambda.offline import sam
from safelambda.references import catalog
from safelambda.template.resolve import DeployContext
from safelambda.transform import Result

# CI checks the shared folder out beside the repository; SAFELAMBDA_SHARED points elsewhere.
SHARED = Path(os.environ.get("SAFELAMBDA_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus"
REGION = "us-east-1"

# Outcomes, best first. The first three are fine: SafeLambda processed the template, or a tool
# that is not SafeLambda (the YAML loader, the SAM translator) rejected it, as it would at deploy.
OK = "ok"
REJECTED_LOAD = "rejected by the loader (coded)"
REJECTED_SAM = "rejected by SAM (coded)"
REJECTED_INVALID = "invalid CloudFormation, rejected (coded)"
REFUSED = "refused by SafeLambda (coded)"
CRASH = "crash"
LOST = "lost something"
NOT_JSON = "not JSON-serialisable"
UNSTABLE = "not deterministic or not idempotent"
NEW_LINT = "new cfn-lint errors"
NOT_ON_ALIAS = "integration not on the alias"
OUTCOMES = (OK, REJECTED_LOAD, REJECTED_SAM, REJECTED_INVALID, REFUSED, CRASH, LOST, NOT_JSON)
OUTCOMES += (UNSTABLE, NEW_LINT, NOT_ON_ALIAS)
ACCEPTABLE = frozenset({OK, REJECTED_LOAD, REJECTED_SAM, REJECTED_INVALID})
# Codes that mean "CloudFormation would reject this template too". A refusal counts as such only
# when cfn-lint also finds an error in the input that does not depend on today's date.
INVALID_INPUT = frozenset(
    {"SL001", "SL002", "SL003", "SL004", "SL005", "SL007", "SL009", "SL012", "SL016", "SL017"}
    | {"SL018", "SL019", "SL040", "SL041", "SL042"}
)
DATED_RULES = frozenset({"E2531", "E2533"})  # runtime deprecation: depends on today's date

# Catalog actions whose places must invoke the alias (or, for VERSION_ARN, a Version) after the
# transform. LEAVE places stay unqualified on purpose; QUALIFIER and EXTEND_IAM places keep the
# function's name by design, so a bare name there is not a miss.
INVOKING_ACTIONS = frozenset({"ALIAS_ARN", "ALIAS_ARN_STR", "OPAQUE", "VERSION_ARN"})

PLACEHOLDER_BUCKET = "safelambda-corpus-artifacts"
# A local image that `sam build` would push: the same stand-in `sam validate` uses.
PLACEHOLDER_IMAGE = "111111111111.dkr.ecr.us-east-1.amazonaws.com/repository:latest"
PLACEHOLDER_VALUES = {
    "Number": "1",
    "AWS::EC2::VPC::Id": "vpc-0123456789abcdef0",
    "AWS::EC2::Subnet::Id": "subnet-0123456789abcdef0,subnet-0123456789abcdef1",
    "AWS::EC2::SecurityGroup::Id": "sg-0123456789abcdef0",
}


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml"))


@dataclass
class Run:
    """What happened to one template."""

    name: str
    outcome: str = OK
    detail: str = ""
    sam: bool = False
    functions: int = 0
    rewrites: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    result: Result | None = None  # SafeLambda's output, when it got that far

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


class Verdict(Exception):
    """Ends a run early with an outcome other than OK."""

    def __init__(self, outcome: str, detail: str) -> None:
        super().__init__(detail)
        self.outcome, self.detail = outcome, detail


# -- inputs the offline tools need ------------------------------------------------------------


def _s3_placeholder(value: Any) -> Any:
    """A local path becomes an s3:// stand-in (as `sam validate` does); S3 and intrinsics stay."""
    if isinstance(value, str) and not value.startswith("s3://"):
        key = re.sub(r"[^A-Za-z0-9/._-]", "-", value.strip("./")) or "root"
        return f"s3://{PLACEHOLDER_BUCKET}/{key}"
    return value


LOCAL_PATHS: dict[str, tuple[str, ...]] = {
    "AWS::Serverless::Function": ("CodeUri",),
    "AWS::Serverless::LayerVersion": ("ContentUri",),
    "AWS::Serverless::Api": ("DefinitionUri",),
    "AWS::Serverless::HttpApi": ("DefinitionUri",),
    "AWS::Serverless::StateMachine": ("DefinitionUri",),
    "AWS::Serverless::GraphQLApi": ("SchemaUri",),
}


def _has_code(props: dict[str, Any], template: dict[str, Any]) -> bool:
    globals_ = template.get("Globals")
    function_globals = globals_.get("Function") if isinstance(globals_, dict) else None
    shared = function_globals if isinstance(function_globals, dict) else {}
    keys = ("CodeUri", "InlineCode", "ImageUri")
    return props.get("PackageType") == "Image" or any(k in props or k in shared for k in keys)


def packaged(template: dict[str, Any]) -> dict[str, Any]:
    """The template as `sam package` would leave it: local artifact paths point at S3."""
    out = copy.deepcopy(template)
    globals_ = out.get("Globals")
    function_globals = globals_.get("Function") if isinstance(globals_, dict) else None
    if isinstance(function_globals, dict) and "CodeUri" in function_globals:
        function_globals["CodeUri"] = _s3_placeholder(function_globals["CodeUri"])
    for resource in (out.get("Resources") or {}).values():
        if not isinstance(resource, dict) or not isinstance(resource.get("Properties"), dict):
            continue
        props = resource["Properties"]
        for key in LOCAL_PATHS.get(resource.get("Type", ""), ()):
            if key in props:
                props[key] = _s3_placeholder(props[key])
        if resource.get("Type") == "AWS::Serverless::Application":
            location = props.get("Location")
            if isinstance(location, str) and not location.startswith("https://"):
                key = _s3_placeholder(location).removeprefix("s3://")
                props["Location"] = f"https://s3.amazonaws.com/{key}"
        if props.get("PackageType") == "Image" and "ImageUri" not in props:
            props["ImageUri"] = PLACEHOLDER_IMAGE
        elif resource.get("Type") == "AWS::Serverless::Function" and not _has_code(props, out):
            props["CodeUri"] = _s3_placeholder(".")  # `sam build` reads a missing CodeUri as "."
    return out


def placeholder_overrides(template: dict[str, Any]) -> dict[str, str]:
    """A value for every parameter without a Default: what a user would pass at deploy."""
    declared = template.get("Parameters")
    overrides: dict[str, str] = {}
    for name, spec in (declared if isinstance(declared, dict) else {}).items():
        if not isinstance(spec, dict) or "Default" in spec:
            continue
        allowed = spec.get("AllowedValues")
        kind = str(spec.get("Type", "String")).removeprefix("List<").removesuffix(">")
        if isinstance(allowed, list) and allowed:
            overrides[name] = str(allowed[0])
        else:
            overrides[name] = PLACEHOLDER_VALUES.get(kind, "placeholder")
    return overrides


# -- the command a user runs -------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """`safelambda transform FILE` on one corpus file, as a user runs it (in this process)."""

    name: str
    code: int
    stderr: str

    @property
    def codes(self) -> set[str]:
        return {line.split()[0] for line in self.stderr.splitlines() if line.startswith("SL")}


def transform_command(path: Path) -> Command:
    """The real command line, with a value for each parameter that has no default."""
    args = ["transform", str(path), "--format", "json", "--region", REGION]
    with contextlib.suppress(TransformError):  # the command itself reports unreadable files
        template = cli.load_template(str(path))
        given = placeholder_overrides(template) if isinstance(template, dict) else {}
        args += ["--parameter-overrides", *(f"{k}={v}" for k, v in given.items())] if given else []
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(args)
    return Command(str(path.relative_to(CORPUS)), code, err.getvalue())


# -- the checks -------------------------------------------------------------------------------

SECTIONS = ("Parameters", "Conditions", "Resources", "Outputs")


def lost_items(
    before: dict[str, Any],
    after: dict[str, Any],
    versions: set[str],
    renamed: dict[str, str] | None = None,
) -> list[str]:
    """Entries of `before` missing or retyped in `after`; `versions` may be replaced on purpose,
    and `renamed` resources (the report's `replaced`: API Deployments, target groups) live on
    under their new logical IDs."""
    renamed = renamed or {}
    lost = []
    for section in SECTIONS:
        old, new = before.get(section) or {}, after.get(section) or {}
        lost += [
            f"{section}.{k}" for k in old if renamed.get(k, k) not in new and k not in versions
        ]
    for rid, resource in (before.get("Resources") or {}).items():
        new = (after.get("Resources") or {}).get(renamed.get(rid, rid))
        if new is not None and new.get("Type") != resource.get("Type"):
            lost.append(f"Resources.{rid}.Type")
    return lost


def replaceable_versions(before: dict[str, Any], functions: set[str]) -> set[str]:
    """SAM's `{Fn}Version<hash>` resources: SafeLambda replaces them with its own Version."""
    found = set()
    for rid, resource in (before.get("Resources") or {}).items():
        if resource.get("Type") != "AWS::Lambda::Version":
            continue
        target = (resource.get("Properties") or {}).get("FunctionName")
        fid = target.get("Ref") if isinstance(target, dict) else None
        if fid in functions and re.fullmatch(re.escape(fid) + "Version[0-9a-f]{10}", rid):
            found.add(rid)
    return found


def unqualified_in(value: Any, functions: dict[str, str]) -> Iterator[str]:
    """Every way `value` still names a function's `$LATEST`: Ref, .Arn, ${Fn}, ${Fn.Arn}."""
    if isinstance(value, list):
        for item in value:
            yield from unqualified_in(item, functions)
        return
    if not isinstance(value, dict):
        return
    if value.get("Ref") in functions and len(value) == 1:
        yield f"Ref {value['Ref']}"
        return
    getatt = value.get("Fn::GetAtt")
    parts = getatt.split(".", 1) if isinstance(getatt, str) else getatt
    if len(value) == 1 and isinstance(parts, list) and parts[:1] and parts[0] in functions:
        if parts[1:] == ["Arn"]:
            yield f"GetAtt {parts[0]}.Arn"
        return
    sub = value.get("Fn::Sub")
    text = sub[0] if isinstance(sub, list) and sub else sub
    if len(value) == 1 and isinstance(text, str):
        for fid, alias in functions.items():
            if re.search(r"\$\{%s(\.Arn)?\}(?!:%s\b)" % (re.escape(fid), re.escape(alias)), text):
                yield f"Sub ${{{fid}}}"
    for item in value.values():
        yield from unqualified_in(item, functions)


def off_alias(processed: dict[str, Any], functions: dict[str, str]) -> list[str]:
    """Catalogued invocation places that still reach `$LATEST` (function id -> alias name)."""
    misses = []
    for rid, resource in processed["Resources"].items():
        props = resource.get("Properties")
        if not isinstance(props, dict):
            continue
        for entry in catalog.entries_for(resource["Type"]):
            if entry.action not in INVOKING_ACTIONS:
                continue
            for path, value in catalog.expand(props, entry.path):
                where = "/".join(str(p) for p in path)
                misses += [f"{rid}/{where}: {m}" for m in unqualified_in(value, functions)]
    return misses


@functools.cache
def _linter() -> Any:
    """One cfn-lint runner per process: loading its rules costs more than linting a template."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    return Runner(ConfigMixIn(regions=[REGION]))


def warm_up() -> None:
    _linter()


def lint_matches(template: dict[str, Any]) -> set[tuple[str, str]]:
    """cfn-lint errors (not warnings) as (rule id, path): comparable between two templates."""
    from cfnlint.decode.decode import decode_str

    text = json.dumps({k: v for k, v in template.items() if k != "Transform"})
    decoded, problems = decode_str(text)
    matches = problems or list(_linter().validate_template(decoded))
    return {
        (m.rule.id, "/".join(str(p) for p in m.path or ()))
        for m in matches
        if m.rule.id.startswith("E")
    }


# -- one template, start to end ---------------------------------------------------------------


def _timed(run: Run, stage: str, action: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    try:
        return action()
    finally:
        run.seconds[stage] = run.seconds.get(stage, 0.0) + time.perf_counter() - start


def _expanded(run: Run, path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The macro's input and the parameter values CloudFormation would pass it."""
    try:
        template = _timed(run, "load", lambda: cli.load_template(str(path)))
    except TransformError as failure:
        raise Verdict(REJECTED_LOAD, str(failure)) from None
    if not isinstance(template, dict):
        raise Verdict(REJECTED_LOAD, "not a mapping")
    values = cli.parameter_values(template, placeholder_overrides(template))
    run.sam = sam.SAM_TRANSFORM in sam.transforms_of(template)
    if run.sam:
        try:
            template = _timed(
                run, "sam", lambda: sam.expand(packaged(template), values, REGION, "aws")
            )
        except TransformError as failure:
            raise Verdict(REJECTED_SAM, str(failure)) from None
    return template, values


def _transformed(run: Run, fragment: dict[str, Any], values: dict[str, Any]) -> Any:
    context = DeployContext(REGION, "123456789012", values)
    before = json.dumps(fragment, sort_keys=True)
    try:
        result = _timed(run, "safelambda", lambda: transform(fragment, context))
    except TransformError as failure:
        codes = {p.code for p in failure.problems}
        invalid = (
            codes <= INVALID_INPUT
            and {rule for rule, _ in _timed(run, "lint", lambda: lint_matches(fragment))}
            - DATED_RULES
        )
        raise Verdict(REJECTED_INVALID if invalid else REFUSED, str(failure)) from None
    if json.dumps(fragment, sort_keys=True) != before:
        raise Verdict(UNSTABLE, "the input template was mutated")
    return result


def _check(run: Run, fragment: dict[str, Any], values: dict[str, Any]) -> None:
    result = run.result = _transformed(run, fragment, values)
    processed = result.template
    run.functions, run.rewrites = len(result.report.functions), len(result.report.rewrites)
    try:
        text = json.dumps(processed)
    except (TypeError, ValueError) as failure:
        raise Verdict(NOT_JSON, str(failure)) from None
    functions = {fid: f["AliasName"] for fid, f in result.report.functions.items()}
    versions = replaceable_versions(fragment, set(functions))
    lost = lost_items(fragment, processed, versions, dict(result.report.replaced))
    if lost:
        raise Verdict(LOST, ", ".join(lost))
    _stable(fragment, text, DeployContext(REGION, "123456789012", values))
    misses = off_alias(processed, functions)
    if misses:
        raise Verdict(NOT_ON_ALIAS, "; ".join(misses))
    _lint(run, fragment, processed)


def _stable(fragment: dict[str, Any], text: str, context: DeployContext) -> None:
    if json.dumps(transform(copy.deepcopy(fragment), context).template) != text:
        raise Verdict(UNSTABLE, "the same input gave different output")
    if json.dumps(transform(json.loads(text), context).template) != text:
        raise Verdict(UNSTABLE, "a second transform changed the processed template")


def _lint(run: Run, fragment: dict[str, Any], processed: dict[str, Any]) -> None:
    # Errors only count when new: runtime deprecation rules depend on today's date, and many
    # samples fail other rules already. The input is linted only when the output has errors
    # (no errors after means no new ones), which halves the corpus run.
    after = _timed(run, "lint", lambda: lint_matches(processed))
    if not after:
        return
    before = _timed(run, "lint", lambda: lint_matches(fragment))
    new = sorted(after - before)
    if new:
        raise Verdict(NEW_LINT, "; ".join(f"{rule} {path}" for rule, path in new))


@functools.cache
def all_runs() -> dict[str, Run]:
    """Every corpus file through the chain, once per test process (several modules read it)."""
    return {run.name: run for run in map(run_template, corpus_files())}


def run_template(path: Path) -> Run:
    """Every stage for one corpus file; never raises (a crash is an outcome)."""
    run = Run(str(path.relative_to(CORPUS)) if path.is_relative_to(CORPUS) else str(path))
    try:
        fragment, values = _expanded(run, path)
        _check(run, fragment, values)
    except Verdict as verdict:
        run.outcome, run.detail = verdict.outcome, verdict.detail
    except Exception:
        run.outcome, run.detail = CRASH, traceback.format_exc(limit=-3)
    return run
