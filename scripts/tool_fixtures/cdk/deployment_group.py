"""``codedeploy.LambdaDeploymentGroup`` (ALL_AT_ONCE) on an alias of ``fn.current_version``."""

from __future__ import annotations

import aws_cdk as cdk
from _common import Variant, function, main
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_lambda as lambda_


def build(stack: cdk.Stack, variant: Variant) -> None:
    fn = function(stack, variant)
    alias = lambda_.Alias(stack, "Live", alias_name="live", version=fn.current_version)
    codedeploy.LambdaDeploymentGroup(
        stack,
        "DeploymentGroup",
        alias=alias,
        deployment_config=codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
    )


if __name__ == "__main__":
    main("DeploymentGroup", build)
