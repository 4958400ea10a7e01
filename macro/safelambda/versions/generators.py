"""Which tool generated a Version: the logical-ID forms of Versions published per content.

Every property of an `AWS::Lambda::Version` is create-only, so a tool that publishes a new
Version whenever the function changes names it after a content hash: a change gives a new
logical ID, which CloudFormation creates (after the function's update) and then deletes the old
one. SafeLambda takes such Versions over. A Version of the function with any other logical ID
is fixed: it stays while SafeLambda's changes, and both publish on the deploy that creates them.

The forms, each with the tool's source:
- SAM `AutoPublishAlias` (and SafeLambda itself): `{Fn}Version` + 10 hex digits of a SHA-256
  (aws-sam-translator `logical_id_generator.py`, `gen()` keeps 10 characters).
- CDK `fn.currentVersion`: the Version's own path-based logical ID (`…CurrentVersion` + CDK's
  8 upper-case hex digits of the construct path) + the 32 hex digits of an MD5 over the
  function's properties (aws-lambda `function.ts` `currentVersion`, `function-hash.ts`).
- Serverless Framework `versionFunctions`: `{Name}LambdaVersion` + the base64 SHA-256 of code and
  configuration with every non-alphanumeric character removed, for the function
  `{Name}LambdaFunction` (lib/plugins/aws/lib/naming.js `getLambdaVersionLogicalId`).
- Any other tool that ends the logical ID with a hex digest (32 to 64 digits: MD5, SHA-1,
  SHA-256), as the CDK's pattern is copied by construct libraries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

SAFELAMBDA = "SafeLambda"  # an earlier run's own Version, in SAM's form: nothing to report
SAM = "SAM"
CDK = "CDK"
SERVERLESS = "Serverless Framework"
DIGEST = "content hash"

_SERVERLESS_FUNCTION = "LambdaFunction"


def _sam_prefix(function_id: str) -> str:
    return f"{function_id}Version"


def _anywhere(function_id: str) -> str:
    # CDK trims a long path-based ID from its start (`trimFromStart`), so the Version's ID need
    # not begin with the function's: only `FunctionName` ties the two, and `index` checked it.
    return ""


def _serverless_prefix(function_id: str) -> str | None:
    if not function_id.endswith(_SERVERLESS_FUNCTION):
        return None
    return function_id[: -len(_SERVERLESS_FUNCTION)] + "LambdaVersion"


class Form(NamedTuple):
    """A tool's Version logical ID: a prefix made from the function's ID, then a hash."""

    tool: str
    prefix: Callable[[str], str | None]
    suffix: re.Pattern[str]


# First match wins: the digest form would also match the CDK's.
FORMS: tuple[Form, ...] = (
    Form(SAM, _sam_prefix, re.compile(r"[0-9a-f]{10}")),
    Form(CDK, _anywhere, re.compile(r"[A-Za-z0-9]*CurrentVersion[0-9A-F]{8}[0-9a-f]{32}")),
    # 44 base64 characters of a SHA-256, less the `+`, `/` and `=` removed from them.
    Form(SERVERLESS, _serverless_prefix, re.compile(r"[A-Za-z0-9]{32,43}")),
    Form(DIGEST, _anywhere, re.compile(r"[A-Za-z0-9]*?[0-9a-f]{32,64}")),
)


def tool_of(function_id: str, version_id: str) -> str | None:
    """The tool whose per-content form `version_id` has, for a Version of `function_id`."""
    for form in FORMS:
        prefix = form.prefix(function_id)
        if (
            prefix is not None
            and version_id.startswith(prefix)
            and form.suffix.fullmatch(version_id, len(prefix))
        ):
            return form.tool
    return None
