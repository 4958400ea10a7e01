"""Coded problems: every error and warning SafeLambda reports carries a stable `SL` code.

Errors are collected across the whole template and raised together, so one failed deploy lists
every problem. The README's "Error codes" table documents each code; a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# code -> one-line meaning. Ranges: SL0xx input and configuration, SL1xx versions and hashing,
# SL2xx layers, SL3xx references, SL4xx command line and checks, SL5xx the deploy model
# (`check --previous`), SL9xx internal.
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
    "SL020": "A local `AWS::Include` file is missing, unreadable or not YAML/JSON.",
    "SL021": "A local `AWS::Include` snippet breaks CloudFormation's rules (not a mapping, a key "
    "set twice, an include inside, a section it cannot be in).",
    "SL022": "An image function's `ImageUri` is the tag `sam build` gives it; the offline Version "
    "hash covers the tag, not the image.",
    "SL023": "A Serverless Application Repository application became a nested stack with a "
    "placeholder template URL (offline, nothing is fetched).",
    "SL040": "A function property has the wrong type (a string where Lambda expects a list, …).",
    "SL041": "A function property has a value Lambda does not accept (an architecture, a count).",
    "SL042": "A property on the way to a catalogued integration place has the wrong type.",
    "SL101": "A function property SafeLambda does not know is treated as version-locked.",
    "SL102": "A Description too long to hold the version marker is cut to fit (a warning).",
    "SL103": "A value a function's Version depends on is unknown at deploy time; changes to it "
    "will not publish a new Version.",
    "SL104": "Several existing aliases of a function could be the one SafeLambda moves.",
    "SL105": "A Version of a processed function has a fixed logical ID: it cannot be taken over.",
    "SL106": "A Version names a processed function in a form SafeLambda does not follow.",
    "SL107": "Versions SafeLambda would take over have different properties.",
    "SL108": "NextAliasName is ignored for an alias another tool manages (SAM, the CDK): rename "
    "it there.",
    "SL201": "A layer mapping (bundled, macro environment or template) is malformed.",
    "SL202": "A function asks for a layer family no mapping defines (or is skipped).",
    "SL203": "A layer family has no build for the function's architecture and region.",
    "SL204": "A function's `Architectures` cannot be resolved at deploy time.",
    "SL205": "A function would have more than Lambda's limit of 5 layers.",
    "SL206": "A known layer is built for the other architecture (swapped; `check` fails).",
    "SL207": "An unknown layer's name says the other architecture (error under `Strict`; "
    "`check` fails).",
    "SL208": "A duplicate layer (same layer, any version) was removed; the first is kept.",
    "SL209": "A function's layer family request is not a list of names, or cannot be added.",
    "SL210": "A swapped layer's release has no known build for the other architecture: the "
    "swap takes the catalog's version (both versions named).",
    "SL301": "A function is referenced in a place SafeLambda does not rewrite.",
    "SL302": "A function is named where invoking an alias is unproven; it stays unqualified "
    "(`check` fails until acknowledged).",
    "SL303": "Content SafeLambda cannot see (S3 locations, `Fn::Transform`) may invoke `$LATEST`.",
    "SL304": "A Function URL moves to the alias, so CloudFormation replaces it (a new address), "
    "and again on every change of AliasName.",
    "SL305": "A catalogued reference has a form SafeLambda cannot point at the alias.",
    "SL306": "A permission stays on, or is also kept for, the unqualified function.",
    "SL307": "An integration moved to an alias has no permission for it in the template.",
    "SL401": "A transform the template lists cannot run offline.",
    "SL402": "An `AWS::LanguageExtensions` construct cannot be evaluated offline.",
    "SL403": "The command line is not valid.",
    "SL404": "The output file could not be written.",
    "SL411": "An integration invokes a function unqualified, so it reaches `$LATEST` (`check` "
    "fails).",
    "SL412": "A change updates code and configuration of a function invoked unqualified.",
    "SL413": "A local file the template points to (nested stack, state machine definition) "
    "cannot be read or processed.",
    "SL414": "A local nested stack template nests itself.",
    "SL415": "An acknowledgement matches no finding: remove it.",
    "SL416": "An acknowledgement is malformed or names a code `check` does not report.",
    "SL501": "Two Versions of one function are created in one deploy: the second fails ('A "
    "version for this Lambda function exists').",
    "SL502": "A Version is created for a function whose version-locked properties do not "
    "change: Lambda publishes nothing and the deploy fails.",
    "SL503": "An API's content changes but its stage's Deployment keeps its logical ID: the "
    "stage keeps serving the previous snapshot.",
    "SL504": "A new Deployment is not ordered after the API parts this deploy changes: its "
    "snapshot may miss them.",
    "SL505": "A caller starts invoking a target before the grant created in the same deploy "
    "exists: a window of failed invocations.",
    "SL506": "A stale stage's snapshot still needs a grant this deploy deletes in cleanup.",
    "SL507": "A stale stage's snapshot invokes a function, alias or version this deploy deletes.",
    "SL508": "A replaced integration and its replacement both deliver every event until cleanup.",
    "SL509": "An integration moves to a new target, and its old target's grant is not in the "
    "template: nothing grants the new one.",
    "SL510": "A resource changes type under the same logical ID, which CloudFormation refuses.",
    "SL511": "An S3 bucket notification or a Lambda target group is configured before the "
    "permission it needs exists: S3 and ELB check it, and the deploy fails.",
    "SL512": "An asynchronous caller starts invoking a target before its new event invoke config "
    "exists: events get Lambda's default retries and no destination.",
    "SL513": "A Lambda target group changes its target in place, which fails the deploy: give it "
    "a new logical ID.",
    "SL999": "An unexpected internal error; please report it.",
}


class _Finding(NamedTuple):
    code: str
    message: str
    resource: str | None = None
    path: str | None = None
    severity: Severity = Severity.ERROR


class Problem(_Finding):
    """One coded finding about a resource and property path."""

    __slots__ = ()

    def __new__(
        cls,
        code: str,
        message: str,
        resource: str | None = None,
        path: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        if code not in CODES:
            raise ValueError(f"unregistered problem code {code}")
        return super().__new__(cls, code, message, resource, path, severity)

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
