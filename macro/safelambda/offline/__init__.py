"""The template's `Transform` list run offline, as CloudFormation would before the macro: the
entry is `pipeline.run`; `language` expands AWS::LanguageExtensions, `sam` runs
aws-sam-translator, `loader` reads YAML and JSON text."""

from .loader import load_json, load_yaml
from .pipeline import Outcome

__all__ = ["Outcome", "load_json", "load_yaml"]
