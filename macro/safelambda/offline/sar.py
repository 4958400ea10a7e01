"""Serverless Application Repository applications, answered offline.

For `AWS::Serverless::Application` with `Location: {ApplicationId, SemanticVersion}` the
translator asks the Serverless Application Repository for a template URL
(`CreateCloudFormationTemplate`, a network call that needs credentials) and makes a nested
stack of it. Offline, `Repository` answers in its place with a placeholder URL under a reserved
domain (RFC 2606 `.invalid`): the application's template is neither fetched nor copied, so the
output shows the nested stack but cannot deploy it, and `SL023` names each such application.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from ..errors import Problem, warning

PLACEHOLDER = "https://serverlessrepo.safelambda.invalid/"
STACK = "AWS::CloudFormation::Stack"


def placeholder_url(application: str, version: str) -> str:
    return f"{PLACEHOLDER}{quote(application, safe='')}/{quote(version, safe='')}/template.yaml"


class Repository:
    """The calls aws-sam-translator's ServerlessAppPlugin makes (boto3 `serverlessrepo` client
    methods, keyword arguments in the API's spelling), answered without the network."""

    def create_cloud_formation_template(self, **request: str) -> dict[str, str]:
        application, version = request["ApplicationId"], request["SemanticVersion"]
        return {
            "TemplateUrl": placeholder_url(application, version),
            "Status": "ACTIVE",  # nothing to wait for
            "ApplicationId": application,
            "TemplateId": "offline",
        }

    def get_application(self, **request: str) -> dict[str, str]:
        return {"ApplicationId": request["ApplicationId"], "Version": request["SemanticVersion"]}

    def get_cloud_formation_template(self, **request: str) -> dict[str, str]:
        return {**request, "Status": "ACTIVE"}


def placeholders(template: dict[str, Any]) -> list[Problem]:
    """A warning for each nested stack whose template URL is the offline placeholder."""
    resources = template.get("Resources")
    notes = []
    for logical_id, resource in resources.items() if isinstance(resources, dict) else ():
        if not (isinstance(resource, dict) and resource.get("Type") == STACK):
            continue
        url = (resource.get("Properties") or {}).get("TemplateURL")
        if not (isinstance(url, str) and url.startswith(PLACEHOLDER)):
            continue
        application, version = map(unquote, url[len(PLACEHOLDER) :].split("/")[:2])
        notes.append(
            warning(
                "SL023",
                f"Serverless Application Repository application {application} {version} is not "
                "fetched offline, so this nested stack's TemplateURL is a placeholder that cannot "
                "be deployed; deploy the source template, whose SAM transform fetches it",
                str(logical_id),
                "Properties.TemplateURL",
            )
        )
    return notes
