"""Acknowledgements: a reviewed finding is listed as acknowledged and passes; one that matches
nothing fails (SL415); a malformed one fails (SL416)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import function, safelambda, template
from safelambda import transform
from safelambda.cli import acknowledge

RULE = "Rule.Properties.Source.SourceIdentifier"
SL302 = (
    "SL302 {place}: invokes Fn unqualified: every call reaches $LATEST, which is torn while an "
    "update runs; SafeLambda leaves it (an alias is unproven there): review and acknowledge"
)


def config_rule(**metadata: Any) -> dict[str, Any]:
    """A Config rule invoking Fn: SafeLambda cannot move it (no alias is proven there)."""
    rule: dict[str, Any] = {
        "Type": "AWS::Config::ConfigRule",
        "Properties": {
            "Source": {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": {"Fn::GetAtt": ["Fn", "Arn"]}}
        },
    }
    if metadata:
        rule["Metadata"] = {"SafeLambda": metadata}
    return {"Transform": "SafeLambda", **template(Fn=function(), Rule=rule)}


def check(tmp_path: Path, document: dict[str, Any], *args: str) -> Any:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(document))
    return safelambda("check", str(path), *args)


def test_unprovable_place_fails_as_sl302_and_the_transform_warning_is_not_repeated(
    tmp_path: Path,
) -> None:
    result = check(tmp_path, config_rule())
    assert result.returncode == 1
    assert result.stdout.splitlines() == [SL302.format(place=RULE)]


def test_environment_variable_naming_another_function_is_sl302_as_the_readme_says(
    tmp_path: Path,
) -> None:
    caller = function({"Environment": {"Variables": {"TARGET": {"Ref": "Fn"}}}})
    result = check(tmp_path, {"Transform": "SafeLambda", **template(Fn=function(), Caller=caller)})
    assert result.returncode == 1
    place = "Caller.Properties.Environment.Variables.TARGET"
    assert result.stdout.splitlines() == [SL302.format(place=place)]


@pytest.mark.parametrize(
    ("document", "args", "by"),
    [
        pytest.param(
            config_rule(Acknowledge=[{"Code": "SL302", "Reason": "Config takes no alias"}]),
            [],
            "Rule.Metadata.SafeLambda.Acknowledge[0]: Config takes no alias",
            id="on-the-resource",
        ),
        pytest.param(
            config_rule(Acknowledge=["SL302"]),
            [],
            "Rule.Metadata.SafeLambda.Acknowledge[0]",
            id="resource-code",
        ),
        pytest.param(
            {
                **config_rule(),
                "Metadata": {
                    "SafeLambda": {
                        "Acknowledge": [
                            {"Code": "SL302", "Resource": "Rule", "Path": "Properties.Source"}
                        ]
                    }
                },
            },
            [],
            "Metadata.SafeLambda.Acknowledge[0]",
            id="on-the-template-with-a-path-prefix",
        ),
        pytest.param(
            {**config_rule(), "Metadata": {"SafeLambda": {"Acknowledge": [f"SL302:{RULE}"]}}},
            [],
            "Metadata.SafeLambda.Acknowledge[0]",
            id="template-string",
        ),
        pytest.param(config_rule(), ["--acknowledge", "SL302:Rule"], "--acknowledge[0]", id="cli"),
    ],
)
def test_acknowledged_sl302_passes_and_is_listed(
    tmp_path: Path, document: dict[str, Any], args: list[str], by: str
) -> None:
    result = check(tmp_path, document, *args)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [f"acknowledged {SL302.format(place=RULE)} [{by}]"]


def test_acknowledged_findings_are_listed_apart_in_json(tmp_path: Path) -> None:
    ack = {"Code": "SL302", "Reason": "reviewed"}
    result = check(tmp_path, config_rule(Acknowledge=[ack]), "--format", "json")
    report = json.loads(result.stdout)
    assert (report["Passed"], report["Findings"]) == (True, [])
    (listed,) = report["Acknowledged"]
    assert (listed["Code"], listed["Resource"], listed["Path"]) == ("SL302", "Rule", RULE[5:])
    assert listed["Acknowledged"] == {
        "By": "Rule.Metadata.SafeLambda.Acknowledge[0]",
        "Reason": "reviewed",
    }


@pytest.mark.parametrize(
    ("document", "args", "line"),
    [
        pytest.param(
            config_rule(Acknowledge=["SL411"]),
            [],
            "SL415 Rule.Metadata.SafeLambda.Acknowledge[0]: acknowledges SL411 at Rule",
            id="resource-wrong-code",
        ),
        pytest.param(
            {
                **config_rule(Acknowledge=["SL302"]),
                "Metadata": {"SafeLambda": {"Acknowledge": ["SL302:Rule.Properties.Other"]}},
            },
            [],
            "SL415 Metadata.SafeLambda.Acknowledge[0]: acknowledges SL302 at Rule.Properties.Other",
            id="template-wrong-path",
        ),
        pytest.param(
            config_rule(Acknowledge=["SL302"]),
            ["--acknowledge", "SL206"],
            "SL415 --acknowledge[0]: acknowledges every SL206",
            id="command-line",
        ),
    ],
)
def test_an_acknowledgement_that_matches_nothing_is_reported_and_fails(
    tmp_path: Path, document: dict[str, Any], args: list[str], line: str
) -> None:
    result = check(tmp_path, document, *args)
    assert result.returncode == 1
    stale = [ln for ln in result.stdout.splitlines() if ln.startswith("SL415")]
    assert len(stale) == 1
    assert stale[0].startswith(line + ", but check finds none: remove it")


def test_an_acknowledgement_left_after_the_fix_is_stale(tmp_path: Path) -> None:
    fixed = config_rule(Acknowledge=["SL302"])
    fixed["Resources"]["Rule"]["Properties"]["Source"]["SourceIdentifier"] = "arn:aws:x"
    result = check(tmp_path, fixed)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("SL415 Rule.Metadata.SafeLambda.Acknowledge[0]")


@pytest.mark.parametrize(
    ("entries", "says"),
    [
        pytest.param("SL302", "must be a list of acknowledgements", id="not-a-list"),
        pytest.param(["SL9999"], "'SL9999' is not a code", id="bad-code"),
        pytest.param(["SL777"], "SL777 is not a code check reports", id="unregistered"),
        pytest.param(["SL415"], "SL415 is not a code check reports", id="own-code"),
        pytest.param(["SL302:Rule"], "'SL302:Rule' is not a code", id="resource-on-a-resource"),
        pytest.param([{"Code": "SL302", "Resource": "Rule"}], "cannot have Resource", id="field"),
        pytest.param([{"Code": "SL302", "Reason": 3}], "must be strings", id="reason-type"),
        pytest.param([{"Reason": "x"}], "must be a code, CODE:Resource", id="no-code"),
    ],
)
def test_a_malformed_acknowledgement_is_coded(tmp_path: Path, entries: Any, says: str) -> None:
    result = check(tmp_path, config_rule(Acknowledge=entries))
    assert result.returncode == 1
    malformed = [ln for ln in result.stdout.splitlines() if ln.startswith("SL416")]
    assert len(malformed) == 1 and says in malformed[0], result.stdout


def test_a_malformed_command_line_acknowledgement_is_a_usage_error(tmp_path: Path) -> None:
    result = check(tmp_path, config_rule(), "--acknowledge", "all of them")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("SL416 --acknowledge[0]: 'all of them' is not CODE")


def test_the_macro_accepts_acknowledgements_in_its_settings() -> None:
    fragment = config_rule(Acknowledge=["SL302"])
    fragment["Resources"]["Fn"]["Metadata"] = {"SafeLambda": {"Acknowledge": ["SL302"]}}
    fragment["Metadata"] = {"SafeLambda": {"Acknowledge": ["SL302"]}}
    del fragment["Transform"]
    assert [p.code for p in transform(fragment).report.warnings] == ["SL302"]


@pytest.mark.parametrize(
    ("path", "found", "matches"),
    [
        pytest.param("Properties.Source", "Properties.Source.SourceIdentifier", True, id="prefix"),
        pytest.param("Properties.Source", "Properties.Source", True, id="itself"),
        pytest.param("Properties.Sour", "Properties.Source", False, id="not-a-segment"),
        pytest.param("Properties.Layers", "Properties.Layers[0]", True, id="list-item"),
    ],
)
def test_a_path_covers_itself_and_what_is_under_it(path: str, found: str, matches: bool) -> None:
    ack = acknowledge.Acknowledgement("SL302", "Rule", path, None, (None, "x"))
    assert ack.matches("SL302", "Rule", found) is matches


def test_quiet_still_lists_what_was_acknowledged(tmp_path: Path) -> None:
    result = check(tmp_path, config_rule(Acknowledge=["SL302"]), "--quiet")
    assert result.returncode == 0
    assert result.stdout.startswith("acknowledged SL302 Rule.")
