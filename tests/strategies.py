"""Hypothesis strategies for template values full of intrinsic functions, shared by tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from safelambda.template.intrinsics import FUNCTIONS

NAMES = sorted(FUNCTIONS - {"Condition"}) + ["Fn::Future"]
WORDS = ["prod", "IsProd", "IsDev", "Named", "Loop", "Sizes", "Memory", "AWS::NoValue"]
WORDS += ["AWS::Region", "Stage", "Subnets", "Role.Arn", "${Stage}", "${!x}", "${AWS::StackName}"]
LEAVES = st.one_of(
    st.just({"Ref": "AWS::NoValue"}),
    st.sampled_from(WORDS),
    st.sampled_from(WORDS),
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.text(max_size=8),
)


def _shaped(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Intrinsics with the argument shapes CloudFormation expects (values still arbitrary)."""
    pair = st.tuples(children, children).map(list)
    conditions = st.sampled_from(["IsProd", "IsDev", "Named", "Loop", "Missing"])
    return st.one_of(
        st.builds(lambda c, a, b: {"Fn::If": [c, a, b]}, conditions, children, children),
        st.builds(lambda k: {"Fn::FindInMap": ["Sizes", k, "Memory"]}, children),
        st.builds(lambda d, xs: {"Fn::Join": [d, xs]}, children, st.lists(children, max_size=3)),
        st.builds(lambda i, xs: {"Fn::Select": [i, xs]}, children, st.lists(children, max_size=3)),
        st.builds(
            lambda t, m: {"Fn::Sub": [t, m]},
            st.one_of(st.sampled_from(["${x}-${AWS::StackName}", "${Stage}${x}"]), children),
            st.dictionaries(st.sampled_from(["Stage", "x"]), children, max_size=2),
        ),
        st.builds(
            lambda name, args: {name: args},
            st.sampled_from(["Fn::Equals", "Fn::Split", "Fn::And", "Fn::Or"]),
            pair,
        ),
        st.builds(lambda c: {"Fn::Not": [c]}, children),
        st.builds(lambda name: {"Ref": name}, st.sampled_from(WORDS)),
        st.builds(lambda name: {"Condition": name}, conditions),
    )


def _json(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    intrinsic = st.builds(lambda name, arg: {name: arg}, st.sampled_from(NAMES), children)
    return st.one_of(
        intrinsic,
        _shaped(children),
        _shaped(children),
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(["A", "B", "Variables"]), children, max_size=3),
        st.builds(lambda arg: {"Condition": arg}, children),
    )


VALUES = st.recursive(LEAVES, _json, max_leaves=25)
