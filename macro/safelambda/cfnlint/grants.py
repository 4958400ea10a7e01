"""E9306: an integration invokes an alias or version that only the function is granted for."""

from __future__ import annotations

from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch


class UngrantedQualifier(CloudFormationLintRule):
    """A permission covers only the ARN it names: the function's does not cover its alias."""

    id = "E9306"
    shortdesc = "Alias or version invoked without a permission for it"
    description = (
        "An integration invokes an alias or version of a function, but the template grants "
        "its service the unqualified function only. Lambda applies a resource-based policy "
        "to the ARN it names, so every invocation of the alias is refused."
    )
    source_url = "https://docs.aws.amazon.com/lambda/latest/dg/using-aliases.html"
    tags: ClassVar[list[str]] = ["resources", "lambda", "permissions", "safelambda"]

    def __init__(self) -> None:
        super().__init__()
        # `--configure-rule ID:macro_name=NAME` when SafeLambda is installed under another name
        self.config_definition = {"macro_name": {"default": "SafeLambda", "type": "string"}}
        self.configure()

    def match(self, cfn: Any) -> list[Any]:
        from safelambda.cfnlint._findings import find  # not at cfn-lint's start-up

        found = find(self.id, cfn, self.config["macro_name"])
        return [RuleMatch(path, message) for path, message in found]
