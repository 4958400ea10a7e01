"""Realistic SAM templates of N functions for the benchmark.

Each function has the five integrations the macro exists for (API Gateway, SQS, SNS,
EventBridge, S3), a layer built in the template and a public layer for its architecture, a
policy template, environment variables that use parameters, and alternates arm64 and x86_64.
Every fourth function already has SAM's `AutoPublishAlias`, so the alias takeover runs too.

    python benchmarks/generate.py 100 > template.json
"""

from __future__ import annotations

import json
import sys
from typing import Any

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
ARCHITECTURES = ("arm64", "x86_64")
FUNCTIONS_PER_TOPIC = 10
POWERTOOLS_LAYER = (
    "arn:${AWS::Partition}:lambda:${AWS::Region}:017000801446:layer:"
    "AWSLambdaPowertoolsPythonV3-python312-%s:7"
)
PARAMETERS = {"Stage": "prod", "LogLevel": "INFO"}


def function_name(index: int) -> str:
    return f"Fn{index:03d}"


def _function(index: int) -> dict[str, Any]:
    name = function_name(index)
    arch = ARCHITECTURES[index % 2]
    props: dict[str, Any] = {
        "CodeUri": f"s3://bench-artifacts/{name.lower()}.zip",
        "Handler": "app.handler",
        "Description": f"benchmark function {index}",
        "MemorySize": 256 + 128 * (index % 4),
        "Architectures": [arch],
        "Layers": [{"Ref": "SharedLayer"}, {"Fn::Sub": POWERTOOLS_LAYER % arch}],
        "Environment": {
            "Variables": {
                "QUEUE_URL": {"Ref": f"{name}Queue"},
                "TABLE_NAME": {"Ref": "Table"},
                "PREFIX": {"Fn::Sub": "${Stage}-%s" % name.lower()},
            }
        },
        "Policies": [{"DynamoDBCrudPolicy": {"TableName": {"Ref": "Table"}}}],
        "Events": {
            "OnApi": {"Type": "Api", "Properties": {"Path": f"/{name.lower()}", "Method": "post"}},
            "OnQueue": {
                "Type": "SQS",
                "Properties": {"Queue": {"Fn::GetAtt": [f"{name}Queue", "Arn"]}, "BatchSize": 10},
            },
            "OnTopic": {
                "Type": "SNS",
                "Properties": {"Topic": {"Ref": f"Topic{index // FUNCTIONS_PER_TOPIC:02d}"}},
            },
            "OnRule": {
                "Type": "EventBridgeRule",
                "Properties": {"Pattern": {"source": ["bench.orders"], "detail-type": [name]}},
            },
            "OnUpload": {
                "Type": "S3",
                "Properties": {"Bucket": {"Ref": f"{name}Bucket"}, "Events": "s3:ObjectCreated:*"},
            },
        },
    }
    if index % 4 == 0:
        props["AutoPublishAlias"] = "live"
    return {"Type": "AWS::Serverless::Function", "Properties": props}


def _shared() -> dict[str, Any]:
    return {
        "SharedLayer": {
            "Type": "AWS::Serverless::LayerVersion",
            "Properties": {
                "ContentUri": "s3://bench-artifacts/shared-layer.zip",
                "CompatibleRuntimes": ["python3.12"],
                "CompatibleArchitectures": list(ARCHITECTURES),
            },
        },
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            },
        },
    }


def template(count: int) -> dict[str, Any]:
    """A SAM template with `count` functions and the resources their events need."""
    resources = _shared()
    for topic in range((count + FUNCTIONS_PER_TOPIC - 1) // FUNCTIONS_PER_TOPIC):
        resources[f"Topic{topic:02d}"] = {"Type": "AWS::SNS::Topic"}
    for index in range(count):
        name = function_name(index)
        resources[name] = _function(index)
        resources[f"{name}Queue"] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {"VisibilityTimeout": 60},
        }
        resources[f"{name}Bucket"] = {"Type": "AWS::S3::Bucket"}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": [SAM_TRANSFORM, "SafeLambda"],
        "Parameters": {
            key: {"Type": "String", "Default": default} for key, default in PARAMETERS.items()
        },
        "Globals": {
            "Function": {
                "Runtime": "python3.12",
                "Timeout": 10,
                "Tracing": "Active",
                "Environment": {
                    "Variables": {
                        "STAGE": {"Ref": "Stage"},
                        "POWERTOOLS_LOG_LEVEL": {"Ref": "LogLevel"},
                    }
                },
            }
        },
        "Resources": resources,
        "Outputs": {
            "ApiUrl": {
                "Value": {
                    "Fn::Sub": "https://${ServerlessRestApi}.execute-api.${AWS::Region}"
                    ".amazonaws.com/Prod/"
                }
            }
        },
    }


if __name__ == "__main__":
    json.dump(template(int(sys.argv[1]) if len(sys.argv) > 1 else 10), sys.stdout, indent=2)
    sys.stdout.write("\n")
