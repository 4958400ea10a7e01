"""The per-type facts the deploy model reads: data, not `if` chains.

Which resources make up what an API Gateway Deployment snapshots, which services are allowed to
invoke a function by a resource policy and which by an IAM role, and which deletion policies
keep a resource when CloudFormation deletes it from the stack.
"""

from __future__ import annotations

from typing import NamedTuple

VERSION = "AWS::Lambda::Version"
ALIAS = "AWS::Lambda::Alias"
PERMISSION = "AWS::Lambda::Permission"
ROLE = "AWS::IAM::Role"


class ApiKind(NamedTuple):
    """One family of API Gateway resources.

    A stage serves the snapshot its Deployment took when it was created; a Deployment is
    immutable while its logical ID stays (CDK `aws_apigateway.Deployment` documentation: "as
    long as the resource's logical ID doesn't change, the deployment will represent the snapshot
    in time in which the resource was created"). An HTTP API stage with `AutoDeploy: true`
    redeploys by itself after every change (`AWS::ApiGatewayV2::Stage` reference, AutoDeploy:
    "Specifies whether updates to an API automatically trigger a new deployment").
    """

    api: str  # the API's own type
    body: tuple[str, ...]  # its properties a Deployment snapshots
    link: str  # the property of its parts, deployments and stages that names the API
    parts: frozenset[str]  # the types whose content a Deployment snapshots
    deployment: str
    stage: str
    # The property that makes the API by quick create, with a `$default` stage that deploys every
    # change by itself (`AWS::ApiGatewayV2::Api` reference, Target).
    quick_create: str | None = None


API_KINDS: tuple[ApiKind, ...] = (
    ApiKind(
        "AWS::ApiGateway::RestApi",
        ("Body", "BodyS3Location"),
        "RestApiId",
        frozenset(
            {
                "AWS::ApiGateway::Method",
                "AWS::ApiGateway::Resource",
                "AWS::ApiGateway::Authorizer",
                "AWS::ApiGateway::Model",
                "AWS::ApiGateway::RequestValidator",
                "AWS::ApiGateway::GatewayResponse",
            }
        ),
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::Stage",
    ),
    ApiKind(
        "AWS::ApiGatewayV2::Api",
        ("Body", "BodyS3Location"),
        "ApiId",
        frozenset(
            {
                "AWS::ApiGatewayV2::Route",
                "AWS::ApiGatewayV2::Integration",
                "AWS::ApiGatewayV2::Authorizer",
                "AWS::ApiGatewayV2::RouteResponse",
                "AWS::ApiGatewayV2::IntegrationResponse",
                "AWS::ApiGatewayV2::Model",
            }
        ),
        "AWS::ApiGatewayV2::Deployment",
        "AWS::ApiGatewayV2::Stage",
        "Target",
    ),
)

# How a caller is allowed to invoke a function. Most services are granted by the function's
# resource policy (`AWS::Lambda::Permission`, "Using resource-based policies"). These assume an
# IAM role instead, so their grant is a policy of that role: Step Functions (the state machine's
# role, "IAM policies for AWS Lambda" in the Step Functions guide), EventBridge Scheduler (the
# schedule's execution role, Lambda guide "Invoke a Lambda function on a schedule"), EventBridge
# Pipes, AppSync data sources (their service role) and Firehose processors (the stream's role).
BY_ROLE = "role"
BY_PERMISSION = "permission"
UNGRANTED = "none"
GRANTED_BY: dict[str, str] = {
    "AWS::StepFunctions::StateMachine": BY_ROLE,
    "AWS::Scheduler::Schedule": BY_ROLE,
    "AWS::Pipes::Pipe": BY_ROLE,
    "AWS::AppSync::DataSource": BY_ROLE,
    "AWS::KinesisFirehose::DeliveryStream": BY_ROLE,
    # A Transfer Family workflow step runs with the server's workflow execution role.
    "AWS::Transfer::Workflow": BY_ROLE,
    # Lambda itself polls the source with the function's own execution role.
    "AWS::Lambda::EventSourceMapping": UNGRANTED,
    # Lambda@Edge: CloudFront runs a replica of the Version, no grant in the function's account.
    "AWS::CloudFront::Distribution": UNGRANTED,
    # Destinations are called with the function's own execution role, not by a service.
    "AWS::Lambda::EventInvokeConfig": UNGRANTED,
}

# Deletion policies that keep the physical resource when CloudFormation removes it from the stack
# (`DeletionPolicy` for removed resources, `UpdateReplacePolicy` for the old one of a replaced
# resource; `Snapshot` deletes after the snapshot).
RETAINED = frozenset({"Retain", "RetainExceptOnCreate"})

# Integrations of which two copies each deliver every event: while a replaced one waits for the
# cleanup phase, old and new both invoke (SNS delivers to every subscription of a topic,
# EventBridge to every matching rule).
FAN_OUT = frozenset(
    {
        "AWS::SNS::Subscription",
        "AWS::Events::Rule",
        "AWS::IoT::TopicRule",
        "AWS::Scheduler::Schedule",
        "AWS::Logs::SubscriptionFilter",
    }
)

# Services that check the grant when the integration is configured, not when they invoke: S3
# validates a bucket's notification configuration by checking that it may invoke the function,
# so the bucket fails to create or update until the permission exists ("AWS::S3::Bucket
# NotificationConfiguration": "AWS CloudFormation checks whether the bucket can invoke the
# function"; knowledge center "Unable to validate the following destination configurations").
CHECKED_WHEN_CONFIGURED = frozenset({"AWS::S3::Bucket"})
