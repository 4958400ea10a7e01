"""Every function's content hash, each after the hashes of the functions whose Versions it names.

A function may name another function's Version (SAM's CodeDeploy hook pattern: the hook's
`NewVersion: !Ref Fn.Version`, in the CodeDeploy tutorial "Create a file for your
BeforeAllowTraffic Lambda function"). SafeLambda replaces that Version by its own, so the value
`$LATEST` of the hook receives is SafeLambda's Version. The hash reads the name SafeLambda's
output will hold: on a first pass SAM's `FnVersion<sam hash>` and on a second pass SafeLambda's
`FnVersion<hash>` both stand for `FnVersion<hash>`, so a second pass changes nothing, and a new
Version of the function tested gives the hook a new Version too.

Hashes are taken over the template as given: nothing is renamed in it until every function is
hashed. The order is found by trying: a function that names the Version of one not hashed yet
waits for it (`_Later`), without recursion, so a long chain cannot exhaust the stack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from ..errors import Problem, warning
from ..template import properties, rename_by, render_path
from ..work import FunctionPlan, Work
from . import dependencies, hashing
from .takeover import Existing, code_identity


class Planned(NamedTuple):
    plan: FunctionPlan
    resource: dict[str, Any]
    existing: Existing


class _Later(Exception):
    """The function being hashed names a Version of `function`, which is not hashed yet."""

    def __init__(self, function: str) -> None:
        super().__init__(function)
        self.function = function


class _Digests:
    def __init__(self, work: Work, planned: Mapping[str, Planned]) -> None:
        self.work = work
        self.planned = planned
        # Each Version SafeLambda replaces -> the function it belongs to.
        self.owner = {old: fid for fid, p in planned.items() for old in p.existing.versions}
        self.problems: dict[str, list[Problem]] = {}  # also: the functions hashed so far
        self.waiting: list[str] = []

    def run(self) -> list[Problem]:
        for fid in self.planned:
            self.waiting = [fid]
            while self.waiting:
                current = self.waiting[-1]
                if current in self.problems:
                    self.waiting.pop()
                    continue
                try:
                    self.problems[current] = _hash(self.work, self.planned[current], self.name)
                except _Later as later:
                    self.waiting.append(later.function)
                else:
                    self.waiting.pop()
        return [p for fid in self.planned for p in self.problems[fid]]  # in document order

    def name(self, logical_id: str) -> str:
        """The name `logical_id` has in the output: a replaced Version is SafeLambda's."""
        owner = self.owner.get(logical_id)
        if owner is None or owner in self.waiting:
            return logical_id  # not replaced, or a cycle (the input checks refuse those)
        if owner not in self.problems:
            raise _Later(owner)
        return self.planned[owner].plan.version_id


def hash_all(work: Work, planned: Mapping[str, Planned]) -> list[Problem]:
    """Set `digest` and `version_id` of every plan; the warnings, in document order."""
    return _Digests(work, planned).run()


def _hash(work: Work, planned: Planned, name: dependencies.Rename) -> list[Problem]:
    plan, existing = planned.plan, planned.existing
    own = dict(properties(planned.resource))
    if "Description" in own:
        own["Description"] = hashing.strip_marker(own["Description"])
        if own["Description"] == "":
            # Lambda treats "" as no description; a marker-only Description left by an earlier
            # run must hash like the absent one it replaced, or a second run republishes.
            del own["Description"]
    locked, unknown = hashing.split_properties(own)
    locked = code_identity(locked, existing.version_properties)
    resolved = work.resolver.resolve(locked)
    if isinstance(resolved.get("Description"), str):  # as deployed: cut to fit the marker
        resolved = {**resolved, "Description": hashing.fitted(resolved["Description"])}
    renamed = rename_by(resolved, name)  # first: a function it waits for stops it early
    found = dependencies.collect(work.template, work.resolver, resolved, ("Properties",), name)
    document = found.document()
    if existing.version_properties:
        # Version properties are create-only: a change must come with a new logical ID.
        document["Version"] = rename_by(work.resolver.resolve(existing.version_properties), name)
    plan.digest = hashing.content_hash(renamed, document)
    plan.version_id = f"{plan.logical_id}Version{plan.digest[: hashing.ID_LENGTH]}"
    problems = [
        warning(
            "SL101",
            "is a property SafeLambda does not know; it is hashed, so a change to it "
            "publishes a new Version",
            plan.logical_id,
            f"Properties.{n}",
        )
        for n in unknown
    ]
    return problems + [
        warning("SL103", u.message, plan.logical_id, render_path(u.path)) for u in found.unknowns
    ]
