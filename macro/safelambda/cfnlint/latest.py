"""W9411: an integration invokes a function unqualified, so it reaches a torn `$LATEST`."""

from __future__ import annotations

from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch


class UnqualifiedInvocation(CloudFormationLintRule):
    """The places `safelambda check` reports as SL411, on the template as it will deploy."""

    id = "W9411"
    shortdesc = "Integration invokes a Lambda function unqualified ($LATEST)"
    description = (
        "An integration in SafeLambda's catalog invokes a function without a version or alias, "
        "so while CloudFormation updates the function it can run new code with the old "
        "configuration, or the reverse. A template that lists SafeLambda in Transform is "
        "checked after the macro: only what the macro leaves unqualified is reported."
    )
    source_url = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html"
    tags: ClassVar[list[str]] = ["resources", "lambda", "safelambda"]

    def __init__(self) -> None:
        super().__init__()
        # `--configure-rule ID:macro_name=NAME` when SafeLambda is installed under another name
        self.config_definition = {"macro_name": {"default": "SafeLambda", "type": "string"}}
        self.configure()

    def match(self, cfn: Any) -> list[Any]:
        from safelambda.cfnlint._findings import find  # not at cfn-lint's start-up

        found = find(self.id, cfn, self.config["macro_name"])
        return [RuleMatch(path, message) for path, message in found]
