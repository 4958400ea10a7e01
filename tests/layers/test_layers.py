"""The layers step: every function gets the layer build for its architecture, region, partition."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from helpers import function, lint_errors, template
from safelambda import DeployContext, TransformError, transform

DD = "464622532012"
DD_X86 = f"arn:aws:lambda:us-east-1:{DD}:layer:Datadog-Extension:99"
DD_ARM = f"arn:aws:lambda:us-east-1:{DD}:layer:Datadog-Extension-ARM:99"
DD_SUB = "arn:${AWS::Partition}:lambda:${AWS::Region}:" + DD + ":layer:"
PT_ARM = "arn:aws:lambda:{}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:37"
FAMILY = "safelambda:datadog-extension"


def layers_of(processed: dict[str, Any], fn: str = "Fn") -> Any:
    return processed["Resources"][fn]["Properties"].get("Layers")


def run(fragment: dict[str, Any], region: str = "us-east-1", **kwargs: Any) -> dict[str, Any]:
    return transform(fragment, DeployContext(region), **kwargs).template


def failure(fragment: dict[str, Any], region: str = "us-east-1", **kwargs: Any) -> list[str]:
    with pytest.raises(TransformError) as caught:
        transform(fragment, DeployContext(region), **kwargs)
    return [p.render() for p in caught.value.problems]


def warnings_of(processed: dict[str, Any]) -> list[str]:
    warnings: list[str] = processed["Metadata"]["SafeLambda"]["Report"].get("Warnings", [])
    return warnings


def version_id(processed: dict[str, Any], fn: str = "Fn") -> str:
    return str(processed["Metadata"]["SafeLambda"]["Report"]["Functions"][fn]["Version"])


# -- asking by family name ---------------------------------------------------------------------


def test_arm64_and_x86_functions_asking_for_the_same_family_get_their_own_build() -> None:
    processed = run(
        template(
            Arm=function({"Architectures": ["arm64"], "Layers": [FAMILY]}),
            X86=function({"Architectures": ["x86_64"], "Layers": [FAMILY]}),
            Default=function({"Layers": [FAMILY]}),
        )
    )
    assert layers_of(processed, "Arm") == [DD_ARM]
    assert layers_of(processed, "X86") == [DD_X86]
    assert layers_of(processed, "Default") == [DD_X86]  # no Architectures: Lambda's x86_64


def test_metadata_request_is_appended_after_the_written_layers_in_order() -> None:
    mine = "arn:aws:lambda:us-east-1:123456789012:layer:shared:3"
    fn = function(
        {"Architectures": ["arm64"], "Layers": [mine]},
        Metadata={
            "SafeLambda": {"Layers": ["datadog-extension", "safelambda:powertools-v3-python312"]}
        },
    )
    processed = run(template(Fn=fn))
    assert layers_of(processed) == [mine, DD_ARM, PT_ARM.format("us-east-1")]
    assert processed["Resources"]["Fn"]["Metadata"] == fn["Metadata"]


def test_arn_built_with_sub_resolves_a_family_too() -> None:
    fn = function({"Architectures": ["arm64"], "Layers": [{"Fn::Sub": "safelambda:${Family}"}]})
    fragment = {**template(Fn=fn), "Parameters": {"Family": {"Type": "String"}}}
    context = DeployContext("us-east-1", parameters={"Family": "datadog-extension"})
    assert layers_of(transform(fragment, context).template) == [DD_ARM]


def test_unknown_family_is_an_error_listing_the_known_ones() -> None:
    problems = failure(template(Fn=function({"Layers": ["safelambda:datadog-extensoin"]})))
    assert len(problems) == 1
    assert problems[0].startswith(
        "SL202 Fn.Properties.Layers[0]: unknown layer family 'datadog-extensoin' (known: adot-"
    )
    assert "datadog-extension" in problems[0]


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param("datadog-extension", id="a-string"),
        pytest.param(["datadog-extension", 3], id="a-number-in-the-list"),
        pytest.param([""], id="an-empty-name"),
    ],
)
def test_malformed_metadata_request_is_coded(request_: Any) -> None:
    fn = function(Metadata={"SafeLambda": {"Layers": request_}})
    assert failure(template(Fn=fn)) == [
        "SL209 Fn.Metadata.SafeLambda.Layers: must be a list of layer family names"
    ]


def test_skipped_function_that_asks_for_a_family_is_an_error_not_a_broken_deploy() -> None:
    fn = function({"Layers": [FAMILY]}, Metadata={"SafeLambda": {"Skip": True}})
    assert failure(template(Fn=fn)) == [
        "SL202 Fn.Metadata.SafeLambda.Skip: Skip is set, so SafeLambda cannot resolve the layer "
        "families this function asks for"
    ]


# -- literal ARNs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "sibling"),
    [
        pytest.param(DD_X86, DD_ARM, id="literal"),
        # Datadog numbers both builds of a release alike: the pinned release stays pinned.
        pytest.param(
            {"Fn::Sub": DD_SUB + "Datadog-Extension:65"},
            DD_ARM.replace(":99", ":65"),
            id="sub-with-older-version",
        ),
    ],
)
def test_known_layer_of_the_other_architecture_is_swapped_for_its_sibling(
    written: Any, sibling: str
) -> None:
    processed = run(template(Fn=function({"Architectures": ["arm64"], "Layers": [written]})))
    assert layers_of(processed) == [sibling]
    assert warnings_of(processed) == [
        "SL206 Fn.Properties.Layers[0]: layer Datadog-Extension is built for the other "
        f"architecture; arm64 uses {sibling}"
    ]


def test_known_layer_of_the_right_architecture_is_kept_as_written() -> None:
    pinned = {"Fn::Sub": DD_SUB + "Datadog-Extension-ARM:65"}
    processed = run(template(Fn=function({"Architectures": ["arm64"], "Layers": [pinned]})))
    assert layers_of(processed) == [pinned]  # a user's pinned version is theirs to keep
    assert warnings_of(processed) == []


def test_arm64_layer_swapped_back_for_an_x86_function_keeps_its_release() -> None:
    # -Arm64:1 is Lambda Insights 1.0.119.0, whose x86_64 build in eu-west-1 is :16 (not the
    # catalog's :38, another release).
    insights_arm = "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension-Arm64:1"
    processed = run(template(Fn=function({"Layers": [insights_arm]})), region="eu-west-1")
    assert layers_of(processed) == [
        "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:16"
    ]


def test_layer_from_another_account_with_a_vendor_name_is_not_swapped() -> None:
    mine = "arn:aws:lambda:us-east-1:123456789012:layer:Datadog-Extension:1"
    processed = run(template(Fn=function({"Architectures": ["arm64"], "Layers": [mine]})))
    assert layers_of(processed) == [mine]


@pytest.mark.parametrize(
    ("layer", "arch"),
    [
        pytest.param(
            "arn:aws:lambda:us-east-1:111111111111:layer:vendor-ext-arm64:4", "x86_64", id="arm64"
        ),
        pytest.param(
            "arn:aws:lambda:us-east-1:111111111111:layer:NewRelicLambdaExtensionARM64:9",
            "x86_64",
            id="glued-ARM64",
        ),
        pytest.param(
            "arn:aws:lambda:us-east-1:111111111111:layer:otel-collector-amd64-ver-1:1",
            "arm64",
            id="amd64",
        ),
        pytest.param(
            "arn:aws:lambda:us-east-1:111111111111:layer:tool_x86_64:2", "arm64", id="x86_64"
        ),
    ],
)
def test_unknown_layer_whose_name_says_the_other_architecture_is_reported(
    layer: str, arch: str
) -> None:
    fragment = template(Fn=function({"Architectures": [arch], "Layers": [layer]}))
    processed = run(fragment)
    assert layers_of(processed) == [layer]
    name = layer.split(":")[6]
    (found,) = warnings_of(processed)
    assert found.startswith(f"SL207 Fn.Properties.Layers[0]: layer {name} looks built for ")
    strict = copy.deepcopy(fragment)
    strict["Metadata"] = {"SafeLambda": {"Strict": True}}
    assert [p.split(":")[0] for p in failure(strict)] == ["SL207 Fn.Properties.Layers[0]"]


def test_layer_of_the_template_and_unknown_intrinsics_are_left_alone() -> None:
    own = {"Ref": "Shared"}
    imported = {"Fn::ImportValue": "team-layer"}
    shared = {
        "Type": "AWS::Lambda::LayerVersion",
        "Properties": {"Content": {"S3Bucket": "b", "S3Key": "k"}},
    }
    processed = run(
        template(
            Fn=function({"Architectures": ["arm64"], "Layers": [own, imported]}), Shared=shared
        )
    )
    assert layers_of(processed) == [own, imported]


# -- architecture resolution -------------------------------------------------------------------


def arch_param_template(layers: Any = None) -> dict[str, Any]:
    fragment = template(
        Fn=function({"Architectures": [{"Ref": "Arch"}], "Layers": layers or [FAMILY]})
    )
    fragment["Parameters"] = {"Arch": {"Type": "String", "AllowedValues": ["x86_64", "arm64"]}}
    return fragment


def test_parameter_driven_architecture_picks_the_build_and_the_version_follows() -> None:
    fragment = arch_param_template()
    arm = transform(fragment, DeployContext(parameters={"Arch": "arm64"})).template
    x86 = transform(fragment, DeployContext(parameters={"Arch": "x86_64"})).template
    assert layers_of(arm) == [DD_ARM]
    assert layers_of(x86) == [DD_X86]
    assert version_id(arm) != version_id(x86)


def test_find_in_map_architecture() -> None:
    fn = function(
        {
            "Architectures": [{"Fn::FindInMap": ["Stages", {"Ref": "Stage"}, "Arch"]}],
            "Layers": [FAMILY],
        }
    )
    fragment = {
        **template(Fn=fn),
        "Parameters": {"Stage": {"Type": "String"}},
        "Mappings": {"Stages": {"prod": {"Arch": "arm64"}, "dev": {"Arch": "x86_64"}}},
    }
    processed = transform(fragment, DeployContext(parameters={"Stage": "prod"})).template
    assert layers_of(processed) == [DD_ARM]


def if_arch_template(condition: Any) -> dict[str, Any]:
    fn = function(
        {
            "Architectures": {"Fn::If": ["UseArm", ["arm64"], ["x86_64"]]},
            "Layers": [FAMILY, "arn:aws:lambda:us-east-1:123456789012:layer:shared:3"],
        }
    )
    fragment = template(Fn=fn)
    fragment["Parameters"] = {"Stage": {"Type": "String", "Default": "prod"}}
    fragment["Conditions"] = {"UseArm": condition}
    return fragment


def test_undecidable_if_architecture_gives_a_matching_if_in_layers() -> None:
    # AWS::StackName is unknown to a macro, so the condition stays open until the deploy.
    fragment = if_arch_template({"Fn::Equals": [{"Ref": "AWS::StackName"}, "orders-arm"]})
    processed = run(fragment)
    shared = "arn:aws:lambda:us-east-1:123456789012:layer:shared:3"
    assert layers_of(processed) == {"Fn::If": ["UseArm", [DD_ARM, shared], [DD_X86, shared]]}
    assert lint_errors(processed) == []


def test_if_architecture_decided_by_the_event_gives_a_plain_list() -> None:
    fragment = if_arch_template({"Fn::Equals": [{"Ref": "Stage"}, "prod"]})
    processed = transform(fragment, DeployContext(parameters={"Stage": "prod"})).template
    assert layers_of(processed) == [DD_ARM, "arn:aws:lambda:us-east-1:123456789012:layer:shared:3"]


def test_if_architecture_with_layers_that_fit_both_keeps_one_list() -> None:
    fragment = if_arch_template({"Fn::Equals": [{"Ref": "AWS::StackName"}, "x"]})
    fragment["Resources"]["Fn"]["Properties"]["Layers"] = ["safelambda:datadog-node20"]
    node = f"arn:aws:lambda:us-east-1:{DD}:layer:Datadog-Node20-x:142"
    assert layers_of(run(fragment)) == [node]


def test_novalue_architecture_branch_means_lambdas_default() -> None:
    fn = function(
        {
            "Architectures": {"Fn::If": ["UseArm", ["arm64"], {"Ref": "AWS::NoValue"}]},
            "Layers": [FAMILY],
        }
    )
    fragment = template(Fn=fn)
    fragment["Conditions"] = {"UseArm": {"Fn::Equals": [{"Ref": "AWS::StackName"}, "x"]}}
    assert layers_of(run(fragment)) == {"Fn::If": ["UseArm", [DD_ARM], [DD_X86]]}


@pytest.mark.parametrize(
    "architectures",
    [
        pytest.param([{"Fn::ImportValue": "arch"}], id="import-value"),
        pytest.param([{"Fn::GetAtt": ["Other", "Arch"]}], id="resource-attribute"),  # Other: below
        # Written as literals, these are refused before any step runs (SL041, tests/template).
        pytest.param({"Fn::Split": [",", "arm"]}, id="not-an-architecture"),
        pytest.param({"Fn::Split": [",", "x86_64,arm64"]}, id="two-architectures"),
    ],
)
def test_architecture_that_cannot_be_known_is_an_error_naming_the_function(
    architectures: Any,
) -> None:
    fn = function({"Architectures": architectures, "Layers": [FAMILY]})
    problems = failure(
        template(Fn=fn, Other={"Type": "Custom::Arch", "Properties": {"ServiceToken": "t"}})
    )
    assert [p.split(": ")[0] for p in problems] == ["SL204 Fn.Properties.Architectures"]
    assert "never guesses" in problems[0]


def test_unknowable_architecture_without_layers_is_no_concern_of_the_layers_step() -> None:
    processed = run(template(Fn=function({"Architectures": [{"Fn::ImportValue": "arch"}]})))
    assert layers_of(processed) is None


def test_layers_if_on_another_open_condition_is_planned_per_branch() -> None:
    fn = function(
        {
            "Architectures": ["arm64"],
            "Layers": {"Fn::If": ["WithTracing", [FAMILY, DD_X86], {"Ref": "AWS::NoValue"}]},
        }
    )
    fragment = template(Fn=fn)
    fragment["Conditions"] = {"WithTracing": {"Fn::Equals": [{"Ref": "AWS::StackName"}, "x"]}}
    processed = run(fragment)
    assert layers_of(processed) == {
        "Fn::If": ["WithTracing", [DD_ARM], {"Ref": "AWS::NoValue"}]
    }  # the swapped x86 extension became a duplicate of the family's build


def test_layer_entry_if_on_an_open_condition_is_swapped_inside() -> None:
    entry = {"Fn::If": ["WithDatadog", DD_X86, {"Ref": "AWS::NoValue"}]}
    fragment = template(Fn=function({"Architectures": ["arm64"], "Layers": [entry]}))
    fragment["Conditions"] = {"WithDatadog": {"Fn::Equals": [{"Ref": "AWS::StackName"}, "x"]}}
    assert layers_of(run(fragment)) == [
        {"Fn::If": ["WithDatadog", DD_ARM, {"Ref": "AWS::NoValue"}]}
    ]


# -- regions and partitions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "family", "arch", "expected"),
    [
        pytest.param(
            "us-gov-west-1",
            "datadog-extension",
            "arm64",
            "arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:Datadog-Extension-ARM:99",
            id="govcloud-other-account",
        ),
        pytest.param(
            "us-gov-east-1",
            "powertools-v3-python312",
            "x86_64",
            "arn:aws-us-gov:lambda:us-gov-east-1:165087284144:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:27",
            id="govcloud-east-other-account-and-version",
        ),
        pytest.param(
            "us-gov-west-1",
            "powertools-v3-python312",
            "arm64",
            "arn:aws-us-gov:lambda:us-gov-west-1:165093116878:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27",
            id="govcloud-west-its-own-account",
        ),
        pytest.param(
            "cn-north-1",
            "powertools-v3-python312",
            "arm64",
            "arn:aws-cn:lambda:cn-north-1:498634801083:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:37",
            id="china-other-account",
        ),
        pytest.param(
            "cn-northwest-1",
            "lambda-insights",
            "x86_64",
            "arn:aws-cn:lambda:cn-northwest-1:488211338238:layer:LambdaInsightsExtension:29",
            id="china-insights",
        ),
        pytest.param(
            "af-south-1",
            "lambda-insights",
            "arm64",
            "arn:aws:lambda:af-south-1:012438385374:layer:LambdaInsightsExtension-Arm64:2",
            id="opt-in-region-other-account-and-version",
        ),
        pytest.param(
            "eu-west-1",
            "parameters-and-secrets",
            "arm64",
            "arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:4",
            id="account-per-region",
        ),
    ],
)
def test_family_resolves_for_region_and_partition(
    region: str, family: str, arch: str, expected: str
) -> None:
    fn = function({"Architectures": [arch], "Layers": [f"safelambda:{family}"]})
    assert layers_of(run(template(Fn=fn), region=region)) == [expected]


@pytest.mark.parametrize(
    ("region", "family", "arch", "why"),
    [
        pytest.param(
            "ca-west-1",
            "powertools-v3-python312",
            "arm64",
            "has no arm64 build in ca-west-1",
            id="no-arm64-build-in-region",
        ),
        pytest.param(
            "me-central-1",
            "lambda-insights",
            "arm64",
            "has no arm64 build in me-central-1",
            id="insights-no-arm64",
        ),
        pytest.param(
            "cn-north-1",
            "datadog-extension",
            "x86_64",
            "is not published in partition aws-cn",
            id="not-in-china",
        ),
        pytest.param(
            "cn-northwest-1",
            "powertools-v3-python312",
            "x86_64",
            "is not published in cn-northwest-1",
            id="not-in-that-china-region",
        ),
        pytest.param(
            "us-gov-west-1",
            "adot-python",
            "x86_64",
            "is not published in partition aws-us-gov",
            id="not-in-govcloud",
        ),
    ],
)
def test_family_unavailable_for_the_target_is_an_error_saying_so(
    region: str, family: str, arch: str, why: str
) -> None:
    fn = function({"Architectures": [arch], "Layers": [f"safelambda:{family}"]})
    assert failure(template(Fn=fn), region=region) == [
        f"SL203 Fn.Properties.Layers[0]: layer family '{family}' {why}"
    ]


def test_x86_build_still_resolves_where_arm64_is_missing() -> None:
    fn = function({"Layers": ["safelambda:powertools-v3-python312"]})
    assert layers_of(run(template(Fn=fn), region="ca-west-1")) == [
        "arn:aws:lambda:ca-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:37"
    ]


def test_swap_into_a_region_without_the_sibling_is_an_error() -> None:
    x86 = "arn:aws:lambda:ca-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64"
    x86 += ":37"
    fn = function({"Architectures": ["arm64"], "Layers": [x86]})
    assert failure(template(Fn=fn), region="ca-west-1") == [
        "SL203 Fn.Properties.Layers[0]: layer family 'powertools-v3-python312' has no arm64 "
        "build in ca-west-1"
    ]


# -- duplicates and the limit ------------------------------------------------------------------


KEPT = "removed; the first is kept"


def test_duplicate_layers_keep_the_first_by_layer_not_by_version() -> None:
    older = f"arn:aws:lambda:us-east-1:{DD}:layer:Datadog-Extension-ARM:60"
    shared = "arn:aws:lambda:us-east-1:123456789012:layer:shared:3"
    fn = function({"Architectures": ["arm64"], "Layers": [older, shared, FAMILY, DD_X86, shared]})
    processed = run(template(Fn=fn))
    assert layers_of(processed) == [older, shared]
    assert (
        warnings_of(processed)
        == [  # the report lists warnings by resource and path
            f"SL208 Fn.Properties.Layers[2]: duplicate of layer {older[:-3]} {KEPT}",
            "SL206 Fn.Properties.Layers[3]: layer Datadog-Extension is built for the other "
            f"architecture; arm64 uses {DD_ARM}",
            f"SL208 Fn.Properties.Layers[3]: duplicate of layer {older[:-3]} {KEPT}",
            f"SL208 Fn.Properties.Layers[4]: duplicate of layer {shared[:-2]} {KEPT}",
        ]
    )


def test_five_layers_pass_and_a_sixth_is_an_error() -> None:
    five = [f"arn:aws:lambda:us-east-1:123456789012:layer:l{i}:1" for i in range(5)]
    assert layers_of(run(template(Fn=function({"Layers": five})))) == five
    six = function({"Layers": five}, Metadata={"SafeLambda": {"Layers": ["datadog-extension"]}})
    assert failure(template(Fn=six)) == [
        "SL205 Fn.Properties.Layers: 6 layers for x86_64; Lambda allows 5"
    ]


def test_duplicates_are_removed_before_counting() -> None:
    five = [f"arn:aws:lambda:us-east-1:123456789012:layer:l{i}:1" for i in range(5)]
    processed = run(template(Fn=function({"Layers": [*five, five[0]]})))
    assert layers_of(processed) == five


# -- mapping sources ---------------------------------------------------------------------------


def family(
    arch_names: dict[str, str], version: int, account: str = "222222222222"
) -> dict[str, Any]:
    return {
        "Architectures": {
            arch: {
                "Arn": f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:{account}:layer:{name}",
                "Version": version,
            }
            for arch, name in arch_names.items()
        }
    }


def test_template_mapping_overrides_the_bundled_family_and_publishes_a_new_version() -> None:
    fn = function({"Architectures": ["arm64"], "Layers": [FAMILY]})
    bundled = run(template(Fn=fn))
    fragment = template(Fn=fn)
    own = family({"x86_64": "Datadog-Extension", "arm64": "Datadog-Extension-ARM"}, 103, DD)
    fragment["Metadata"] = {"SafeLambda": {"Layers": {"datadog-extension": own}}}
    processed = run(fragment)
    assert layers_of(processed) == [DD_ARM.replace(":99", ":103")]
    assert version_id(processed) != version_id(bundled)


def test_sources_merge_bundled_then_macro_environment_then_template() -> None:
    deploy = {
        "datadog-extension": family({"arm64": "Dd-Arm"}, 1),
        "team-tools": family({"arm64": "team-tools-arm64", "x86_64": "team-tools-x86"}, 7),
    }
    fragment = template(
        Fn=function({"Architectures": ["arm64"], "Layers": [FAMILY, "safelambda:team-tools"]})
    )
    fragment["Metadata"] = {
        "SafeLambda": {"Layers": {"datadog-extension": family({"arm64": "Dd-Tpl"}, 2)}}
    }
    environ = {"SAFELAMBDA_LAYER_MAPPING": json.dumps(deploy)}
    assert layers_of(run(fragment, environ=environ)) == [
        "arn:aws:lambda:us-east-1:222222222222:layer:Dd-Tpl:2",
        "arn:aws:lambda:us-east-1:222222222222:layer:team-tools-arm64:7",
    ]


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        pytest.param(
            {
                "datadog-extension": {
                    "Architectures": {
                        "arm64": {"Arn": "arn:aws:lambda:us-east-1:1:layer:x", "Version": 1}
                    }
                }
            },
            "layer family datadog-extension.Architectures.arm64.Arn: must be an unversioned",
            id="bad-arn",
        ),
        pytest.param(
            {
                "team": {
                    "Architectures": {
                        "arm64": {
                            "Arn": "arn:aws:lambda:us-east-1:222222222222:layer:x",
                            "Version": "3",
                        }
                    }
                }
            },
            "layer family team.Architectures.arm64.Version: must be a positive integer",
            id="version-as-string",
        ),
        pytest.param(
            {
                "team": {
                    "Architectures": {
                        "arm": {
                            "Arn": "arn:aws:lambda:us-east-1:222222222222:layer:x",
                            "Version": 3,
                        }
                    }
                }
            },
            "layer family team.Architectures: must map x86_64 and/or arm64 to a build",
            id="unknown-architecture",
        ),
        pytest.param(
            {"team": {"Architectures": {}, "Regoins": ["eu-west-1"]}},
            "layer family team.Regoins: unknown field",
            id="typo-in-a-field",
        ),
        pytest.param(
            {"team": {**family({"arm64": "t"}, 1), "Exceptions": [{"Regions": ["eu-west-1"]}]}},
            "layer family team.Exceptions[0]: needs Account, Version or Available",
            id="exception-without-effect",
        ),
        pytest.param(
            {"Team Tools": family({"arm64": "t"}, 1)},
            "layer family Team Tools: family names",
            id="bad-name",
        ),
        pytest.param(
            ["datadog-extension"], "must map family names to families", id="not-a-mapping"
        ),
    ],
)
def test_malformed_template_mapping_is_coded_and_names_the_entry(
    mapping: Any, expected: str
) -> None:
    fragment = template(Fn=function())
    fragment["Metadata"] = {"SafeLambda": {"Layers": mapping}}
    problems = failure(fragment)
    assert problems[0].startswith(f"SL201 Metadata.SafeLambda.Layers: {expected}")


def test_malformed_deploy_time_mapping_never_echoes_its_value() -> None:
    secret = '{"datadog-extension": {"Architectures": "hunter2"'
    problems = failure(template(Fn=function()), environ={"SAFELAMBDA_LAYER_MAPPING": secret})
    assert problems == ["SL201 SAFELAMBDA_LAYER_MAPPING: is not valid JSON (line 1 column 50)"]
    wrong = json.dumps({"x": {"Architectures": {"arm64": {"Arn": "hunter2", "Version": 1}}}})
    (problem,) = failure(template(Fn=function()), environ={"SAFELAMBDA_LAYER_MAPPING": wrong})
    assert problem.startswith(
        "SL201 SAFELAMBDA_LAYER_MAPPING: layer family x.Architectures.arm64.Arn"
    )
    assert "hunter2" not in problem


def test_template_without_layers_is_untouched_by_the_step() -> None:
    fragment = template(Fn=function(), Other={"Type": "AWS::SQS::Queue"})
    processed = run(fragment)
    assert "Layers" not in processed["Resources"]["Fn"]["Properties"]


def test_transform_parameters_are_the_last_mapping_source() -> None:
    fragment = template(Fn=function({"Architectures": ["arm64"], "Layers": [FAMILY]}))
    fragment["Metadata"] = {
        "SafeLambda": {"Layers": {"datadog-extension": family({"arm64": "A"}, 1)}}
    }
    parameters = {"Layers": {"datadog-extension": family({"arm64": "B"}, 2)}}
    assert layers_of(run(fragment, parameters=parameters)) == [
        "arn:aws:lambda:us-east-1:222222222222:layer:B:2"
    ]


def test_input_is_not_mutated_and_output_is_deterministic() -> None:
    fragment = if_arch_template({"Fn::Equals": [{"Ref": "AWS::StackName"}, "x"]})
    before = copy.deepcopy(fragment)
    first, second = run(fragment), run(fragment)
    assert fragment == before
    assert json.dumps(first) == json.dumps(second)


def test_problem_found_in_both_architecture_branches_is_reported_once() -> None:
    fragment = if_arch_template({"Fn::Equals": [{"Ref": "AWS::StackName"}, "x"]})
    shared = "arn:aws:lambda:us-east-1:123456789012:layer:shared:3"
    fragment["Resources"]["Fn"]["Properties"]["Layers"] = [shared, shared]
    processed = run(fragment)
    assert layers_of(processed) == [shared]
    assert warnings_of(processed) == [
        f"SL208 Fn.Properties.Layers[1]: duplicate of layer {shared[:-2]} {KEPT}"
    ]
