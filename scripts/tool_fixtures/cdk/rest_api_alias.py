"""``apigateway.LambdaRestApi`` whose handler is an alias of ``fn.current_version``."""

from __future__ import annotations

import aws_cdk as cdk
from _common import Variant, function, main
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_


def build(stack: cdk.Stack, variant: Variant) -> None:
    fn = function(stack, variant)
    alias = lambda_.Alias(stack, "Live", alias_name="live", version=fn.current_version)
    apigateway.LambdaRestApi(stack, "Api", handler=alias)


if __name__ == "__main__":
    main("RestApiAlias", build)
