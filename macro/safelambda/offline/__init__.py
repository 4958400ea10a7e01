"""The template's `Transform` list run offline, as CloudFormation would before the macro: the
entry is `pipeline.run`; `include` inserts local `AWS::Include` files first (it reads files,
from the template's folder), `language` expands AWS::LanguageExtensions, `sam` runs
aws-sam-translator after `local` fills in what SAM CLI would and with `sar` answering for the
Serverless Application Repository; `loader` reads YAML and JSON text."""

from .include import expand as expand_includes
from .loader import load_json, load_yaml, parse
from .pipeline import Outcome

__all__ = ["Outcome", "expand_includes", "load_json", "load_yaml", "parse"]
