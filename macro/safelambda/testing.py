"""Unit-test your own templates after the transform, offline.

    from safelambda.testing import process

    def test_every_integration_of_orders_invokes_the_alias():
        template = process("template.yaml", parameters={"Stage": "prod"})
        template.assert_invoked_through_alias("OrdersFunction")
        assert template.architectures("OrdersFunction") == ["arm64"]

`process` runs the template's whole Transform list as `safelambda transform` does, SafeLambda
last even when the template does not list it (SAM needs the `sam` extra), and answers
questions about the result with deploy-time values resolved. With
pytest, the `safelambda_template` fixture does the same and processes each file once per session.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .cli import Given, load_template, parameter_values
from .offline import expand_includes, pipeline
from .references import Invocation, invocations
from .report import Report
from .template import FUNCTION, NO_VALUE, Resolver, properties


class ProcessedTemplate:
    """A template as CloudFormation would deploy it, with questions a test asks of it."""

    def __init__(self, outcome: pipeline.Outcome) -> None:
        self.outcome = outcome
        self.template = outcome.output
        self._resolver = Resolver(self.template, outcome.options.context)

    @property
    def report(self) -> Report | None:
        """SafeLambda's report, or None when the template does not list SafeLambda."""
        return self.outcome.result.report if self.outcome.result else None

    @property
    def warnings(self) -> list[str]:
        return [w.render() for w in self.outcome.all_warnings]

    def function(self, logical_id: str) -> dict[str, Any]:
        """The function's properties with parameters, conditions and mappings resolved."""
        resource = self.template["Resources"].get(logical_id)
        if not (isinstance(resource, dict) and resource.get("Type") == FUNCTION):
            raise AssertionError(f"{logical_id} is not an AWS::Lambda::Function of the template")
        resolved: dict[str, Any] = self._resolver.resolve(properties(resource))
        return resolved

    def architectures(self, logical_id: str) -> list[Any]:
        found = self.function(logical_id).get("Architectures", ["x86_64"])
        return list(found) if isinstance(found, list) else [found]

    def layers(self, logical_id: str) -> list[Any]:
        """The function's `Layers` as deployed: resolved, `AWS::NoValue` entries dropped."""
        found = self.function(logical_id).get("Layers", [])
        return [layer for layer in found if layer is not NO_VALUE]

    def alias(self, logical_id: str) -> str:
        """Logical ID of the Alias SafeLambda gave the function."""
        if self.report is None or logical_id not in self.report.functions:
            raise AssertionError(f"SafeLambda gave {logical_id} no alias (is it in Transform?)")
        return self.report.functions[logical_id]["Alias"]

    def version(self, logical_id: str) -> str:
        """Logical ID of the function's current Version (changes exactly when $LATEST does)."""
        self.alias(logical_id)
        return self.report.functions[logical_id]["Version"] if self.report else ""

    def integrations(self, function: str | None = None) -> list[Invocation]:
        """Every catalogued place that invokes `function` (default: any function)."""
        found = invocations(self.template)
        return [i for i in found if function is None or i.function == function]

    def assert_invoked_through_alias(self, function: str) -> None:
        """Every integration of `function` invokes its alias, and there is at least one."""
        alias = self.alias(function)
        places = self.integrations(function)
        wrong = [f"{i.place} invokes {_what(i)}" for i in places if i.target != alias]
        if not places:
            raise AssertionError(f"no integration invokes {function}")
        if wrong:
            raise AssertionError(f"not through alias {alias}: " + "; ".join(wrong))

    def assert_no_latest_invocations(self) -> None:
        """No catalogued integration of any function reaches `$LATEST`."""
        latest = [f"{i.place} ({i.function})" for i in self.integrations() if not i.qualified]
        if latest:
            raise AssertionError("invoke $LATEST: " + "; ".join(latest))


def _what(place: Invocation) -> str:
    return place.target if place.qualified else f"{place.function} unqualified ($LATEST)"


# Errors about parameter values name this function's own argument, not the command line's.
GIVEN = Given("parameters", "process(..., parameters={'{name}': VALUE})")


def process(
    template: str | os.PathLike[str] | Mapping[str, Any],
    *,
    parameters: Mapping[str, str] | None = None,
    region: str = "us-east-1",
    account_id: str = "123456789012",
    environ: Mapping[str, str] | None = None,
    macro_name: str = pipeline.MACRO,
    add_safelambda: bool = True,
) -> ProcessedTemplate:
    """Run the template's Transform list offline, as `safelambda transform` does.

    Like the command, it puts the local `AWS::Include` files in place (relative to the
    template's folder, or the working directory for a mapping), runs SafeLambda last when the
    template does not list it (pass `add_safelambda=False` to run the list as written), reads the
    macro's settings from the process environment unless `environ` is given, and `parameters`
    override the defaults.
    """
    if isinstance(template, Mapping):
        source, folder = dict(template), os.getcwd()
    else:
        source = dict(load_template(os.fspath(template)))
        folder = os.path.dirname(os.path.abspath(os.fspath(template)))
    source = expand_includes(source, folder)
    values = parameter_values(source, dict(parameters or {}), GIVEN)
    settings = dict(os.environ if environ is None else environ)
    options = pipeline.Options(region, account_id, values, settings, macro_name)
    return ProcessedTemplate(pipeline.run(source, options, add_macro=add_safelambda))
