"""`check` over a template and the local files it points to, acknowledgements applied.

- A local nested stack is checked as a template of its own (its own transforms, its own
  acknowledgements), its findings named `Stack/Resource` and by its file. A function of the
  parent passed to it unqualified (`Parameters: {Target: !GetAtt Fn.Arn}`) stands in the child
  for that parameter, so where the child invokes `!Ref Target` it invokes the parent's `$LATEST`.
  What the child does with a parameter answers for the parent's `Parameters` (SL302 there).
- A local state machine definition: each `${Name}` whose `DefinitionSubstitutions` value names
  a function unqualified, and is not followed by `:qualifier`, invokes `$LATEST` at that place of
  the file; the file answers for the substitutions (an unused one invokes nothing) and for the
  transform's SL303 on the location.

Pure: `local` reads the files into the `Subject` tree.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import error
from ..references import unqualified
from ..template import FUNCTION, Path, render_path
from . import acknowledge, check
from .acknowledge import Acknowledgement
from .check import Definition, Finding, Nested, Processed, Subject

PARAMETERS = "Properties.Parameters"
SUBSTITUTIONS = "Properties.DefinitionSubstitutions"
# Step Functions definition substitutions: `${name}` (the Sub syntax without intrinsics).
SUBSTITUTION = re.compile(r"\$\{([^}!][^}]*)\}")


def run(subject: Subject, acknowledged: Sequence[Acknowledgement] = ()) -> list[Finding]:
    """Every finding of the template and its local files; `acknowledged` (the command line's)
    name resources as `Stack/Resource` for what nested stacks find."""
    findings = _document(subject)
    chosen, stale = acknowledge.settle(acknowledged, [_key(f, True) for f in findings])
    marked = [_mark(f, a) for f, a in zip(findings, chosen, strict=True)]
    return marked + [Finding(a.stale()) for a in stale]


def _document(subject: Subject) -> list[Finding]:
    own = [f for f in check.run(subject) if not _answered(f, subject)]
    own += [Finding(p) for p in subject.problems]
    for definition in subject.definitions:
        own += _definition(subject, definition)
    acknowledgements, problems = acknowledge.read(subject.source)
    chosen, stale = acknowledge.settle(acknowledgements, [_key(f, False) for f in own])
    marked = [_mark(f, a) for f, a in zip(own, chosen, strict=True)]
    marked += [Finding(p) for p in problems] + [Finding(a.stale()) for a in stale]
    for nested in subject.nested:
        marked += [_inside(f, nested) for f in _document(_bound(nested, subject))]
    return marked


def _key(finding: Finding, qualified: bool) -> tuple[str, str | None, str | None]:
    resource = finding.resource if qualified else finding.problem.resource
    return finding.problem.code, resource, finding.problem.path


def _mark(finding: Finding, acknowledgement: Acknowledgement | None) -> Finding:
    if acknowledgement is None or finding.acknowledged is not None:
        return finding
    return dataclasses.replace(finding, acknowledged=acknowledgement)


def _inside(finding: Finding, nested: Nested) -> Finding:
    file = finding.file or nested.file
    return dataclasses.replace(finding, file=file, stack=(nested.stack, *finding.stack))


def _answered(finding: Finding, subject: Subject) -> bool:
    """A place of the parent whose local file was read: the file's findings replace it."""
    places = [(n.stack, PARAMETERS) for n in subject.nested]
    for definition in subject.definitions:
        places += [(definition.resource, SUBSTITUTIONS)]
        places += [(definition.resource, f"Properties.{definition.property}")]
    path = finding.problem.path or ""
    return any(
        finding.problem.resource == resource and (path == at or path.startswith(at + "."))
        for resource, at in places
    )


def _passed(template: dict[str, Any], resource: str, under: str) -> dict[str, str]:
    """Name under `resource`'s `under` (a parameter, a substitution) -> the function it passes
    unqualified."""
    prefix = under + "."
    return {
        place.path[len(prefix) :].split(".", 1)[0]: place.function
        for place in unqualified(template)
        if place.resource == resource and place.path.startswith(prefix)
    }


def _bound(nested: Nested, parent: Subject) -> Subject:
    """The child with a stand-in function for each parameter the parent passes unqualified."""
    passed = _passed(parent.new.template, nested.stack, PARAMETERS)
    child = nested.subject
    resources = child.new.template.get("Resources")
    resources = resources if isinstance(resources, dict) else {}
    stand_ins = {
        name: {"Type": FUNCTION, "Properties": {}} for name in passed if name not in resources
    }
    if not stand_ins:
        return child
    template = {**child.new.template, "Resources": {**resources, **stand_ins}}
    names = {
        name: f"{function} of the parent stack (parameter {name} of {nested.stack})"
        for name, function in passed.items()
        if name in stand_ins
    }
    return dataclasses.replace(
        child, new=Processed(template, child.new.context), passed={**child.passed, **names}
    )


def _definition(subject: Subject, definition: Definition) -> list[Finding]:
    passed = _passed(subject.new.template, definition.resource, SUBSTITUTIONS)
    found: dict[tuple[str, str], Finding] = {}
    for path, text in _strings(definition.document, ("Definition",)):
        for match in SUBSTITUTION.finditer(text):
            name = match.group(1).strip()
            if name not in passed or text[match.end() : match.end() + 1] == ":":
                continue
            where = render_path(path)
            message = (
                f"invokes {passed[name]} unqualified (substitution {name}): every call reaches "
                "$LATEST, which is torn while an update runs"
            )
            problem = error("SL411", message, definition.resource, where)
            details = {"Function": passed[name], "Substitution": name}
            found.setdefault((where, name), Finding(problem, details, file=definition.file))
    return list(found.values())


def _strings(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))
