"""The plain function (no version, no alias) behind a LambdaRestApi, an EventBridge rule and an
S3 bucket notification."""

from __future__ import annotations

import aws_cdk as cdk
from _common import Variant, function, main
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n


def build(stack: cdk.Stack, variant: Variant) -> None:
    fn = function(stack, variant)
    apigateway.LambdaRestApi(stack, "Api", handler=fn)
    events.Rule(
        stack,
        "Schedule",
        schedule=events.Schedule.rate(cdk.Duration.minutes(5)),
        targets=[targets.LambdaFunction(fn)],
    )
    bucket = s3.Bucket(stack, "Bucket")
    bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(fn))


if __name__ == "__main__":
    main("RestApiPlain", build)
