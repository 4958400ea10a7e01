"""W9401: SafeLambda cannot process the template offline, so its rules see less of it."""

from __future__ import annotations

from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch


class NotProcessed(CloudFormationLintRule):
    """Says why, so a rule that checked less is never silent about it."""

    id = "W9401"
    shortdesc = "SafeLambda cannot process the template offline"
    description = (
        "The template lists a transform that cannot run offline (a custom macro, AWS::Include), "
        "the SAM translator is missing or rejects the template, or the SafeLambda macro would "
        "reject it. W9411 and E9306 then cannot check what the transforms make."
    )
    source_url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
        "transform-section-structure.html"
    )
    tags: ClassVar[list[str]] = ["transform", "safelambda"]

    def __init__(self) -> None:
        super().__init__()
        # `--configure-rule ID:macro_name=NAME` when SafeLambda is installed under another name
        self.config_definition = {"macro_name": {"default": "SafeLambda", "type": "string"}}
        self.configure()

    def match(self, cfn: Any) -> list[Any]:
        from safelambda.cfnlint._findings import find  # not at cfn-lint's start-up

        found = find(self.id, cfn, self.config["macro_name"])
        return [RuleMatch(path, message) for path, message in found]
