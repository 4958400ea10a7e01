"""Which existing Versions SafeLambda replaces: only the ones SAM (or an earlier run) generated."""

from __future__ import annotations

import pytest

from helpers import function, template
from safelambda import transform


@pytest.mark.parametrize(
    ("version_id", "replaced"),
    [
        pytest.param("FnVersion0123456789", True, id="generated"),
        pytest.param("FnVersion0123456789a", False, id="eleven-digits"),
        pytest.param("FnVersion012345678", False, id="nine-digits"),
        pytest.param("FnVersion0123456ABC", False, id="uppercase-hex"),
        pytest.param("FnVersionv123456789", False, id="not-hex"),
        pytest.param("OtherVersion0123456789", False, id="another-prefix"),
        pytest.param("FnPinned", False, id="hand-written"),
    ],
)
def test_only_generated_versions_of_the_function_are_replaced(
    version_id: str, replaced: bool
) -> None:
    version = {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}}
    result = transform(template(Fn=function(), **{version_id: version}))
    assert (version_id not in result.template["Resources"]) is replaced
    assert result.report.functions["Fn"]["Version"] in result.template["Resources"]
