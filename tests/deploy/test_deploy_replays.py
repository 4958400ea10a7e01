"""Real transitions replayed through the model, with today's macro output.

Each pair is one SAM template processed twice by `safelambda.offline.pipeline`: stopped before
SafeLambda (what `transform --before-macro` prints: the stack as deployed without SafeLambda)
and with it (the adoption deploy).
"""

from __future__ import annotations

import copy
from typing import Any

from movies import processed, sam
from scenes import codes
from test_deploy_apis import UNPROTECTED, rest

from safelambda.deploy import simulate

DEPLOYMENT = "AWS::ApiGateway::Deployment"


def sam_api(events: str, *, auto_publish: bool = False) -> dict[str, Any]:
    alias = {"AutoPublishAlias": "live"} if auto_publish else {}
    return sam({"Get": f"{{Type: {events}, Properties: {{Path: /, Method: get}}}}"}, **alias)


def _of_type(template: dict[str, Any], type_: str) -> list[str]:
    return [rid for rid, r in template["Resources"].items() if r["Type"] == type_]


def test_adopting_safelambda_on_a_sam_api_rotates_the_deployment_and_leaves_no_stale_stage() -> (
    None
):
    """The macro rewrites the REST API's body and gives SAM's Deployment a new logical ID (SAM's
    plus a hash of the rewritten API), ordered after the alias's permission: both stages move to
    the new snapshot, which invokes the alias, and nothing the old snapshot needed is deleted
    while a stage still serves it."""
    before, after = processed(sam_api("Api"))
    (old,) = _of_type(before, DEPLOYMENT)
    (new,) = _of_type(after, DEPLOYMENT)
    assert new != old and new.startswith(old)
    deploy = simulate(before, after)
    assert codes(deploy) == []
    assert not deploy.failed
    # The rule itself, on a hand-written pair whose Deployment keeps its ID.
    assert codes(simulate(UNPROTECTED, rest("FnAliaslive"))) == [
        ("SL503", "ApiDeploymentA"),
        ("SL506", "ApiDeploymentA"),
    ]


def test_model_sees_the_http_api_window_it_cannot_order() -> None:
    """SAM's HTTP API deploys itself (`$default` stage, AutoDeploy): no stale stage, but the
    API's body moves to the alias before the alias's permission exists, and that permission's
    SourceArn names the API, so no DependsOn can close it: the finding names the procedure."""
    before, after = processed(sam_api("HttpApi"))
    deploy = simulate(before, after)
    assert codes(deploy) == [("SL505", "ServerlessHttpApi")]
    assert deploy.findings[0].details["Grants"] == ["FnGetPermission"]
    assert "deploy once with Adoption: Prepare first" in deploy.findings[0].problem.message
    assert not deploy.failed


def test_taking_over_sams_versions_publishes_exactly_one_version() -> None:
    before, after = processed(sam_api("Api", auto_publish=True))
    assert len(_of_type(before, "AWS::Lambda::Version")) == 1
    assert simulate(before, after).findings == ()


def test_a_second_version_beside_sams_would_fail_the_stack() -> None:
    before, after = processed(sam_api("Api", auto_publish=True))
    (sams,) = _of_type(before, "AWS::Lambda::Version")
    both = copy.deepcopy(after)
    both["Resources"][sams] = before["Resources"][sams]
    assert [c for c in codes(simulate(None, both)) if c[0] == "SL501"] == [("SL501", "Fn")]


def test_without_its_description_marker_the_new_version_would_have_nothing_to_publish() -> None:
    before, after = processed(sam_api("Api", auto_publish=True))
    unmarked = copy.deepcopy(after)
    del unmarked["Resources"]["Fn"]["Properties"]["Description"]
    (version,) = _of_type(after, "AWS::Lambda::Version")
    assert codes(simulate(before, unmarked)) == [("SL502", version)]
