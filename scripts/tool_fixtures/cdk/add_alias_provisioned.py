"""``fn.add_alias('live', provisioned_concurrent_executions=2)`` subscribed to an SNS topic."""

from __future__ import annotations

import aws_cdk as cdk
from _common import Variant, function, main
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions


def build(stack: cdk.Stack, variant: Variant) -> None:
    fn = function(stack, variant)
    alias = fn.add_alias("live", provisioned_concurrent_executions=2)
    topic = sns.Topic(stack, "Topic")
    topic.add_subscription(subscriptions.LambdaSubscription(alias))


if __name__ == "__main__":
    main("AddAliasProvisioned", build)
