"""`names_in`, the cheap pre-check of the whole-template scans, never misses a name.

Steps skip a resource when `names_in` shows it names nothing they care about, so it must be a
superset of what `references` finds and of what `rename` would change.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from safelambda.errors import Problem
from safelambda.template import names_in, references, rename
from safelambda.template.checks import intrinsic_check

IDS = st.sampled_from(["Fn", "Queue", "FnVersion0123456789", "AWS::Region"])
RENAMES = {"FnVersion0123456789": "FnVersionabcdefabcd", "Queue": "Jobs"}
SUB_TEXT = st.lists(
    st.one_of(
        IDS.map(lambda name: "${%s}" % name),
        IDS.map(lambda name: "${ %s.Arn }" % name),
        st.sampled_from(["arn:aws:lambda:", "${!Literal}", "/", "${Fn"]),
    ),
    max_size=4,
).map("".join)
SCALARS = st.one_of(IDS, st.text(max_size=4), st.integers(), st.booleans(), st.none())


def _intrinsics(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.one_of(IDS, children).map(lambda argument: {"Ref": argument}),
        st.tuples(IDS, st.sampled_from(["Arn", "Version"])).map(
            lambda parts: {"Fn::GetAtt": list(parts)}
        ),
        IDS.map(lambda name: {"Fn::GetAtt": f"{name}.Arn"}),
        children.map(lambda argument: {"Fn::GetAtt": argument}),
        SUB_TEXT.map(lambda text: {"Fn::Sub": text}),
        st.tuples(SUB_TEXT, st.dictionaries(IDS, children, max_size=2)).map(
            lambda parts: {"Fn::Sub": list(parts)}
        ),
        children.map(lambda argument: {"Fn::Sub": argument}),
        st.tuples(children, children).map(lambda pair: {"Fn::If": ["Cond", *pair]}),
    )


TREES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(IDS, st.text(max_size=3)), children, max_size=3),
        _intrinsics(children),
    ),
    max_leaves=25,
)


@given(TREES)
def test_names_in_holds_every_target_references_finds(tree: Any) -> None:
    assert {reference.target for _, reference in references(tree)} <= names_in(tree)


@given(TREES)
def test_names_in_holds_only_what_references_finds(tree: Any) -> None:
    # Place.aliased reads its names to tell which aliases a value invokes: no extra name.
    # (For Sub maps whose keys hold no dot, which are the ones TREES makes: `${X.Attr}` with a
    # map key `X.Attr` but none `X` is kept, as `rename` would rename X.)
    assert names_in(tree) <= {reference.target for _, reference in references(tree)}


@given(TREES)
def test_a_tree_naming_no_renamed_resource_is_left_as_it_is_by_rename(tree: Any) -> None:
    if names_in(tree).isdisjoint(RENAMES):
        assert rename(tree, RENAMES) == tree


def test_names_in_reads_every_form() -> None:
    tree = {
        "A": {"Ref": "Fn"},
        "B": [{"Fn::GetAtt": ["Queue", "Arn"]}, {"Fn::GetAtt": "Topic.TopicName"}],
        "C": {"Fn::Sub": ["${Api}/${Stage}/${!Skip}", {"Stage": {"Ref": "StageName"}}]},
        "D": {"Fn::If": ["Cond", {"Ref": "Left"}, {"Fn::Sub": "${Right.Arn}"}]},
    }
    # `${Stage}` is a variable of the Sub's own map, not a resource; what defines it is read.
    assert names_in(tree) == {"Fn", "Queue", "Topic", "Api", "StageName", "Left", "Right"}


def _checked_names(tree: Any) -> tuple[list[Problem], set[str]]:
    declared = {rid: {"Type": "AWS::SQS::Queue"} for rid in ("Fn", "Queue", "FnVersion0123456789")}
    template = {
        "Conditions": {"Cond": {"Fn::Equals": ["a", "b"]}},
        "Resources": {**declared, "Place": {"Type": "AWS::SNS::Topic", "Properties": {"P": tree}}},
    }
    problems, names = intrinsic_check(template, complete=True)
    return problems, names["Place"]


@given(TREES)
def test_the_input_checks_name_every_resource_references_finds(tree: Any) -> None:
    # Steps skip resources by the names the input checks found (`Work.may_name`), instead of
    # walking each resource again with `names_in`. Steps run only on templates without
    # problems, but the names hold even for those with some (most random trees have one).
    _, names = _checked_names(tree)
    found = {reference.target for _, reference in references(tree)}
    assert found & {"Fn", "Queue", "FnVersion0123456789"} <= names
    if names.isdisjoint(RENAMES):
        assert rename(tree, RENAMES) == tree


def test_the_input_checks_name_every_form() -> None:
    tree = {
        "A": {"Ref": "Fn"},
        "B": [{"Fn::GetAtt": ["Queue", "Arn"]}],
        "C": {"Fn::Sub": ["${FnVersion0123456789.Version}/${Own}", {"Own": "x"}]},
    }
    assert _checked_names(tree) == ([], {"Fn", "Queue", "FnVersion0123456789"})
