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


class Checked(NamedTuple):
    """A service that checks the grant when the integration is configured, not when it invokes:
    the integration fails to create or update until the permission exists."""

    service: str  # who checks, for the message
    refusal: str  # what CloudFormation reports
    # What to do when the permission's `SourceArn` names the integration (a cycle).
    uncycle: str


# S3 validates a bucket's notification configuration by checking that it may invoke the
# function ("AWS::S3::Bucket NotificationConfiguration": "AWS CloudFormation checks whether the
# bucket can invoke the function"; knowledge center "Unable to validate the following
# destination configurations"). ELB checks when it registers a Lambda target
# ("AWS::ElasticLoadBalancingV2::TargetGroup": "Before you register a Lambda function as a
# target, you must create a AWS::Lambda::Permission resource that grants the Elastic Load
# Balancing service principal permission to invoke the Lambda function"; RegisterTargets fails
# with "elasticloadbalancing principal does not have permission to invoke", aws-cdk #4663).
# A target group's ARN ends in an ID ELB makes up, so it cannot be written as text: the
# knowledge center ("fix the circular dependency between a Lambda permission and target group
# resources") registers the target outside the group instead.
CHECKED_WHEN_CONFIGURED: dict[str, Checked] = {
    "AWS::S3::Bucket": Checked(
        "S3",
        "when it saves the notification configuration: the deploy fails ('Unable to validate "
        "the following destination configurations')",
        "name the bucket in {grants}'s SourceArn as text (or grant by SourceAccount), then "
        "add DependsOn: [{grants}] to {actor}",
    ),
    "AWS::ElasticLoadBalancingV2::TargetGroup": Checked(
        "Elastic Load Balancing",
        "when it registers the Lambda target: the deploy fails ('elasticloadbalancing "
        "principal does not have permission to invoke')",
        "grant by SourceAccount instead of the target group's ARN, then add DependsOn: "
        "[{grants}] to {actor}",
    ),
}

EVENT_INVOKE_CONFIG = "AWS::Lambda::EventInvokeConfig"

# Callers that invoke asynchronously (InvocationType Event): Lambda queues the event and applies
# the target's event invoke config (retries, maximum age, destinations), or its defaults of two
# retries and no destination when the target has none ("Invoking a Lambda function
# asynchronously", Lambda guide: "Several AWS services, such as Amazon S3 and Amazon SNS, invoke
# functions asynchronously"; "Invoke a Lambda function on a schedule": "EventBridge Scheduler
# invokes your Lambda function asynchronously"; CloudWatch guide, "Invoke a Lambda function
# from an alarm": an asynchronous invocation; the Lambda operator guide's table of invocation
# modes lists S3, SNS, SES, CloudWatch Logs, EventBridge, IoT among the asynchronous). SES
# receipt rules and CodeCommit triggers are not catalogued callers, so not listed.
ASYNCHRONOUS = frozenset(
    {
        "AWS::S3::Bucket",
        "AWS::SNS::Subscription",
        "AWS::SNS::Topic",
        "AWS::Events::Rule",
        "AWS::Scheduler::Schedule",
        "AWS::IoT::TopicRule",
        "AWS::Logs::SubscriptionFilter",
        "AWS::CloudWatch::Alarm",
        "AWS::CloudWatch::CompositeAlarm",
    }
)

# A Lambda target group holds one function; changing it in place is not what the ELB guide
# describes ("Lambda functions as targets": to replace the function, create a new target group
# and update the listener rules), and CloudFormation's in-place update fails with "TargetGroup
# did not stabilize", its rollback too (aws-cdk #8253: an alias rename; #13833: function to
# alias).
TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"
