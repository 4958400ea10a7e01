"""Run a template's whole `Transform` list offline, in order, as CloudFormation would.

`AWS::LanguageExtensions` (the part that needs only parameter values, `language.py`),
`AWS::Serverless-2016-10-31` (aws-sam-translator, `sam.py`) and SafeLambda itself run here; any
other transform in the list (a custom macro, a template-level `AWS::Include`) needs the cloud and
is an error (`SL401`), never silently skipped. Local `Fn::Transform` includes are inserted before
this runs (`include.py`: it reads files). Pure apart from the translator's region variable: no
files, no network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem, TransformError, error
from ..template import DeployContext, partition_of
from ..transform import Result, transform
from . import language, sam

MACRO = "SafeLambda"


@dataclass(frozen=True)
class Options:
    """What CloudFormation would know about the deploy, and how far to go."""

    region: str = "us-east-1"
    account_id: str = "123456789012"
    parameters: Mapping[str, Any] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=dict)
    macro_name: str = MACRO

    @property
    def context(self) -> DeployContext:
        return DeployContext(self.region, self.account_id, self.parameters)


@dataclass
class Outcome:
    """Every stage of one offline run."""

    source: dict[str, Any]
    output: dict[str, Any]
    options: Options
    listed: list[str] = field(default_factory=list)  # the transforms the template lists
    ran: list[str] = field(default_factory=list)
    macro_input: dict[str, Any] | None = None  # the fragment SafeLambda receives
    result: Result | None = None  # what SafeLambda made of it
    warnings: list[Problem] = field(default_factory=list)  # the transforms' before SafeLambda's

    @property
    def all_warnings(self) -> list[Problem]:
        """Every warning of the run: the offline transforms', then SafeLambda's report."""
        return self.warnings + list(self.result.report.warnings if self.result else ())


Stage = Callable[[dict[str, Any], Options], tuple[dict[str, Any], list[Problem]]]


def _language(template: dict[str, Any], options: Options) -> tuple[dict[str, Any], list[Problem]]:
    return language.expand(template, options.context), []


def _sam(template: dict[str, Any], options: Options) -> tuple[dict[str, Any], list[Problem]]:
    partition, _ = partition_of(options.region)
    return sam.translate(template, options.parameters, options.region, partition)


STAGES: dict[str, Stage] = {language.NAME: _language, sam.SAM_TRANSFORM: _sam}


def _name_and_parameters(item: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(item, str):
        return item, {}
    if isinstance(item, dict) and isinstance(item.get("Name"), str):
        parameters = item.get("Parameters")
        return item["Name"], parameters if isinstance(parameters, dict) else {}
    raise TransformError([error("SL401", "a Transform entry has no name", None, "Transform")])


def macro_parameters(template: Mapping[str, Any], name: str = MACRO) -> dict[str, Any]:
    """The `Parameters` the template's Transform list gives SafeLambda (installed as `name`)."""
    for item in sam.transforms_of(template):
        if isinstance(item, dict) and item.get("Name") == name:
            found = item.get("Parameters")
            return found if isinstance(found, dict) else {}
    return {}


def run(template: dict[str, Any], options: Options, *, add_macro: bool = False) -> Outcome:
    """Run every listed transform; with `add_macro`, SafeLambda last even when not listed."""
    listed = [_name_and_parameters(item) for item in sam.transforms_of(template)]
    names = [name for name, _ in listed]
    if add_macro and options.macro_name not in names:
        listed.append((options.macro_name, {}))
    unknown = [n for n in names if n not in STAGES and n != options.macro_name]
    if unknown:
        supported = _supported(options)
        raise TransformError(
            error("SL401", f"{n} cannot run offline; only {supported} can", None, "Transform")
            for n in unknown
        )
    outcome = Outcome(source=template, output=template, options=options, listed=names)
    current = template
    for name, parameters in listed:
        if name == options.macro_name:
            current = _macro(current, parameters, options, outcome)
        else:
            current, warnings = STAGES[name](current, options)
            outcome.warnings += warnings
        outcome.ran.append(name)
    outcome.output = {k: v for k, v in current.items() if k != "Transform"}
    return outcome


def _macro(
    template: dict[str, Any], parameters: dict[str, Any], options: Options, outcome: Outcome
) -> dict[str, Any]:
    outcome.macro_input = {k: v for k, v in template.items() if k != "Transform"}
    outcome.result = transform(
        outcome.macro_input, options.context, parameters=parameters, environ=options.environ
    )
    return outcome.result.template


def _supported(options: Options) -> str:
    return ", ".join([*STAGES, options.macro_name])
