"""``fn.current_version`` behind ``lambda.Alias('prod')``, fed by an SQS event source on the
alias."""

from __future__ import annotations

import aws_cdk as cdk
from _common import Variant, function, main
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from aws_cdk.aws_lambda_event_sources import SqsEventSource


def build(stack: cdk.Stack, variant: Variant) -> None:
    fn = function(stack, variant)
    alias = lambda_.Alias(stack, "Prod", alias_name="prod", version=fn.current_version)
    queue = sqs.Queue(stack, "Queue")
    alias.add_event_source(SqsEventSource(queue))


if __name__ == "__main__":
    main("CurrentVersionAlias", build)
