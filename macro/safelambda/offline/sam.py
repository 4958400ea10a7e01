"""Offline expansion of `AWS::Serverless-2016-10-31` through aws-sam-translator.

`sam local` never runs custom macros (aws-sam-cli #2819), so the CLI runs SAM's own translator,
then SafeLambda, to give users the template CloudFormation would deploy. The translator is an
optional dependency (`pip install 'safelambda[sam]'`) and is imported only here, only when needed.

Before it runs, the template gets what SAM CLI fills in (`local`: a missing `CodeUri`, a local
image's tag, local paths swapped for S3 placeholders and put back afterwards). The translator is
then cut off from every service it could call: managed policies come from the map it ships, the
Serverless Application Repository is answered offline (`sar`), the region is given rather than
looked up, and its metrics go to its own do-nothing publisher. What it logs goes through Python's
logging, which the command line routes (`-q` silences it).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..errors import Problem, TransformError, error
from . import local, sar

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


class _Region:
    """The one thing the translator reads from a boto3 session: the deploy's region."""

    def __init__(self, region: str) -> None:
        self.region_name = region


@contextmanager
def _region(region: str) -> Iterator[None]:
    # The translator's region check (RegionConfiguration) asks boto3, which reads this variable.
    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        yield
    finally:
        if previous is None:
            del os.environ["AWS_DEFAULT_REGION"]
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous


def _missing() -> TransformError:
    return TransformError(
        [
            error(
                "SL014",
                "expanding SAM offline needs aws-sam-translator: pip install 'safelambda[sam]'",
                None,
                "Transform",
            )
        ]
    )


def _translate(
    template: dict[str, Any], values: Mapping[str, Any], region: str, partition: str
) -> dict[str, Any]:
    """aws-sam-translator's `transform()`, with every network path replaced by a local answer."""
    from samtranslator.metrics.method_decorator import MetricsMethodWrapperSingleton
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
    from samtranslator.parser.parser import Parser
    from samtranslator.plugins.application.serverless_app_plugin import ServerlessAppPlugin
    from samtranslator.sdk.parameter import SamParameterValues
    from samtranslator.translator.translator import Translator
    from samtranslator.utils.py27hash_fix import (
        to_py27_compatible_template,
        undo_mark_unicode_str_in_template,
    )

    session: Any = _Region(region)
    given = dict(values)
    # The plugin resolves `Ref`s in ApplicationId as the translator would (defaults, pseudo).
    parameters = SamParameterValues(dict(given))
    parameters.add_default_parameter_values(template)
    parameters.add_pseudo_parameter_values(session)
    repository = ServerlessAppPlugin(
        sar_client=sar.Repository(), parameters=parameters.parameter_values
    )
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    previous = MetricsMethodWrapperSingleton.get_instance()
    policies = functools.cache(_BundledPolicies(partition).load)
    to_py27_compatible_template(template, given)
    translator = Translator(None, Parser(), [repository], boto_session=session, metrics=metrics)
    try:
        translated: dict[str, Any] = translator.translate(
            template, given, get_managed_policy_map=policies
        )
    finally:
        metrics.publish()  # to nowhere; unpublished metrics would be logged at exit
        MetricsMethodWrapperSingleton.set_instance(previous)
    return dict(undo_mark_unicode_str_in_template(translated))


def translate(
    template: dict[str, Any], parameter_values: Mapping[str, Any], region: str, partition: str
) -> tuple[dict[str, Any], list[Problem]]:
    """The template as `AWS::Serverless-2016-10-31` would hand it to the next transform, and
    the warnings of the offline stand-ins (image tags, placeholder applications)."""
    try:
        from samtranslator.model.exceptions import InvalidDocumentException
    except ImportError:
        raise _missing() from None
    prepared, notes = local.filled(template)
    swapped, paths = local.swap_local_paths(prepared)
    try:
        with _region(region):
            expanded = _translate(swapped, parameter_values, region, partition)
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
    restored: dict[str, Any] = local.restore_local_paths(expanded, paths)
    return restored, notes + sar.placeholders(restored)


def expand(
    template: dict[str, Any], parameter_values: Mapping[str, Any], region: str, partition: str
) -> dict[str, Any]:
    """`translate` without its warnings."""
    return translate(template, parameter_values, region, partition)[0]
