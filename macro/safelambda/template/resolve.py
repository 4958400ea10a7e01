"""Resolve what is knowable at deploy time: parameters, pseudo parameters, conditions, mappings.

A macro receives `templateParameterValues` already evaluated, so the values CloudFormation will
use are known before any resource exists. What is not known (resource attributes, imports,
`AWS::StackName`, `Fn::GetAZs`, dynamic references) stays symbolic, with its arguments resolved
and in one canonical form (`Fn::GetAtt` as a list), so `!GetAtt A.Arn` and `Fn::GetAtt: A.Arn`
read the same. Unknown or malformed intrinsics stay as written: resolution never raises on odd
input.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from .intrinsics import CONTAINERS, SUB_VARIABLE, function_of, getatt_parts, sub_parts


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Any = _NoValue()
NO_VALUE_REF = {"Ref": "AWS::NoValue"}

# Functions CloudFormation evaluates at deploy time from values a macro cannot know: left
# symbolic, arguments resolved. `Fn::Transform` and `Fn::ForEach` are not in the list: their
# arguments are other macros' input and stay exactly as written.
SYMBOLIC = frozenset({"Fn::ImportValue", "Fn::GetAZs", "Fn::Cidr", "Fn::ToJsonString"})
# Conditions referring to conditions: deeper chains than this resolve to unknown instead of
# exhausting the stack.
CONDITION_DEPTH = 64

# Region prefix -> (partition, URL suffix). Checked longest prefix first.
PARTITIONS: tuple[tuple[str, str, str], ...] = (
    ("us-isob-", "aws-iso-b", "sc2s.sgov.gov"),
    ("us-iso-", "aws-iso", "c2s.ic.gov"),
    ("eu-isoe-", "aws-iso-e", "cloud.adc-e.uk"),
    ("us-gov-", "aws-us-gov", "amazonaws.com"),
    ("cn-", "aws-cn", "amazonaws.com.cn"),
)


def partition_of(region: str) -> tuple[str, str]:
    for prefix, partition, suffix in PARTITIONS:
        if region.startswith(prefix):
            return partition, suffix
    return "aws", "amazonaws.com"


class DeployContext(NamedTuple):
    """What CloudFormation tells a macro about the deploy."""

    region: str = "us-east-1"
    account_id: str = "123456789012"
    parameters: Mapping[str, Any] = MappingProxyType({})

    @property
    def pseudo(self) -> dict[str, str]:
        partition, suffix = partition_of(self.region)
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": partition,
            "AWS::URLSuffix": suffix,
        }


def is_resolved(value: Any) -> bool:
    """True when no intrinsic function is left anywhere inside `value`."""
    if isinstance(value, list):
        return all(is_resolved(v) for v in value)
    if isinstance(value, dict):
        return function_of(value) is None and all(is_resolved(v) for v in value.values())
    return True


class Resolver:
    """Evaluates intrinsics against one template and one deploy context."""

    def __init__(self, template: Mapping[str, Any], context: DeployContext) -> None:
        self.context = context
        self.values: dict[str, Any] = {**context.pseudo, **dict(context.parameters)}
        self.values["AWS::NoValue"] = NO_VALUE
        conditions = template.get("Conditions")
        mappings = template.get("Mappings")
        self.conditions = conditions if isinstance(conditions, dict) else {}
        self.mappings = mappings if isinstance(mappings, dict) else {}
        self._condition_cache: dict[str, bool | None] = {}
        self._condition_depth = 0
        self._functions: dict[str, Callable[[Any], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._getatt,
            "Fn::Length": self._length,
            "Fn::If": self._if,
            "Fn::FindInMap": self._find_in_map,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::Base64": self._base64,
            "Fn::Equals": self._equals,
            "Fn::And": self._and,
            "Fn::Or": self._or,
            "Fn::Not": self._not,
        }

    def resolve(self, value: Any) -> Any:
        """`value` with everything knowable evaluated; `AWS::NoValue` entries removed."""
        if isinstance(value, list):
            # Only mappings and lists can change; leaves are kept without a call each.
            items = (self.resolve(v) if isinstance(v, CONTAINERS) else v for v in value)
            return [v for v in items if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        name = function_of(value)
        handler = self._functions.get(name) if name else None
        if handler is not None:
            return handler(value[name])
        if name in SYMBOLIC:
            return {name: self._arg(value[name])}
        if name is not None:  # a function we do not evaluate: leave it as written
            return value
        pairs = ((k, self.resolve(v) if isinstance(v, CONTAINERS) else v) for k, v in value.items())
        return {k: v for k, v in pairs if v is not NO_VALUE}

    def condition(self, name: str) -> bool | None:
        """The value of a named condition, or None when it depends on something unknown."""
        if name not in self._condition_cache:
            if self._condition_depth >= CONDITION_DEPTH:
                return None
            self._condition_cache[name] = None  # a cycle resolves to unknown
            self._condition_depth += 1
            try:
                result = self.resolve(self.conditions.get(name))
            finally:
                self._condition_depth -= 1
            self._condition_cache[name] = result if isinstance(result, bool) else None
        return self._condition_cache[name]

    def _arg(self, value: Any) -> Any:
        """`value` resolved for a place that stays symbolic, where `AWS::NoValue` is kept."""
        resolved = self.resolve(value)
        return NO_VALUE_REF if resolved is NO_VALUE else resolved

    # -- one resolver per function name ---------------------------------------------------------

    def _ref(self, argument: Any) -> Any:
        if isinstance(argument, str) and argument in self.values:
            return self.values[argument]
        return {"Ref": argument}

    def _getatt(self, argument: Any) -> Any:
        parts = getatt_parts(argument)
        if parts is None:
            return {"Fn::GetAtt": argument}
        return {"Fn::GetAtt": list(parts)}

    def _length(self, argument: Any) -> Any:
        items = self._arg(argument)
        return len(items) if isinstance(items, list) else {"Fn::Length": items}

    def _if(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 3 and isinstance(argument[0], str)):
            return {"Fn::If": argument}
        decided = self.condition(argument[0])
        if decided is None:
            return {"Fn::If": [argument[0], self._arg(argument[1]), self._arg(argument[2])]}
        return self.resolve(argument[1] if decided else argument[2])

    def _find_in_map(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) not in (3, 4):
            return {"Fn::FindInMap": argument}
        keys = [self._arg(k) for k in argument[:3]]
        if all(isinstance(k, str | int) and not isinstance(k, bool) for k in keys):
            found = self.mappings.get(str(keys[0]), {})
            found = found.get(str(keys[1]), {}) if isinstance(found, dict) else {}
            if isinstance(found, dict) and str(keys[2]) in found:
                return self.resolve(found[str(keys[2])])
        default = argument[3] if len(argument) == 4 else None
        if isinstance(default, dict) and "DefaultValue" in default:
            return self.resolve(default["DefaultValue"])
        return {"Fn::FindInMap": [*keys, *(self._arg(d) for d in argument[3:])]}

    def _sub(self, argument: Any) -> Any:
        parts = sub_parts(argument)
        if parts is None:
            return {"Fn::Sub": argument}
        text, local = parts
        local = {k: self._arg(v) for k, v in local.items()}

        def replace(match: Any) -> str:
            name = match.group(1).strip()
            known = local[name] if name in local else self.values.get(name)
            # A value is literal text: escaped, so a `${X}` inside it is never read as a variable.
            return known.replace("${", "${!") if isinstance(known, str) else str(match.group(0))

        new_text = SUB_VARIABLE.sub(replace, text)
        if SUB_VARIABLE.search(new_text) is None:
            return new_text.replace("${!", "${")
        remaining = {k: v for k, v in local.items() if not isinstance(v, str)}
        return {"Fn::Sub": [new_text, remaining] if remaining else new_text}

    def _join(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            return {"Fn::Join": argument}
        delimiter, parts = self._arg(argument[0]), self._arg(argument[1])
        if isinstance(delimiter, str) and isinstance(parts, list) and _strings(parts):
            return delimiter.join(parts)
        return {"Fn::Join": [delimiter, parts]}

    def _select(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            return {"Fn::Select": argument}
        index, items = self._arg(argument[0]), self._arg(argument[1])
        if isinstance(index, str) and index.isascii() and index.isdigit():
            index = int(index)
        valid = isinstance(index, int) and not isinstance(index, bool)
        if valid and isinstance(items, list) and 0 <= index < len(items):
            return items[index]
        return {"Fn::Select": [index, items]}

    def _split(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            return {"Fn::Split": argument}
        delimiter, text = self._arg(argument[0]), self._arg(argument[1])
        if isinstance(delimiter, str) and delimiter and isinstance(text, str):
            return text.split(delimiter)
        return {"Fn::Split": [delimiter, text]}

    def _base64(self, argument: Any) -> Any:
        text = self._arg(argument)
        if isinstance(text, str):
            return base64.b64encode(text.encode("utf-8", "surrogatepass")).decode()
        return {"Fn::Base64": text}

    def _equals(self, argument: Any) -> Any:
        if not (isinstance(argument, list) and len(argument) == 2):
            return {"Fn::Equals": argument}
        left, right = self._arg(argument[0]), self._arg(argument[1])
        if is_resolved(left) and is_resolved(right):
            return _scalar(left) == _scalar(right)
        return {"Fn::Equals": [left, right]}

    def _and(self, argument: Any) -> Any:
        values = self._booleans(argument)
        if values is None or False in values:
            return False if values and False in values else {"Fn::And": argument}
        return True if None not in values else {"Fn::And": argument}

    def _or(self, argument: Any) -> Any:
        values = self._booleans(argument)
        if values is None or True in values:
            return True if values and True in values else {"Fn::Or": argument}
        return False if None not in values else {"Fn::Or": argument}

    def _not(self, argument: Any) -> Any:
        values = self._booleans(argument)
        if values is None or len(values) != 1 or values[0] is None:
            return {"Fn::Not": argument}
        return not values[0]

    def _booleans(self, argument: Any) -> list[bool | None] | None:
        if not isinstance(argument, list):
            return None
        results = (self._operand(item) for item in argument)
        return [r if isinstance(r, bool) else None for r in results]

    def _operand(self, item: Any) -> Any:
        # `{"Condition": Name}` names a condition only as an operand of Fn::And, Or and Not;
        # elsewhere (an environment variable called Condition) it is plain data.
        if isinstance(item, dict) and list(item) == ["Condition"]:
            return self.condition(item["Condition"]) if isinstance(item["Condition"], str) else None
        return self.resolve(item)


def _strings(values: list[Any]) -> bool:
    return all(isinstance(v, str) for v in values)


def _scalar(value: Any) -> Any:
    # CloudFormation compares parameter values as strings: `Fn::Equals [!Ref Count, 2]` is true
    # when the parameter is "2".
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if isinstance(value, int | float) else value
