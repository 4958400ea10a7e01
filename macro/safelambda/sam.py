"""Offline expansion of `AWS::Serverless-2016-10-31` through aws-sam-translator.

`sam local` never runs custom macros (aws-sam-cli #2819), so the CLI runs SAM's own translator,
then SafeLambda, to give users the template CloudFormation would deploy. The translator is an
optional dependency (`pip install 'safelambda[sam]'`) and is imported only here, only when needed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .errors import TransformError, error

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


class _BundledPolicies:
    """Managed-policy names from the map aws-sam-translator ships, so no IAM call is made."""

    def __init__(self, partition: str) -> None:
        self.partition = partition

    def load(self) -> dict[str, str]:
        from samtranslator.internal.managed_policies import get_bundled_managed_policy_map

        policies: dict[str, str] = get_bundled_managed_policy_map(self.partition)
        return policies


def transforms_of(template: Mapping[str, Any]) -> list[Any]:
    listed = template.get("Transform")
    if listed is None:
        return []
    return listed if isinstance(listed, list) else [listed]


def redact(message: str, template: Mapping[str, Any], values: Mapping[str, Any]) -> str:
    """`message` without the values of NoEcho parameters: SAM quotes resolved values in errors."""
    declared = template.get("Parameters")
    for name, spec in (declared if isinstance(declared, dict) else {}).items():
        hidden = isinstance(spec, dict) and str(spec.get("NoEcho", "")).lower() == "true"
        value = values.get(name)
        for secret in (value if isinstance(value, list) else [value]) if hidden else []:
            if isinstance(secret, str) and secret:
                message = message.replace(secret, "****")
    return message


def expand(
    template: dict[str, Any], parameter_values: Mapping[str, Any], region: str, partition: str
) -> dict[str, Any]:
    """The template as `AWS::Serverless-2016-10-31` would hand it to the next transform."""
    try:
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.translator.transform import transform as sam_transform
    except ImportError:
        raise TransformError(
            [
                error(
                    "SL014",
                    "expanding SAM offline needs aws-sam-translator: pip install 'safelambda[sam]'",
                    None,
                    "Transform",
                )
            ]
        ) from None
    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region  # the translator reads the region from here
    try:
        expanded: dict[str, Any] = sam_transform(
            template, dict(parameter_values), _BundledPolicies(partition)
        )
    except InvalidDocumentException as failure:
        raise TransformError(
            [
                error(
                    "SL014",
                    "SAM could not expand the template: "
                    + redact(cause.message, template, parameter_values),
                    None,
                    "Transform",
                )
                for cause in failure.causes
            ]
        ) from None
    finally:
        if previous is None:
            del os.environ["AWS_DEFAULT_REGION"]
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous
    return expanded
