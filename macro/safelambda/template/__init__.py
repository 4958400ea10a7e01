"""What every step reads a template with: the shape checks run first (`shape.checked`, with the
property types of `types`), the intrinsic functions (`intrinsics` reads them, `checks` checks
them) and the deploy-time resolver (`resolve`)."""

from .intrinsics import (
    CONTAINERS,
    FUNCTIONS,
    SUB_VARIABLE,
    Path,
    function_of,
    getatt_parts,
    invokes,
    names_in,
    references,
    render_path,
    sub_parts,
    sub_references,
)
from .resolve import NO_VALUE, NO_VALUE_REF, DeployContext, Resolver, is_resolved, partition_of
from .rewrite import Change, Retarget, Targets, rename, rename_by, retarget, retargeted
from .shape import FUNCTION, RESOURCE_LIMIT, TEMPLATE_LIMIT, checked, functions, properties

__all__ = [
    "CONTAINERS",
    "FUNCTION",
    "FUNCTIONS",
    "NO_VALUE",
    "NO_VALUE_REF",
    "RESOURCE_LIMIT",
    "SUB_VARIABLE",
    "TEMPLATE_LIMIT",
    "Change",
    "DeployContext",
    "Path",
    "Resolver",
    "Retarget",
    "Targets",
    "checked",
    "function_of",
    "functions",
    "getatt_parts",
    "invokes",
    "is_resolved",
    "names_in",
    "partition_of",
    "properties",
    "references",
    "rename",
    "rename_by",
    "render_path",
    "retarget",
    "retargeted",
    "sub_parts",
    "sub_references",
]
