"""An invocation needs a grant that exists at that moment: windows, and grants held elsewhere."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from scenes import alias, arn, codes, fn, permission, rule, stack, version

from safelambda.deploy import simulate

EVENTS = "events.amazonaws.com"
SNS = "sns.amazonaws.com"


def _aliased(**resources: Any) -> dict[str, Any]:
    return stack(Fn=fn(), FnVersiona=version(), FnAliaslive=alias("FnVersiona"), **resources)


def events(target: str, source: bool = True, order: bool = False) -> dict[str, Any]:
    """A schedule rule invoking `target`, and the permission that lets EventBridge do it."""
    grant = permission(target, EVENTS, {"Fn::GetAtt": ["Nightly", "Arn"]} if source else None)
    nightly = rule(target, DependsOn="NightlyPermission") if order else rule(target)
    make = _aliased if target != "Fn" else (lambda **r: stack(Fn=fn(), **r))
    return make(Nightly=nightly, NightlyPermission=grant)


@pytest.mark.parametrize(
    ("previous", "new", "found"),
    [
        pytest.param(None, events("Fn"), [("SL505", "Nightly")], id="first-deploy"),
        pytest.param(events("Fn"), events("FnAliaslive"), [("SL505", "Nightly")], id="adoption"),
        pytest.param(None, events("Fn", source=False, order=True), [], id="ordered-without-source"),
        pytest.param(events("FnAliaslive"), events("FnAliaslive"), [], id="unchanged"),
    ],
)
def test_a_rule_and_its_permission_created_in_one_deploy_leave_a_window(
    previous: dict[str, Any] | None, new: dict[str, Any], found: list[tuple[str, str]]
) -> None:
    deploy = simulate(previous, new)
    assert codes(deploy) == found
    assert not deploy.failed  # a window of seconds is a warning


def test_a_window_the_source_arn_makes_a_cycle_of_says_to_grant_first() -> None:
    (window,) = simulate(events("Fn"), events("FnAliaslive")).findings
    assert window.details["Target"] == "FnAliaslive"
    assert window.details["Grants"] == ["NightlyPermission"]
    assert "grant FnAliaslive in a deploy of its own first" in window.problem.message


def test_an_alias_rename_moves_the_rule_before_its_new_grant() -> None:
    previous = events("FnAliaslive")
    new = copy.deepcopy(previous)
    resources = new["Resources"]
    resources["FnAliasprod"] = alias("FnVersiona", "prod")
    del resources["FnAliaslive"]
    resources["Nightly"]["Properties"]["Targets"][0]["Arn"] = {"Ref": "FnAliasprod"}
    resources["NightlyPermission"]["Properties"]["FunctionName"] = {"Ref": "FnAliasprod"}
    deploy = simulate(previous, new)
    assert codes(deploy) == [("SL505", "Nightly")]
    assert {a.logical_id for a in deploy.actions if a.phase == "cleanup"} == {
        "FnAliaslive",
        "NightlyPermission",
    }


def sns(target: str, order: bool = False) -> dict[str, Any]:
    subscription: dict[str, Any] = {
        "Type": "AWS::SNS::Subscription",
        "Properties": {"TopicArn": {"Ref": "Topic"}, "Protocol": "lambda", "Endpoint": arn(target)},
    }
    if order:
        subscription["DependsOn"] = "TopicPermission"
    make = _aliased if target != "Fn" else (lambda **r: stack(Fn=fn(), **r))
    return make(
        Topic={"Type": "AWS::SNS::Topic", "Properties": {}},
        Subscription=subscription,
        TopicPermission=permission(target, SNS, {"Ref": "Topic"}),
    )


@pytest.mark.parametrize(
    ("order", "found"),
    [
        pytest.param(False, [("SL505", "Subscription"), ("SL508", "Subscription")], id="unordered"),
        pytest.param(True, [("SL508", "Subscription")], id="ordered"),
    ],
)
def test_a_new_sns_subscription_delivers_twice_and_maybe_before_its_grant(
    order: bool, found: list[tuple[str, str]]
) -> None:
    deploy = simulate(sns("Fn"), sns("FnAliaslive", order))
    assert codes(deploy) == found
    duplicate = deploy.findings[-1]
    assert (duplicate.details["Previous"], duplicate.details["Targets"]) == ("Fn", ["FnAliaslive"])
    assert "Endpoint" in duplicate.problem.message


def test_an_inline_topic_subscription_is_updated_in_place() -> None:
    def topic(target: str) -> dict[str, Any]:
        subscription = [{"Protocol": "lambda", "Endpoint": arn(target)}]
        make = _aliased if target != "Fn" else (lambda **r: stack(Fn=fn(), **r))
        return make(
            Topic={"Type": "AWS::SNS::Topic", "Properties": {"Subscription": subscription}},
            TopicPermission=permission(target, SNS, {"Ref": "Topic"}),
        )

    assert codes(simulate(topic("Fn"), topic("FnAliaslive"))) == [("SL505", "Topic")]


def state_machine(target: str, policy: str) -> dict[str, Any]:
    """A state machine invoking `target` with its role, granted inline or by a separate policy."""
    document = {
        "Statement": [
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arn(target)}
        ]
    }
    role: dict[str, Any] = {
        "Type": "AWS::IAM::Role",
        "Properties": {"AssumeRolePolicyDocument": {}},
    }
    resources: dict[str, Any] = {
        "Role": role,
        "Machine": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                "DefinitionString": '{"StartAt": "Run", "States": {"Run": {"Type": "Task", '
                '"Resource": "${Target}", "End": true}}}',
                "DefinitionSubstitutions": {"Target": arn(target)},
            },
        },
    }
    if policy == "inline":
        role["Properties"]["Policies"] = [{"PolicyName": "invoke", "PolicyDocument": document}]
    else:
        resources["InvokePolicy"] = {
            "Type": policy,
            "Properties": {
                "PolicyName": "invoke",
                "PolicyDocument": document,
                "Roles": [{"Ref": "Role"}],
            },
        }
        if policy == "AWS::IAM::RolePolicy":
            del resources["InvokePolicy"]["Properties"]["Roles"]
            resources["InvokePolicy"]["Properties"]["RoleName"] = {"Ref": "Role"}
    return (_aliased if target != "Fn" else (lambda **r: stack(Fn=fn(), **r)))(**resources)


@pytest.mark.parametrize(
    ("policy", "found"),
    [
        pytest.param("AWS::IAM::Policy", [("SL505", "Machine")], id="policy"),
        pytest.param("AWS::IAM::ManagedPolicy", [("SL505", "Machine")], id="managed-policy"),
        pytest.param("AWS::IAM::RolePolicy", [("SL505", "Machine")], id="role-policy"),
        pytest.param("inline", [], id="the-role-itself"),
    ],
)
def test_a_state_machine_needs_its_roles_policy_first(
    policy: str, found: list[tuple[str, str]]
) -> None:
    deploy = simulate(state_machine("Fn", policy), state_machine("FnAliaslive", policy))
    assert codes(deploy) == found
    if found:
        assert deploy.findings[0].details["Grants"] == ["InvokePolicy"]


def test_a_state_machine_ordered_after_its_policy_has_no_window() -> None:
    new = state_machine("FnAliaslive", "AWS::IAM::Policy")
    new["Resources"]["Machine"]["DependsOn"] = ["InvokePolicy"]
    assert simulate(state_machine("Fn", "AWS::IAM::Policy"), new).findings == ()


def test_a_wildcard_statement_already_grants_the_alias() -> None:
    def wildcard(target: str) -> dict[str, Any]:
        template = state_machine(target, "AWS::IAM::Policy")
        statement = template["Resources"]["InvokePolicy"]["Properties"]["PolicyDocument"]
        statement["Statement"][0]["Resource"] = {"Fn::Sub": "${Fn.Arn}*"}
        return template

    assert simulate(wildcard("Fn"), wildcard("FnAliaslive")).findings == ()


def test_sams_invoke_policy_template_grants_every_alias_of_the_function() -> None:
    # SAM's LambdaInvokePolicy: `function:${functionName}*` with the name in Fn::Sub's variables.
    def sam_policy(target: str) -> dict[str, Any]:
        template = state_machine(target, "AWS::IAM::Policy")
        statement = template["Resources"]["InvokePolicy"]["Properties"]["PolicyDocument"]
        statement["Statement"][0]["Resource"] = {
            "Fn::Sub": [
                "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"
                "${functionName}*",
                {"functionName": {"Ref": "Fn"}},
            ]
        }
        return template

    renamed = sam_policy("FnAliasprod")
    renamed["Resources"]["FnAliasprod"] = renamed["Resources"].pop("FnAliaslive")
    renamed["Resources"]["FnAliasprod"]["Properties"]["Name"] = "prod"
    assert simulate(sam_policy("Fn"), sam_policy("FnAliaslive")).findings == ()
    assert simulate(sam_policy("FnAliaslive"), renamed).findings == ()


def test_a_target_granted_outside_the_template_is_named_when_the_integration_moves() -> None:
    previous = stack(Fn=fn(), Nightly=rule("Fn"))
    new = _aliased(Nightly=rule("FnAliaslive"))
    (outside,) = simulate(previous, new).findings
    assert (outside.problem.code, outside.problem.resource) == ("SL509", "Nightly")
    assert outside.details["Previous"] == "Fn"
    assert "add an AWS::Lambda::Permission with FunctionName FnAliaslive" in outside.problem.message


def test_a_poller_needs_no_grant() -> None:
    def mapping(target: str) -> dict[str, Any]:
        esm = {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "FunctionName": arn(target),
                "EventSourceArn": "arn:aws:sqs:us-east-1:1:q",
            },
        }
        return (_aliased if target != "Fn" else (lambda **r: stack(Fn=fn(), **r)))(Mapping=esm)

    assert simulate(mapping("Fn"), mapping("FnAliaslive")).findings == ()


def url(target: str, grant: bool) -> dict[str, Any]:
    """A public Function URL on `target`, granted by a `lambda:InvokeFunctionUrl` permission."""
    props: dict[str, Any] = {"TargetFunctionArn": arn("Fn"), "AuthType": "NONE"}
    if target != "Fn":
        props["Qualifier"] = "live"
    resources: dict[str, Any] = {"Url": {"Type": "AWS::Lambda::Url", "Properties": props}}
    if grant:
        public = permission(target, "*")
        public["Properties"].update(Action="lambda:InvokeFunctionUrl", FunctionUrlAuthType="NONE")
        resources["UrlPermission"] = public
    return (_aliased if target != "Fn" else (lambda **r: stack(Fn=fn(), **r)))(**resources)


@pytest.mark.parametrize(
    ("grant", "found"),
    [
        pytest.param(True, [("SL505", "Url")], id="public-url-permission"),
        pytest.param(False, [("SL509", "Url")], id="iam-callers-outside"),
    ],
)
def test_a_function_url_is_granted_by_invoke_function_url(
    grant: bool, found: list[tuple[str, str]]
) -> None:
    deploy = simulate(url("Fn", grant), url("FnAliaslive", grant))
    assert codes(deploy) == found
    assert deploy.findings[0].details["Target"] == "FnAliaslive"


def test_a_role_named_elsewhere_still_grants_its_caller() -> None:
    """A Transfer workflow names no role: the server names the workflow's execution role."""

    def transfer(target: str) -> dict[str, Any]:
        document = {
            "Statement": [
                {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arn(target)}
            ]
        }
        step = {"Type": "CUSTOM", "CustomStepDetails": {"Target": arn(target)}}
        role = {
            "Type": "AWS::IAM::Role",
            "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": document}]},
        }
        workflow = {"Type": "AWS::Transfer::Workflow", "Properties": {"Steps": [step]}}
        make = _aliased if target != "Fn" else (lambda **r: stack(Fn=fn(), **r))
        return make(WorkflowRole=role, Workflow=workflow)

    deploy = simulate(transfer("Fn"), transfer("FnAliaslive"))
    assert [code for code, _ in codes(deploy)] == ["SL505"]  # the role and workflow are unordered
    assert deploy.findings[0].details["Grants"] == ["WorkflowRole"]


def bucket(target: str, order: bool) -> dict[str, Any]:
    """A bucket notifying `target`, and the permission S3 checks when it saves that."""
    notification = {
        "LambdaConfigurations": [{"Event": "s3:ObjectCreated:*", "Function": arn(target)}]
    }
    uploads: dict[str, Any] = {
        "Type": "AWS::S3::Bucket",
        "Properties": {"BucketName": "uploads", "NotificationConfiguration": notification},
    }
    source = "arn:aws:s3:::uploads" if order else {"Fn::Sub": "arn:aws:s3:::${Uploads}"}
    if order:
        uploads["DependsOn"] = "UploadsPermission"
    make = _aliased if target != "Fn" else (lambda **r: stack(Fn=fn(), **r))
    return make(Uploads=uploads, UploadsPermission=permission(target, "s3.amazonaws.com", source))


@pytest.mark.parametrize(
    ("previous", "order", "found"),
    [
        pytest.param(None, False, [("SL511", "Uploads")], id="first-deploy"),
        pytest.param(bucket("Fn", False), False, [("SL511", "Uploads")], id="adoption"),
        pytest.param(bucket("Fn", True), True, [], id="ordered"),
    ],
)
def test_s3_refuses_a_notification_before_its_permission(
    previous: dict[str, Any] | None, order: bool, found: list[tuple[str, str]]
) -> None:
    new = bucket("FnAliaslive" if previous else "Fn", order)
    deploy = simulate(previous, new)
    assert codes(deploy) == found
    if found:
        assert deploy.failed
        assert "name the bucket in UploadsPermission's SourceArn as text" in (
            deploy.findings[0].problem.message
        )
