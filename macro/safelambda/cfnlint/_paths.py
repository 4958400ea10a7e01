"""Where in the template cfn-lint should point for a place in the processed template.

cfn-lint turns a match's path into a line number through its own copy of the template, so the
path must exist there. A place of a resource the author wrote points at the deepest part of the
path the author's template has. A resource that `AWS::Serverless-2016-10-31` made (an event
source mapping, a permission, the implicit API) is not in the author's template: it points at
what made it. SAM names what an event makes `{Function}{Event}…` (aws-sam-translator
`model/eventsources`), so the event is found by that prefix; otherwise the place points at the
function it invokes.
"""

from __future__ import annotations

from typing import Any

from ..template import Path

LintPath = list[str | int]
SAM_PREFIX = "AWS::Serverless::"


def deepest(template: Any, path: Path) -> LintPath:
    """The longest start of `path` that exists in `template`."""
    found: LintPath = []
    here = template
    for step in path:
        in_mapping = isinstance(here, dict) and isinstance(step, str) and step in here
        in_list = isinstance(here, list) and isinstance(step, int) and 0 <= step < len(here)
        if not (in_mapping or in_list):
            break
        here = here[step]
        found.append(step)
    return found


def resources_of(template: Any) -> dict[str, Any]:
    resources = template.get("Resources") if isinstance(template, dict) else None
    return resources if isinstance(resources, dict) else {}


def locate(located: dict[str, Any], resource: str, location: Path, function: str) -> LintPath:
    """The path in `located` for `location` of processed `resource`, which invokes `function`."""
    if resource in resources_of(located):
        return deepest(located, ("Resources", resource, *location))
    return made_by(located, resource) or deepest(located, ("Resources", function))


def made_by(located: dict[str, Any], resource: str) -> LintPath:
    """The SAM resource (and its event) whose logical ID starts the ID of `resource`."""
    resources = resources_of(located)
    owners = [
        logical_id
        for logical_id, declared in resources.items()
        if isinstance(declared, dict)
        and str(declared.get("Type", "")).startswith(SAM_PREFIX)
        and resource.startswith(logical_id)
    ]
    if not owners:
        return []
    owner = max(owners, key=len)
    rest = resource[len(owner) :]
    events = deepest(located, ("Resources", owner, "Properties", "Events"))
    names = resources[owner].get("Properties", {}).get("Events") if len(events) == 4 else None
    matching = [e for e in names if rest.startswith(e)] if isinstance(names, dict) else []
    if matching:
        return events + [max(matching, key=len)]
    return ["Resources", owner]


def in_source(located: dict[str, Any], resource: str) -> bool:
    """`resource` is the author's own, not one a transform made."""
    return resource in resources_of(located)
