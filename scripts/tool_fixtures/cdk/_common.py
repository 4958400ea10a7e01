"""Shared variant table and entry point for the CDK fixture apps.

Each app module defines ``build(scope, variant)`` and calls :func:`main`. The variants:

* ``v1`` creates the stack;
* ``v2`` changes only the function's inline code;
* ``v3`` changes only its configuration (MemorySize 128 -> 256).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from constructs import Construct


@dataclass(frozen=True)
class Variant:
    body: str
    memory_size: int

    @property
    def code(self) -> lambda_.Code:
        return lambda_.Code.from_inline(
            "def handler(event, context):\n"
            f"    return {{'statusCode': 200, 'body': '{self.body}'}}\n"
        )


VARIANTS = {
    "v1": Variant(body="hello v1", memory_size=128),
    "v2": Variant(body="hello v2", memory_size=128),
    "v3": Variant(body="hello v1", memory_size=256),
}


def function(scope: Construct, variant: Variant, construct_id: str = "Handler") -> lambda_.Function:
    """The one tiny Python function every app deploys."""
    return lambda_.Function(
        scope,
        construct_id,
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=variant.code,
        memory_size=variant.memory_size,
    )


def main(stack_name: str, build: Callable[[cdk.Stack, Variant], None]) -> None:
    """``python APP.py VARIANT OUTDIR`` synthesizes one stack into OUTDIR."""
    variant_name, outdir = sys.argv[1], sys.argv[2]
    app = cdk.App(outdir=outdir)
    stack = cdk.Stack(app, stack_name)
    build(stack, VARIANTS[variant_name])
    app.synth()
