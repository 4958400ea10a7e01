"""Templates the real CDK and Serverless Framework wrote, deployed three times through
`safelambda transform`: create (v1), a code change (v2), a configuration change (v3).

What each deploy must do (the fixtures are described in tests/fixtures/tools/README.md): every
function ends with one Version and one alias, the tool's own Version is gone, a new Version
logical ID appears exactly for the function that changed, and every integration invokes the
alias. The sequence is asserted on the processed templates themselves.
"""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

import corpus_support
from helpers import ROOT
from safelambda import cli
from safelambda.references import invocations, unqualified
from safelambda.references.invocations import owners
from safelambda.template import names_in

TOOLS = ROOT / "tests" / "fixtures" / "tools"
APPS = sorted(str(p.relative_to(TOOLS)) for p in TOOLS.glob("*/*") if p.is_dir())
STEPS = ("v1", "v2", "v3")
VERSION, ALIAS = "AWS::Lambda::Version", "AWS::Lambda::Alias"
# The CDK's S3 notifications custom resource: its handler puts the configuration as given, so
# its LambdaFunctionArn moves to the alias like an AWS::S3::Bucket's.
CDK_S3_NOTIFICATIONS = "BucketNotifications8F2E257D"


@functools.cache
def source(app: str, step: str) -> dict[str, Any]:
    doc: dict[str, Any] = cli.load_template(str(TOOLS / app / f"{step}.json"))
    # The CDK app would call `Stack.addTransform('SafeLambda')`, which writes one transform as
    # a string (aws-cdk #3395); the Serverless Framework already wrote `["SafeLambda"]`.
    return doc if "Transform" in doc else {**doc, "Transform": "SafeLambda"}


def run(path: Path, out: Path) -> tuple[dict[str, Any], str]:
    """`safelambda transform` on one template: the output, and what it printed on stderr."""
    printed = io.StringIO()
    with contextlib.redirect_stderr(printed):
        assert cli.main(["transform", str(path), "--format", "json", "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8")), printed.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Any]:
    """Every deploy of every app, each through the command once."""
    tmp = tmp_path_factory.mktemp("tools")
    found = {}
    for app in APPS:
        for step in STEPS:
            path = tmp / f"{app.replace('/', '-')}-{step}.json"
            path.write_text(json.dumps(source(app, step)), encoding="utf-8")
            found[app, step] = run(path, tmp / "out.json")
    return found


def of_type(doc: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {rid: res for rid, res in doc["Resources"].items() if res["Type"] == type_}


def functions(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return of_type(doc, "AWS::Lambda::Function")


def named_function(resource: dict[str, Any]) -> str:
    name = resource["Properties"]["FunctionName"]
    return str(name["Ref"])


def report(doc: dict[str, Any]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = doc["Metadata"]["SafeLambda"]["Report"]["Functions"]
    return found


Runs = dict[tuple[str, str], Any]
EVERY_DEPLOY = [pytest.param(app, step, id=f"{app}-{step}") for app in APPS for step in STEPS]


@pytest.mark.parametrize(("app", "step"), EVERY_DEPLOY)
def test_every_function_ends_with_one_version_and_one_alias(
    app: str, step: str, runs: Runs
) -> None:
    out, _ = runs[app, step]
    fns = set(functions(out))
    versions = [named_function(r) for r in of_type(out, VERSION).values()]
    aliases = [named_function(r) for r in of_type(out, ALIAS).values()]
    assert sorted(versions) == sorted(fns) == sorted(aliases)
    assert set(report(out)) == fns
    for fid, entry in report(out).items():
        assert out["Resources"][entry["Version"]]["Properties"]["FunctionName"] == {"Ref": fid}
        assert out["Resources"][entry["Alias"]]["Properties"]["FunctionVersion"] == {
            "Fn::GetAtt": [entry["Version"], "Version"]
        }


@pytest.mark.parametrize(("app", "step"), EVERY_DEPLOY)
def test_the_tools_own_version_is_taken_over_and_named_nowhere(
    app: str, step: str, runs: Runs
) -> None:
    out, _ = runs[app, step]
    theirs = set(of_type(source(app, step), VERSION))
    text = json.dumps(out)
    assert [rid for rid in theirs if rid in text] == []
    taken = {fid: e.get("TakenOver") for fid, e in report(out).items()}
    tool = {"cdk": "CDK", "serverless": "Serverless Framework"}[app.partition("/")[0]]
    # Apps without a Version of their own (plain functions, CDK's own handler) report nothing.
    versioned = {named_function(r) for r in of_type(source(app, step), VERSION).values()}
    assert taken == {fid: tool if fid in versioned else None for fid in taken}


@pytest.mark.parametrize(("app", "step"), EVERY_DEPLOY)
def test_every_integration_invokes_the_alias(app: str, step: str, runs: Runs) -> None:
    out, stderr = runs[app, step]
    aliases = {fid: entry["Alias"] for fid, entry in report(out).items()}
    found = invocations(out)
    assert unqualified(out) == []
    assert [(i.resource, i.target) for i in found if i.target != aliases[i.function]] == []
    # The same integrations as the tool wrote (the deployment-group app has none).
    assert sorted(i.resource for i in found) == sorted(
        i.resource for i in invocations(source(app, step))
    )
    # Nothing is left on `$LATEST`, the CDK's S3 notifications custom resource included.
    assert [line for line in stderr.splitlines() if line.startswith("SL301 ")] == []


@pytest.mark.parametrize(("app", "step"), EVERY_DEPLOY)
def test_every_permission_moves_to_the_alias_with_its_integration(
    app: str, step: str, runs: Runs
) -> None:
    out, tool = runs[app, step][0], source(app, step)
    owner = owners(tool["Resources"])
    for rid, permission in of_type(tool, "AWS::Lambda::Permission").items():
        (target,) = names_in(permission["Properties"]["FunctionName"])
        moved = out["Resources"][rid]["Properties"]["FunctionName"]
        assert moved == {"Ref": report(out)[owner[target]]["Alias"]}


def test_cdk_s3_notifications_move_to_the_alias_after_its_permission(runs: Runs) -> None:
    out, _ = runs["cdk/rest-api-plain", "v1"]
    notifications = out["Resources"][CDK_S3_NOTIFICATIONS]
    (configuration,) = notifications["Properties"]["NotificationConfiguration"][
        "LambdaFunctionConfigurations"
    ]
    assert configuration["LambdaFunctionArn"] == {"Ref": "Handler886CB40BAliaslive"}
    # S3 checks the permission when the handler puts the configuration: the CDK's DependsOn on
    # the permission, which moved to the alias with it, still orders them.
    permission = "BucketAllowBucketNotificationsToRestApiPlainHandler8B8AEF7178A9F5DC"
    assert permission in notifications["DependsOn"]
    assert (
        out["Resources"][permission]["Properties"]["FunctionName"]
        == configuration["LambdaFunctionArn"]
    )


@pytest.mark.parametrize(("app", "step"), EVERY_DEPLOY)
def test_processed_template_has_no_new_cfn_lint_error(app: str, step: str, runs: Runs) -> None:
    out, _ = runs[app, step]
    before = corpus_support.lint_matches(source(app, step))
    # Only rules that depend on today's date (runtime deprecation) may fail the tool's output.
    assert {rule for rule, _ in before} <= corpus_support.DATED_RULES
    assert corpus_support.lint_matches(out) - before == set()


def version_ids(doc: dict[str, Any]) -> dict[str, str]:
    return {fid: entry["Version"] for fid, entry in report(doc).items()}


def changed_functions(app: str, before: str, after: str) -> set[str]:
    old, new = functions(source(app, before)), functions(source(app, after))
    return {fid for fid in new if new[fid] != old.get(fid)}


DEPLOYS = [
    pytest.param(app, before, after, id=f"{app}-{before}-{after}")
    for app in APPS
    for before, after in itertools.pairwise(STEPS)
]


@pytest.mark.parametrize(("app", "before", "after"), DEPLOYS)
def test_a_deploy_creates_one_new_version_exactly_for_each_changed_function(
    app: str, before: str, after: str, runs: Runs
) -> None:
    old, new = version_ids(runs[app, before][0]), version_ids(runs[app, after][0])
    changed = changed_functions(app, before, after)
    assert changed, "each step of the fixtures changes the app's function"
    assert {fid for fid in new if new[fid] != old.get(fid)} == changed
    created = set(new.values()) - set(old.values())
    assert len(created) == len(changed)


@pytest.mark.parametrize(("app", "before", "after"), DEPLOYS)
def test_aliases_keep_their_logical_ids_from_deploy_to_deploy(
    app: str, before: str, after: str, runs: Runs
) -> None:
    def aliases(step: str) -> dict[str, str]:
        return {fid: e["Alias"] for fid, e in report(runs[app, step][0]).items()}

    assert aliases(before) == aliases(after)


@pytest.mark.parametrize(("app", "before", "after"), DEPLOYS)
def test_every_new_version_is_backed_by_a_change_of_latest(
    app: str, before: str, after: str, runs: Runs
) -> None:
    # Lambda refuses to publish an unchanged $LATEST; the Description marker changes with the hash.
    old, new = functions(runs[app, before][0]), functions(runs[app, after][0])
    for fid in changed_functions(app, before, after):
        assert new[fid]["Properties"]["Description"] != old[fid]["Properties"]["Description"]


@pytest.mark.parametrize("app", APPS)
def test_adopting_safelambda_replaces_the_tools_version_with_a_publishable_one(
    app: str, runs: Runs
) -> None:
    # The deploy that adds SafeLambda to a stack the tool deployed: its Version (old logical ID)
    # goes, SafeLambda's is new, and $LATEST changes (the marker), so Lambda publishes it.
    tool, out = source(app, "v1"), runs[app, "v1"][0]
    for fid, version in version_ids(out).items():
        assert version not in tool["Resources"]
        assert functions(out)[fid]["Properties"].get("Description") != functions(tool)[fid][
            "Properties"
        ].get("Description")


def test_the_cdk_handler_of_s3_notifications_keeps_its_version(runs: Runs) -> None:
    ids = [version_ids(runs["cdk/rest-api-plain", step][0]) for step in STEPS]
    (handler,) = [fid for fid in ids[0] if fid.startswith("BucketNotificationsHandler")]
    assert ids[0][handler] == ids[1][handler] == ids[2][handler]
    assert ids[0]["Handler886CB40B"] != ids[1]["Handler886CB40B"] != ids[2]["Handler886CB40B"]


# -- what the adopted CDK aliases keep -----------------------------------------------------------


@pytest.mark.parametrize(
    ("app", "alias", "kept"),
    [
        pytest.param(
            "cdk/add-alias-provisioned",
            "HandlerAliaslive89C8E7B1",
            {"ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 2}},
            id="add-alias-provisioned-concurrency",
        ),
        pytest.param("cdk/current-version-alias", "Prod7A5F3219", {"Name": "prod"}, id="prod"),
        pytest.param("cdk/rest-api-alias", "Live848578DF", {"Name": "live"}, id="rest-api"),
    ],
)
def test_the_cdk_alias_is_adopted_with_what_it_had(
    app: str, alias: str, kept: dict[str, Any], runs: Runs
) -> None:
    for step in STEPS:
        out = runs[app, step][0]
        mine = source(app, step)["Resources"][alias]
        assert report(out)["Handler886CB40B"]["Alias"] == alias
        assert out["Resources"][alias]["Metadata"] == mine["Metadata"]  # aws:cdk:path
        assert kept.items() <= out["Resources"][alias]["Properties"].items()


def test_the_cdk_deployment_group_keeps_shifting_traffic_on_the_adopted_alias(runs: Runs) -> None:
    for step in STEPS:
        out = runs["cdk/deployment-group", step][0]
        policy = source("cdk/deployment-group", step)["Resources"]["Live848578DF"]["UpdatePolicy"]
        assert out["Resources"]["Live848578DF"]["UpdatePolicy"] == policy


def test_the_cdk_sqs_mapping_on_the_alias_is_left_as_the_cdk_wrote_it(runs: Runs) -> None:
    app, mapping = (
        "cdk/current-version-alias",
        "ProdSqsEventSourceCurrentVersionAliasQueue0696139BDAB20554",
    )
    out = runs[app, "v1"][0]
    assert out["Resources"][mapping] == source(app, "v1")["Resources"][mapping]


# -- what the Serverless Framework's Version hands over ----------------------------------------


@pytest.mark.parametrize("app", [a for a in APPS if a.startswith("serverless/")])
def test_the_serverless_version_output_and_code_sha256_follow_safelambdas_version(
    app: str, runs: Runs
) -> None:
    for step in STEPS:
        tool, out = source(app, step), runs[app, step][0]
        (version,) = of_type(tool, VERSION).values()
        fid = named_function(version)
        mine = report(out)[fid]["Version"]
        (output,) = [o for o in out["Outputs"] if o.endswith("LambdaFunctionQualifiedArn")]
        assert out["Outputs"][output]["Value"] == {"Ref": mine}
        assert out["Outputs"][output]["Export"] == tool["Outputs"][output]["Export"]
        assert out["Resources"][mine]["Properties"] == version["Properties"]  # with CodeSha256
        assert out["Resources"][mine]["DeletionPolicy"] == "Retain"  # VersionRetention


@pytest.mark.parametrize("app", [a for a in APPS if a.startswith("serverless/")])
def test_packaging_the_same_code_again_keeps_the_version(
    app: str, runs: Runs, tmp_path: Path
) -> None:
    # Each `serverless package` uploads under a new S3 key; the CodeSha256 decides.
    again = json.loads(json.dumps(source(app, "v1")))
    for resource in functions(again).values():
        resource["Properties"]["Code"]["S3Key"] = "serverless/repackaged/app.zip"
    path = tmp_path / "repackaged.json"
    path.write_text(json.dumps(again), encoding="utf-8")
    out, _ = run(path, tmp_path / "out.json")
    assert version_ids(out) == version_ids(runs[app, "v1"][0])


def test_a_hand_written_version_beside_the_cdks_fails_the_command_with_its_code(
    tmp_path: Path,
) -> None:
    # What `new lambda.Version(this, 'V1', { lambda: fn })` adds: a fixed logical ID.
    doc = json.loads(json.dumps(source("cdk/current-version-alias", "v1")))
    doc["Resources"]["V1A1B2C3D4"] = {
        "Type": VERSION,
        "Properties": {"FunctionName": {"Ref": "Handler886CB40B"}},
    }
    path, out = tmp_path / "template.json", tmp_path / "out.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    printed = io.StringIO()
    with contextlib.redirect_stderr(printed):
        assert cli.main(["transform", str(path), "-o", str(out)]) == 1
    assert printed.getvalue().startswith("SL105 V1A1B2C3D4.Properties.FunctionName: ")
    assert not out.exists()
