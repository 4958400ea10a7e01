"""Coded problems: every error and warning SafeLambda reports carries a stable `SL` code.

Errors are collected across the whole template and raised together, so one failed deploy lists
every problem. The README's "Error codes" table documents each code; a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# code -> one-line meaning. Ranges: SL0xx input and configuration, SL1xx versions and hashing,
# SL2xx layers, SL3xx references, SL9xx internal.
CODES: dict[str, str] = {
    "SL001": "The fragment is not a JSON object (mapping).",
    "SL002": "`Resources` is missing or is not a mapping.",
    "SL003": "A resource is not a mapping or has no string `Type`.",
    "SL004": "A resource's `Properties` (or `Metadata`) is not a mapping.",
    "SL005": "An `AWS::Serverless::*` resource reached SafeLambda: list SafeLambda after SAM.",
    "SL006": "The macro request event is malformed.",
    "SL007": "The template is larger than CloudFormation's 1 MB limit.",
    "SL008": "The processed template would exceed CloudFormation's 500-resource limit.",
    "SL009": "A template is nested deeper than SafeLambda follows.",
    "SL010": "A SafeLambda setting has an invalid value.",
    "SL011": "A resource SafeLambda must add would reuse an existing logical ID.",
    "SL012": "An intrinsic function is unknown or its arguments are malformed.",
    "SL013": "A template file or parameter override could not be read.",
    "SL014": "The offline SAM expansion failed or is not installed.",
    "SL015": "A template file repeats a key in one mapping; CloudFormation rejects it.",
    "SL016": "A reference or condition names something the template does not declare.",
    "SL017": "A template section (`Parameters`, `Conditions`, `Outputs`, …) is not a mapping.",
    "SL018": "A resource's `Condition` or `DependsOn` has the wrong type.",
    "SL019": "Resources depend on each other in a cycle.",
    "SL101": "A function property SafeLambda does not know is treated as version-locked.",
    "SL102": "The Description with the version marker exceeds Lambda's 256 characters.",
    "SL301": "A function is referenced in a place SafeLambda does not rewrite.",
    "SL999": "An unexpected internal error; please report it.",
}


@dataclass(frozen=True)
class Problem:
    """One coded finding about a resource and property path."""

    code: str
    message: str
    resource: str | None = None
    path: str | None = None
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered problem code {self.code}")

    def render(self) -> str:
        where = ".".join(p for p in (self.resource, self.path) if p)
        return f"{self.code} {where}: {self.message}" if where else f"{self.code}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        out = {"Code": self.code, "Message": self.message}
        if self.resource:
            out["Resource"] = self.resource
        if self.path:
            out["Path"] = self.path
        return out


class SafeLambdaError(Exception):
    """Base of every exception SafeLambda raises on purpose."""


class TransformError(SafeLambdaError):
    """The template cannot be processed; carries every error found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.render() for p in self.problems))


def error(code: str, message: str, resource: str | None = None, path: str | None = None) -> Problem:
    return Problem(code, message, resource, path, Severity.ERROR)


def warning(
    code: str, message: str, resource: str | None = None, path: str | None = None
) -> Problem:
    return Problem(code, message, resource, path, Severity.WARNING)
