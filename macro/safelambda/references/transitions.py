"""The deploy that brings the rewritten template, not only the template: after every reference
and permission has moved, replace what serves a snapshot (`rotation`), order each integration
after what its first invocation of the alias needs (`ordering`), and report the integrations
whose grant is not in the template (`grants`, SL307)."""

from __future__ import annotations

from ..work import Work
from . import apis, grants, ordering, rotation
from .graph import Graph
from .place import Context


def run(work: Work, context: Context) -> None:
    found = apis.apis(work)
    rotation.run(work, found)
    index = grants.Grants(work, context, Graph(work))
    ordering.run(work, context, index, found)
    grants.run(work, context, index)
