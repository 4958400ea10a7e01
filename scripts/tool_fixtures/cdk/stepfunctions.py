"""A state machine with one ``tasks.LambdaInvoke(lambda_function=fn)`` on the plain function."""

from __future__ import annotations

import aws_cdk as cdk
from _common import Variant, function, main
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks


def build(stack: cdk.Stack, variant: Variant) -> None:
    fn = function(stack, variant)
    invoke = tasks.LambdaInvoke(stack, "Invoke", lambda_function=fn)
    sfn.StateMachine(
        stack, "StateMachine", definition_body=sfn.DefinitionBody.from_chainable(invoke)
    )


if __name__ == "__main__":
    main("StepFunctions", build)
