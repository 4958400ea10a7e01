"""What the rules share: the template as `safelambda check` reads it, processed offline once.

cfn-lint 1.58 does not run `AWS::Serverless-2016-10-31` before its rules: it only merges SAM
`Globals` into the `AWS::Serverless::*` resources, in place (`template/transforms/transform.py`),
and leaves `Transform` as written (`cfn.template["Transform"]` and
`cfn.transform_pre["Transform"]` both list SafeLambda). So a rule sees no integration SAM
makes. The rules therefore read the template as `check` does: the file again through
SafeLambda's loader (cfn-lint's copy has `Globals` merged already, and SAM would merge them a
second time), then every transform it lists, offline (`offline.pipeline`). Only templates
without a file (stdin, `cfnlint.api.lint` of a string) use cfn-lint's copy, without `Globals`.

One `Analysis` per cfn-lint template and macro name: the rules run one after the other on the
same `cfn` object, and the SAM expansion is the slow part.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass, replace
from typing import Any

from ..errors import Problem, TransformError, error
from ..offline import pipeline, sam
from ..template import FUNCTION, DeployContext

MACRO = pipeline.MACRO
SERVERLESS_FUNCTION = "AWS::Serverless::Function"
# A template without one of these has no function of its own to invoke: nothing to analyse.
FUNCTION_TYPES = frozenset({FUNCTION, SERVERLESS_FUNCTION})
ACCOUNT = DeployContext().account_id  # the account `safelambda check` assumes


@dataclass(frozen=True)
class Analysis:
    """One template before and after its transforms, and where cfn-lint points into it."""

    source: dict[str, Any]  # as written
    located: dict[str, Any]  # cfn-lint's copy: the paths of a RuleMatch must exist in it
    macro: bool  # SafeLambda is in `Transform`: what the macro rewrites is not a finding
    regions: tuple[str, ...]
    parameters: dict[str, Any]  # parameter defaults; parameters without one stay unresolved
    processed: dict[str, Any] | None  # after every listed transform; None when that failed
    problems: tuple[Problem, ...] = ()  # why it failed

    @property
    def context(self) -> DeployContext:
        return self.context_in(self.regions[0])

    def context_in(self, region: str) -> DeployContext:
        return DeployContext(region, ACCOUNT, self.parameters)


_CACHE: weakref.WeakKeyDictionary[Any, dict[str, Analysis | None]] = weakref.WeakKeyDictionary()


def analysis(cfn: Any, macro_name: str = MACRO) -> Analysis | None:
    """The template cfn-lint checks, processed as `check` would; None without a function."""
    done = _CACHE.setdefault(cfn, {})
    if macro_name not in done:
        done[macro_name] = _analyse(cfn, macro_name)
    return done[macro_name]


def has_functions(template: Any) -> bool:
    resources = template.get("Resources") if isinstance(template, dict) else None
    return isinstance(resources, dict) and any(
        isinstance(r, dict) and r.get("Type") in FUNCTION_TYPES for r in resources.values()
    )


def transform_names(template: dict[str, Any]) -> list[str]:
    """The names in `Transform`: a string, or the `Name` of a transform with parameters."""
    names = []
    for item in sam.transforms_of(template):
        name = item.get("Name") if isinstance(item, dict) else item
        if isinstance(name, str):
            names.append(name)
    return names


def _analyse(cfn: Any, macro_name: str) -> Analysis | None:
    located = cfn.template
    source = _source(cfn.filename, located)
    if not (has_functions(source) or has_functions(located)):
        return None
    regions = tuple(str(r) for r in cfn.regions) or (DeployContext().region,)
    parameters = _defaults(source)
    macro = macro_name in transform_names(source)
    found = Analysis(source, located, macro, regions, parameters, None)
    options = pipeline.Options(regions[0], ACCOUNT, parameters, dict(os.environ), macro_name)
    try:
        return replace(found, processed=pipeline.run(source, options).output)
    except TransformError as failure:
        return replace(found, problems=failure.problems)
    except Exception as failure:  # a rule that raises is cfn-lint's E0002 and hides the rest
        return replace(found, problems=(error("SL999", f"{type(failure).__name__}: {failure}"),))


def _source(filename: str | None, located: dict[str, Any]) -> dict[str, Any]:
    """The file as SafeLambda reads it; cfn-lint's copy when there is no file to read."""
    if filename and os.path.isfile(filename):
        from ..cli import load_template

        try:
            loaded = load_template(filename)
        except TransformError:
            loaded = None  # cfn-lint read it, so its own copy is the next best
        if isinstance(loaded, dict):
            return loaded
    return {k: v for k, v in located.items() if k != "Globals"}  # merged by cfn-lint already


def _defaults(template: dict[str, Any]) -> dict[str, Any]:
    """Parameter values from defaults, typed as `check` types them; the rest stays a `Ref`."""
    from ..cli import parameter_values

    declared = template.get("Parameters")
    with_default = {
        name: spec
        for name, spec in (declared.items() if isinstance(declared, dict) else ())
        if isinstance(spec, dict) and "Default" in spec
    }
    try:
        return parameter_values({"Parameters": with_default}, {})
    except TransformError:
        return {}
