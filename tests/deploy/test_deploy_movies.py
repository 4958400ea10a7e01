"""Every deploy of each kind of integration, replayed through the deploy model.

Each case is a template its users would write (or the CDK synthesized), with SafeLambda in its
`Transform`; `movies.movie` deploys it every way a stack lives through. The promise: no deploy
fails and no stage is left on an old snapshot; the only windows are those whose grant names its
caller (`SL505`, which no `DependsOn` can order, README "Windows that remain"), on a deploy that
moves integrations onto new targets in one step (first deploy, adoption, rename, removal); and
the two-deploy procedures (`Prepare`, then `Complete`; `Release`, then removal;
`NextAliasName`, then the new `AliasName`) leave none.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from movies import STEPS, findings, movie, processed, sam, unqualified

from helpers import ROOT
from safelambda import cli
from safelambda.offline import load_yaml

FUNCTION = """\
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: {S3Bucket: artifacts, S3Key: fn.zip}
"""


def plain(resources: str) -> dict[str, Any]:
    return load_yaml(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: SafeLambda\nResources:\n"
        + FUNCTION
        + resources
    )


def permission(principal: str, source: str) -> str:
    return (
        "    Type: AWS::Lambda::Permission\n"
        "    Properties:\n"
        "      Action: lambda:InvokeFunction\n"
        "      FunctionName: !GetAtt Fn.Arn\n"
        f"      Principal: {principal}\n"
        f"      SourceArn: {source}\n"
    )


INVOCATIONS = (
    '!Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/'
    '${Fn.Arn}/invocations"'
)
EXECUTE = '!Sub "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"'

REST = plain(
    f"""\
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {{Name: orders}}
  Get:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration: {{Type: AWS_PROXY, IntegrationHttpMethod: POST, Uri: {INVOCATIONS}}}
  Invoke:
{permission("apigateway.amazonaws.com", EXECUTE)}\
  Release:
    Type: AWS::ApiGateway::Deployment
    DependsOn: Get
    Properties: {{RestApiId: !Ref Api}}
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties: {{RestApiId: !Ref Api, DeploymentId: !Ref Release, StageName: prod}}
"""
)

HTTP = plain(
    f"""\
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {{Name: orders, ProtocolType: HTTP}}
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt Fn.Arn
      PayloadFormatVersion: "2.0"
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: GET /orders
      Target: !Sub integrations/${{Integration}}
  Invoke:
{permission("apigateway.amazonaws.com", EXECUTE)}\
  Release:
    Type: AWS::ApiGatewayV2::Deployment
    DependsOn: Route
    Properties: {{ApiId: !Ref Api}}
  Prod:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {{ApiId: !Ref Api, DeploymentId: !Ref Release, StageName: prod}}
"""
)

EVENTBRIDGE = plain(
    f"""\
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 day)
      Targets: [{{Id: fn, Arn: !GetAtt Fn.Arn}}]
  Invoke:
{permission("events.amazonaws.com", "!GetAtt Nightly.Arn")}"""
)

COGNITO = plain(
    f"""\
  Users:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig: {{PreSignUp: !GetAtt Fn.Arn}}
  Invoke:
{permission("cognito-idp.amazonaws.com", "!GetAtt Users.Arn")}"""
)

IOT = plain(
    f"""\
  Readings:
    Type: AWS::IoT::TopicRule
    Properties:
      TopicRulePayload:
        Sql: SELECT * FROM 'readings'
        Actions: [{{Lambda: {{FunctionArn: !GetAtt Fn.Arn}}}}]
  Invoke:
{permission("iot.amazonaws.com", "!GetAtt Readings.Arn")}"""
)

SNS = plain(
    f"""\
  Orders:
    Type: AWS::SNS::Topic
  Subscription:
    Type: AWS::SNS::Subscription
    Properties: {{TopicArn: !Ref Orders, Protocol: lambda, Endpoint: !GetAtt Fn.Arn}}
  Invoke:
{permission("sns.amazonaws.com", "!Ref Orders")}"""
)

STEP_FUNCTIONS = plain(
    """\
  MachineRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: states.amazonaws.com}, Action: sts:AssumeRole}
  InvokePolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: invoke
      Roles: [!Ref MachineRole]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: lambda:InvokeFunction, Resource: !GetAtt Fn.Arn}
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !GetAtt MachineRole.Arn
      DefinitionString: !Sub >-
        {"StartAt": "A",
         "States": {"A": {"Type": "Task", "Resource": "${Fn.Arn}", "End": true}}}
"""
)


def fixture(name: str) -> dict[str, Any]:
    path = ROOT / "tests/fixtures" / name
    if path.suffix == ".json":
        doc: dict[str, Any] = json.loads(path.read_text())
        return {**doc, "Transform": "SafeLambda"}
    return cli.load_template(str(path))


Expected = dict[str, set[tuple[str, str | None]]]
ONE_STEP = ("create", "adopt", "rename", "remove")


def windows(*callers: str) -> Expected:
    """Each caller's grant names it: a window (SL505) on every deploy that moves it in one step
    (on a first deploy too: the caller is created before the grant that names it)."""
    return {step: {("SL505", c) for c in callers} for step in ONE_STEP}


def removal(*actors: str) -> Expected:
    """Removing SafeLambda in one deploy: the template without it does not order these after the
    function's grant, which is created again (the alias's is deleted in cleanup)."""
    return {"remove": {("SL505", a) for a in actors}}


def outside(caller: str, *also: str) -> Expected:
    """`caller`'s grant is not in the template (SL509) on each deploy that moves it."""
    steps = ("adopt", "rename", "remove", "complete", "removed", "renamed", *also)
    return {step: {("SL509", caller)} for step in steps}


def merged(*parts: Expected) -> Expected:
    found: Expected = {}
    for part in parts:
        for step, codes in part.items():
            found[step] = found.get(step, set()) | codes
    return found


SAM_API = {"Get": "{Type: Api, Properties: {Path: /, Method: get}}"}
SAM_HTTP_API = {"Get": "{Type: HttpApi, Properties: {Path: /, Method: get}}"}
REPLACED = ("adopt", "rename", "remove", "complete", "removed", "renamed")

CASES = [
    # SAM's Deployment is rotated on adoption and rename and waits for the alias's permission;
    # on removal SAM's own Deployment comes back, unordered against the permission it needs.
    pytest.param(
        sam(SAM_API),
        removal("ServerlessRestApiDeployment83f9630abf", "ServerlessRestApiProdStage"),
        id="sam-api",
    ),
    # SAM's HTTP API deploys itself: its body holds the integration, and the permission's
    # SourceArn names the API.
    pytest.param(sam(SAM_HTTP_API), windows("ServerlessHttpApi"), id="sam-http-api"),
    # The REST API behaves as sam-api; the HTTP API as sam-http-api, and SAM gives its
    # authorizer no permission (SL307 at transform time): nothing grants the alias either.
    pytest.param(
        fixture("sam-api-authorizers.yaml"),
        merged(
            windows("Http"),
            removal("ApiDeployment0988eff330", "ApiprodStage"),
            outside("Http"),
        ),
        id="sam-rest-authorizers",
    ),
    pytest.param(
        fixture("cdk-lambda-rest-api.json"),
        removal("EndpointDeploymentStageprodB78BEEA0"),
        id="cdk-lambda-rest-api",
    ),
    pytest.param(REST, removal("Prod"), id="hand-written-rest"),
    pytest.param(HTTP, removal("Prod"), id="hand-written-http"),
    pytest.param(EVENTBRIDGE, windows("Nightly"), id="eventbridge"),
    pytest.param(COGNITO, windows("Users"), id="cognito"),
    pytest.param(IOT, windows("Readings"), id="iot"),
    # A subscription's Endpoint is create-only: the new one waits for its grant, and both
    # deliver until cleanup (SL508); on removal the plain template does not order it.
    pytest.param(
        SNS,
        merged(
            {step: {("SL508", "Subscription")} for step in REPLACED},
            removal("Subscription"),
        ),
        id="sns-subscription",
    ),
    # The policy keeps the function and gains the alias, and the machine waits for it.
    pytest.param(STEP_FUNCTIONS, {}, id="step-functions-separate-policy"),
    pytest.param(sam(FunctionUrlConfig="{AuthType: NONE}"), removal("FnUrl"), id="url"),
    # With AWS_IAM, callers' own policies grant the URL: nothing in the template does.
    pytest.param(sam(FunctionUrlConfig="{AuthType: AWS_IAM}"), outside("FnUrl"), id="url-aws-iam"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_every_deploy_keeps_every_path_working(source: dict[str, Any], expected: Expected) -> None:
    deploys = movie(source)
    assert {step: findings(deploys[step]) for step in STEPS} == {
        step: expected.get(step, set()) for step in STEPS
    }
    assert not any(d.failed for d in deploys.values())
    # The case is one: without SafeLambda something invokes `$LATEST`, with it nothing does.
    without, live = processed(source)
    assert unqualified(without) and not unqualified(live)
