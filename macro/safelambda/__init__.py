"""SafeLambda: every Lambda integration on a published Version behind an Alias."""

from .errors import CODES, Problem, SafeLambdaError, Severity, TransformError
from .report import Report
from .template import DeployContext
from .transform import Result, transform

__all__ = [
    "CODES",
    "DeployContext",
    "Problem",
    "Report",
    "Result",
    "SafeLambdaError",
    "Severity",
    "TransformError",
    "transform",
]
__version__ = "0.1.0"
