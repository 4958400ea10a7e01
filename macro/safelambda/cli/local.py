"""The local files a checked template points to, read into the `Subject` tree `gate` checks.

- Nested stacks: `AWS::CloudFormation::Stack` `TemplateURL` (what SAM makes of an
  `AWS::Serverless::Application` `Location`) naming a local file, as `sam build` and
  `aws cloudformation package` read it: each is processed through its own transforms, with the
  parameter values the parent passes where they are known, and read recursively; a file that
  nests itself is SL414, not a loop.
- State machine definitions: `DefinitionS3Location` (what SAM makes of `DefinitionUri`) naming a
  local JSON or YAML file.

Paths are relative to the folder of the template that names them. A file that cannot be read or
processed is an error (SL413): `check` passes nothing it could not see.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import Problem, TransformError, error
from ..template import NO_VALUE, Resolver, is_resolved, properties
from .check import Definition, Nested, Processed, Subject
from .files import as_passed, load_template

NESTED: dict[str, str] = {
    "AWS::CloudFormation::Stack": "TemplateURL",
    "AWS::Serverless::Application": "Location",
}
DEFINITIONS: dict[str, str] = {
    "AWS::StepFunctions::StateMachine": "DefinitionS3Location",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}

# A template's path, the template and its parameter values -> the template processed through
# its transforms, and their warnings.
Process = Callable[[str, dict[str, Any], dict[str, Any]], tuple[Processed, tuple[Problem, ...]]]


class Reader:
    """Reads a template's local files; `process` runs a template's transforms."""

    def __init__(self, process: Process) -> None:
        self.process = process

    def subject(
        self,
        path: str,
        source: dict[str, Any],
        *,
        processed: Processed,
        warnings: tuple[Problem, ...] = (),
        previous: Processed | None = None,
        chain: tuple[str, ...] = (),
    ) -> Subject:
        """The template at `path` with what its local files hold, read recursively."""
        chain = chain or ((os.path.realpath(path),) if path != "-" else ())
        here = os.path.dirname(path) if path != "-" else ""
        nested: list[Nested] = []
        definitions: list[Definition] = []
        problems: list[Problem] = []
        resources = processed.template.get("Resources")
        for logical_id, resource in (resources if isinstance(resources, dict) else {}).items():
            kind = resource.get("Type") if isinstance(resource, dict) else None
            key = NESTED.get(str(kind)) or DEFINITIONS.get(str(kind))
            target = _local(properties(resource).get(key)) if key else None
            if key is None or target is None:
                continue
            file = os.path.normpath(os.path.join(here, target))
            at = (str(logical_id), f"Properties.{key}")
            if kind in DEFINITIONS:
                found = _definition(file, at, key)
                if isinstance(found, Definition):
                    definitions.append(found)
                else:
                    problems.append(found)
            elif os.path.realpath(file) in chain:
                message = (
                    f"names {file}, a template that already holds this stack, so CloudFormation "
                    f"would nest it forever; point {key} at another template"
                )
                problems.append(error("SL414", message, *at))
            else:
                child = self._nested(file, at, resource, processed, chain=chain)
                if isinstance(child, Nested):
                    nested.append(child)
                else:
                    problems += child
        return Subject(
            processed,
            previous,
            warnings,
            source,
            tuple(nested),
            tuple(definitions),
            tuple(problems),
        )

    def _nested(
        self,
        file: str,
        at: tuple[str, str],
        resource: dict[str, Any],
        parent: Processed,
        *,
        chain: tuple[str, ...],
    ) -> Nested | list[Problem]:
        try:
            source = _read(file, at)
            if not isinstance(source, dict):
                raise TransformError([error("SL413", f"{file} does not hold a template", *at)])
            processed, warnings = self.process(file, source, _values(source, resource, parent))
        except TransformError as failure:
            return [_relocated(p, file, at) for p in failure.problems]
        inner = (*chain, os.path.realpath(file))
        child = self.subject(file, source, processed=processed, warnings=warnings, chain=inner)
        return Nested(at[0], file, child)


def _local(value: Any) -> str | None:
    """A path on disk (`child.yaml`, `./sm/flow.asl.json`), not a URL or an S3 location."""
    if isinstance(value, str) and value and "://" not in value and not value.startswith("s3:"):
        return value
    return None


def _read(file: str, at: tuple[str, str]) -> Any:
    try:
        return load_template(file)
    except TransformError as failure:
        reason = failure.problems[0].message if failure.problems else "cannot read it"
        # The loader says "cannot read <file>: ..." or "cannot parse <file> at ...": name the
        # file once, and say who cannot.
        reason = reason.replace(file, "it")
        why = f"check {reason}" if reason.startswith("cannot ") else reason
        message = (
            f"names local file {file}, but {why}; correct {at[1].removeprefix('Properties.')} "
            "or the file, so that check sees what it invokes"
        )
        raise TransformError([error("SL413", message, *at)]) from None


def _definition(file: str, at: tuple[str, str], key: str) -> Definition | Problem:
    try:
        return Definition(at[0], key, file, _read(file, at))
    except TransformError as failure:
        return failure.problems[0]


def _relocated(problem: Problem, file: str, at: tuple[str, str]) -> Problem:
    """A problem of the child template, as a finding on the stack resource that names it."""
    if problem.code == "SL413":
        return problem
    message = f"nested stack template {file} cannot be processed: {problem.render()}"
    return error("SL413", message, *at)


def _values(source: dict[str, Any], resource: dict[str, Any], parent: Processed) -> dict[str, Any]:
    """The child's parameter values: what the parent passes where it is known at deploy time,
    else the child's defaults; a parameter known neither way stays unresolved."""
    declared = source.get("Parameters")
    given = properties(resource).get("Parameters")
    given = given if isinstance(given, Mapping) else {}
    resolver = Resolver(parent.template, parent.context)
    values: dict[str, Any] = {}
    for name, declaration in (declared if isinstance(declared, dict) else {}).items():
        spec = declaration if isinstance(declaration, dict) else {}
        value = resolver.resolve(given[name]) if name in given else spec.get("Default")
        if value is None or value is NO_VALUE or not is_resolved(value):
            continue
        values[name] = as_passed(spec, value)
    return values
