"""Lambda publishes a Version only of a `$LATEST` that changed since the last one."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from scenes import alias, codes, fn, stack, version

from safelambda.deploy import simulate

ONE = stack(Fn=fn(Description="a"), FnVersiona=version(), FnAliaslive=alias("FnVersiona"))


def _with(changes: dict[str, Any], versions: tuple[str, ...] = ("FnVersionb",)) -> dict[str, Any]:
    """ONE with the function's properties changed and its Version(s) renamed."""
    new = copy.deepcopy(ONE)
    resources = new["Resources"]
    resources["Fn"]["Properties"].update(changes)
    del resources["FnVersiona"]
    for rid in versions:
        resources[rid] = version()
    resources["FnAliaslive"] = alias(versions[0])
    return new


@pytest.mark.parametrize(
    ("previous", "version_ref"),
    [
        pytest.param(None, {"Ref": "Fn"}, id="first-deploy"),
        pytest.param(ONE, {"Ref": "Fn"}, id="update"),
        pytest.param(ONE, {"Fn::GetAtt": ["Fn", "Arn"]}, id="named-by-arn"),
    ],
)
def test_two_versions_of_one_function_in_one_deploy_fail(
    previous: dict[str, Any] | None, version_ref: dict[str, Any]
) -> None:
    new = _with({"Description": "b"}, ("FnVersionb", "FnVersionc"))
    new["Resources"]["FnVersionc"]["Properties"]["FunctionName"] = version_ref
    deploy = simulate(previous, new)
    assert codes(deploy) == [("SL501", "Fn")]
    assert deploy.findings[0].details["Versions"] == ["FnVersionb", "FnVersionc"]
    assert "A version for this Lambda function exists" in deploy.findings[0].problem.message
    assert deploy.failed


def test_one_new_version_for_each_of_two_functions_is_fine() -> None:
    template = stack(Fn=fn(), FnVersiona=version(), Other=fn(), OtherVersiona=version("Other"))
    assert simulate(None, template).findings == ()


@pytest.mark.parametrize(
    ("changes", "found"),
    [
        pytest.param({"Tags": [{"Key": "team", "Value": "b"}]}, ["SL502"], id="tags-only"),
        pytest.param({"ReservedConcurrentExecutions": 5}, ["SL502"], id="concurrency-only"),
        pytest.param({}, ["SL502"], id="renamed-version-only"),
        pytest.param({"Description": "b"}, [], id="description"),
        pytest.param({"Timeout": 9}, [], id="timeout"),
        pytest.param({"FunctionName": "renamed"}, [], id="replaced-function"),
    ],
)
def test_a_version_of_an_unchanged_function_fails(
    changes: dict[str, Any], found: list[str]
) -> None:
    deploy = simulate(ONE, _with(changes))
    assert [code for code, _ in codes(deploy)] == found
    if found:
        assert deploy.findings[0].problem.resource == "FnVersionb"
        assert deploy.findings[0].details == {"Function": "Fn", "Version": "FnVersionb"}


def test_the_first_version_of_an_existing_function_publishes() -> None:
    previous = stack(Fn=fn())
    assert simulate(previous, stack(Fn=fn(), FnVersiona=version())).findings == ()
