"""Acknowledgements: findings a team has reviewed, listed as acknowledged instead of failing.

The model is cfn-lint's `Metadata: cfn-lint: config: ignore_checks`, on the template and on a
resource (cfn-lint README, "Metadata"; issue #1294 for SAM resources). Two differences: an
acknowledged finding stays listed, so the review shows; and an acknowledgement that matches no
finding is itself an error (SL415): left behind after the fix, it would silently pass the next,
unreviewed finding of the same code at that place.

- `Metadata.SafeLambda.Acknowledge` on the template: a list whose entries are a code (`SL302`:
  every finding of that code in the template), `CODE:Resource[.Path]`, or a mapping with `Code`
  and optional `Resource`, `Path` and `Reason`.
- The same list on a resource, whose logical ID is implied (`Resource` is not allowed there).
- `--acknowledge CODE[:Resource[.Path]]` on the command line, for the checked template and,
  with `Stack/Resource`, for what its nested stacks find.

A path matches itself and everything under it (`Properties.Environment` covers
`Properties.Environment.Variables.OTHER`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from ..errors import CODES, Problem, error

KEY = "Acknowledge"
WHERE = f"Metadata.SafeLambda.{KEY}"
COMMAND_LINE = "--acknowledge"
OWN = frozenset({"SL415", "SL416"})  # acknowledging an acknowledgement problem hides nothing
ENTRY = re.compile(r"(SL\d{3})(?::([A-Za-z0-9/]+)(?:\.(\S+))?)?")
FIELDS = {"Code", "Resource", "Path", "Reason"}


class Acknowledgement(NamedTuple):
    code: str
    resource: str | None  # None: any resource; `Stack/Resource` for a nested stack's finding
    path: str | None  # None: any path; else this path and everything under it
    reason: str | None
    written: tuple[str | None, str]  # (resource, path) where it is written, for SL415

    def matches(self, code: str, resource: str | None, path: str | None) -> bool:
        if code != self.code or (self.resource is not None and resource != self.resource):
            return False
        if self.path is None:
            return True
        found = path or ""
        return found == self.path or found.startswith((self.path + ".", self.path + "["))

    @property
    def by(self) -> str:
        """Where it is written: `Fn.Metadata.SafeLambda.Acknowledge[0]`, `--acknowledge[1]`."""
        return ".".join(p for p in self.written if p)

    def as_dict(self) -> dict[str, str]:
        return {"By": self.by, **({"Reason": self.reason} if self.reason else {})}

    def describe(self) -> str:
        place = ".".join(p for p in (self.resource, self.path) if p)
        return f"{self.code} at {place}" if place else f"every {self.code}"

    def stale(self) -> Problem:
        resource, path = self.written
        message = (
            f"acknowledges {self.describe()}, but check finds none: remove it, so it "
            "cannot pass a later finding nobody reviewed"
        )
        return error("SL415", message, resource, path)


def read(template: Any) -> tuple[list[Acknowledgement], list[Problem]]:
    """The acknowledgements written in a template: its own, then each resource's."""
    parsed: list[Acknowledgement | Problem] = []
    if not isinstance(template, Mapping):
        return [], []
    for owner, metadata in _metadata(template):
        entries = metadata.get(KEY)
        if entries is None:
            continue
        if not isinstance(entries, list):
            parsed.append(error("SL416", "must be a list of acknowledgements", owner, WHERE))
            continue
        parsed += [_entry(e, owner, (owner, f"{WHERE}[{i}]")) for i, e in enumerate(entries)]
    return _split(parsed)


def from_command_line(items: Iterable[str]) -> tuple[list[Acknowledgement], list[Problem]]:
    return _split([_text(t, None, (None, f"{COMMAND_LINE}[{i}]")) for i, t in enumerate(items)])


def settle(
    acknowledgements: Sequence[Acknowledgement],
    findings: Sequence[tuple[str, str | None, str | None]],
) -> tuple[list[Acknowledgement | None], list[Acknowledgement]]:
    """For each (code, resource, path) its first matching acknowledgement; and those matching
    none. An acknowledgement counts as used when it matches any finding, even one another
    acknowledgement already covers."""
    used: set[int] = set()
    chosen: list[Acknowledgement | None] = []
    for code, resource, path in findings:
        hits = [i for i, a in enumerate(acknowledgements) if a.matches(code, resource, path)]
        used.update(hits)
        chosen.append(acknowledgements[hits[0]] if hits else None)
    return chosen, [a for i, a in enumerate(acknowledgements) if i not in used]


def _metadata(template: Mapping[str, Any]) -> list[tuple[str | None, Mapping[str, Any]]]:
    owners: list[tuple[str | None, Any]] = [(None, template.get("Metadata"))]
    resources = template.get("Resources")
    if isinstance(resources, Mapping):
        owners += [
            (str(k), r.get("Metadata")) for k, r in resources.items() if isinstance(r, Mapping)
        ]
    found = []
    for owner, metadata in owners:
        own = metadata.get("SafeLambda") if isinstance(metadata, Mapping) else None
        if isinstance(own, Mapping):
            found.append((owner, own))
    return found


def _entry(
    entry: Any, owner: str | None, written: tuple[str | None, str]
) -> Acknowledgement | Problem:
    if isinstance(entry, str):
        return _text(entry, owner, written)
    if not isinstance(entry, Mapping) or not isinstance(entry.get("Code"), str):
        return _malformed("must be a code, CODE:Resource[.Path] or a mapping with Code", written)
    allowed = FIELDS - {"Resource"} if owner else FIELDS  # on a resource, the resource is implied
    unknown = sorted(str(k) for k in entry if k not in allowed)
    if unknown:
        known = ", ".join(sorted(allowed))
        return _malformed(f"cannot have {', '.join(unknown)} here (it may have {known})", written)
    if any(not isinstance(entry.get(k, ""), str) for k in allowed):
        return _malformed(f"{', '.join(sorted(allowed))} must be strings", written)
    resource = owner or entry.get("Resource")
    return _checked(entry["Code"], resource, entry.get("Path"), entry.get("Reason"), written)


def _text(
    text: str, owner: str | None, written: tuple[str | None, str]
) -> Acknowledgement | Problem:
    match = ENTRY.fullmatch(text.strip())
    if match is None or (owner and match.group(2)):
        form = "a code" if owner else "CODE or CODE:Resource[.Path]"
        return _malformed(f"{text!r} is not {form} (for example SL302)", written)
    return _checked(match.group(1), owner or match.group(2), match.group(3), None, written)


def _checked(
    code: str,
    resource: str | None,
    path: str | None,
    reason: str | None,
    written: tuple[str | None, str],
) -> Acknowledgement | Problem:
    if code not in CODES or code in OWN:
        return _malformed(f"{code} is not a code check reports", written)
    return Acknowledgement(code, resource or None, path or None, reason, written)


def _malformed(message: str, written: tuple[str | None, str]) -> Problem:
    return error("SL416", message, *written)


def _split(
    parsed: list[Acknowledgement | Problem],
) -> tuple[list[Acknowledgement], list[Problem]]:
    found = [p for p in parsed if isinstance(p, Acknowledgement)]
    return found, [p for p in parsed if isinstance(p, Problem)]
